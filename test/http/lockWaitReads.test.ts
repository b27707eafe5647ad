// Risk covered: a bet that waits for its player's lock while a rollback of it commits must see that
// rollback's tombstone (a snapshot taken before the wait would miss it and take the stake for good).
import { randomBytes } from 'node:crypto';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { untilLockWaits } from '../support/lockWaits';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await startTestServer('lockwait');
  world = await buildWorld(await server.admin());
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

test('a tombstone committed while the bet waits for the wallet lock refuses the bet (10), and no money moves', async () => {
  const token = await fundedSession(world, 'waiter01', 50);
  const [[wallet]] = await server.db.query<any[]>(
    "SELECT id, operator_id, balance_minor FROM wallets WHERE user_id = 'waiter01'",
  );
  const [[provider]] = await server.db.query<any[]>('SELECT id FROM providers WHERE provider_id = ?', [
    world.studio.callerId,
  ]);

  // Another transaction holds the player's wallet, as a rollback of the bet does while it writes its tombstone.
  const holder = await server.db.getConnection();
  await holder.query('START TRANSACTION');
  await holder.query('SELECT id FROM wallets WHERE id = ? FOR UPDATE', [wallet.id]);
  const bet = world.studio.call('/provider/v1/bet', {
    token,
    transactionID: 'late-bet',
    roundID: 'lw-r1',
    gameID: world.gameId,
    amount: 10,
  });
  await untilLockWaits(server.db); // the bet is now waiting for the lock, as the database itself says
  await holder.query(
    `INSERT INTO transactions (platform_transaction_id, origin, origin_id, transaction_id, request_hash, operator_id, wallet_id, user_id,
       currency, type, status, result_code, amount_minor, delta_minor, balance_after_minor, provider_id, game_id, round_id,
       ref_transaction_id, created_at)
     VALUES (?, 'provider', ?, 'early-rollback', ?, ?, ?, 'waiter01', 'EUR', 'rollback', 'applied', 0, 0, 0, ?, ?, ?, 'lw-r1', 'late-bet', NOW(3))`,
    [
      `TOMB${randomBytes(8).toString('hex')}`,
      provider.id,
      randomBytes(32),
      wallet.operator_id,
      wallet.id,
      wallet.balance_minor,
      provider.id,
      world.gameId,
    ],
  );
  await holder.query('COMMIT');
  holder.release();

  expect(await bet).toMatchObject({ code: 10, balance: 50 });
  expect((await world.studio.call('/provider/v1/balance', { token })).balance).toBe(50);
});
