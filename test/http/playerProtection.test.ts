// Risk covered: player protection (PROTOCOL §14, code 19) failing a player or the operator: a restricted
// player still betting on an open session (either mode, either process), a seamless Withdraw sent for a
// refused bet, a win, rollback or jackpot withheld from a restricted player, maxBet off by one minor unit,
// a restriction that never lifts after its `until`, bad input that changes something, or a change that
// is not audited.
import { RowDataPacket } from 'mysql2/promise';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startSecondServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { SeamlessOperator, World, buildWorld, fundedSession, seamlessOperator } from '../support/world';

const RESTRICTED = 19;

let server: TestServer;
let admin: AdminClient;
let world: World;
const wallets: FakeOperatorWallet[] = [];

beforeAll(async () => {
  server = await startTestServer('protection', {
    CALLBACK_TIMEOUT_MS: '1000',
    CALLBACK_RETRY_DELAY_MS: '200',
  });
  admin = await server.admin();
  world = await buildWorld(admin);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: server.config.callbackTimeoutMs });
});
afterAll(async () => {
  await server.close();
  for (const wallet of wallets) await wallet.stop();
});

let seq = 0;
const next = (prefix: string) => `${prefix}${++seq}`;
const studio = (path: string, fields: Record<string, unknown>) => world.studio.call(`/provider/v1/${path}`, fields);

function bet(token: string, amount: number, roundID = next('round'), extra: Record<string, unknown> = {}) {
  return studio('bet', { token, transactionID: next('bet'), roundID, gameID: world.gameId, amount, ...extra });
}

/**
 * What a restricted player is still owed on its open session: a win closing `roundID`, the rollback of
 * `rolledBack`, a jackpot.
 */
async function payOwed(
  token: string,
  roundID: string,
  rolledBack: { transactionID: string; roundID: string },
  amounts: { win: number; jackpot: number },
) {
  const gameID = world.gameId;
  const win = await studio('win', {
    token,
    transactionID: next('win'),
    roundID,
    gameID,
    amount: amounts.win,
    roundClosed: true,
  });
  const rollback = await studio('rollback', {
    token,
    transactionID: next('rb'),
    refTransactionID: rolledBack.transactionID,
    roundID: rolledBack.roundID,
    gameID,
  });
  const jackpot = await studio('jackpot', {
    token,
    transactionID: next('jp'),
    roundID: next('round'),
    gameID,
    amount: amounts.jackpot,
    jackpotID: 'jp-1',
  });
  return { win, rollback, jackpot };
}

async function auditOf(targetId: string): Promise<RowDataPacket[]> {
  const [rows] = await server.db.query<RowDataPacket[]>(
    'SELECT actor, action, `before`, `after` FROM audit_log WHERE target_type = ? AND target_id = ? ORDER BY id',
    ['player', targetId],
  );
  return rows;
}

async function seamless(): Promise<SeamlessOperator> {
  const s = await seamlessOperator(admin, next('prot-seam-'));
  wallets.push(s.wallet);
  return s;
}

