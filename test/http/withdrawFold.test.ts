// Risk covered: a seamless bet the operator debited leaves its Withdraw attempt `sending` (the ledger
// row is its outcome, the attempt is folded later in bulk); staff must never see that Withdraw as owed,
// nor may it block a switch back to transfer mode, while a Withdraw really in flight must stay listed
// and must block it (PROTOCOL §1 switch guard, §8 callbacks/list).
import pino from 'pino';
import { RowDataPacket } from 'mysql2/promise';
import { loadConfig } from '../../src/config';
import { RunningServer, startServer } from '../../src/server';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertionPool, dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { TEST_ADMIN, testEnv } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld } from '../support/world';

// Long enough that the Withdraw held in flight by the second test is still in flight while it looks.
const TIMEOUT_MS = 3_000;
const databaseUrl = uniqueDatabaseUrl('withdrawfold');
const db = assertionPool(databaseUrl);
let server: RunningServer;
let admin: AdminClient;
let world: World;
const wallets: FakeOperatorWallet[] = [];

beforeAll(async () => {
  // The API alone, without workers: no sweeper folds anything behind the test's back.
  server = await startServer(
    loadConfig(testEnv(databaseUrl, { CALLBACK_TIMEOUT_MS: String(TIMEOUT_MS) })),
    pino({ level: 'silent' }),
    { workers: false },
  );
  admin = await AdminClient.login(server.url, TEST_ADMIN.username, TEST_ADMIN.password);
  world = await buildWorld(admin, { currencies: ['EUR'] });
});
afterEach(async () => {
  await assertLedgerConsistent(db, { callbackTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await server.close();
  for (const wallet of wallets) await wallet.stop();
  await db.end();
  await dropDatabase(databaseUrl);
});

let seq = 0;
async function seamlessPlayer(): Promise<{
  agentID: string;
  wallet: FakeOperatorWallet;
  token: string;
  userID: string;
}> {
  const keys = { secret: '', salt: '' };
  const wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  wallets.push(wallet);
  const agentID = `fold-op-${++seq}`;
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID,
    name: agentID,
    currencies: ['EUR'],
    callbackUrl: wallet.url,
    callbackScheme: 'hmac',
  });
  keys.secret = created.secretKey;
  keys.salt = created.saltKey;
  const userID = `fold-user-${seq}`;
  wallet.fund(userID, 'EUR', 10_000n);
  const op = new SignedClient(server.url, 'agentID', agentID, created.secretKey);
  const launch = await op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
  return { agentID, wallet, token: launch.token as string, userID };
}

const bet = (token: string, transactionID: string, amount: number) =>
  world.studio.call('/provider/v1/bet', {
    token,
    gameID: world.gameId,
    transactionID,
    roundID: `${transactionID}-round`,
    amount,
  });

async function attemptOf(transactionID: string): Promise<RowDataPacket | undefined> {
  const [rows] = await db.query<RowDataPacket[]>(
    "SELECT status, operator_balance_minor, platform_transaction_id FROM callback_deliveries WHERE kind = 'withdraw' AND transaction_id = ?",
    [transactionID],
  );
  return rows[0];
}

test('a debited bet leaves its Withdraw `sending`; the switch back to transfer folds it and is allowed', async () => {
  const p = await seamlessPlayer();
  expect(await bet(p.token, 'fold-a1', 2)).toMatchObject({ code: 0, balance: 98 });
  expect(await attemptOf('fold-a1')).toMatchObject({ status: 'sending' });

  const switched = await admin.post('/admin/v1/operators/update', { agentID: p.agentID, callbackUrl: null });
  expect(switched.status).toBe(200);
  expect(switched.body.operator.mode).toBe('transfer');
  expect(await attemptOf('fold-a1')).toMatchObject({ status: 'delivered', operator_balance_minor: '9800' });
});

test('callbacks/list shows a Withdraw in flight as owed and a settled one as delivered; the in-flight one blocks the switch', async () => {
  const p = await seamlessPlayer();
  expect(await bet(p.token, 'fold-b1', 1)).toMatchObject({ code: 0, balance: 99 });
  expect(await attemptOf('fold-b1')).toMatchObject({ status: 'sending' });

  p.wallet.setBehaviour({ mode: 'hang', kinds: ['withdraw'] });
  const inFlight = bet(p.token, 'fold-b2', 3);
  const second = await until('the second Withdraw attempted', () => attemptOf('fold-b2'), 5_000, 10);

  const owed = (await admin.ok('/admin/v1/callbacks/list', { agentID: p.agentID, status: 'pending' })).callbacks as {
    kind: string;
    transactionID: string;
  }[];
  expect(owed.map((c) => [c.kind, c.transactionID])).toEqual([['withdraw', second.platform_transaction_id]]);
  const delivered = (await admin.ok('/admin/v1/callbacks/list', { agentID: p.agentID, status: 'delivered' }))
    .callbacks as { kind: string; transactionID: string }[];
  expect(delivered.map((c) => c.kind)).toEqual(['withdraw']);
  expect(await attemptOf('fold-b1')).toMatchObject({ status: 'delivered', operator_balance_minor: '9900' });

  const refused = await admin.post('/admin/v1/operators/update', { agentID: p.agentID, callbackUrl: null });
  expect(refused.status).toBe(409);
  expect(refused.body.code).toBe(12);
  expect((await inFlight).code).toBe(17);
});
