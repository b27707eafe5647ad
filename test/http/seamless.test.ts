// Risk covered: seamless mode (PROTOCOL §1, §5, §6, §8, §9) moving the operator's money wrongly: a
// callback unsigned or mis-scaled, a bet debited twice or after a 17, a win lost or credited twice when
// the operator fails, a parked delivery nobody can retry, a mode switch that strands money, or the §5
// rules behaving differently from transfer mode.
import { createHash } from 'node:crypto';
import { RowDataPacket } from 'mysql2/promise';
import { resolveWithdraw } from '../../src/app/seamless/withdrawOutcome';
import { MysqlSeamlessStore } from '../../src/db/seamlessStore';
import { Minor } from '../../src/domain/money';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { FakeOperatorWallet, RecordedCall } from '../support/fakeOperatorWallet';
import { TestServer, startTestServer } from '../support/testServer';
import { holdsFor, until } from '../support/until';
import { World, buildWorld } from '../support/world';

const TIMEOUT_MS = 400;
const RETRY_ATTEMPTS = 3;

let server: TestServer;
let world: World;
let admin: AdminClient;
const wallets: FakeOperatorWallet[] = [];

beforeAll(async () => {
  server = await startTestServer('seamless', {
    CALLBACK_TIMEOUT_MS: String(TIMEOUT_MS),
    CALLBACK_RETRY_ATTEMPTS: String(RETRY_ATTEMPTS),
    CALLBACK_RETRY_DELAY_MS: '200',
    CALLBACK_RETRY_TIMEOUT_MS: '400',
  });
  admin = await server.admin();
  world = await buildWorld(admin, { currencies: ['EUR'] });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await server.close();
  for (const wallet of wallets) await wallet.stop();
});

interface Seamless {
  agentID: string;
  op: SignedClient;
  wallet: FakeOperatorWallet;
  saltKey: string;
}

let opSeq = 0;
/** A seamless operator with its own fake wallet; Rollbacks of Withdraws the wallet never applied credit nothing. */
async function seamlessOperator(scheme: 'hmac' | 'md5', currencies: string[] = ['EUR']): Promise<Seamless> {
  const keys = { secret: '', salt: '' };
  const wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  wallet.strictRollbacks = true;
  wallets.push(wallet);
  const agentID = `seam-${scheme}-${++opSeq}`;
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID,
    name: `Seamless ${opSeq}`,
    currencies,
    callbackUrl: wallet.url,
    callbackScheme: scheme,
  });
  keys.secret = created.secretKey;
  keys.salt = created.saltKey;
  expect(created.operator.mode).toBe('seamless');
  return {
    agentID,
    op: new SignedClient(server.url, 'agentID', agentID, created.secretKey),
    wallet,
    saltKey: created.saltKey,
  };
}

async function launch(s: Seamless, userID: string, currency = 'EUR', gameId = world.gameId): Promise<string> {
  const answer = await s.op.call('/v1/games/launch', { userID, gameID: gameId, currency });
  expect(answer.code).toBe(0);
  return answer.token as string;
}

const provider = (path: string, fields: Record<string, unknown>) => world.studio.call(`/provider/v1/${path}`, fields);
/** For bursts: a 5xx is an answer to count, not a thrown error (HTTP 500 shows up as code 'HTTP 500'). */
async function providerRaw(path: string, fields: Record<string, unknown>): Promise<any> {
  const answer = await postJson(`${server.url}/provider/v1/${path}`, world.studio.body(fields));
  return answer.status === 200 ? answer.body : { code: `HTTP ${answer.status}` };
}
const byCode = (answers: any[]) =>
  answers.map((a) => a.code).sort((a, b) => String(a).localeCompare(String(b), 'en', { numeric: true }));

function game(fields: Record<string, unknown>) {
  return { gameID: world.gameId, ...fields };
}

async function callbacksOf(agentID: string, status?: string): Promise<any[]> {
  const answer = await admin.ok('/admin/v1/callbacks/list', { agentID, ...(status ? { status } : {}) });
  return answer.callbacks as any[];
}

const withTx = (calls: RecordedCall[], id: string, field = 'transactionID') =>
  calls.filter((c) => c.body[field] === id);

