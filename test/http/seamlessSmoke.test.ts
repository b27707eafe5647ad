// Risk covered: the seamless flow end to end against a real operator wallet over HTTP (smoke).
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld } from '../support/world';

let server: TestServer;
let world: World;
let wallet: FakeOperatorWallet;
let secret = '';
let salt = '';

beforeAll(async () => {
  server = await startTestServer('seamsmoke', {
    CALLBACK_TIMEOUT_MS: '500',
    CALLBACK_RETRY_DELAY_MS: '200',
    CALLBACK_RETRY_TIMEOUT_MS: '500',
  });
  world = await buildWorld(await server.admin());
  wallet = await new FakeOperatorWallet(
    () => secret,
    () => salt,
  ).start();
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: server.config.callbackTimeoutMs });
});
afterAll(async () => {
  await server.close();
  await wallet.stop();
});

test('hmac: bet and win go to the operator wallet', async () => {
  const admin = await server.admin();
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'seam-1',
    name: 'Seamless',
    currencies: ['EUR'],
    callbackUrl: wallet.url,
    callbackScheme: 'hmac',
  });
  secret = created.secretKey;
  salt = created.saltKey;
  const { SignedClient } = await import('../support/clients');
  const op = new SignedClient(server.url, 'agentID', 'seam-1', secret);
  wallet.fund('sam00001', 'EUR', 10000n);
  const launch = await op.call('/v1/games/launch', { userID: 'sam00001', gameID: world.gameId, currency: 'EUR' });
  expect(launch.code).toBe(0);
  const token = launch.token;
  expect(await world.studio.call('/provider/v1/balance', { token })).toMatchObject({ code: 0, balance: 100 });
  const bet = await world.studio.call('/provider/v1/bet', {
    token,
    transactionID: 'sb1',
    roundID: 'sr1',
    gameID: world.gameId,
    amount: 2.5,
  });
  expect(bet).toMatchObject({ code: 0, balance: 97.5 });
  const win = await world.studio.call('/provider/v1/win', {
    token,
    transactionID: 'sw1',
    refTransactionID: 'sb1',
    roundID: 'sr1',
    gameID: world.gameId,
    amount: 10,
    roundClosed: true,
  });
  expect(win).toMatchObject({ code: 0, balance: 107.5 });
  expect(wallet.balanceOf('sam00001', 'EUR')).toBe(10750n);
  expect(wallet.calls.every((c) => c.signatureValid)).toBe(true);
  const deposit = wallet.callsOf('deposit')[0]!;
  expect(deposit.body).toMatchObject({
    agentID: 'seam-1',
    userID: 'sam00001',
    amount: 10,
    transactionID: win.platformTransactionID,
    refTransactionID: bet.platformTransactionID,
    roundID: 'sr1',
    gameID: world.gameId,
  });
  const history = await op.call('/v1/transactions', { userID: 'sam00001' });
  expect(history.transactions.map((t: any) => [t.type, t.amount, t.balanceAfter])).toEqual([
    ['bet', 2.5, null],
    ['win', 10, null],
  ]);
  // A replayed bet: 11, and the operator saw one Withdraw.
  expect(
    await world.studio.call('/provider/v1/bet', {
      token,
      transactionID: 'sb1',
      roundID: 'sr1',
      gameID: world.gameId,
      amount: 2.5,
    }),
  ).toMatchObject({ code: 11, balance: 97.5, platformTransactionID: bet.platformTransactionID });
  expect(wallet.callsOf('withdraw')).toHaveLength(1);
});
