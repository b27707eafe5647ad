// Risk covered: the reconciliation feed (PROTOCOL §4 resumeCursor) skipping or repeating a transaction. A client
// tails /v1/transactions with resumeCursor while 50 writers store transactions and some commits are held open from
// second connections, so that they finish after transactions that got later ids: every transaction must be seen
// exactly once. Also: resumeCursor on empty pages, nextCursor paging in feed order, and cursors that are not ours.
import { randomBytes } from 'node:crypto';
import mysql, { Connection, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { SignedClient } from '../support/clients';
import { TestServer, startTestServer } from '../support/testServer';
import { sleep, until } from '../support/until';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer('feedcursor', { DB_LOCK_WAIT_TIMEOUT_S: '60', DB_POOL_SIZE: '40' });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

async function operatorId(agentId: string): Promise<number> {
  const [rows] = await server.db.query<RowDataPacket[]>('SELECT id FROM operators WHERE agent_id = ?', [agentId]);
  return rows[0]!.id as number;
}

/**
 * A deposit written from a second connection and held open: it takes its row id now and commits only when
 * released, after transactions that took later ids (a complete ledger entry: the wallet moves with it).
 */
async function holdDeposit(agentId: string, userId: string, transactionId: string): Promise<Connection> {
  const id = await operatorId(agentId);
  const target = parseDatabaseUrl(server.databaseUrl);
  // A connection of its own (the assertion pool is small and must stay free for the test's reads).
  const holder = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    database: target.database,
  });
  await holder.query('START TRANSACTION');
  await holder.query(
    "UPDATE wallets SET balance_minor = balance_minor + 100 WHERE operator_id = ? AND user_id = ? AND currency = 'EUR'",
    [id, userId],
  );
  await holder.query(
    `INSERT INTO transactions (platform_transaction_id, origin, origin_id, transaction_id, request_hash, operator_id,
       wallet_id, user_id, currency, type, status, result_code, amount_minor, delta_minor, balance_after_minor, created_at)
     SELECT ?, 'operator', ?, ?, ?, ?, w.id, ?, 'EUR', 'deposit', 'applied', 0, 100, 100, w.balance_minor, NOW(3)
       FROM wallets w WHERE w.operator_id = ? AND w.user_id = ? AND w.currency = 'EUR'`,
    [`HOLD${randomBytes(8).toString('hex')}`, id, transactionId, randomBytes(32), id, userId, id, userId],
  );
  return holder;
}

async function release(holder: Connection): Promise<void> {
  await holder.query('COMMIT');
  await holder.end();
}

/** Polls with resumeCursor, as a reconciling operator does, collecting every transactionID it is shown. */
function tail(operator: SignedClient) {
  const seen: string[] = [];
  let cursor: string | undefined;
  let stopping = false;
  let emptyPages = 0;
  const poll = async () => {
    const page = await operator.call('/v1/transactions', cursor === undefined ? { limit: 7 } : { cursor, limit: 7 });
    expect(page.code).toBe(0);
    expect(typeof page.resumeCursor).toBe('string');
    seen.push(...page.transactions.map((t: { transactionID: string }) => t.transactionID));
    cursor = page.resumeCursor;
    return page.transactions.length;
  };
  const running = (async () => {
    for (;;) {
      const got = await poll();
      emptyPages = got === 0 ? emptyPages + 1 : 0;
      if (stopping && emptyPages >= 3) return;
      if (got === 0) await sleep(20);
    }
  })();
  return {
    seen,
    stop: async () => {
      stopping = true;
      await running;
    },
  };
}

test('50 writers, commits held open out of id order: the tail sees every transaction exactly once', async () => {
  const admin = await server.admin();
  const operator = await admin.createOperator('feed-op', ['EUR']);
  const writers = 50;
  const perWriter = 6;
  for (let w = 0; w < writers; w++) await operator.call('/v1/player/create', { userID: `writer${w}`, currency: 'EUR' });
  for (let h = 0; h < 5; h++) await operator.call('/v1/player/create', { userID: `held${h}`, currency: 'EUR' });
  const tailer = tail(operator);

  // Five deposits that take their ids now and commit only when released, in the middle of the flow.
  const holders = await Promise.all([0, 1, 2, 3, 4].map((h) => holdDeposit('feed-op', `held${h}`, `held-${h}`)));

  const burst = Array.from({ length: writers }, async (_, w) => {
    for (let i = 0; i < perWriter; i++) {
      const answer = await operator.call('/v1/player/wallet/deposit', {
        userID: `writer${w}`,
        currency: 'EUR',
        amount: 0.01 * (i + 1),
        transactionID: `w${w}-${i}`,
      });
      expect(answer.code).toBe(0);
    }
  });
  // The held commits land in the middle of the flow, one after another, each once the tail has read
  // transactions with later ids (so they were numbered before it).
  const releases = (async () => {
    for (let h = 0; h < holders.length; h++) {
      await until(`the tail to have read ${(h + 1) * 50}`, () => tailer.seen.length >= (h + 1) * 50, 60_000, 20);
      await release(holders[h]!);
    }
  })();
  await Promise.all([...burst, releases]);
  await tailer.stop();

  const [stored] = await server.db.query<RowDataPacket[]>(
    "SELECT transaction_id, id, feed_seq FROM transactions WHERE operator_id = ? AND status = 'applied'",
    [await operatorId('feed-op')],
  );
  expect(stored).toHaveLength(writers * perWriter + 5);
  const counts = new Map<string, number>();
  for (const id of tailer.seen) counts.set(id, (counts.get(id) ?? 0) + 1);
  expect([...counts.values()].filter((n) => n !== 1)).toEqual([]);
  expect([...counts.keys()].sort()).toEqual(stored.map((row) => row.transaction_id as string).sort());

  // The held deposits really committed out of id order: each one has a lower id than a transaction before it.
  for (let h = 0; h < 5; h++) {
    const mine = stored.find((row) => row.transaction_id === `held-${h}`)!;
    const overtaken = stored.filter(
      (row) => BigInt(row.id) > BigInt(mine.id) && BigInt(row.feed_seq) < BigInt(mine.feed_seq),
    );
    expect(overtaken.length).toBeGreaterThan(0);
  }
}, 120_000);