describe('a restriction in transfer mode', () => {
  test("refuses the open session's next bet and real-money launches with 19; win, rollback and jackpot are paid; audited", async () => {
    const userID = next('tplayer');
    const token = await fundedSession(world, userID, 100);
    const roundID = next('round');
    const first = await bet(token, 10, roundID);
    expect(first).toMatchObject({ code: 0, balance: 90 });
    const secondBet = { transactionID: next('bet'), roundID: next('round') };
    const second = await studio('bet', { token, ...secondBet, gameID: world.gameId, amount: 5 });
    expect(second).toMatchObject({ code: 0, balance: 85 });

    const restricted = await world.operator.call('/v1/players/restrict', { userID, reason: 'self-exclusion' });
    expect(restricted).toMatchObject({ code: 0, userID, restricted: true, reason: 'self-exclusion', until: null });

    // From the next request on: the bet is refused with the balance, and nothing is stored.
    const refused = await bet(token, 1, roundID);
    expect(refused).toMatchObject({ code: RESTRICTED, balance: 85 });
    expect(refused.message).toMatch(/self-exclusion/);
    // Money owed is paid: a win on the open round, a rollback of the other bet, a jackpot.
    const owed = await payOwed(token, roundID, secondBet, { win: 30, jackpot: 2.5 });
    expect(owed.win).toMatchObject({ code: 0, balance: 115 });
    expect(owed.rollback).toMatchObject({ code: 0, balance: 120 });
    expect(owed.jackpot).toMatchObject({ code: 0, balance: 122.5 });

    const launch = await world.operator.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
    expect(launch.code).toBe(RESTRICTED);
    expect(launch.token).toBeUndefined();
    const demo = await world.operator.call('/v1/games/launch', {
      userID,
      gameID: world.gameId,
      currency: 'EUR',
      demo: true,
    });
    expect(demo.code).toBe(0);

    const [stored] = await server.db.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM transactions WHERE user_id = ? AND result_code = ?',
      [userID, RESTRICTED],
    );
    expect(Number(stored[0]!.n)).toBe(0);

    expect(await world.operator.call('/v1/players/unrestrict', { userID })).toMatchObject({
      code: 0,
      restricted: false,
    });
    expect(await bet(token, 1)).toMatchObject({ code: 0, balance: 121.5 });

    const audit = await auditOf(`${world.operator.callerId}/${userID}`);
    expect(audit.map((row) => [row.actor, row.action])).toEqual([
      [`operator:${world.operator.callerId}`, 'players.restrict'],
      [`operator:${world.operator.callerId}`, 'players.unrestrict'],
    ]);
    expect(JSON.parse(audit[0]!.after as string)).toEqual({ reason: 'self-exclusion', until: null });
  });

  test('a free-spin bet of a restricted player is refused too; its campaign keeps the spin', async () => {
    const userID = next('fsplayer');
    await world.operator.call('/v1/player/create', { userID, currency: 'EUR' });
    const freeSpinID = next('fs-');
    await world.operator.call('/v1/freespins/create', {
      freeSpinID,
      userIDs: [userID],
      gameIDs: [world.gameId],
      spins: 2,
      betAmount: 1,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    // With 0 in the wallet the launch is allowed only because the campaign covers the game (PROTOCOL §4).
    const { token } = await world.operator.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
    await world.operator.call('/v1/players/restrict', { userID, reason: 'cool-off' });
    expect(await bet(token, 1, next('round'), { freeSpinID })).toMatchObject({ code: RESTRICTED });
    const campaign = await world.operator.call('/v1/freespins/get', { freeSpinID });
    expect(campaign.players).toEqual([expect.objectContaining({ userID, spinsLeft: 2 })]);
  });

  test('an expired restriction lifts by itself', async () => {
    const userID = next('explayer');
    const token = await fundedSession(world, userID, 10);
    const endsAt = new Date(Date.now() + 1_500);
    const restricted = await world.operator.call('/v1/players/restrict', {
      userID,
      reason: 'cool-off',
      until: endsAt.toISOString(),
    });
    expect(restricted).toMatchObject({ code: 0, until: endsAt.toISOString() });
    const transactionID = next('bet');
    const fields = { token, transactionID, roundID: next('round'), gameID: world.gameId, amount: 1 };
    expect(await studio('bet', fields)).toMatchObject({ code: RESTRICTED });
    // The same bet again (a refused bet is not stored) until the restriction has ended: nobody lifts it.
    const accepted = await until('the restriction to lift', async () => {
      const answer = await studio('bet', fields);
      return answer.code === 0 ? answer : null;
    });
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt.getTime());
    expect(accepted).toMatchObject({ code: 0, balance: 9 });
    const launch = await world.operator.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
    expect(launch.code).toBe(0);
    const player = await admin.ok('/admin/v1/players/get', { agentID: world.operator.callerId, userID });
    expect(player.player.restriction).toMatchObject({ reason: 'cool-off', active: false });
  });
});

