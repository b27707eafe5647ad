// Risk covered: a money transaction that queries the pool while holding its own connection. With as
// many such calls in flight as the pool has connections, each waits for a connection another holds,
// and all of them (and every later call) hang. Here the pool has 2 connections and 20 calls take the
// paths that did that: a deposit for an unknown player (6), seamless bets and wins refused on a closed
// round (15). All must answer promptly, with the right code.
import { SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld } from '../support/world';

let server: TestServer;
let world: World;
let wallet: FakeOperatorWallet;
let secret = '';
let salt = '';

beforeAll(async () => {
  server = await startTestServer('txscope', { DB_POOL_SIZE: '2', CALLBACK_TIMEOUT_MS: '1000' });
  world = await buildWorld(await server.admin());
  wallet = await new FakeOperatorWallet(
    () => secret,
    () => salt,
  ).start();
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
  await wallet.stop();
});

const CONCURRENT = 20;

/** All answers within `ms`, or a failure naming what hung (the pool starved). */
async function allWithin<T>(ms: number, calls: Promise<T>[]): Promise<T[]> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${calls.length} calls did not all answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([Promise.all(calls), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

test('20 deposits for unknown players at once, on a pool of 2: all answer 6', async () => {
  const calls = Array.from({ length: CONCURRENT }, (_, i) =>
    world.operator.call('/v1/player/wallet/deposit', {
      userID: `ghost${String(i).padStart(3, '0')}`,
      currency: 'EUR',
      amount: 1,
      transactionID: `ghost-${i}`,
    }),
  );
  const answers = await allWithin(10_000, calls);
  expect(answers.map((a) => a.code)).toEqual(Array(CONCURRENT).fill(6));
});

test('20 seamless bets and 20 wins refused at once, on a pool of 2: all answer 15', async () => {
  const admin = await server.admin();
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'seam-pool',
    name: 'Seamless',
    currencies: ['EUR'],
    callbackUrl: wallet.url,
    callbackScheme: 'hmac',
  });
  secret = created.secretKey;
  salt = created.saltKey;
  const op = new SignedClient(server.url, 'agentID', 'seam-pool', secret);
  wallet.fund('pool0001', 'EUR', 10000n);
  const { token } = await op.call('/v1/games/launch', { userID: 'pool0001', gameID: world.gameId, currency: 'EUR' });
  const call = (path: string, fields: Record<string, unknown>) =>
    world.studio.call(path, { token, gameID: world.gameId, roundID: 'closed-1', ...fields });
  expect(await call('/provider/v1/bet', { transactionID: 'pb-0', amount: 1 })).toMatchObject({ code: 0 });
  expect(
    await call('/provider/v1/win', { transactionID: 'pw-0', refTransactionID: 'pb-0', amount: 0, roundClosed: true }),
  ).toMatchObject({ code: 0 });

  const bets = Array.from({ length: CONCURRENT }, (_, i) =>
    call('/provider/v1/bet', { transactionID: `pb-${i + 1}`, amount: 1 }),
  );
  const wins = Array.from({ length: CONCURRENT }, (_, i) =>
    call('/provider/v1/win', { transactionID: `pw-${i + 1}`, refTransactionID: 'pb-0', amount: 1 }),
  );
  const answers = await allWithin(15_000, [...bets, ...wins]);
  expect(answers.map((a) => a.code)).toEqual(Array(2 * CONCURRENT).fill(15));
  expect(wallet.callsOf('withdraw')).toHaveLength(1);
});
