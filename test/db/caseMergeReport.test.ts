// Risk covered: the move to byte-for-byte ids (migration 20261201050000) silently orphaning what the
// case-insensitive collation had merged: a ledger row written as `ALICE01` on the wallet of `Alice01`,
// a round or a remembered balance under a userID no player has exactly, a bet counted in a round of
// another case. Each must be listed in the audit log before the tables change, and nothing rewritten.
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql, { Connection, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';

const BYTE_FOR_BYTE = '20261201050000_ids_compare_byte_for_byte';
const url = uniqueDatabaseUrl('casemerge');
const target = parseDatabaseUrl(url);
let db: Connection;
let before: string;

beforeAll(async () => {
  // The migrations up to the one under test: the database as a case-insensitive build left it.
  before = await mkdtemp(path.join(tmpdir(), 'casemerge-'));
  for (const name of (await readdir(MIGRATIONS_DIR)).filter((n) => n < BYTE_FOR_BYTE)) {
    await cp(path.join(MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
  }
  await migrate(target, before);
  db = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    multipleStatements: true,
  });
});
afterAll(async () => {
  await db?.end();
  await dropDatabase(url);
  await rm(before, { recursive: true, force: true });
});

test('references that held only ignoring case are listed in the audit log, then every column compares byte for byte', async () => {
  // What the case-insensitive build wrote when called with ids of another case.
  await db.query(`
    INSERT INTO operators (id, agent_id, name, currencies, secret_key, salt_key) VALUES (1, 'opA', 'A', 'EUR', 's', 's');
    INSERT INTO providers (id, provider_id, name, secret_key) VALUES (1, 'studio', 'S', 's');
    INSERT INTO players (id, operator_id, user_id) VALUES (1, 1, 'Alice01');
    INSERT INTO wallets (id, operator_id, player_id, user_id, currency, balance_minor) VALUES (1, 1, 1, 'Alice01', 'EUR', 4000);
    INSERT INTO rounds (id, provider_id, operator_id, user_id, round_id, game_id, status, bet_count, opened_at)
      VALUES (1, 1, 1, 'Alice01', 'rCase', 7, 'open', 2, NOW(3)), (2, 1, 1, 'ALICE01', 'r2', 7, 'open', 1, NOW(3));
    INSERT INTO transactions (platform_transaction_id, origin, origin_id, transaction_id, request_hash, operator_id, wallet_id, user_id, currency,
        type, status, result_code, amount_minor, delta_minor, balance_after_minor, provider_id, game_id, round_id) VALUES
      ('P-FUND', 'operator', 1, 'fund', REPEAT('a', 32), 1, 1, 'Alice01', 'EUR', 'deposit', 'applied', 0, 5000, 5000, 5000, NULL, NULL, NULL),
      ('P-UPPER', 'operator', 1, 'wd', REPEAT('b', 32), 1, 1, 'ALICE01', 'EUR', 'withdraw', 'applied', 0, 1000, -1000, 4000, NULL, NULL, NULL),
      ('P-BET1', 'provider', 1, 'bet-1', REPEAT('c', 32), 1, 1, 'Alice01', 'EUR', 'bet', 'applied', 0, 0, 0, 4000, 1, 7, 'rCase'),
      ('P-BET2', 'provider', 1, 'bet-2', REPEAT('d', 32), 1, 1, 'Alice01', 'EUR', 'bet', 'applied', 0, 0, 0, 4000, 1, 7, 'RCASE');
    INSERT INTO operator_balances (operator_id, user_id, currency, balance_minor, updated_at) VALUES (1, 'alice01', 'EUR', 100, NOW(3));
  `);

  const report = await migrate(target);
  expect(report.applied[0]).toBe(BYTE_FOR_BYTE);

  const [entries] = await db.query<RowDataPacket[]>(
    "SELECT action, target_type, target_id, `before`, `after` FROM audit_log WHERE actor = 'migration' ORDER BY id",
  );
  const merged = entries
    .filter((e) => e.action === 'ids.case-merged')
    .map((e) => ({ target: `${e.target_type} ${e.target_id}`, ...JSON.parse(e.before), ...JSON.parse(e.after) }));
  expect(merged).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        target: 'transaction P-UPPER',
        column: 'user_id',
        value: 'ALICE01',
        mergedWith: 'Alice01',
      }),
      expect.objectContaining({ target: 'round 2', column: 'user_id', value: 'ALICE01', mergedWith: 'Alice01' }),
      expect.objectContaining({ target: 'operator-balance 1/alice01/EUR', value: 'alice01', mergedWith: 'Alice01' }),
      expect.objectContaining({
        target: 'transaction P-BET2',
        column: 'round_id',
        value: 'RCASE',
        mergedWith: 'rCase',
      }),
    ]),
  );
  expect(merged).toHaveLength(4);
  const summary = entries.find((e) => e.action === 'ids.byte-for-byte');
  expect(JSON.parse(summary!.after)).toMatchObject({ collation: 'utf8mb4_nopad_bin', caseMergedReferences: 4 });

  // Nothing rewritten: the ledger is as it was.
  const [ledger] = await db.query<RowDataPacket[]>(
    'SELECT platform_transaction_id AS pid, user_id, round_id FROM transactions ORDER BY transactions.id',
  );
  expect(ledger.map((r) => `${r.pid} ${r.user_id} ${r.round_id}`)).toEqual([
    'P-FUND Alice01 null',
    'P-UPPER ALICE01 null',
    'P-BET1 Alice01 rCase',
    'P-BET2 Alice01 RCASE',
  ]);
  // And now the ids are apart.
  const [exact] = await db.query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM players WHERE user_id = 'alice01'");
  expect(Number(exact[0]!.n)).toBe(0);
  await db.query("INSERT INTO players (operator_id, user_id) VALUES (1, 'alice01')");
});
