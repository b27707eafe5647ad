// Risk covered: a transaction answered as committed when part of it ran outside any transaction (what a
// Galera brute-force abort in the middle of a batch does), callers queued forever on a full pool, and
// retries without bound or back-off (PROTOCOL §13).
import mysql, { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { DatabaseBusyError } from '../../src/app/databaseBusy';
import { backoffMs, createMysqlPool, inMysqlTransaction } from '../../src/db/mysqlPool';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';

const url = uniqueDatabaseUrl('mysqlpool');
const target = parseDatabaseUrl(url);
let admin: Connection;
const pools: Pool[] = [];

function pool(connectionLimit: number, settings: Parameters<typeof createMysqlPool>[2] = {}): Pool {
  const created = createMysqlPool(target, connectionLimit, settings);
  pools.push(created);
  return created;
}

beforeAll(async () => {
  admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', multipleStatements: true });
  await admin.query(
    `CREATE DATABASE \`${target.database}\`; CREATE TABLE \`${target.database}\`.t (id INT PRIMARY KEY)`,
  );
});
afterAll(async () => {
  for (const p of pools) await p.end();
  await admin.end();
  await dropDatabase(url);
});

test('a batch in which the transaction ended is not committed, and what ran after it is rolled back', async () => {
  const p = pool(2, { settings: { transactionAttempts: 1, commitMode: 'alone' } });
  // A COMMIT inside the batch stands in for the cluster aborting the transaction mid-batch: the
  // statements after it must not land (autocommit is off), and the unit must not resolve as applied.
  const outcome = inMysqlTransaction(p, async (tx) => {
    tx.defer('INSERT INTO t VALUES (1)', []);
    tx.defer('COMMIT', []);
    tx.defer('INSERT INTO t VALUES (2)', []);
    await tx.query('SELECT 1');
    return 'applied';
  });
  await expect(outcome).rejects.toBeInstanceOf(DatabaseBusyError);
  const [rows] = await admin.query<RowDataPacket[]>(`SELECT id FROM \`${target.database}\`.t WHERE id = 2`);
  expect(rows).toEqual([]);
});

test('a caller waiting for a connection longer than the acquire timeout gets a retryable refusal', async () => {
  const p = pool(1, { settings: { acquireTimeoutMs: 300 } });
  const held = await p.getConnection();
  const started = Date.now();
  try {
    await expect(p.query('SELECT 1')).rejects.toBeInstanceOf(DatabaseBusyError);
    expect(Date.now() - started).toBeLessThan(3_000);
  } finally {
    held.release();
  }
  // The connection handed out after the caller gave up went back to the pool.
  await expect(p.query('SELECT 1')).resolves.toBeDefined();
});

test('every session has the configured lock-wait timeout', async () => {
  const p = pool(1, { settings: { lockWaitTimeoutS: 3 } });
  const [rows] = await p.query<RowDataPacket[]>('SELECT @@SESSION.innodb_lock_wait_timeout AS s');
  expect(Number(rows[0]!.s)).toBe(3);
});

test('a transaction that keeps losing its lock wait is tried a bounded number of times, then refused as retryable', async () => {
  const p = pool(2, { settings: { lockWaitTimeoutS: 1, transactionAttempts: 2 } });
  await admin.query(`INSERT INTO \`${target.database}\`.t VALUES (10)`);
  const holder = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    database: target.database,
  });
  await holder.query('START TRANSACTION');
  await holder.query('SELECT id FROM t WHERE id = 10 FOR UPDATE');
  let attempts = 0;
  const started = Date.now();
  try {
    await expect(
      inMysqlTransaction(p, async (tx) => {
        attempts++;
        await tx.query('SELECT id FROM t WHERE id = 10 FOR UPDATE');
      }),
    ).rejects.toThrow(/refused the transaction 2 times .*nothing was applied/);
    expect(attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(10_000);
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
});

test('back-off is full jitter under an exponential bound', () => {
  expect(backoffMs(1, () => 0.999)).toBeLessThanOrEqual(5);
  expect(backoffMs(3, () => 0.999)).toBeLessThanOrEqual(20);
  expect(backoffMs(30, () => 0.999)).toBeLessThanOrEqual(320);
  expect(backoffMs(30, () => 0)).toBe(0);
});
