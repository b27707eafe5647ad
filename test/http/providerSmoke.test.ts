// Risk covered: the provider round flow end to end (temporary smoke test while the rule suite is written).
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let world: World;
beforeAll(async () => {
  server = await startTestServer('psmoke');
  world = await buildWorld(await server.admin());
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

test('bet, win, rollback, jackpot', async () => {
  const token = await fundedSession(world, 'smoke001', 100);
  const g = world.gameId;
  expect(await world.studio.call('/provider/v1/auth', { token })).toMatchObject({
    code: 0,
    userID: 'smoke001',
    currency: 'EUR',
    balance: 100,
  });
  expect(
    await world.studio.call('/provider/v1/bet', { token, transactionID: 'b1', roundID: 'r1', gameID: g, amount: 10 }),
  ).toMatchObject({ code: 0, balance: 90 });
  expect(
    await world.studio.call('/provider/v1/win', {
      token,
      transactionID: 'w1',
      refTransactionID: 'b1',
      roundID: 'r1',
      gameID: g,
      amount: 25,
      roundClosed: true,
    }),
  ).toMatchObject({ code: 0, balance: 115 });
  expect(
    await world.studio.call('/provider/v1/bet', { token, transactionID: 'b2', roundID: 'r1', gameID: g, amount: 1 }),
  ).toMatchObject({ code: 15, balance: 115 });
  expect(
    await world.studio.call('/provider/v1/bet', { token, transactionID: 'b3', roundID: 'r2', gameID: g, amount: 5 }),
  ).toMatchObject({ code: 0, balance: 110 });
  expect(
    await world.studio.call('/provider/v1/rollback', {
      token,
      transactionID: 'rb3',
      refTransactionID: 'b3',
      roundID: 'r2',
      gameID: g,
    }),
  ).toMatchObject({ code: 0, balance: 115 });
  expect(
    await world.studio.call('/provider/v1/jackpot', {
      token,
      transactionID: 'j1',
      roundID: 'r3',
      gameID: g,
      amount: 1000,
      jackpotID: 'mega',
    }),
  ).toMatchObject({ code: 0, balance: 1115 });
  const history = await world.operator.call('/v1/transactions', { userID: 'smoke001' });
  expect(history.transactions.map((t: any) => t.type)).toEqual(['deposit', 'bet', 'win', 'bet', 'rollback', 'jackpot']);
  expect(history.transactions[1]).toMatchObject({
    roundID: 'r1',
    gameID: g,
    providerID: world.studio.callerId,
    amount: 10,
  });
  await assertLedgerConsistent(server.db);
});