describe('both schemes end to end', () => {
  test('hmac: Balance, Withdraw, Deposit, Rollback and jackpot Deposit, signed, in exact major units', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'hmac-e2e-1';
    s.wallet.fund(userID, 'EUR', 500_000n);
    const token = await launch(s, userID);

    expect(await provider('auth', { token })).toMatchObject({
      code: 0,
      userID,
      agentID: s.agentID,
      currency: 'EUR',
      balance: 5000,
    });
    expect(await provider('balance', { token })).toMatchObject({ code: 0, balance: 5000, currency: 'EUR' });
    const balanceCalls = s.wallet.callsOf('balance');
    expect(balanceCalls).toHaveLength(2);
    for (const call of balanceCalls) {
      expect(Object.keys(call.body).sort()).toEqual(['agentID', 'currency', 'sign', 'timestamp', 'userID']);
      expect(call.body).toMatchObject({ agentID: s.agentID, userID, currency: 'EUR' });
    }

    const bet = await provider('bet', game({ token, transactionID: 'he-b1', roundID: 'he-r1', amount: 12.34 }));
    expect(bet).toMatchObject({ code: 0, balance: 4987.66 });
    const [withdraw] = s.wallet.callsOf('withdraw');
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    expect(withdraw!.body).toEqual({
      agentID: s.agentID,
      userID,
      currency: 'EUR',
      amount: 12.34,
      transactionID: bet.platformTransactionID,
      refTransactionID: null,
      roundID: 'he-r1',
      gameID: world.gameId,
      freeSpinID: null,
      timestamp: expect.any(Number),
      sign: expect.stringMatching(/^[0-9A-F]{64}$/),
    });

    const win = await provider(
      'win',
      game({
        token,
        transactionID: 'he-w1',
        refTransactionID: 'he-b1',
        roundID: 'he-r1',
        amount: 1000,
        roundClosed: true,
      }),
    );
    expect(win).toMatchObject({ code: 0, balance: 5987.66 });
    const deposits = s.wallet.callsOf('deposit');
    expect(deposits).toHaveLength(1);
    expect(deposits[0]!.body).toMatchObject({
      agentID: s.agentID,
      userID,
      currency: 'EUR',
      amount: 1000,
      transactionID: win.platformTransactionID,
      refTransactionID: bet.platformTransactionID,
      roundID: 'he-r1',
      gameID: world.gameId,
      freeSpinID: null,
    });

    const bet2 = await provider('bet', game({ token, transactionID: 'he-b2', roundID: 'he-r2', amount: 0.01 }));
    expect(bet2).toMatchObject({ code: 0, balance: 5987.65 });
    const rollback = await provider(
      'rollback',
      game({ token, transactionID: 'he-rb2', refTransactionID: 'he-b2', roundID: 'he-r2' }),
    );
    expect(rollback).toMatchObject({ code: 0, balance: 5987.66 });
    const rollbacks = s.wallet.callsOf('rollback');
    expect(rollbacks).toHaveLength(1);
    expect(rollbacks[0]!.body).toMatchObject({
      agentID: s.agentID,
      userID,
      currency: 'EUR',
      amount: 0.01,
      transactionID: rollback.platformTransactionID,
      refTransactionID: bet2.platformTransactionID,
      roundID: 'he-r2',
      gameID: world.gameId,
    });

    const jackpot = await provider(
      'jackpot',
      game({ token, transactionID: 'he-j1', roundID: 'he-r3', amount: 0.01, jackpotID: 'jp-1' }),
    );
    expect(jackpot).toMatchObject({ code: 0, balance: 5987.67 });
    const jackpotDeposit = s.wallet.callsOf('deposit')[1]!;
    expect(jackpotDeposit.body).toMatchObject({
      amount: 0.01,
      transactionID: jackpot.platformTransactionID,
      refTransactionID: null,
      roundID: 'he-r3',
    });

    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(598_767n);
    expect(s.wallet.calls.every((c) => c.scheme === 'hmac' && c.signatureValid && c.answeredStatus === 200)).toBe(true);
    expect(new Set([bet, win, bet2, rollback, jackpot].map((a) => a.platformTransactionID)).size).toBe(5);
    const listed = await callbacksOf(s.agentID);
    expect(listed.map((c) => [c.kind, c.status, c.attempts])).toEqual([
      ['withdraw', 'delivered', 1],
      ['deposit', 'delivered', 1],
      ['withdraw', 'delivered', 1],
      ['rollback', 'delivered', 1],
      ['deposit', 'delivered', 1],
    ]);
    expect(listed.map((c) => c.transactionID)).toEqual(
      [bet, win, bet2, rollback, jackpot].map((a) => a.platformTransactionID),
    );
  });

  test('md5: balance, debit, credit rb 0, credit rb 1 with ref_call_id, in integer minor units with key = md5(timestamp + salt)', async () => {
    const s = await seamlessOperator('md5', ['EUR', 'KWD']);
    const userID = 'md5-e2e-1';
    s.wallet.fund(userID, 'EUR', 500_000n);
    const token = await launch(s, userID);

    expect(await provider('auth', { token })).toMatchObject({
      code: 0,
      userID,
      agentID: s.agentID,
      currency: 'EUR',
      balance: 5000,
    });
    const [balanceCall] = s.wallet.callsOf('balance');
    expect(balanceCall!.body).toEqual({
      action: 'balance',
      user_id: userID,
      currency: 'EUR',
      timestamp: expect.any(Number),
      key: expect.any(String),
    });

    const bet = await provider('bet', game({ token, transactionID: 'me-b1', roundID: 'me-r1', amount: 12.34 }));
    expect(bet).toMatchObject({ code: 0, balance: 4987.66 });
    expect(s.wallet.callsOf('withdraw')[0]!.body).toEqual({
      action: 'debit',
      user_id: userID,
      currency: 'EUR',
      call_id: bet.platformTransactionID,
      round_id: 'me-r1',
      game_id: world.gameId,
      amount: 1234,
      rb: 0,
      timestamp: expect.any(Number),
      key: expect.any(String),
    });

    const win = await provider(
      'win',
      game({ token, transactionID: 'me-w1', refTransactionID: 'me-b1', roundID: 'me-r1', amount: 1000 }),
    );
    expect(win).toMatchObject({ code: 0, balance: 5987.66 });
    expect(s.wallet.callsOf('deposit')[0]!.body).toMatchObject({
      action: 'credit',
      user_id: userID,
      currency: 'EUR',
      call_id: win.platformTransactionID,
      round_id: 'me-r1',
      game_id: world.gameId,
      amount: 100_000,
      rb: 0,
    });

    const bet2 = await provider('bet', game({ token, transactionID: 'me-b2', roundID: 'me-r2', amount: 0.01 }));
    expect(bet2).toMatchObject({ code: 0, balance: 5987.65 });
    const rollback = await provider(
      'rollback',
      game({ token, transactionID: 'me-rb2', refTransactionID: 'me-b2', roundID: 'me-r2' }),
    );
    expect(rollback).toMatchObject({ code: 0, balance: 5987.66 });
    expect(s.wallet.callsOf('rollback')).toHaveLength(1);
    expect(s.wallet.callsOf('rollback')[0]!.body).toMatchObject({
      action: 'credit',
      call_id: rollback.platformTransactionID,
      ref_call_id: bet2.platformTransactionID,
      amount: 1,
      rb: 1,
      round_id: 'me-r2',
    });

    const jackpot = await provider(
      'jackpot',
      game({ token, transactionID: 'me-j1', roundID: 'me-r3', amount: 0.01, jackpotID: 'jp-m' }),
    );
    expect(jackpot).toMatchObject({ code: 0, balance: 5987.67 });
    expect(s.wallet.callsOf('deposit')[1]!.body).toMatchObject({
      action: 'credit',
      call_id: jackpot.platformTransactionID,
      amount: 1,
      rb: 0,
    });

    // KWD has three minor digits.
    s.wallet.fund(userID, 'KWD', 5_000n);
    const kwdToken = await launch(s, userID, 'KWD');
    expect(
      await provider('bet', game({ token: kwdToken, transactionID: 'me-k1', roundID: 'me-rk', amount: 1.234 })),
    ).toMatchObject({ code: 0, balance: 3.766 });
    expect(s.wallet.callsOf('withdraw')[2]!.body).toMatchObject({ action: 'debit', currency: 'KWD', amount: 1234 });

    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(598_767n);
    expect(s.wallet.balanceOf(userID, 'KWD')).toBe(3_766n);
    for (const call of s.wallet.calls) {
      expect(call.scheme).toBe('md5');
      expect(call.signatureValid).toBe(true);
      expect(call.body.key).toBe(createHash('md5').update(`${call.body.timestamp}${s.saltKey}`).digest('hex'));
      expect(Math.abs(call.body.timestamp - call.at / 1000)).toBeLessThan(3);
      for (const field of ['amount', 'rb', 'timestamp', 'game_id'])
        if (field in call.body) expect(typeof call.body[field]).toBe('number');
    }
  });

  test('/v1/player/balance for a seamless operator asks the operator (Balance); 17 with the last known balance when it cannot', async () => {
    for (const scheme of ['hmac', 'md5'] as const) {
      const s = await seamlessOperator(scheme);
      const userID = `pbal-${scheme}`;
      s.wallet.fund(userID, 'EUR', 1_234_567n);
      expect(await s.op.call('/v1/player/balance', { userID, currency: 'EUR' })).toMatchObject({
        code: 0,
        balance: 12345.67,
        currency: 'EUR',
      });
      expect(s.wallet.callsOf('balance')).toHaveLength(1);
      s.wallet.fund(userID, 'EUR', 1n);
      expect(await s.op.call('/v1/player/balance', { userID, currency: 'EUR' })).toMatchObject({
        code: 0,
        balance: 0.01,
      });
      expect(s.wallet.callsOf('balance')).toHaveLength(2);
      s.wallet.setBehaviour({ mode: 'down' });
      expect(await s.op.call('/v1/player/balance', { userID, currency: 'EUR' })).toMatchObject({
        code: 17,
        balance: 0.01,
      });
      expect(s.wallet.callsOf('balance')).toHaveLength(3);
    }
  });
});

