// Risk covered: a round's story for a dispute (PROTOCOL §14 rounds/get, rounds/list, admin rounds/get)
// that is incomplete, out of order, another operator's, or silent about what reached the operator's
// wallet: transactions missing or reordered, a delivery retried without its attempts (time, outcome,
// HTTP status, operator code), a compensating Rollback left out, an unknown round or bad input answered
// with the wrong code.
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { SeamlessOperator, World, buildWorld, fundedSession, seamlessOperator } from '../support/world';

const TIMEOUT_MS = 400;

let server: TestServer;
let admin: AdminClient;
let world: World;
let otherWorld: World;
const wallets: FakeOperatorWallet[] = [];

beforeAll(async () => {
  server = await startTestServer('rounds', {
    CALLBACK_TIMEOUT_MS: String(TIMEOUT_MS),
    CALLBACK_RETRY_ATTEMPTS: '5',
    CALLBACK_RETRY_DELAY_MS: '200',
    CALLBACK_RETRY_TIMEOUT_MS: '400',
  });
  admin = await server.admin();
  world = await buildWorld(admin, { currencies: ['EUR'] });
  otherWorld = await buildWorld(admin, { currencies: ['EUR'] });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await server.close();
  for (const wallet of wallets) await wallet.stop();
});

let seq = 0;
const newUserId = () => `rp${(++seq).toString().padStart(4, '0')}x${Date.now().toString(36)}`;
const newId = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++seq}`;

function studioCall(studio: SignedClient, path: string, fields: Record<string, unknown>) {
  return studio.call(`/provider/v1/${path}`, fields);
}

/** One accepted bet of `amount` on the round (a new transaction). */
async function betOnce(studio: SignedClient, token: string, gameID: number, roundID: string, amount: number) {
  expect(await studioCall(studio, 'bet', { token, gameID, roundID, transactionID: newId('b'), amount })).toMatchObject({
    code: 0,
  });
}

/** A player with a funded session and a round of one bet of 1.00 still open. */
async function openRound(balance = 10): Promise<{ userID: string; roundID: string }> {
  const userID = newUserId();
  const roundID = newId('R');
  const token = await fundedSession(world, userID, balance);
  await betOnce(world.studio, token, world.gameId, roundID, 1);
  return { userID, roundID };
}

/** bet A 1.00, bet B 2.00, rollback of B, win 3.00 for A closing the round: four transactions, in this order. */
async function playRound(studio: SignedClient, token: string, gameID: number, roundID: string) {
  const ids = { betA: newId('ba'), betB: newId('bb'), rollback: newId('rb'), win: newId('w') };
  const base = { token, gameID, roundID };
  expect(await studioCall(studio, 'bet', { ...base, transactionID: ids.betA, amount: 1 })).toMatchObject({ code: 0 });
  expect(await studioCall(studio, 'bet', { ...base, transactionID: ids.betB, amount: 2 })).toMatchObject({ code: 0 });
  expect(
    await studioCall(studio, 'rollback', { ...base, transactionID: ids.rollback, refTransactionID: ids.betB }),
  ).toMatchObject({ code: 0 });
  expect(
    await studioCall(studio, 'win', {
      ...base,
      transactionID: ids.win,
      refTransactionID: ids.betA,
      amount: 3,
      roundClosed: true,
    }),
  ).toMatchObject({ code: 0 });
  return ids;
}

function expectStory(transactions: any[], ids: Record<string, string>) {
  expect(transactions.map((t) => [t.type, t.transactionID, t.amount])).toEqual([
    ['bet', ids.betA, 1],
    ['bet', ids.betB, 2],
    ['rollback', ids.rollback, 2],
    ['win', ids.win, 3],
  ]);
  const times = transactions.map((t) => Date.parse(t.createdAt));
  expect([...times].sort((a, b) => a - b)).toEqual(times);
}

describe('transfer mode', () => {
  test('rounds/get: bet, bet, rollback and the closing win in the order stored, with the round and no callbacks', async () => {
    const userID = newUserId();
    const roundID = newId('R');
    const token = await fundedSession(world, userID, 100);
    const ids = await playRound(world.studio, token, world.gameId, roundID);

    const answer = await world.operator.call('/v1/rounds/get', { userID, roundID });
    expect(answer).toMatchObject({
      code: 0,
      roundID,
      providerID: world.studio.callerId,
      gameID: world.gameId,
      userID,
      status: 'closed',
      closeReason: 'roundClosed',
      betCount: 2,
      winCount: 1,
      rolledBackCount: 1,
    });
    expect(Date.parse(answer.closedAt)).toBeGreaterThanOrEqual(Date.parse(answer.openedAt));
    expectStory(answer.transactions, ids);
    expect(answer.transactions.map((t: any) => t.balanceAfter)).toEqual([99, 97, 99, 102]);
    expect(answer).not.toHaveProperty('callbacks');
    // The same with the studio named, and byte for byte: r1 is not R1.
    expect(
      await world.operator.call('/v1/rounds/get', { userID, roundID, providerID: world.studio.callerId }),
    ).toMatchObject({ code: 0, roundID });
    expect(await world.operator.call('/v1/rounds/get', { userID, roundID: roundID.toLowerCase() })).toMatchObject({
      code: 10,
    });
  });

  test('an open round reads open with no close reason; unknown rounds, players and studios are code 10', async () => {
    const { userID, roundID } = await openRound();
    expect(await world.operator.call('/v1/rounds/get', { userID, roundID })).toMatchObject({
      code: 0,
      status: 'open',
      closedAt: null,
      closeReason: null,
    });
    for (const fields of [
      { userID, roundID: 'no-such-round' },
      { userID: newUserId(), roundID },
      { userID, roundID, providerID: otherWorld.studio.callerId },
      { userID, roundID, providerID: 'no-such-studio' },
    ])
      expect(await world.operator.call('/v1/rounds/get', fields)).toMatchObject({ code: 10 });
  });

  test("isolation: another operator gets code 10 for this operator's round and never lists it", async () => {
    const { userID, roundID } = await openRound();
    // The other operator even has a player of the same userID.
    await otherWorld.operator.call('/v1/player/create', { userID, currency: 'EUR' });
    expect(await otherWorld.operator.call('/v1/rounds/get', { userID, roundID })).toMatchObject({ code: 10 });
    const listed = await otherWorld.operator.call('/v1/rounds/list', { userID });
    expect(listed).toMatchObject({ code: 0, rounds: [], nextCursor: null });
    expect((await world.operator.call('/v1/rounds/list', { userID })).rounds).toHaveLength(1);
  });

  test('one roundID at two studios for one player: code 2 naming providerID until the studio is named', async () => {
    const { userID, roundID } = await openRound();
    const launch = await world.operator.call('/v1/games/launch', {
      userID,
      gameID: otherWorld.gameId,
      currency: 'EUR',
    });
    await betOnce(otherWorld.studio, launch.token, otherWorld.gameId, roundID, 2);
    const ambiguous = await world.operator.call('/v1/rounds/get', { userID, roundID });
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.message).toMatch(/providerID/);
    const other = await world.operator.call('/v1/rounds/get', {
      userID,
      roundID,
      providerID: otherWorld.studio.callerId,
    });
    expect(other).toMatchObject({ code: 0, gameID: otherWorld.gameId });
    expect(other.transactions.map((t: any) => t.amount)).toEqual([2]);
  });

  test('rounds/list: newest first, filtered by player and status, paged with a cursor that loses nothing', async () => {
    const userID = newUserId();
    const token = await fundedSession(world, userID, 100);
    const roundIDs = [newId('L1'), newId('L2'), newId('L3')];
    for (const roundID of roundIDs) await betOnce(world.studio, token, world.gameId, roundID, 1);
    await studioCall(world.studio, 'win', {
      token,
      gameID: world.gameId,
      roundID: roundIDs[1],
      transactionID: newId('w'),
      amount: 0,
      roundClosed: true,
    });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await world.operator.call('/v1/rounds/list', { userID, limit: 2, ...(cursor ? { cursor } : {}) });
      expect(answer.code).toBe(0);
      seen.push(...answer.rounds.map((r: any) => r.roundID));
      cursor = answer.nextCursor ?? undefined;
      if (!cursor) break;
    }
    expect(seen).toEqual([...roundIDs].reverse());
    const open = await world.operator.call('/v1/rounds/list', { userID, status: 'open' });
    expect(open.rounds.map((r: any) => r.roundID)).toEqual([roundIDs[2], roundIDs[0]]);
    const closed = await world.operator.call('/v1/rounds/list', { userID, status: 'closed' });
    expect(closed.rounds).toEqual([
      expect.objectContaining({ roundID: roundIDs[1], status: 'closed', closeReason: 'roundClosed', betCount: 1 }),
    ]);
    // Without a player: every round of the operator, this player's newest first among them.
    const all = await world.operator.call('/v1/rounds/list', { limit: 200 });
    expect(all.rounds.filter((r: any) => r.userID === userID).map((r: any) => r.roundID)).toEqual(
      [...roundIDs].reverse(),
    );
  });

  test('bad input is code 2 and names the field', async () => {
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['/v1/rounds/get', { roundID: 'R1' }, /userID/],
      ['/v1/rounds/get', { userID: 'abc', roundID: 'R1' }, /userID/],
      ['/v1/rounds/get', { userID: 'player01' }, /roundID/],
      ['/v1/rounds/get', { userID: 'player01', roundID: 'R 1' }, /roundID/],
      ['/v1/rounds/get', { userID: 'player01', roundID: 'R1', providerID: 'x'.repeat(65) }, /providerID/],
      ['/v1/rounds/list', { limit: 0 }, /limit/],
      ['/v1/rounds/list', { limit: 201 }, /limit/],
      ['/v1/rounds/list', { limit: 1.5 }, /limit/],
      ['/v1/rounds/list', { status: 'settled' }, /status/],
      ['/v1/rounds/list', { cursor: 'not-ours' }, /cursor/],
      ['/v1/rounds/list', { userID: 42 }, /userID/],
    ];
    for (const [path, fields, field] of cases) {
      const answer = await world.operator.call(path, fields);
      expect({ path, fields, code: answer.code }).toEqual({ path, fields, code: 2 });
      expect(answer.message).toMatch(field);
    }
  });

  test('staff: admin rounds/get answers the same story with agentID, by POST and by GET; 404 and 400 otherwise', async () => {
    const userID = newUserId();
    const roundID = newId('R');
    const token = await fundedSession(world, userID, 100);
    const ids = await playRound(world.studio, token, world.gameId, roundID);
    const agentID = world.operator.callerId;

    const staff = await admin.ok('/admin/v1/rounds/get', { agentID, userID, roundID });
    expect(staff).toMatchObject({ agentID, roundID, status: 'closed', closeReason: 'roundClosed' });
    expectStory(staff.transactions, ids);
    expect(staff.transactions.every((t: any) => t.agentID === agentID)).toBe(true);
    const query = new URLSearchParams({ agentID, userID, roundID });
    const viaGet = await fetch(`${server.url}/admin/v1/rounds/get?${query}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    expect(viaGet.status).toBe(200);
    expect(((await viaGet.json()) as any).transactions).toEqual(staff.transactions);

    expect(await admin.post('/admin/v1/rounds/get', { agentID, userID, roundID: 'nope' })).toMatchObject({
      status: 404,
      body: { code: 10 },
    });
    expect(await admin.post('/admin/v1/rounds/get', { agentID: 'no-such-op', userID, roundID })).toMatchObject({
      status: 404,
      body: { code: 2 },
    });
    expect(await admin.post('/admin/v1/rounds/get', { callbackID: '999999999' })).toMatchObject({
      status: 404,
      body: { code: 2 },
    });
    for (const body of [{ agentID, userID }, { agentID, userID, roundID: 'R 1' }, { callbackID: 'x' }, []])
      expect(await admin.post('/admin/v1/rounds/get', body)).toMatchObject({ status: 400, body: { code: 2 } });
    expect(await postJson(`${server.url}/admin/v1/rounds/get`, { agentID, userID, roundID })).toMatchObject({
      status: 401,
      body: { code: 5 },
    });
  });
});

