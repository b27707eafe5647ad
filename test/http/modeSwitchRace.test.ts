// Risk covered: a deposit acknowledged (code 0) after its operator switched to seamless mode, leaving
// money in transfer wallets nobody can withdraw (12). The switch's guard and the deposit each held a
// lock the other did not wait for. Here a second connection holds a row lock so that the deposit and
// the switch really overlap, in both orders; whatever the order, exactly one of them wins.
import mysql, { Connection, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { AdminClient, HttpAnswer, SignedClient } from '../support/clients';
import { LOCK_WAIT_POLL_MS, lockWaitCount } from '../support/lockWaits';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';

let server: TestServer;
let admin: AdminClient;
let holder: Connection;

beforeAll(async () => {
  server = await startTestServer('modeswitch');
  admin = await server.admin();
  const target = parseDatabaseUrl(server.databaseUrl);
  holder = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
  });
});
afterEach(async () => {
  await holder.query('ROLLBACK');
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await holder?.end();
  await server.close();
});

const CALLBACK_URL = 'http://127.0.0.1:9/wallet';

async function transferOperator(agentID: string): Promise<{ op: SignedClient; operatorId: number }> {
  const op = await admin.createOperator(agentID, ['EUR']);
  await op.call('/v1/player/create', { userID: 'racer001', currency: 'EUR' });
  const [[row]] = await server.db.query<RowDataPacket[]>('SELECT id FROM operators WHERE agent_id = ?', [agentID]);
  return { op, operatorId: row!.id as number };
}

/** Settles with the promise's value, so a test can look at it without awaiting it. */
function track<T>(promise: Promise<T>) {
  const state: { done: boolean; value?: T } = { done: false };
  void promise.then((value) => Object.assign(state, { done: true, value }));
  return state;
}

async function expectOneWinner(
  agentID: string,
  operatorId: number,
  transactionID: string,
  deposit: any,
  switched: HttpAnswer,
): Promise<'deposit' | 'switch'> {
  const [stored] = await server.db.query<RowDataPacket[]>(
    "SELECT status FROM transactions WHERE origin = 'operator' AND origin_id = ? AND transaction_id = ?",
    [operatorId, transactionID],
  );
  const [[operator]] = await server.db.query<RowDataPacket[]>('SELECT callback_url FROM operators WHERE id = ?', [
    operatorId,
  ]);
  let winner: 'deposit' | 'switch';
  if (deposit.code === 0) {
    // The deposit got in first: the switch counted its money and was refused.
    expect(switched.status).toBe(409);
    expect(switched.body).toMatchObject({ code: 12 });
    expect(switched.body.message).toMatch(/non-zero/);
    expect(operator!.callback_url).toBeNull();
    expect(stored.map((r) => r.status)).toEqual(['applied']);
    winner = 'deposit';
  } else {
    // The switch got in first: the deposit read the new mode under the lock, refused, stored nothing.
    expect(deposit).toMatchObject({ code: 12 });
    expect(switched.status).toBe(200);
    expect(operator!.callback_url).toBe(CALLBACK_URL);
    expect(stored).toEqual([]);
    winner = 'switch';
  }
  // Never money in the transfer wallets of a seamless operator.
  const [[stranded]] = await server.db.query<RowDataPacket[]>(
    'SELECT COALESCE(SUM(w.balance_minor), 0) AS total FROM wallets w JOIN operators o ON o.id = w.operator_id WHERE o.callback_url IS NOT NULL AND o.agent_id = ?',
    [agentID],
  );
  expect(String(stranded!.total)).toBe('0');
  return winner;
}

test('a deposit waiting on the wallet lock when the switch to seamless starts: the deposit lands and the switch is refused', async () => {
  const { op, operatorId } = await transferOperator('op-race-1');
  await holder.query('START TRANSACTION');
  await holder.query("SELECT id FROM wallets WHERE operator_id = ? AND user_id = 'racer001' FOR UPDATE", [operatorId]);
  const deposit = track(
    op.call('/v1/player/wallet/deposit', {
      userID: 'racer001',
      currency: 'EUR',
      amount: 50,
      transactionID: 'race-dep-1',
    }),
  );
  await until(
    'the deposit waiting on the wallet lock',
    async () => deposit.done || (await lockWaitCount(server.db)) >= 1,
    15_000,
    LOCK_WAIT_POLL_MS,
  );
  expect(deposit).toEqual({ done: false });
  const switched = track(admin.post('/admin/v1/operators/update', { agentID: 'op-race-1', callbackUrl: CALLBACK_URL }));
  // The switch must wait for the deposit (the operator row it holds shared), not run past it.
  await until(
    'the switch waiting behind the deposit',
    async () => switched.done || (await lockWaitCount(server.db)) >= 2,
    15_000,
    LOCK_WAIT_POLL_MS,
  );
  expect(switched.done).toBe(false);
  await holder.query('COMMIT');
  await until('both answered', () => deposit.done && switched.done);

  expect(await expectOneWinner('op-race-1', operatorId, 'race-dep-1', deposit.value, switched.value!)).toBe('deposit');
  expect(await op.call('/v1/player/balance', { userID: 'racer001', currency: 'EUR' })).toMatchObject({
    code: 0,
    balance: 50,
  });
});

test('a deposit arriving while the switch to seamless is under way: the switch lands and the deposit is refused (12), nothing stored', async () => {
  const { op, operatorId } = await transferOperator('op-race-2');
  // The switch writes the operator's wallets once its guard passed: holding one keeps it in flight.
  await holder.query('START TRANSACTION');
  await holder.query("SELECT id FROM wallets WHERE operator_id = ? AND user_id = 'racer001' FOR UPDATE", [operatorId]);
  const switched = track(admin.post('/admin/v1/operators/update', { agentID: 'op-race-2', callbackUrl: CALLBACK_URL }));
  await until(
    'the switch waiting on the wallet lock',
    async () => switched.done || (await lockWaitCount(server.db)) >= 1,
    15_000,
    LOCK_WAIT_POLL_MS,
  );
  expect(switched.done).toBe(false);
  // The caller cache still says transfer: the deposit reaches its transaction and waits there.
  const deposit = track(
    op.call('/v1/player/wallet/deposit', {
      userID: 'racer001',
      currency: 'EUR',
      amount: 50,
      transactionID: 'race-dep-2',
    }),
  );
  await until(
    'the deposit waiting behind the switch',
    async () => deposit.done || (await lockWaitCount(server.db)) >= 2,
    15_000,
    LOCK_WAIT_POLL_MS,
  );
  expect(deposit.done).toBe(false);
  await holder.query('COMMIT');
  await until('both answered', () => deposit.done && switched.done);

  // Usually the switch lands and the deposit reads the new mode (12). InnoDB may instead pick the switch as
  // the victim of a deadlock with the deposit (which join order the guarded UPDATE takes is the optimizer's);
  // the switch is then retried, counts the deposit's money and is refused. Either way exactly one wins and
  // no money is stranded in a seamless operator's wallets: that is the contract (PROTOCOL §1).
  expect(['switch', 'deposit']).toContain(
    await expectOneWinner('op-race-2', operatorId, 'race-dep-2', deposit.value, switched.value!),
  );
});