describe('operator failures', () => {
  test('insufficient funds: the Withdraw answered 7 gives the provider 7 with the operator balance; its retry gets 7 with no second Withdraw', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'poor-1';
    s.wallet.fund(userID, 'EUR', 100n);
    const token = await launch(s, userID);
    const bet = game({ token, transactionID: 'poor-b1', roundID: 'poor-r1', amount: 5 });
    expect(await provider('bet', bet)).toMatchObject({ code: 7, balance: 1 });
    expect(await provider('bet', bet)).toMatchObject({ code: 7, balance: 1 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(100n);
    // Even once the player could afford it, the refused bet stays refused and never debits.
    s.wallet.fund(userID, 'EUR', 100_000n);
    expect(await provider('bet', bet)).toMatchObject({ code: 7 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(100_000n);
    // The refused bet opened no round and is not listed.
    expect(
      await provider('win', game({ token, transactionID: 'poor-w1', roundID: 'poor-r1', amount: 1 })),
    ).toMatchObject({ code: 10 });
    expect((await s.op.call('/v1/transactions', { userID })).transactions).toEqual([]);
    expect(s.wallet.callsOf('deposit')).toHaveLength(0);
  });

  test('a win the operator answers 500 twice: code 0 at once, then delivered by the queue with the same transactionID, credited once', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'flaky-1';
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await launch(s, userID);
    expect(
      await provider('bet', game({ token, transactionID: 'flaky-b1', roundID: 'flaky-r1', amount: 1 })),
    ).toMatchObject({ code: 0, balance: 99 });

    s.wallet.setBehaviour({ mode: 'fail', times: 2, status: 500 });
    const started = Date.now();
    const win = await provider(
      'win',
      game({ token, transactionID: 'flaky-w1', refTransactionID: 'flaky-b1', roundID: 'flaky-r1', amount: 3.5 }),
    );
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1_000);
    // The last balance we know: the one the Withdraw reported.
    expect(win).toMatchObject({ code: 0, balance: 99 });
    expect(win.platformTransactionID).toEqual(expect.any(String));

    await until('the win credited', () => s.wallet.applied.has(win.platformTransactionID));
    await holdsFor('no further (wrong) attempt', () => s.wallet.callsOf('deposit').length === 3, 600);
    const deposits = s.wallet.callsOf('deposit');
    expect(deposits).toHaveLength(3);
    expect(deposits.map((d) => d.answeredStatus)).toEqual([500, 500, 200]);
    for (const d of deposits) {
      expect(d.body.transactionID).toBe(win.platformTransactionID);
      expect(d.body.amount).toBe(3.5);
      expect(d.signatureValid).toBe(true);
      expect(Math.abs(d.body.timestamp - d.at / 1000)).toBeLessThan(2); // a fresh timestamp on each attempt
    }
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_250n);

    const delivered = (await callbacksOf(s.agentID, 'delivered')).find(
      (c) => c.transactionID === win.platformTransactionID,
    );
    expect(delivered).toMatchObject({ kind: 'deposit', status: 'delivered', attempts: 3, agentID: s.agentID });
    expect(await callbacksOf(s.agentID, 'pending')).toEqual([]);

    // The provider's retry of the win is 11 with the original id and a balance (§5: 11 carries the balance;
    // the one answered at the time, 99, or the one the operator reported after the Deposit, 102.5); nothing more is
    // sent.
    const repeat = await provider(
      'win',
      game({ token, transactionID: 'flaky-w1', refTransactionID: 'flaky-b1', roundID: 'flaky-r1', amount: 3.5 }),
    );
    expect(repeat).toMatchObject({ code: 11, platformTransactionID: win.platformTransactionID });
    expect([99, 102.5]).toContain(repeat.balance);
    expect(s.wallet.callsOf('deposit')).toHaveLength(3);
  });

  test('a hanging Withdraw: 17 within the timeout with the last known balance; retries (concurrent and later) get 17 without a new Withdraw; the compensating Rollback arrives', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'hang-1';
    s.wallet.fund(userID, 'EUR', 100_000n);
    const token = await launch(s, userID);
    expect(await provider('balance', { token })).toMatchObject({ code: 0, balance: 1000 });

    s.wallet.setBehaviour({ mode: 'hang' });
    const bet = game({ token, transactionID: 'hang-b1', roundID: 'hang-r1', amount: 10 });
    const started = Date.now();
    const first = provider('bet', bet);
    await until('the first Withdraw at the wallet', () => s.wallet.callsOf('withdraw').length === 1);
    const twin = provider('bet', bet);
    const answer = await first;
    const elapsed = Date.now() - started;
    expect(answer).toMatchObject({ code: 17, balance: 1000 });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 1_500);
    expect(await twin).toMatchObject({ code: 17, balance: 1000 });
    s.wallet.setBehaviour({ mode: 'normal' });

    expect(await provider('bet', bet)).toMatchObject({ code: 17, balance: 1000 });
    const withdraws = s.wallet.callsOf('withdraw');
    expect(withdraws).toHaveLength(1);
    const failedId = withdraws[0]!.body.transactionID as string;

    const rollback = await until('the compensating Rollback answered', () =>
      s.wallet.callsOf('rollback').find((c) => c.answeredStatus === 200),
    );
    expect(rollback.body).toMatchObject({
      userID,
      currency: 'EUR',
      amount: 10,
      refTransactionID: failedId,
      roundID: 'hang-r1',
      gameID: world.gameId,
    });
    expect(rollback.body.transactionID).not.toBe(failedId);
    expect(rollback.signatureValid).toBe(true);
    // Every attempt of the Rollback carries the same transactionID; the wallet (which never debited) is unchanged.
    await holdsFor(
      'every Rollback attempt under one transactionID',
      () => new Set(s.wallet.callsOf('rollback').map((c) => c.body.transactionID)).size === 1,
      500,
    );
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(100_000n);
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    const listed = await callbacksOf(s.agentID);
    expect(listed.filter((c) => c.kind === 'rollback')).toEqual([
      expect.objectContaining({ status: 'delivered', transactionID: rollback.body.transactionID }),
    ]);
    // The failed bet opened no round and is not listed.
    expect((await s.op.call('/v1/transactions', { userID })).transactions).toEqual([]);
    expect(
      await provider('win', game({ token, transactionID: 'hang-w1', roundID: 'hang-r1', amount: 1 })),
    ).toMatchObject({ code: 10 });
  });

  test('a Withdraw applied by the operator whose answer was lost: 17 to the provider, and the compensating Rollback gives the money back', async () => {
    const s = await seamlessOperator('md5');
    const userID = 'lost-1';
    s.wallet.fund(userID, 'EUR', 100_000n);
    const token = await launch(s, userID);
    s.wallet.setBehaviour({ mode: 'hang', kinds: ['withdraw'], apply: true });
    const bet = game({ token, transactionID: 'lost-b1', roundID: 'lost-r1', amount: 25 });
    expect((await provider('bet', bet)).code).toBe(17);
    const callId = s.wallet.callsOf('withdraw')[0]!.body.call_id as string;
    expect(s.wallet.applied.has(callId)).toBe(true);
    const rollback = await until('the compensating credit', () =>
      s.wallet.callsOf('rollback').find((c) => c.answeredStatus === 200),
    );
    expect(rollback.body).toMatchObject({ action: 'credit', rb: 1, ref_call_id: callId, amount: 2500 });
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(100_000n);
    expect(await provider('bet', bet)).toMatchObject({ code: 17 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(100_000n);
  });

  test('once the compensation of a failed Withdraw is delivered nothing is owed: the operator can switch back to transfer mode', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'owed-1';
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await launch(s, userID);
    s.wallet.setBehaviour({ mode: 'garbage' });
    expect((await provider('bet', game({ token, transactionID: 'owed-b1', roundID: 'owed-r1', amount: 1 }))).code).toBe(
      17,
    );
    s.wallet.setBehaviour({ mode: 'normal' });
    await until('the compensating Rollback answered', () =>
      s.wallet.callsOf('rollback').find((c) => c.answeredStatus === 200),
    );
    await until('no delivery pending', async () => (await callbacksOf(s.agentID, 'pending')).length === 0);
    // §1: a switch back is refused only while deliveries are still pending; the Withdraw was answered (17) and its
    // Rollback delivered.
    const switched = await admin.post('/admin/v1/operators/update', { agentID: s.agentID, callbackUrl: null });
    expect(switched.body).toEqual(
      expect.objectContaining({ code: 0, operator: expect.objectContaining({ mode: 'transfer', callbackUrl: null }) }),
    );
    expect(switched.status).toBe(200);
  });

  test('garbage (HTML) or a non-200 answer to a Withdraw is 17; nothing is debited', async () => {
    for (const behaviour of [
      { mode: 'garbage' as const },
      { mode: 'down' as const },
      { mode: 'fail' as const, times: 1, status: 502 },
    ]) {
      const s = await seamlessOperator('hmac');
      const userID = `bad-${behaviour.mode}`;
      s.wallet.fund(userID, 'EUR', 10_000n);
      const token = await launch(s, userID);
      expect(await provider('balance', { token })).toMatchObject({ code: 0, balance: 100 });
      s.wallet.setBehaviour(behaviour);
      const bet = game({ token, transactionID: `bad-b-${behaviour.mode}`, roundID: 'bad-r1', amount: 2 });
      expect(await provider('bet', bet)).toMatchObject({ code: 17, balance: 100 });
      s.wallet.setBehaviour({ mode: 'normal' });
      expect(await provider('bet', bet)).toMatchObject({ code: 17, balance: 100 });
      expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
      await until('the compensating Rollback answered', () =>
        s.wallet.callsOf('rollback').find((c) => c.answeredStatus === 200),
      );
      expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_000n);
    }
  });

  test('an operator down past every attempt: the delivery is parked, support and admin may retry it (finance may not), then it is credited once', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'down-1';
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await launch(s, userID);
    expect(
      await provider('bet', game({ token, transactionID: 'down-b1', roundID: 'down-r1', amount: 1 })),
    ).toMatchObject({ code: 0, balance: 99 });
    s.wallet.setBehaviour({ mode: 'down' });
    const win1 = await provider('win', game({ token, transactionID: 'down-w1', roundID: 'down-r1', amount: 2 }));
    const win2 = await provider('win', game({ token, transactionID: 'down-w2', roundID: 'down-r1', amount: 3 }));
    expect(win1).toMatchObject({ code: 0, balance: 99 });
    expect(win2).toMatchObject({ code: 0, balance: 99 });

    const parked = await until('both wins parked', async () => {
      const failed = await callbacksOf(s.agentID, 'failed');
      return failed.length === 2 ? failed : undefined;
    });
    for (const [c, win] of [
      [parked[0], win1],
      [parked[1], win2],
    ] as const) {
      expect(c).toMatchObject({
        kind: 'deposit',
        status: 'failed',
        attempts: RETRY_ATTEMPTS + 1,
        transactionID: win.platformTransactionID,
        agentID: s.agentID,
        nextAttemptAt: null,
      });
      expect(c.lastError).toMatch(/503/);
      expect(withTx(s.wallet.callsOf('deposit'), win.platformTransactionID)).toHaveLength(RETRY_ATTEMPTS + 1);
    }
    // Parked means parked: nothing retries it on its own.
    await holdsFor(
      'no retry of a parked delivery',
      () => s.wallet.callsOf('deposit').length === 2 * (RETRY_ATTEMPTS + 1),
      700,
    );
    expect(s.wallet.callsOf('deposit')).toHaveLength(2 * (RETRY_ATTEMPTS + 1));
    expect(await callbacksOf(s.agentID, 'pending')).toEqual([]);

    const support = await staff('support');
    const finance = await staff('finance');
    const refused = await finance.post('/admin/v1/callbacks/retry', { id: parked[0].id });
    expect(refused.status).toBe(403);
    expect(refused.body.code).toBe(5);
    expect((await finance.post('/admin/v1/callbacks/list', {})).status).toBe(403);
    expect(await callbacksOf(s.agentID, 'failed')).toHaveLength(2);

    s.wallet.setBehaviour({ mode: 'normal' });
    const byAdmin = await admin.ok('/admin/v1/callbacks/retry', { id: parked[0].id });
    expect(byAdmin.callback).toMatchObject({
      id: parked[0].id,
      status: 'pending',
      transactionID: win1.platformTransactionID,
    });
    const bySupport = await support.post('/admin/v1/callbacks/retry', { id: parked[1].id });
    expect(bySupport.status).toBe(200);
    expect(bySupport.body).toMatchObject({ code: 0, callback: { id: parked[1].id, status: 'pending' } });

    await until(
      'both delivered',
      async () => (await callbacksOf(s.agentID, 'delivered')).filter((c) => c.kind === 'deposit').length === 2,
    );
    await holdsFor(
      'no attempt after delivery',
      () => s.wallet.callsOf('deposit').length === 2 * (RETRY_ATTEMPTS + 2),
      500,
    );
    for (const win of [win1, win2]) {
      const calls = withTx(s.wallet.callsOf('deposit'), win.platformTransactionID);
      expect(calls).toHaveLength(RETRY_ATTEMPTS + 2);
      expect(calls.filter((c) => c.answeredStatus === 200)).toHaveLength(1);
      expect(s.wallet.applied.has(win.platformTransactionID)).toBe(true);
    }
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_400n);
    const delivered = (await callbacksOf(s.agentID, 'delivered')).filter((c) => c.kind === 'deposit');
    expect(delivered.map((c) => c.attempts)).toEqual([RETRY_ATTEMPTS + 2, RETRY_ATTEMPTS + 2]);
    // A delivered callback is not retried again.
    expect((await admin.post('/admin/v1/callbacks/retry', { id: parked[0].id })).status).toBe(409);
  });
});