let opSeq = 0;
async function seamless(): Promise<SeamlessOperator> {
  const s = await seamlessOperator(admin, `rounds-seam-${++opSeq}`, { strictRollbacks: true });
  wallets.push(s.wallet);
  return s;
}

async function seamlessLaunch(s: SeamlessOperator, userID: string): Promise<string> {
  const answer = await s.op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
  expect(answer.code).toBe(0);
  return answer.token as string;
}

describe('seamless mode', () => {
  test('a Deposit failing twice then delivered shows its three attempts, in order, beside the Withdraws and the Rollback', async () => {
    const s = await seamless();
    const userID = newUserId();
    const roundID = newId('SR');
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await seamlessLaunch(s, userID);
    const ids = { betA: newId('ba'), betB: newId('bb'), rollback: newId('rb'), win: newId('w') };
    const base = { token, gameID: world.gameId, roundID };
    expect(await studioCall(world.studio, 'bet', { ...base, transactionID: ids.betA, amount: 1 })).toMatchObject({
      code: 0,
    });
    expect(await studioCall(world.studio, 'bet', { ...base, transactionID: ids.betB, amount: 2 })).toMatchObject({
      code: 0,
    });
    expect(
      await studioCall(world.studio, 'rollback', { ...base, transactionID: ids.rollback, refTransactionID: ids.betB }),
    ).toMatchObject({ code: 0 });
    // The wallet fails the Deposit twice (the try while the studio waits, then the first queued retry).
    s.wallet.setBehaviour({ mode: 'fail', times: 2, status: 500 });
    const win = await studioCall(world.studio, 'win', {
      ...base,
      transactionID: ids.win,
      refTransactionID: ids.betA,
      amount: 3,
      roundClosed: true,
    });
    expect(win.code).toBe(0);

    const story = await until('the Deposit delivered on its third attempt', async () => {
      const answer = await s.op.call('/v1/rounds/get', { userID, roundID });
      const deposit = answer.callbacks?.find((c: any) => c.kind === 'deposit');
      return deposit?.status === 'delivered' && deposit.attempts.length === 3 ? answer : null;
    });
    expect(s.wallet.callsOf('deposit')).toHaveLength(3);
    expectStory(story.transactions, ids);
    expect(story.transactions.every((t: any) => t.balanceAfter === null)).toBe(true);

    const byTx = new Map(story.transactions.map((t: any) => [t.transactionID, t.platformTransactionID]));
    expect(story.callbacks.map((c: any) => [c.kind, c.transactionID, c.providerTransactionID, c.status])).toEqual([
      ['withdraw', byTx.get(ids.betA), ids.betA, 'delivered'],
      ['withdraw', byTx.get(ids.betB), ids.betB, 'delivered'],
      ['rollback', byTx.get(ids.rollback), ids.rollback, 'delivered'],
      ['deposit', byTx.get(ids.win), ids.win, 'delivered'],
    ]);
    const [withdrawA, , rollback, deposit] = story.callbacks;
    expect(withdrawA.attempts).toEqual([
      expect.objectContaining({ via: 'inline', outcome: 'ok', httpStatus: 200, operatorCode: 0, error: null }),
    ]);
    expect(rollback).toMatchObject({ refTransactionID: byTx.get(ids.betB), amount: 2 });
    expect(rollback.attempts).toEqual([expect.objectContaining({ outcome: 'ok', httpStatus: 200, operatorCode: 0 })]);
    expect(deposit).toMatchObject({
      amount: 3,
      currency: 'EUR',
      attemptCount: 3,
      refTransactionID: byTx.get(ids.betA),
    });
    expect(deposit.attempts).toEqual([
      expect.objectContaining({
        via: 'inline',
        outcome: 'failed',
        httpStatus: 500,
        operatorCode: null,
        error: 'HTTP 500',
      }),
      expect.objectContaining({
        via: 'queue',
        outcome: 'failed',
        httpStatus: 500,
        operatorCode: null,
        error: 'HTTP 500',
      }),
      expect.objectContaining({ via: 'queue', outcome: 'ok', httpStatus: 200, operatorCode: 0, error: null }),
    ]);
    const times = deposit.attempts.map((a: any) => Date.parse(a.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The wallet saw each attempt when the story says (within the time the call took).
    const walletTimes = s.wallet.callsOf('deposit').map((c) => c.at);
    deposit.attempts.forEach((a: any, i: number) => {
      expect(walletTimes[i]! - Date.parse(a.at)).toBeGreaterThanOrEqual(-5);
      expect(walletTimes[i]! - Date.parse(a.at)).toBeLessThanOrEqual(a.latencyMs + 5);
      expect(a.latencyMs).toBeGreaterThanOrEqual(0);
    });

    // Staff see the same, reached from the Deposit's callback row as well.
    const staff = await admin.ok('/admin/v1/rounds/get', { callbackID: deposit.id });
    expect(staff).toMatchObject({ agentID: s.agentID, roundID, userID });
    expect(staff.callbacks).toEqual(story.callbacks);
  });

  test('a Withdraw answered 17 shows refused, and its compensating Rollback belongs to the round', async () => {
    const s = await seamless();
    const userID = newUserId();
    const roundID = newId('SR');
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = await seamlessLaunch(s, userID);
    const base = { token, gameID: world.gameId, roundID };
    expect(await studioCall(world.studio, 'bet', { ...base, transactionID: newId('b'), amount: 1 })).toMatchObject({
      code: 0,
    });
    s.wallet.setBehaviour({ mode: 'down' });
    const failed = newId('bf');
    expect(await studioCall(world.studio, 'bet', { ...base, transactionID: failed, amount: 2 })).toMatchObject({
      code: 17,
    });
    s.wallet.setBehaviour({ mode: 'normal' });

    const story = await until('the compensating Rollback delivered', async () => {
      const answer = await s.op.call('/v1/rounds/get', { userID, roundID });
      const compensation = answer.callbacks?.find((c: any) => c.kind === 'rollback');
      // Attempts are written a moment after the call (in batches): the row may say delivered first.
      return compensation?.status === 'delivered' && compensation.attempts.length > 0 ? answer : null;
    });
    // The refused bet is not a transaction of the round (refusals are not listed) but its Withdraw is told.
    expect(story.transactions.map((t: any) => t.type)).toEqual(['bet']);
    const withdraw = story.callbacks.find((c: any) => c.providerTransactionID === failed);
    expect(withdraw).toMatchObject({ kind: 'withdraw', status: 'refused' });
    expect(withdraw.lastError).toMatch(/code 17/);
    expect(withdraw.attempts).toEqual([
      expect.objectContaining({ via: 'inline', outcome: 'failed', httpStatus: 503, operatorCode: null }),
    ]);
    const compensation = story.callbacks.find((c: any) => c.kind === 'rollback');
    expect(compensation).toMatchObject({ providerTransactionID: null, refTransactionID: withdraw.transactionID });
    expect(compensation.attempts.at(-1)).toMatchObject({ via: 'queue', outcome: 'ok', httpStatus: 200 });
  });
});
