// Risk covered: double debits and negative balances when identical or competing requests arrive at once.
import { SignedClient } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';

let server: TestServer;
let op: SignedClient;

beforeAll(async () => {
  server = await startTestServer('concurrency');
  op = await (await server.admin()).createOperator('op-race', ['EUR']);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
});

test('50 identical deposits at once apply exactly once; the other 49 are answered as its duplicate', async () => {
  await op.call('/v1/player/create', { userID: 'same0001', currency: 'EUR' });
  const request = { userID: 'same0001', currency: 'EUR', amount: 12.34, transactionID: 'dup-deposit-1' };
  const answers = await Promise.all(Array.from({ length: 50 }, () => op.call('/v1/player/wallet/deposit', request)));
  const applied = answers.filter((a) => a.code === 0);
  const duplicates = answers.filter((a) => a.code === 11);
  expect(applied).toHaveLength(1);
  expect(duplicates).toHaveLength(49);
  for (const duplicate of duplicates) {
    expect(duplicate.platformTransactionID).toBe(applied[0].platformTransactionID);
    expect(duplicate.balance).toBe(12.34);
  }
  expect((await op.call('/v1/player/balance', { userID: 'same0001', currency: 'EUR' })).balance).toBe(12.34);
  const [rows] = await server.db.query<any[]>(
    "SELECT COUNT(*) AS n FROM transactions WHERE transaction_id = 'dup-deposit-1'",
  );
  expect(Number(rows[0].n)).toBe(1);
});

test('200 concurrent withdrawals of 1.00 against 100.00: exactly 100 applied, balance 0, never negative', async () => {
  await op.call('/v1/player/create', { userID: 'race0001', currency: 'EUR' });
  await op.call('/v1/player/wallet/deposit', {
    userID: 'race0001',
    currency: 'EUR',
    amount: 100,
    transactionID: 'race-fund',
  });
  const answers = await Promise.all(
    Array.from({ length: 200 }, (_, i) =>
      op.call('/v1/player/wallet/withdraw', {
        userID: 'race0001',
        currency: 'EUR',
        amount: 1,
        transactionID: `race-w-${i}`,
      }),
    ),
  );
  const codes = answers.map((a) => a.code);
  expect(codes.filter((c) => c === 0)).toHaveLength(100);
  expect(codes.filter((c) => c === 7)).toHaveLength(100);
  // Every success reports a distinct balance-after from 99 down to 0: each debit saw the one before it.
  const after = answers
    .filter((a) => a.code === 0)
    .map((a) => a.balance)
    .sort((a, b) => a - b);
  expect(after).toEqual(Array.from({ length: 100 }, (_, i) => i));
  expect((await op.call('/v1/player/balance', { userID: 'race0001', currency: 'EUR' })).balance).toBe(0);
  const [rows] = await server.db.query<any[]>(
    "SELECT MIN(balance_after_minor) AS low FROM transactions WHERE user_id = 'race0001'",
  );
  expect(Number(rows[0].low)).toBe(0);
});

test('deposits and withdrawals racing on one wallet, each retried at once, apply once each', async () => {
  await op.call('/v1/player/create', { userID: 'mix00001', currency: 'EUR' });
  await op.call('/v1/player/wallet/deposit', {
    userID: 'mix00001',
    currency: 'EUR',
    amount: 10,
    transactionID: 'mix-fund',
  });
  const requests = Array.from({ length: 40 }, (_, i) => ({
    path: i % 2 ? '/v1/player/wallet/withdraw' : '/v1/player/wallet/deposit',
    body: { userID: 'mix00001', currency: 'EUR', amount: 0.5, transactionID: `mix-${i}` },
  }));
  // Each request is sent three times concurrently with itself and with all the others.
  const answers = await Promise.all(requests.flatMap((r) => [r, r, r]).map((r) => op.call(r.path, r.body)));
  for (let i = 0; i < requests.length; i++) {
    const mine = answers
      .slice(i * 3, i * 3 + 3)
      .map((a) => a.code)
      .sort();
    expect([
      [0, 11, 11],
      [7, 7, 7],
    ]).toContainEqual(mine);
  }
  const applied = new Map<string, number>();
  for (const a of answers) if (a.code === 0) applied.set(a.platformTransactionID, a.balance);
  const [rows] = await server.db.query<any[]>(
    "SELECT COUNT(*) AS n FROM transactions WHERE user_id = 'mix00001' AND status = 'applied'",
  );
  expect(Number(rows[0].n)).toBe(applied.size + 1);
});