let staffSeq = 0;
async function staff(role: 'support' | 'finance'): Promise<AdminClient> {
  const username = `${role}.seam${++staffSeq}`;
  const password = `${role}-password-123`;
  await admin.ok('/admin/v1/users/create', { username, password, role });
  return AdminClient.login(server.url, username, password);
}

describe('concurrency', () => {
  test('the same bet 20 times at once (three rounds of it): one Withdraw applied each, one 0 and nineteen 11, one platformTransactionID', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'twin-1';
    s.wallet.fund(userID, 'EUR', 100_000n);
    const token = await launch(s, userID);
    // A player we have seen before (the usual case): one earlier bet.
    expect(
      await provider('bet', game({ token, transactionID: 'twin-b0', roundID: 'twin-r0', amount: 2.5 })),
    ).toMatchObject({ code: 0, balance: 997.5 });
    let expected = 99_750n;
    for (let round = 1; round <= 3; round++) {
      const bet = game({ token, transactionID: `twin-b${round}`, roundID: `twin-r${round}`, amount: 7.5 });
      const answers = await Promise.all(Array.from({ length: 20 }, () => providerRaw('bet', bet)));
      expected -= 750n;
      expect({ round, codes: byCode(answers) }).toEqual({ round, codes: [0, ...Array(19).fill(11)] });
      const ids = new Set(answers.map((a) => a.platformTransactionID));
      expect(ids.size).toBe(1);
      const id = [...ids][0] as string;
      expect(answers.every((a) => a.balance === Number(expected) / 100)).toBe(true);
      expect(withTx(s.wallet.callsOf('withdraw'), id)).toHaveLength(1);
      expect(s.wallet.applied.has(id)).toBe(true);
    }
    expect(s.wallet.callsOf('withdraw')).toHaveLength(4);
    expect(s.wallet.applied.size).toBe(4);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(expected);
  });

  test('the same win 20 times at once: one Deposit, one 0 and nineteen 11, one platformTransactionID', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'twin-2';
    s.wallet.fund(userID, 'EUR', 100_000n);
    const token = await launch(s, userID);
    expect(
      await provider('bet', game({ token, transactionID: 'twin2-b1', roundID: 'twin2-r1', amount: 7.5 })),
    ).toMatchObject({ code: 0, balance: 992.5 });
    const wins = await Promise.all(
      Array.from({ length: 20 }, () =>
        providerRaw(
          'win',
          game({ token, transactionID: 'twin2-w1', refTransactionID: 'twin2-b1', roundID: 'twin2-r1', amount: 20 }),
        ),
      ),
    );
    expect(byCode(wins)).toEqual([0, ...Array(19).fill(11)]);
    expect(new Set(wins.map((a) => a.platformTransactionID)).size).toBe(1);
    await holdsFor('one Deposit for twenty twins', () => s.wallet.callsOf('deposit').length === 1, 300);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(101_250n);
  });
  test("a twin arriving after the round closed gets the first request's answer (17 here), not a refusal of its own; one Withdraw", async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'twin-closed';
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await launch(s, userID);
    expect(await provider('bet', game({ token, transactionID: 'tc-b0', roundID: 'tc-r1', amount: 1 }))).toMatchObject({
      code: 0,
    });
    s.wallet.setBehaviour({ mode: 'hang', kinds: ['withdraw'] });
    const first = providerRaw('bet', game({ token, transactionID: 'tc-b1', roundID: 'tc-r1', amount: 2 }));
    await until('the first Withdraw sent', () => s.wallet.callsOf('withdraw').length === 2);
    // The round closes while that Withdraw is in flight (the win pays the earlier bet).
    expect(
      await provider(
        'win',
        game({
          token,
          transactionID: 'tc-w1',
          refTransactionID: 'tc-b0',
          roundID: 'tc-r1',
          amount: 0,
          roundClosed: true,
        }),
      ),
    ).toMatchObject({ code: 0 });
    const twin = await providerRaw('bet', game({ token, transactionID: 'tc-b1', roundID: 'tc-r1', amount: 2 }));
    expect((await first).code).toBe(17);
    expect(twin.code).toBe(17);
    expect(s.wallet.callsOf('withdraw')).toHaveLength(2);
    s.wallet.setBehaviour({ mode: 'normal' });
  });

  test("a Withdraw's outcome is recorded once when the call, the sweeper and a late answer race to record it", async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'claim-1';
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await launch(s, userID);
    // The operator debits but never answers: the bet's own call will time out (400 ms) and try to record 17.
    s.wallet.behaviour = { mode: 'hang', kinds: ['withdraw'], apply: true };
    const bet = providerRaw('bet', game({ token, transactionID: 'claim-b1', roundID: 'claim-r1', amount: 5 }));
    const store = new MysqlSeamlessStore(server.db);
    const attemptRow = await until('the Withdraw attempt', async () => {
      const [rows] = await server.db.query<RowDataPacket[]>(
        "SELECT provider_id FROM callback_deliveries WHERE kind = 'withdraw' AND transaction_id = 'claim-b1'",
      );
      return rows[0];
    });
    const attempt = (await store.findWithdrawAttempt(attemptRow.provider_id as number, 'claim-b1'))!;
    expect(attempt.status).toBe('sending');
    const settings = {
      callbackTimeoutMs: TIMEOUT_MS,
      retryAttempts: RETRY_ATTEMPTS,
      retryDelayMs: 200,
      retryTimeoutMs: 400,
    };
    const hash = Buffer.from(attempt.payload.requestHash!, 'hex');
    // Six recorders at once besides the call itself: three as a late OK, three as the sweeper's 17.
    const replies = [0, 1, 2, 3, 4, 5].map((i) =>
      i % 2 ? { outcome: 'ok' as const, balance: 9_500n as Minor } : { outcome: 'failed' as const, error: 'sweeper' },
    );
    const results = await Promise.all(replies.map((reply) => resolveWithdraw(store, attempt, reply, settings, hash)));
    const answer = await bet;
    // Seven recorders in all (the bet's own call records 17 when its 400 ms are up): one outcome, whoever
    // wrote it; on a slow machine the call may be the one, and then every recorder here lost.
    const winners = results.filter((r) => r.code !== 'already-resolved');
    expect(winners.length).toBeLessThanOrEqual(1);

    const [ledger] = await server.db.query<RowDataPacket[]>(
      "SELECT status, result_code FROM transactions WHERE transaction_id = 'claim-b1'",
    );
    expect(ledger).toHaveLength(1);
    const outcome = ledger[0]!.result_code as number;
    if (winners.length) expect(winners[0]!.code).toBe(outcome);
    expect(answer.code).toBe(outcome); // the bet answers what was recorded, not its own timeout
    // A debited bet leaves its attempt `sending` until the fold (the sweeper's, or staff's list): fold now.
    await store.foldSettledWithdraws();
    const [deliveries] = await server.db.query<RowDataPacket[]>(
      "SELECT kind, status FROM callback_deliveries WHERE transaction_id = 'claim-b1' OR JSON_VALUE(payload, '$.refTransactionId') = ?",
      [attempt.platformTransactionId],
    );
    const byKind = (kind: string) => deliveries.filter((d) => d.kind === kind);
    expect(byKind('withdraw').map((d) => d.status)).toEqual([outcome === 0 ? 'delivered' : 'refused']);
    expect(byKind('rollback')).toHaveLength(outcome === 17 ? 1 : 0);
    const [rounds] = await server.db.query<RowDataPacket[]>("SELECT bet_count FROM rounds WHERE round_id = 'claim-r1'");
    expect(rounds[0]?.bet_count ?? 0).toBe(outcome === 0 ? 1 : 0);
    s.wallet.behaviour = { mode: 'normal' };
  });
});