describe('maxBet', () => {
  test('transfer: exactly maxBet is accepted, one minor unit above is 19; other currencies and a cleared limit are free', async () => {
    const userID = next('mbplayer');
    const token = await fundedSession(world, userID, 100);
    expect(await world.operator.call('/v1/players/limits', { userID, currency: 'EUR', maxBet: 5 })).toMatchObject({
      code: 0,
      userID,
      currency: 'EUR',
      maxBet: 5,
    });
    expect(await world.operator.call('/v1/players/limits', { userID, currency: 'EUR' })).toMatchObject({
      code: 0,
      maxBet: 5,
    });
    expect(await bet(token, 5)).toMatchObject({ code: 0, balance: 95 });
    const above = await bet(token, 5.01);
    expect(above).toMatchObject({ code: RESTRICTED, balance: 95 });
    expect(above.message).toMatch(/maxBet/);
    // A JPY limit says nothing about EUR bets.
    await world.operator.call('/v1/players/limits', { userID, currency: 'JPY', maxBet: 1 });
    expect(await bet(token, 5)).toMatchObject({ code: 0, balance: 90 });
    expect(await world.operator.call('/v1/players/limits', { userID, currency: 'EUR', maxBet: null })).toMatchObject({
      code: 0,
      maxBet: null,
    });
    expect(await bet(token, 5.01)).toMatchObject({ code: 0, balance: 84.99 });
    const audit = await auditOf(`${world.operator.callerId}/${userID}`);
    expect(audit.map((row) => JSON.parse(row.after as string))).toEqual([
      { currency: 'EUR', maxBetMinor: '500' },
      { currency: 'JPY', maxBetMinor: '1' },
      { currency: 'EUR', maxBetMinor: null },
    ]);
  });

  test('a zero maxBet stops money bets; a free-spin bet stakes nothing of the player and is accepted', async () => {
    const userID = next('mb0player');
    const token = await fundedSession(world, userID, 10);
    await world.operator.call('/v1/players/limits', { userID, currency: 'EUR', maxBet: 0 });
    expect(await bet(token, 0.01)).toMatchObject({ code: RESTRICTED, balance: 10 });
    expect(await bet(token, 0)).toMatchObject({ code: 0, balance: 10 });
    const freeSpinID = next('fs-');
    await world.operator.call('/v1/freespins/create', {
      freeSpinID,
      userIDs: [userID],
      gameIDs: [world.gameId],
      spins: 1,
      betAmount: 1,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(await bet(token, 1, next('round'), { freeSpinID })).toMatchObject({ code: 0, balance: 10 });
  });
});

describe('seamless mode', () => {
  test('a restricted bet sends no Withdraw; a win, a rollback and a jackpot on the open session are delivered; launches get 19', async () => {
    const s = await seamless();
    const userID = next('splayer');
    s.wallet.fund(userID, 'EUR', 10_000n);
    const launched = await s.op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
    const token = launched.token as string;
    const roundID = next('round');
    expect(await bet(token, 10, roundID)).toMatchObject({ code: 0, balance: 90 });
    const other = { transactionID: next('bet'), roundID: next('round') };
    expect(await studio('bet', { token, ...other, gameID: world.gameId, amount: 5 })).toMatchObject({
      code: 0,
      balance: 85,
    });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(2);

    await s.op.call('/v1/players/restrict', { userID, reason: 'operator' });
    const refused = await bet(token, 1, roundID);
    expect(refused).toMatchObject({ code: RESTRICTED });
    expect(refused.message).toMatch(/operator/);
    expect(s.wallet.callsOf('withdraw')).toHaveLength(2);

    const owed = await payOwed(token, roundID, other, { win: 4, jackpot: 2.5 });
    expect(owed.win).toMatchObject({ code: 0, balance: 89 });
    expect(owed.rollback).toMatchObject({ code: 0, balance: 94 });
    expect(owed.jackpot).toMatchObject({ code: 0, balance: 96.5 });
    // What the operator's wallet was told: the two Deposits and the Rollback, and no third Withdraw.
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(9_650n);
    expect(s.wallet.calls.map((c) => c.kind)).toEqual(['withdraw', 'withdraw', 'deposit', 'rollback', 'deposit']);
    expect((await s.op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' })).code).toBe(
      RESTRICTED,
    );
    const [deliveries] = await server.db.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM callback_deliveries WHERE kind = 'withdraw' AND JSON_VALUE(payload, '$.userId') = ?",
      [userID],
    );
    expect(Number(deliveries[0]!.n)).toBe(2);
  });

  test('an expired restriction lifts by itself: the refused bet sent nothing, the same bet later sends one Withdraw', async () => {
    const s = await seamless();
    const userID = next('sexplayer');
    s.wallet.fund(userID, 'EUR', 1_000n);
    const token = (await s.op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' })).token;
    const endsAt = new Date(Date.now() + 1_500);
    await s.op.call('/v1/players/restrict', { userID, reason: 'cool-off', until: endsAt.toISOString() });
    const fields = { token, transactionID: next('bet'), roundID: next('round'), gameID: world.gameId, amount: 1 };
    expect(await studio('bet', fields)).toMatchObject({ code: RESTRICTED });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(0);
    const accepted = await until('the restriction to lift', async () => {
      const answer = await studio('bet', fields);
      return answer.code === 0 ? answer : null;
    });
    expect(Date.now()).toBeGreaterThanOrEqual(endsAt.getTime());
    expect(accepted).toMatchObject({ code: 0, balance: 9 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
  });

  test('maxBet: exactly at it sends one Withdraw; one minor unit above sends none', async () => {
    const s = await seamless();
    const userID = next('smbplayer');
    s.wallet.fund(userID, 'EUR', 10_000n);
    const token = (await s.op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' })).token;
    await s.op.call('/v1/players/limits', { userID, currency: 'EUR', maxBet: 2.5 });
    expect(await bet(token, 2.5)).toMatchObject({ code: 0, balance: 97.5 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    expect(await bet(token, 2.51)).toMatchObject({ code: RESTRICTED });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(9_750n);
  });
});

describe('bad input is code 2 and changes nothing', () => {
  test.each([
    ['until in the past', '/v1/players/restrict', { reason: 'cool-off', until: '2020-01-01T00:00:00Z' }],
    ['until not a date', '/v1/players/restrict', { reason: 'cool-off', until: 'tomorrow' }],
    ['an unknown reason', '/v1/players/restrict', { reason: 'holiday' }],
    ['a negative maxBet', '/v1/players/limits', { currency: 'EUR', maxBet: -1 }],
    ['a maxBet with too many digits', '/v1/players/limits', { currency: 'EUR', maxBet: 1.001 }],
    ['a maxBet that is not a number', '/v1/players/limits', { currency: 'EUR', maxBet: '5' }],
    ['a userID outside the grammar', '/v1/players/restrict', { reason: 'operator', userID: 'x' }],
  ])('%s', async (_what, path, fields) => {
    const userID = next('badplayer');
    const token = await fundedSession(world, userID, 10);
    const answer = await world.operator.call(path, { userID, ...fields });
    expect(answer.code).toBe(2);
    const [restrictions] = await server.db.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM player_restrictions WHERE user_id = ?',
      [userID],
    );
    const [limits] = await server.db.query<RowDataPacket[]>(
      'SELECT COUNT(*) AS n FROM player_limits WHERE user_id = ?',
      [userID],
    );
    expect([Number(restrictions[0]!.n), Number(limits[0]!.n)]).toEqual([0, 0]);
    expect(await auditOf(`${world.operator.callerId}/${userID}`)).toHaveLength(0);
    expect(await bet(token, 10)).toMatchObject({ code: 0, balance: 0 });
  });

  test('on a player already restricted and limited, bad input leaves both as they were and audits nothing', async () => {
    const userID = next('keptplayer');
    const token = await fundedSession(world, userID, 10);
    const until = new Date(Date.now() + 3_600_000).toISOString();
    await world.operator.call('/v1/players/restrict', { userID, reason: 'cool-off', until });
    await world.operator.call('/v1/players/limits', { userID, currency: 'EUR', maxBet: 3 });
    const before = await admin.ok('/admin/v1/players/get', { agentID: world.operator.callerId, userID });
    const audited = (await auditOf(`${world.operator.callerId}/${userID}`)).length;
    for (const [path, fields] of [
      ['/v1/players/restrict', { reason: 'self-exclusion', until: '2020-01-01T00:00:00Z' }],
      ['/v1/players/restrict', { reason: 'holiday' }],
      ['/v1/players/restrict', { reason: 'operator', until: 'soon' }],
      ['/v1/players/limits', { currency: 'EUR', maxBet: -0.01 }],
      ['/v1/players/limits', { currency: 'EUR', maxBet: 1.001 }],
      ['/v1/players/limits', { currency: 'eur', maxBet: 1 }],
      ['/v1/players/unrestrict', { userID: 'x' }],
    ] as const) {
      const answer = await world.operator.call(path, { userID, ...fields });
      expect({ path, fields, code: answer.code }).toEqual({ path, fields, code: 2 });
      expect(typeof answer.message).toBe('string');
    }
    const after = await admin.ok('/admin/v1/players/get', { agentID: world.operator.callerId, userID });
    expect(after.player.restriction).toEqual(before.player.restriction);
    expect(after.player.restriction).toMatchObject({ reason: 'cool-off', active: true });
    expect(after.player.limits).toEqual([{ currency: 'EUR', maxBet: 3 }]);
    expect(await auditOf(`${world.operator.callerId}/${userID}`)).toHaveLength(audited);
    expect(await bet(token, 1)).toMatchObject({ code: RESTRICTED, balance: 10 });
  });

  test('a currency the operator does not offer is 14', async () => {
    const answer = await world.operator.call('/v1/players/limits', {
      userID: next('curplayer'),
      currency: 'USD',
      maxBet: 1,
    });
    expect(answer.code).toBe(14);
  });
});

describe('two API processes on one database', () => {
  let second: TestServer;
  beforeAll(async () => {
    second = await startSecondServer(server);
  });
  afterAll(async () => second.close());
  const via = (target: TestServer, client: SignedClient) =>
    new SignedClient(target.url, client.callerField, client.callerId, client.secretKey);

  test('transfer: a restriction made through one refuses the next bet and launch through the other at once; a win there is paid', async () => {
    const userID = next('twoproc');
    const token = await fundedSession(world, userID, 50);
    const studio2 = via(second, world.studio);
    const operator2 = via(second, world.operator);
    const roundID = next('round');
    const betVia = (client: SignedClient, amount: number, round = next('round')) =>
      client.call('/provider/v1/bet', {
        token,
        transactionID: next('bet'),
        roundID: round,
        gameID: world.gameId,
        amount,
      });
    expect(await betVia(studio2, 1, roundID)).toMatchObject({ code: 0, balance: 49 });
    await world.operator.call('/v1/players/restrict', { userID, reason: 'operator' });
    expect(await betVia(studio2, 1)).toMatchObject({ code: RESTRICTED, balance: 49 });
    expect((await operator2.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' })).code).toBe(
      RESTRICTED,
    );
    const win = await studio2.call('/provider/v1/win', {
      token,
      transactionID: next('win'),
      roundID,
      gameID: world.gameId,
      amount: 3,
      roundClosed: true,
    });
    expect(win).toMatchObject({ code: 0, balance: 52 });
    await operator2.call('/v1/players/limits', { userID, currency: 'EUR', maxBet: 2 });
    await operator2.call('/v1/players/unrestrict', { userID });
    expect(await betVia(world.studio, 2)).toMatchObject({ code: 0, balance: 50 });
    expect(await betVia(world.studio, 2.01)).toMatchObject({ code: RESTRICTED });
    expect(await betVia(studio2, 2.01)).toMatchObject({ code: RESTRICTED });
  });

  test('seamless: a restriction made through one refuses the next bet through the other with no Withdraw; a win there is delivered', async () => {
    const s = await seamless();
    const userID = next('twoseam');
    s.wallet.fund(userID, 'EUR', 5_000n);
    const token = (await s.op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' })).token;
    const studio2 = via(second, world.studio);
    const operator2 = via(second, s.op);
    const roundID = next('round');
    const betVia = (client: SignedClient, amount: number, round = roundID) =>
      client.call('/provider/v1/bet', {
        token,
        transactionID: next('bet'),
        roundID: round,
        gameID: world.gameId,
        amount,
      });
    expect(await betVia(studio2, 1)).toMatchObject({ code: 0, balance: 49 });
    await s.op.call('/v1/players/restrict', { userID, reason: 'self-exclusion' });
    expect(await betVia(studio2, 1)).toMatchObject({ code: RESTRICTED });
    expect(await betVia(world.studio, 1)).toMatchObject({ code: RESTRICTED });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(1);
    expect((await operator2.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' })).code).toBe(
      RESTRICTED,
    );
    const win = await studio2.call('/provider/v1/win', {
      token,
      transactionID: next('win'),
      roundID,
      gameID: world.gameId,
      amount: 2,
      roundClosed: true,
    });
    expect(win).toMatchObject({ code: 0, balance: 51 });
    expect(s.wallet.balanceOf(userID, 'EUR')).toBe(5_100n);
    await operator2.call('/v1/players/unrestrict', { userID });
    expect(await betVia(world.studio, 1, next('round'))).toMatchObject({ code: 0, balance: 50 });
    expect(s.wallet.callsOf('withdraw')).toHaveLength(2);
  });
});

describe('the Players view (admin API)', () => {
  test('search, balances per currency, restriction and limits; staff changes are audited with their name', async () => {
    const agentID = world.operator.callerId;
    const userID = next('viewplayer');
    await fundedSession(world, userID, 12.34);
    await world.operator.call('/v1/player/create', { userID, currency: 'JPY' });
    const found = await admin.ok('/admin/v1/players/search', { agentID, userID: 'viewplayer' });
    expect(found.players.map((p: any) => p.userID)).toContain(userID);
    const restricted = await admin.ok('/admin/v1/players/restrict', {
      agentID,
      userID,
      reason: 'operator',
      until: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(restricted.player).toMatchObject({
      agentID,
      userID,
      mode: 'transfer',
      known: true,
      balances: [
        expect.objectContaining({ currency: 'EUR', balance: 12.34, source: 'wallet' }),
        expect.objectContaining({ currency: 'JPY', balance: 0, source: 'wallet' }),
      ],
      restriction: expect.objectContaining({ reason: 'operator', active: true }),
    });
    const limited = await admin.ok('/admin/v1/players/limits', { agentID, userID, currency: 'JPY', maxBet: 100 });
    expect(limited.player.limits).toEqual([{ currency: 'JPY', maxBet: 100 }]);
    const bad = await admin.post('/admin/v1/players/limits', { agentID, userID, currency: 'JPY', maxBet: 1.5 });
    expect([bad.status, bad.body.code]).toEqual([400, 2]);
    const unknown = await admin.post('/admin/v1/players/get', { agentID: 'nobody-here', userID });
    expect(unknown.status).toBe(404);
    const lifted = await admin.ok('/admin/v1/players/unrestrict', { agentID, userID });
    expect(lifted.player.restriction).toBeNull();
    expect((await auditOf(`${agentID}/${userID}`)).map((row) => [row.actor, row.action])).toEqual([
      ['root-admin', 'players.restrict'],
      ['root-admin', 'players.limits'],
      ['root-admin', 'players.unrestrict'],
    ]);
    expect((await admin.ok('/admin/v1/players/search', { agentID, userID })).players[0]).toMatchObject({
      userID,
      restricted: false,
    });
  });

  test('support staff read players but may not restrict them', async () => {
    await admin.ok('/admin/v1/users/create', {
      username: 'prot-support',
      password: 'a-long-support-passphrase-42',
      role: 'support',
    });
    const support = await AdminClient.login(server.url, 'prot-support', 'a-long-support-passphrase-42');
    const agentID = world.operator.callerId;
    expect((await support.post('/admin/v1/players/search', { agentID })).status).toBe(200);
    const refused = await support.post('/admin/v1/players/restrict', {
      agentID,
      userID: 'someone1',
      reason: 'operator',
    });
    expect(refused.status).toBe(403);
  });
});
