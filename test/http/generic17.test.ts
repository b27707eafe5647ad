// Risk covered: a studio learning an operator's internal addresses and transport errors from our
// answers (PROTOCOL §10): with the operator's wallet down, auth, balance and bet answer code 17 with a
// generic message; the detail (ECONNREFUSED 127.0.0.1:<port>) is in our logs and in callbacks/list.
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { RunningServer, startServer } from '../../src/server';
import { OPERATOR_WALLET_UNAVAILABLE_MESSAGE } from '../../src/app/seamless/seamlessDeps';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertionPool, dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TEST_ADMIN, testEnv } from '../support/testServer';
import { until } from '../support/until';
import { buildWorld } from '../support/world';

const databaseUrl = uniqueDatabaseUrl('generic17');
const logLines: string[] = [];
let server: RunningServer;
let wallet: FakeOperatorWallet;

beforeAll(async () => {
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  server = await startServer(
    loadConfig(testEnv(databaseUrl, { CALLBACK_RETRY_DELAY_MS: '200' })),
    pino({ level: 'warn' }, sink),
  );
});
afterEach(async () => {
  const db = assertionPool(databaseUrl);
  try {
    await assertLedgerConsistent(db);
  } finally {
    await db.end();
  }
});
afterAll(async () => {
  await server?.close();
  await wallet?.stop();
  await dropDatabase(databaseUrl);
});

test('wallet down: auth, balance and bet are 17 with a generic message; the address is in logs and callbacks/list only', async () => {
  const admin = await AdminClient.login(server.url, TEST_ADMIN.username, TEST_ADMIN.password);
  const world = await buildWorld(admin);
  const keys = { secret: '', salt: '' };
  wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'op-down',
    name: 'Down',
    currencies: ['EUR'],
    callbackUrl: wallet.url,
  });
  Object.assign(keys, { secret: created.secretKey, salt: created.saltKey });
  const op = new SignedClient(server.url, 'agentID', 'op-down', created.secretKey);
  const token = (await op.call('/v1/games/launch', { userID: 'down-user', gameID: world.gameId, currency: 'EUR' }))
    .token as string;
  const port = new URL(wallet.url).port;
  await wallet.stop(); // connect ECONNREFUSED 127.0.0.1:<port> from now on

  const answers = [
    await world.studio.call('/provider/v1/auth', { token }),
    await world.studio.call('/provider/v1/balance', { token }),
    await world.studio.call('/provider/v1/bet', {
      token,
      transactionID: 'down-b1',
      roundID: 'down-r1',
      gameID: world.gameId,
      amount: 1,
    }),
    // Its retry is remembered as refused with 17: the same generic answer.
    await world.studio.call('/provider/v1/bet', {
      token,
      transactionID: 'down-b1',
      roundID: 'down-r1',
      gameID: world.gameId,
      amount: 1,
    }),
  ];
  for (const answer of answers) {
    expect(answer.code).toBe(17);
    const text = JSON.stringify(answer);
    for (const leak of ['127.0.0.1', port, 'ECONNREFUSED', 'request failed', 'connect'])
      expect({ leak, found: text.includes(leak) }).toEqual({ leak, found: false });
  }
  expect(answers[1].message).toBe(OPERATOR_WALLET_UNAVAILABLE_MESSAGE);
  expect(answers[2].message).toBe(OPERATOR_WALLET_UNAVAILABLE_MESSAGE);

  // Staff see the detail: the compensating Rollback's lastError, and the log lines.
  const owed = await until('the Rollback attempted', async () => {
    const list = (await admin.ok('/admin/v1/callbacks/list', { agentID: 'op-down' })).callbacks as any[];
    return list.find((c) => c.lastError);
  });
  expect(owed.lastError).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
  const logged = logLines
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.msg === 'operator wallet call failed' && entry.agentID === 'op-down');
  expect(logged.map((entry) => entry.kind)).toEqual(expect.arrayContaining(['balance', 'withdraw']));
  expect(logged[0].error).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
});