describe('concurrency of one player', () => {
  test('10 different bets and then 10 different wins of one player at once: all code 0, each applied once at the operator', async () => {
    const s = await seamlessOperator('md5');
    const userID = 'many-1';
    s.wallet.fund(userID, 'EUR', 100_000n);
    const token = await launch(s, userID);
    expect(await provider('balance', { token })).toMatchObject({ code: 0, balance: 1000 });
    const bets = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        providerRaw('bet', game({ token, transactionID: `many-b${i}`, roundID: `many-r${i}`, amount: 1 })),
      ),
    );
    expect(bets.map((a) => a.code)).toEqual(Array(10).fill(0));
    expect(s.wallet.callsOf('withdraw')).toHaveLength(10);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(99_000n);
    const wins = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        providerRaw('win', game({ token, transactionID: `many-w${i}`, roundID: `many-r${i}`, amount: 2 })),
      ),
    );
    expect(wins.map((a) => a.code)).toEqual(Array(10).fill(0));
    await until('every win credited', () => wins.every((w) => s.wallet.applied.has(w.platformTransactionID)));
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(101_000n);
  });
});

describe('the mode-switch guard', () => {
  test('to seamless: refused while a transfer wallet holds money (names the wallets) or a round is open (names the rounds)', async () => {
    const op = await admin.createOperator('switch-t1', ['EUR']);
    const userID = 'switch-t1-p';
    await op.call('/v1/player/create', { userID, currency: 'EUR' });
    expect(
      (await op.call('/v1/player/wallet/deposit', { userID, currency: 'EUR', amount: 10, transactionID: 'sw-d1' }))
        .code,
    ).toBe(0);
    const toSeamless = () =>
      admin.post('/admin/v1/operators/update', {
        agentID: 'switch-t1',
        callbackUrl: 'http://127.0.0.1:9/wallet',
        callbackScheme: 'hmac',
      });

    let refused = await toSeamless();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe(12);
    expect(refused.body.message).toMatch(/wallet/);
    expect(refused.body.message).not.toMatch(/round/);

    const launch = await op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
    expect(
      await provider('bet', game({ token: launch.token, transactionID: 'sw-b1', roundID: 'sw-r1', amount: 10 })),
    ).toMatchObject({ code: 0, balance: 0 });
    refused = await toSeamless();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe(12);
    expect(refused.body.message).toMatch(/round/);
    expect(refused.body.message).not.toMatch(/wallet/);
    const listed = (await admin.ok('/admin/v1/operators/list')).operators.find((o: any) => o.agentID === 'switch-t1');
    expect(listed).toMatchObject({ mode: 'transfer', callbackUrl: null });

    expect(
      await provider(
        'win',
        game({ token: launch.token, transactionID: 'sw-w1', roundID: 'sw-r1', amount: 0, roundClosed: true }),
      ),
    ).toMatchObject({ code: 0, balance: 0 });
    const switched = await toSeamless();
    expect(switched.status).toBe(200);
    expect(switched.body.operator).toMatchObject({ mode: 'seamless', callbackScheme: 'hmac' });
  });

  test('back to transfer: refused while a delivery is pending or parked (names the deliveries); allowed once delivered', async () => {
    const s = await seamlessOperator('hmac');
    const userID = 'switch-s1';
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await launch(s, userID);
    expect((await provider('bet', game({ token, transactionID: 'sws-b1', roundID: 'sws-r1', amount: 1 }))).code).toBe(
      0,
    );
    s.wallet.setBehaviour({ mode: 'down' });
    expect((await provider('win', game({ token, transactionID: 'sws-w1', roundID: 'sws-r1', amount: 5 }))).code).toBe(
      0,
    );
    const toTransfer = () => admin.post('/admin/v1/operators/update', { agentID: s.agentID, callbackUrl: null });

    const pending = await callbacksOf(s.agentID, 'pending');
    expect(pending).toHaveLength(1);
    let refused = await toTransfer();
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe(12);
    expect(refused.body.message).toMatch(/deliver/);

    const [parked] = await until('parked', async () => {
      const failed = await callbacksOf(s.agentID, 'failed');
      return failed.length ? failed : undefined;
    });
    refused = await admin.post('/admin/v1/operators/update', { agentID: s.agentID, callbackUrl: '' });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe(12);
    expect(refused.body.message).toMatch(/deliver/);

    s.wallet.setBehaviour({ mode: 'normal' });
    await admin.ok('/admin/v1/callbacks/retry', { id: parked.id });
    await until('delivered', async () => (await callbacksOf(s.agentID, 'delivered')).some((c) => c.id === parked.id));
    const switched = await toTransfer();
    expect(switched.status).toBe(200);
    expect(switched.body.operator).toMatchObject({ mode: 'transfer', callbackUrl: null });
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_400n);
  });

  test('transfer-only endpoints answer 12 in seamless mode', async () => {
    const s = await seamlessOperator('md5');
    const userID = 'only-transfer';
    for (const [path, fields] of [
      ['/v1/player/create', { userID, currency: 'EUR' }],
      ['/v1/player/wallet/deposit', { userID, currency: 'EUR', amount: 5, transactionID: 'ot-d1' }],
      ['/v1/player/wallet/withdraw', { userID, currency: 'EUR', amount: 5, transactionID: 'ot-w1' }],
    ] as const) {
      const answer = await s.op.call(path, fields);
      expect({ path, code: answer.code }).toEqual({ path, code: 12 });
    }
    expect(s.wallet.calls).toHaveLength(0);
    // The refusals stored nothing.
    expect((await s.op.call('/v1/transactions', { userID })).transactions).toEqual([]);
  });
});