test('resumeCursor: an empty page answers the start, then the cursor it was given; paging in feed order', async () => {
  const admin = await server.admin();
  const operator = await admin.createOperator('feed-empty', ['EUR']);
  const empty = await operator.call('/v1/transactions', {});
  expect(empty).toMatchObject({ code: 0, transactions: [], nextCursor: null });
  const again = await operator.call('/v1/transactions', { cursor: empty.resumeCursor });
  expect(again).toMatchObject({ transactions: [], resumeCursor: empty.resumeCursor });

  await operator.call('/v1/player/create', { userID: 'feeder01', currency: 'EUR' });
  for (let i = 0; i < 5; i++) {
    await operator.call('/v1/player/wallet/deposit', {
      userID: 'feeder01',
      currency: 'EUR',
      amount: 1,
      transactionID: `fe-${i}`,
    });
  }
  const first = await operator.call('/v1/transactions', { cursor: empty.resumeCursor, limit: 3 });
  expect(first.transactions.map((t: { transactionID: string }) => t.transactionID)).toEqual(['fe-0', 'fe-1', 'fe-2']);
  expect(first.nextCursor).toBe(first.resumeCursor);
  const second = await operator.call('/v1/transactions', { cursor: first.nextCursor, limit: 3 });
  expect(second.transactions.map((t: { transactionID: string }) => t.transactionID)).toEqual(['fe-3', 'fe-4']);
  expect(second.nextCursor).toBeNull();
  const caughtUp = await operator.call('/v1/transactions', { cursor: second.resumeCursor });
  expect(caughtUp).toMatchObject({ transactions: [], resumeCursor: second.resumeCursor });

  // A transaction stored later is what the same cursor answers next, with filters kept.
  await operator.call('/v1/player/wallet/deposit', {
    userID: 'feeder01',
    currency: 'EUR',
    amount: 2,
    transactionID: 'fe-5',
  });
  const next = await operator.call('/v1/transactions', { cursor: second.resumeCursor, userID: 'feeder01' });
  expect(next.transactions.map((t: { transactionID: string }) => t.transactionID)).toEqual(['fe-5']);
  // transactions/search answers it too.
  const search = await admin.ok('/admin/v1/transactions/search', {
    agentID: 'feed-empty',
    cursor: second.resumeCursor,
  });
  expect(search.transactions.map((t: { transactionID: string }) => t.transactionID)).toEqual(['fe-5']);
  expect(typeof search.resumeCursor).toBe('string');
});

test('a transaction not yet numbered is numbered by the listing itself: stored, then listed at once', async () => {
  const admin = await server.admin();
  const operator = await admin.createOperator('feed-now', ['EUR']);
  await operator.call('/v1/player/create', { userID: 'nower001', currency: 'EUR' });
  for (let i = 0; i < 20; i++) {
    await operator.call('/v1/player/wallet/deposit', {
      userID: 'nower001',
      currency: 'EUR',
      amount: 1,
      transactionID: `now-${i}`,
    });
    const page = await operator.call('/v1/transactions', { transactionID: `now-${i}` });
    expect(page.transactions).toHaveLength(1);
  }
  await until('the sequencer to have run', async () => {
    const [rows] = await server.db.query<RowDataPacket[]>('SELECT ran_at FROM feed_sequencer WHERE id = 1');
    return rows[0]!.ran_at !== null;
  });
});

test.each(['not-a-cursor', Buffer.from('{"seq":"x"}').toString('base64url'), Buffer.from('[1]').toString('base64url')])(
  'a cursor that is not ours (%s) is refused with code 2',
  async (cursor) => {
    const admin = await server.admin();
    const operator = await admin.createOperator(`feed-bad-${randomBytes(3).toString('hex')}`, ['EUR']);
    expect(await operator.call('/v1/transactions', { cursor })).toMatchObject({ code: 2 });
  },
);
