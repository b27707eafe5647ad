// Risk covered: a request stuck behind a row lock (or losing certification on a cluster, errno 1213)
// retried without bound, or answered as a bare 500 that does not say nothing was applied (PROTOCOL §2, §13).
import mysql, { RowDataPacket } from 'mysql2/promise';
import { SignedClient, postJson } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';

let server: TestServer;
let op: SignedClient;

beforeAll(async () => {
  server = await startTestServer('dbbusy', { DB_LOCK_WAIT_TIMEOUT_S: '1', DB_TRANSACTION_ATTEMPTS: '2' });
  op = await (await server.admin()).createOperator('op-busy', ['EUR']);
});
afterAll(async () => {
  await assertLedgerConsistent(server.db);
  await server.close();
});

test('a deposit that cannot get its wallet lock is refused as 503 code 1, applies nothing, and passes when retried', async () => {
  await op.call('/v1/player/create', { userID: 'busy0001', currency: 'EUR' });
  await op.call('/v1/player/wallet/deposit', {
    userID: 'busy0001',
    currency: 'EUR',
    amount: 5,
    transactionID: 'busy-fund',
  });
  const holder = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: 'root',
    database: parseDatabaseUrl(server.databaseUrl).database,
  });
  await holder.query('START TRANSACTION');
  await holder.query("SELECT id FROM wallets WHERE user_id = 'busy0001' FOR UPDATE");
  const request = { userID: 'busy0001', currency: 'EUR', amount: 1, transactionID: 'busy-dep-1' };
  let answer;
  try {
    answer = await postJson(`${server.url}/v1/player/wallet/deposit`, op.body(request));
  } finally {
    await holder.query('ROLLBACK');
    await holder.end();
  }
  expect(answer.status).toBe(503);
  expect(answer.body).toMatchObject({ code: 1 });
  expect(answer.body.message).toMatch(/nothing was applied/);
  const [rows] = await server.db.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM transactions WHERE transaction_id = 'busy-dep-1'",
  );
  expect(Number(rows[0]!.n)).toBe(0);
  expect(await op.call('/v1/player/wallet/deposit', request)).toMatchObject({ code: 0, balance: 6 });
});