describe('the §5 rules hold in seamless mode', () => {
  let s: Seamless;
  beforeAll(async () => {
    s = await seamlessOperator('hmac');
  });
  async function player(userID: string, minor: bigint): Promise<string> {
    s.wallet.fund(userID, 'EUR', minor);
    return launch(s, userID);
  }

  test('/v1/transactions lists seamless transactions with balanceAfter null, oldest first', async () => {
    const userID = 'rules-hist';
    const token = await player(userID, 10_000n);
    const bet = await provider('bet', game({ token, transactionID: 'rh-b1', roundID: 'rh-r1', amount: 2.5 }));
    expect(bet).toMatchObject({ code: 0, balance: 97.5 });
    const win = await provider(
      'win',
      game({
        token,
        transactionID: 'rh-w1',
        refTransactionID: 'rh-b1',
        roundID: 'rh-r1',
        amount: 1.25,
        roundClosed: true,
      }),
    );
    expect(win).toMatchObject({ code: 0, balance: 98.75 });
    const jackpot = await provider(
      'jackpot',
      game({ token, transactionID: 'rh-j1', roundID: 'rh-r2', amount: 100, jackpotID: 'rh-jp' }),
    );
    expect(jackpot).toMatchObject({ code: 0, balance: 198.75 });
    const history = await s.op.call('/v1/transactions', { userID });
    expect(history).toMatchObject({ code: 0, nextCursor: null });
    expect(
      history.transactions.map((t: any) => [
        t.type,
        t.transactionID,
        t.platformTransactionID,
        t.amount,
        t.balanceAfter,
      ]),
    ).toEqual([
      ['bet', 'rh-b1', bet.platformTransactionID, 2.5, null],
      ['win', 'rh-w1', win.platformTransactionID, 1.25, null],
      ['jackpot', 'rh-j1', jackpot.platformTransactionID, 100, null],
    ]);
    expect(history.transactions[0]).toMatchObject({
      userID,
      currency: 'EUR',
      roundID: 'rh-r1',
      gameID: world.gameId,
      providerID: world.studio.callerId,
      freeSpinID: null,
    });
    expect((await s.op.call('/v1/transactions', { transactionID: 'rh-w1' })).transactions).toHaveLength(1);
  });

  test('idempotency: a repeat is 11 with the original id and the balance right after it, other content is 13 with the balance; the operator hears nothing more', async () => {
    const userID = 'rules-idem';
    const token = await player(userID, 10_000n);
    const bet = await provider('bet', game({ token, transactionID: 'ri-b1', roundID: 'ri-r1', amount: 2.5 }));
    expect(bet).toMatchObject({ code: 0, balance: 97.5 });
    const win = await provider(
      'win',
      game({ token, transactionID: 'ri-w1', refTransactionID: 'ri-b1', roundID: 'ri-r1', amount: 1.25 }),
    );
    expect(win).toMatchObject({ code: 0, balance: 98.75 });
    expect(await provider('bet', game({ token, transactionID: 'ri-b2', roundID: 'ri-r2', amount: 1 }))).toMatchObject({
      code: 0,
      balance: 97.75,
    });
    const rollback = await provider(
      'rollback',
      game({ token, transactionID: 'ri-rb2', refTransactionID: 'ri-b2', roundID: 'ri-r2' }),
    );
    expect(rollback).toMatchObject({ code: 0, balance: 98.75 });
    const jackpot = await provider(
      'jackpot',
      game({ token, transactionID: 'ri-j1', roundID: 'ri-r3', amount: 5, jackpotID: 'ri-jp' }),
    );
    expect(jackpot).toMatchObject({ code: 0, balance: 103.75 });
    const n = s.wallet.calls.length;
    const repeats = {
      bet: await provider('bet', game({ token, transactionID: 'ri-b1', roundID: 'ri-r1', amount: 2.5 })),
      win: await provider(
        'win',
        game({ token, transactionID: 'ri-w1', refTransactionID: 'ri-b1', roundID: 'ri-r1', amount: 1.25 }),
      ),
      rollback: await provider(
        'rollback',
        game({ token, transactionID: 'ri-rb2', refTransactionID: 'ri-b2', roundID: 'ri-r2' }),
      ),
      jackpot: await provider(
        'jackpot',
        game({ token, transactionID: 'ri-j1', roundID: 'ri-r3', amount: 5, jackpotID: 'ri-jp' }),
      ),
      betOtherAmount: await provider('bet', game({ token, transactionID: 'ri-b1', roundID: 'ri-r1', amount: 3 })),
      winOtherAmount: await provider(
        'win',
        game({ token, transactionID: 'ri-w1', refTransactionID: 'ri-b1', roundID: 'ri-r1', amount: 9 }),
      ),
      betIdAsWin: await provider('win', game({ token, transactionID: 'ri-b1', roundID: 'ri-r1', amount: 2.5 })),
    };
    expect(s.wallet.calls.length).toBe(n);
    const pick = (a: any) => ({ code: a.code, platformTransactionID: a.platformTransactionID, balance: a.balance });
    expect(Object.fromEntries(Object.entries(repeats).map(([k, a]) => [k, pick(a)]))).toEqual({
      bet: { code: 11, platformTransactionID: bet.platformTransactionID, balance: 97.5 },
      win: { code: 11, platformTransactionID: win.platformTransactionID, balance: 98.75 },
      rollback: { code: 11, platformTransactionID: rollback.platformTransactionID, balance: 98.75 },
      jackpot: { code: 11, platformTransactionID: jackpot.platformTransactionID, balance: 103.75 },
      betOtherAmount: { code: 13, platformTransactionID: undefined, balance: 103.75 },
      winOtherAmount: { code: 13, platformTransactionID: undefined, balance: 103.75 },
      betIdAsWin: { code: 13, platformTransactionID: undefined, balance: 103.75 },
    });
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_375n);
  });

  test('rounds: a win without a bet is 10, a rollback after a win is 15, a rollback naming a win is 10, a closed round refuses bets (15); no callback for any', async () => {
    const userID = 'rules-round';
    const token = await player(userID, 10_000n);
    expect(await provider('bet', game({ token, transactionID: 'rr-b1', roundID: 'rr-r1', amount: 2.5 }))).toMatchObject(
      { code: 0, balance: 97.5 },
    );
    expect(
      await provider(
        'win',
        game({ token, transactionID: 'rr-w1', refTransactionID: 'rr-b1', roundID: 'rr-r1', amount: 1.25 }),
      ),
    ).toMatchObject({ code: 0, balance: 98.75 });
    const n = s.wallet.calls.length;
    expect(
      await provider('win', game({ token, transactionID: 'rr-w2', roundID: 'rr-nobet', amount: 5 })),
    ).toMatchObject({ code: 10, balance: 98.75 });
    expect(
      await provider(
        'win',
        game({ token, transactionID: 'rr-w3', refTransactionID: 'rr-unknown', roundID: 'rr-r1', amount: 5 }),
      ),
    ).toMatchObject({ code: 10, balance: 98.75 });
    expect(
      await provider('rollback', game({ token, transactionID: 'rr-rb1', refTransactionID: 'rr-b1', roundID: 'rr-r1' })),
    ).toMatchObject({ code: 15, balance: 98.75 });
    expect(
      await provider('rollback', game({ token, transactionID: 'rr-rb2', refTransactionID: 'rr-w1', roundID: 'rr-r1' })),
    ).toMatchObject({ code: 10, balance: 98.75 });
    expect(s.wallet.calls.length).toBe(n);
    expect(
      await provider(
        'win',
        game({
          token,
          transactionID: 'rr-w4',
          refTransactionID: 'rr-b1',
          roundID: 'rr-r1',
          amount: 0,
          roundClosed: true,
        }),
      ),
    ).toMatchObject({ code: 0 });
    const m = s.wallet.calls.length;
    expect(await provider('bet', game({ token, transactionID: 'rr-b5', roundID: 'rr-r1', amount: 1 }))).toMatchObject({
      code: 15,
      balance: 98.75,
    });
    expect(
      await provider(
        'win',
        game({ token, transactionID: 'rr-w5', refTransactionID: 'rr-b1', roundID: 'rr-r1', amount: 1 }),
      ),
    ).toMatchObject({ code: 15, balance: 98.75 });
    expect(s.wallet.calls.length).toBe(m);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(9_875n);
  });

  test('a rollback before its bet is a tombstone (0, listed with amount 0, no callback); the bet arriving later is 10 and never debits', async () => {
    const userID = 'rules-tomb';
    const token = await player(userID, 10_000n);
    const n = s.wallet.calls.length;
    const tombstone = await provider(
      'rollback',
      game({ token, transactionID: 'rt-rb1', refTransactionID: 'rt-late', roundID: 'rt-r1' }),
    );
    expect(tombstone.code).toBe(0);
    expect(await provider('bet', game({ token, transactionID: 'rt-late', roundID: 'rt-r1', amount: 1 }))).toMatchObject(
      { code: 10 },
    );
    expect(s.wallet.calls.length).toBe(n);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_000n);
    const history = await s.op.call('/v1/transactions', { userID });
    expect(history.transactions.map((t: any) => [t.type, t.transactionID, t.amount, t.balanceAfter])).toEqual([
      ['rollback', 'rt-rb1', 0, null],
    ]);
  });

  test('a rolled-back bet: the Rollback reaches the operator once; a second rollback under a new id is 11; its win is 15', async () => {
    const userID = 'rules-rb';
    const token = await player(userID, 10_000n);
    const bet = await provider('bet', game({ token, transactionID: 'rb-b1', roundID: 'rb-r1', amount: 4 }));
    expect(bet).toMatchObject({ code: 0, balance: 96 });
    const rollback = await provider(
      'rollback',
      game({ token, transactionID: 'rb-rb1', refTransactionID: 'rb-b1', roundID: 'rb-r1' }),
    );
    expect(rollback).toMatchObject({ code: 0, balance: 100 });
    const n = s.wallet.calls.length;
    expect(
      await provider('rollback', game({ token, transactionID: 'rb-rb2', refTransactionID: 'rb-b1', roundID: 'rb-r1' })),
    ).toMatchObject({ code: 11, balance: 100 });
    expect(
      await provider(
        'win',
        game({ token, transactionID: 'rb-w1', refTransactionID: 'rb-b1', roundID: 'rb-r1', amount: 1 }),
      ),
    ).toMatchObject({ code: 15, balance: 100 });
    expect(s.wallet.calls.length).toBe(n);
    expect(withTx(s.wallet.callsOf('rollback'), bet.platformTransactionID, 'refTransactionID')).toHaveLength(1);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_000n);
  });

  test('free spins: the campaign pays the bet (no Withdraw); the win is a Deposit with the freeSpinID; spins are counted', async () => {
    const userID = 'rules-fs';
    const token = await player(userID, 10_000n);
    expect(await provider('balance', { token })).toMatchObject({ code: 0, balance: 100 });
    const freeSpinID = 'rules-fs1';
    expect(
      await s.op.call('/v1/freespins/create', {
        freeSpinID,
        userIDs: [userID],
        gameIDs: [world.gameId],
        spins: 2,
        betAmount: 0.5,
        currency: 'EUR',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      }),
    ).toMatchObject({ code: 0, freeSpinID });
    const withdrawsBefore = s.wallet.callsOf('withdraw').length;
    const fsBet = await provider(
      'bet',
      game({ token, transactionID: 'fs-b1', roundID: 'fs-r1', amount: 0.5, freeSpinID }),
    );
    expect(fsBet).toMatchObject({ code: 0, balance: 100 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(withdrawsBefore);
    const fsWin = await provider(
      'win',
      game({ token, transactionID: 'fs-w1', refTransactionID: 'fs-b1', roundID: 'fs-r1', amount: 4, freeSpinID }),
    );
    expect(fsWin).toMatchObject({ code: 0, balance: 104 });
    expect(withTx(s.wallet.callsOf('deposit'), fsWin.platformTransactionID)[0]!.body).toMatchObject({
      amount: 4,
      freeSpinID,
      refTransactionID: fsBet.platformTransactionID,
      roundID: 'fs-r1',
    });
    expect(await s.op.call('/v1/freespins/get', { freeSpinID })).toMatchObject({
      code: 0,
      status: 'active',
      players: [{ userID, spinsLeft: 1, totalWin: 4 }],
    });
    expect(
      await provider('bet', game({ token, transactionID: 'fs-b2', roundID: 'fs-r2', amount: 1, freeSpinID })),
    ).toMatchObject({ code: 16 });
    expect(
      await provider('bet', game({ token, transactionID: 'fs-b3', roundID: 'fs-r3', amount: 0.5, freeSpinID })),
    ).toMatchObject({ code: 0 });
    expect(
      await provider('bet', game({ token, transactionID: 'fs-b4', roundID: 'fs-r4', amount: 0.5, freeSpinID })),
    ).toMatchObject({ code: 16 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(withdrawsBefore);
    expect(await s.op.call('/v1/freespins/get', { freeSpinID })).toMatchObject({
      status: 'finished',
      players: [{ userID, spinsLeft: 0, totalWin: 4 }],
    });
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_400n);
    const history = await s.op.call('/v1/transactions', { userID });
    expect(history.transactions.map((t: any) => [t.type, t.amount, t.balanceAfter, t.freeSpinID])).toEqual([
      ['bet', 0, null, freeSpinID],
      ['win', 4, null, freeSpinID],
      ['bet', 0, null, freeSpinID],
    ]);
  });
  test("a win naming a freeSpinID off the campaign's games or players is 16: no Deposit is sent, nothing is stored", async () => {
    const userID = 'rules-fsx';
    const token = await player(userID, 10_000n);
    const freeSpinID = 'rules-fsx1';
    expect(
      await s.op.call('/v1/freespins/create', {
        freeSpinID,
        userIDs: [userID],
        gameIDs: [world.gameId],
        spins: 2,
        betAmount: 0.5,
        currency: 'EUR',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      }),
    ).toMatchObject({ code: 0, freeSpinID });
    // Another studio, on its own game, with a real token for the same player.
    const other = await buildWorld(admin, { currencies: ['EUR'] });
    const onOther = await launch(s, userID, 'EUR', other.gameId);
    const outsiderToken = await player('rules-fsx-out', 10_000n);
    // Balances we know, so the refusals can carry them (§5: every error carries the balance).
    expect(await provider('balance', { token })).toMatchObject({ code: 0, balance: 100 });
    expect(await provider('balance', { token: outsiderToken })).toMatchObject({ code: 0, balance: 100 });
    const deposits = s.wallet.callsOf('deposit').length;
    const history = await s.op.call('/v1/transactions', { userID });
    const attack = await other.studio.call('/provider/v1/win', {
      token: onOther,
      transactionID: 'fsx-w1',
      roundID: 'fsx-r1',
      gameID: other.gameId,
      amount: 1000,
      freeSpinID,
    });
    expect(attack).toMatchObject({ code: 16, balance: 100 });
    expect(
      await provider(
        'win',
        game({ token: outsiderToken, transactionID: 'fsx-w2', roundID: 'fsx-r2', amount: 1000, freeSpinID }),
      ),
    ).toMatchObject({ code: 16, balance: 100 });
    expect(
      await provider(
        'win',
        game({ token, transactionID: 'fsx-w3', roundID: 'fsx-r3', amount: 1000, freeSpinID: 'no-such-campaign' }),
      ),
    ).toMatchObject({ code: 16, balance: 100 });
    expect(s.wallet.callsOf('deposit')).toHaveLength(deposits);
    expect(await s.op.call('/v1/transactions', { userID })).toEqual(history);
    expect((await callbacksOf(s.agentID)).filter((c) => /^fsx-/.test(c.transactionID))).toEqual([]);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(10_000n);
    // The campaign's own game pays it: a Deposit reaches the operator.
    expect(
      await provider('win', game({ token, transactionID: 'fsx-w4', roundID: 'fsx-r4', amount: 2, freeSpinID })),
    ).toMatchObject({ code: 0, balance: 102 });
    expect(s.wallet.callsOf('deposit')).toHaveLength(deposits + 1);
    expect(await s.op.call('/v1/freespins/get', { freeSpinID })).toMatchObject({
      players: [{ userID, spinsLeft: 2, totalWin: 2 }],
    });
  });
});

describe('signatures', () => {
  test('every callback made by this file carried a valid signature (hmac sign or md5 key)', () => {
    const all = wallets.flatMap((w) => w.calls);
    expect(all.length).toBeGreaterThan(50);
    expect(all.filter((c) => !c.signatureValid)).toEqual([]);
  });
});
