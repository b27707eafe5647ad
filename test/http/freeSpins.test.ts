// Risk covered: free-spin campaigns that take the player's money, hand out more spins than granted (also
// under concurrency), keep spinning after cancel or expiry, refuse wins the player is owed, or report
// the wrong status and totals (PROTOCOL §4 /v1/freespins/*, §5 Bets, Wins, Rollbacks).
import { SignedClient } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await startTestServer('freespins');
  world = await buildWorld(await server.admin());
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

import { until } from '../support/until';
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;

interface Campaign {
  freeSpinID: string;
  userIDs: string[];
  gameIDs: number[];
  spins: number;
  betAmount: number;
  currency: string;
  expiresAt: string;
}

function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    freeSpinID: nextId('fs'),
    userIDs: [],
    gameIDs: [world.gameId],
    spins: 3,
    betAmount: 0.5,
    currency: 'EUR',
    expiresAt: inAnHour(),
    ...overrides,
  };
}

async function createCampaign(overrides: Partial<Campaign>): Promise<Campaign> {
  const definition = campaign(overrides);
  const answer = await world.operator.call('/v1/freespins/create', { ...definition });
  expect(answer).toMatchObject({ code: 0, freeSpinID: definition.freeSpinID });
  return definition;
}

const getCampaign = (freeSpinID: string, operator: SignedClient = world.operator) =>
  operator.call('/v1/freespins/get', { freeSpinID });

async function spinsLeft(freeSpinID: string, userID: string): Promise<number> {
  const answer = await getCampaign(freeSpinID);
  expect(answer.code).toBe(0);
  const player = (answer.players as any[]).find((p) => p.userID === userID);
  if (!player) throw new Error(`${userID} not in ${freeSpinID}: ${JSON.stringify(answer)}`);
  return player.spinsLeft as number;
}

async function balance(userID: string, currency = 'EUR'): Promise<number> {
  const answer = await world.operator.call('/v1/player/balance', { userID, currency });
  expect(answer.code).toBe(0);
  return answer.balance as number;
}

function freeBet(
  token: string,
  freeSpinID: string,
  fields: { amount?: number; gameID?: number; transactionID?: string; roundID?: string } = {},
) {
  const transactionID = fields.transactionID ?? nextId('fb');
  return world.studio.call('/provider/v1/bet', {
    token,
    transactionID,
    roundID: fields.roundID ?? `r-${transactionID}`,
    gameID: fields.gameID ?? world.gameId,
    amount: fields.amount ?? 0.5,
    freeSpinID,
  });
}

function freeWin(
  token: string,
  freeSpinID: string,
  roundID: string,
  amount: number,
  extra: Record<string, unknown> = {},
) {
  return world.studio.call('/provider/v1/win', {
    token,
    transactionID: nextId('fw'),
    roundID,
    gameID: world.gameId,
    amount,
    freeSpinID,
    ...extra,
  });
}

describe('/v1/freespins/create', () => {
  test('creates once; a repeat is 11, other content under the same freeSpinID is 13', async () => {
    const definition = campaign({ userIDs: ['fs-create1', 'fs-create2'], spins: 5 });
    expect(await world.operator.call('/v1/freespins/create', { ...definition })).toMatchObject({
      code: 0,
      freeSpinID: definition.freeSpinID,
    });
    expect(await world.operator.call('/v1/freespins/create', { ...definition })).toMatchObject({
      code: 11,
      freeSpinID: definition.freeSpinID,
    });
    expect((await world.operator.call('/v1/freespins/create', { ...definition, spins: 6 })).code).toBe(13);
    expect(
      (await world.operator.call('/v1/freespins/create', { ...definition, userIDs: ['fs-create1', 'fs-create3'] }))
        .code,
    ).toBe(13);
    expect((await world.operator.call('/v1/freespins/create', { ...definition, betAmount: 1 })).code).toBe(13);

    const got = await getCampaign(definition.freeSpinID);
    expect(got).toMatchObject({ code: 0, freeSpinID: definition.freeSpinID, status: 'active' });
    expect([...got.players].sort((a: any, b: any) => a.userID.localeCompare(b.userID))).toEqual([
      { userID: 'fs-create1', spinsLeft: 5, totalWin: 0 },
      { userID: 'fs-create2', spinsLeft: 5, totalWin: 0 },
    ]);
  });

  test('the same players and games in another order is the same campaign (11); concurrent creates store it once', async () => {
    const definition = campaign({ userIDs: ['fs-order1', 'fs-order2', 'fs-order3'], gameIDs: [world.gameId] });
    expect((await world.operator.call('/v1/freespins/create', { ...definition })).code).toBe(0);
    expect(
      (
        await world.operator.call('/v1/freespins/create', {
          ...definition,
          userIDs: ['fs-order3', 'fs-order1', 'fs-order2'],
        })
      ).code,
    ).toBe(11);

    for (let i = 0; i < 3; i++) {
      const raced = campaign({ userIDs: ['fs-order1'] });
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => world.operator.call('/v1/freespins/create', { ...raced })),
      );
      expect(answers.map((a) => a.code).sort((a, b) => a - b)).toEqual([0, 11, 11, 11, 11]);
      const conflicting = campaign({ userIDs: ['fs-order1'] });
      const mixed = await Promise.all(
        [1, 2, 3, 4].map((spins) => world.operator.call('/v1/freespins/create', { ...conflicting, spins })),
      );
      expect(mixed.map((a) => a.code).sort((a, b) => a - b)).toEqual([0, 13, 13, 13]);
    }
    const [rows] = await server.db.query<any[]>(
      "SELECT COUNT(*) AS n FROM free_spin_players WHERE user_id = 'fs-order1'",
    );
    expect(Number(rows[0].n)).toBe(7);
  });

  test('refuses a past expiresAt (2), a game without free spins (8), a currency not enabled (14), bad betAmount or spins (2)', async () => {
    const refused = async (overrides: Partial<Campaign> | Record<string, unknown>) => {
      const definition = { ...campaign({ userIDs: ['fs-refuse1'] }), ...overrides };
      const answer = await world.operator.call('/v1/freespins/create', definition);
      // Nothing was stored: the freeSpinID is still unknown.
      expect((await getCampaign(definition.freeSpinID as string)).code).toBe(16);
      return answer.code;
    };
    expect(await refused({ expiresAt: new Date(Date.now() - 60_000).toISOString() })).toBe(2);
    expect(await refused({ gameIDs: [world.otherGameId] })).toBe(8);
    expect(await refused({ gameIDs: [world.gameId, world.otherGameId] })).toBe(8);
    expect(await refused({ gameIDs: [999_999] })).toBe(8);
    expect(await refused({ currency: 'USD' })).toBe(14);
    expect(await refused({ betAmount: 0.005 })).toBe(2);
    expect(await refused({ betAmount: 1.001 })).toBe(2);
    expect(await refused({ currency: 'JPY', betAmount: 1.5 })).toBe(2);
    expect(await refused({ betAmount: -1 })).toBe(2);
    expect(await refused({ spins: 0 })).toBe(2);
    expect(await refused({ spins: -2 })).toBe(2);
    expect(await refused({ spins: 1.5 })).toBe(2);
    expect(await refused({ userIDs: [] })).toBe(2);
    expect(await refused({ expiresAt: 'tomorrow' })).toBe(2);
  });
});

describe('free bets', () => {
  test('a free bet is paid by the campaign: balance unchanged, one spin used, listed with amount 0 and its freeSpinID', async () => {
    const token = await fundedSession(world, 'fs-bet01', 100);
    const fs = await createCampaign({ userIDs: ['fs-bet01'], spins: 3, betAmount: 0.5 });
    const answer = await freeBet(token, fs.freeSpinID, { transactionID: 'fs-bet01-b1', roundID: 'fs-bet01-r1' });
    expect(answer).toMatchObject({ code: 0, balance: 100, platformTransactionID: expect.any(String) });
    expect(await spinsLeft(fs.freeSpinID, 'fs-bet01')).toBe(2);
    expect(await balance('fs-bet01')).toBe(100);

    // The repeat is 11 and does not use another spin.
    const repeat = await freeBet(token, fs.freeSpinID, { transactionID: 'fs-bet01-b1', roundID: 'fs-bet01-r1' });
    expect(repeat).toMatchObject({ code: 11, balance: 100, platformTransactionID: answer.platformTransactionID });
    expect(await spinsLeft(fs.freeSpinID, 'fs-bet01')).toBe(2);

    const history = await world.operator.call('/v1/transactions', { userID: 'fs-bet01' });
    const bet = history.transactions.find((t: any) => t.transactionID === 'fs-bet01-b1');
    expect(bet).toMatchObject({
      type: 'bet',
      amount: 0,
      freeSpinID: fs.freeSpinID,
      roundID: 'fs-bet01-r1',
      balanceAfter: 100,
    });
    await assertLedgerConsistent(server.db);
  });

  test('code 16: no spins left, cancelled, wrong amount, player not in it, game not in it, unknown, other currency', async () => {
    const token = await fundedSession(world, 'fs-bet02', 100);
    const outsider = await fundedSession(world, 'fs-bet03', 100);

    // No spins left.
    const one = await createCampaign({ userIDs: ['fs-bet02', 'fs-bet03x'], spins: 1 });
    expect((await freeBet(token, one.freeSpinID)).code).toBe(0);
    expect(await freeBet(token, one.freeSpinID)).toMatchObject({ code: 16, balance: 100 });
    expect(await spinsLeft(one.freeSpinID, 'fs-bet02')).toBe(0);

    // Cancelled.
    const cancelled = await createCampaign({ userIDs: ['fs-bet02'], spins: 3 });
    expect(await world.operator.call('/v1/freespins/cancel', { freeSpinID: cancelled.freeSpinID })).toMatchObject({
      code: 0,
      status: 'cancelled',
    });
    expect(await freeBet(token, cancelled.freeSpinID)).toMatchObject({ code: 16, balance: 100 });
    expect(await spinsLeft(cancelled.freeSpinID, 'fs-bet02')).toBe(3);

    const fs = await createCampaign({ userIDs: ['fs-bet02'], spins: 3, betAmount: 0.5 });
    // Amount not the campaign's.
    expect(await freeBet(token, fs.freeSpinID, { amount: 0.6 })).toMatchObject({ code: 16, balance: 100 });
    expect(await freeBet(token, fs.freeSpinID, { amount: 0 })).toMatchObject({ code: 16, balance: 100 });
    // Player not in it.
    expect(await freeBet(outsider, fs.freeSpinID)).toMatchObject({ code: 16, balance: 100 });
    // Game not in it: a session for the other game.
    const otherGame = await world.operator.call('/v1/games/launch', {
      userID: 'fs-bet02',
      gameID: world.otherGameId,
      currency: 'EUR',
    });
    expect(otherGame.code).toBe(0);
    expect(await freeBet(otherGame.token, fs.freeSpinID, { gameID: world.otherGameId })).toMatchObject({
      code: 16,
      balance: 100,
    });
    // Unknown freeSpinID.
    expect(await freeBet(token, 'no-such-campaign')).toMatchObject({ code: 16, balance: 100 });
    expect(await spinsLeft(fs.freeSpinID, 'fs-bet02')).toBe(3);

    // Currency differs: a JPY campaign and a EUR session, then a EUR campaign and a JPY session.
    const jpy = await createCampaign({ userIDs: ['fs-bet02'], currency: 'JPY', betAmount: 50 });
    expect(await freeBet(token, jpy.freeSpinID, { amount: 50 })).toMatchObject({ code: 16, balance: 100 });
    expect(await spinsLeft(jpy.freeSpinID, 'fs-bet02')).toBe(3);
    const jpyToken = await fundedSession(world, 'fs-bet02', 1000, { currency: 'JPY' });
    expect(await freeBet(jpyToken, fs.freeSpinID, { amount: 0.5 })).toMatchObject({ code: 2 });
    expect(await freeBet(jpyToken, fs.freeSpinID, { amount: 1 })).toMatchObject({ code: 16, balance: 1000 });
    expect(await spinsLeft(fs.freeSpinID, 'fs-bet02')).toBe(3);

    // Another operator's campaign is unknown to this operator's player.
    const otherWorld = await buildWorld(world.admin);
    const foreign = campaign({ userIDs: ['fs-bet02'], gameIDs: [world.gameId] });
    expect((await otherWorld.operator.call('/v1/freespins/create', { ...foreign })).code).toBe(0);
    expect((await getCampaign(foreign.freeSpinID)).code).toBe(16);
    expect(await freeBet(token, foreign.freeSpinID)).toMatchObject({ code: 16, balance: 100 });

    expect(await balance('fs-bet02')).toBe(100);
    expect(await balance('fs-bet03')).toBe(100);
    await assertLedgerConsistent(server.db);
  });

  test('two concurrent free bets on the last spin: exactly one succeeds (10 times)', async () => {
    const token = await fundedSession(world, 'fs-race1', 10);
    for (let i = 0; i < 10; i++) {
      const fs = await createCampaign({ userIDs: ['fs-race1'], spins: 1 });
      const answers = await Promise.all([freeBet(token, fs.freeSpinID), freeBet(token, fs.freeSpinID)]);
      expect(answers.map((a) => a.code).sort((a, b) => a - b)).toEqual([0, 16]);
      for (const answer of answers) expect(answer.balance).toBe(10);
      const got = await getCampaign(fs.freeSpinID);
      expect(got).toMatchObject({
        code: 0,
        status: 'finished',
        players: [{ userID: 'fs-race1', spinsLeft: 0, totalWin: 0 }],
      });
    }
    // Two players with one spin each, both spinning at once, both succeed.
    const other = await fundedSession(world, 'fs-race2', 10);
    for (let i = 0; i < 3; i++) {
      const fs = await createCampaign({ userIDs: ['fs-race1', 'fs-race2'], spins: 1 });
      const answers = await Promise.all([
        freeBet(token, fs.freeSpinID),
        freeBet(other, fs.freeSpinID),
        freeBet(token, fs.freeSpinID),
        freeBet(other, fs.freeSpinID),
      ]);
      expect(answers.map((a) => a.code).sort((a, b) => a - b)).toEqual([0, 0, 16, 16]);
      expect((await getCampaign(fs.freeSpinID)).status).toBe('finished');
    }
    expect(await balance('fs-race1')).toBe(10);
    const [rows] = await server.db.query<any[]>(
      "SELECT COUNT(*) AS n FROM transactions WHERE user_id = 'fs-race1' AND type = 'bet' AND status = 'applied'",
    );
    expect(Number(rows[0].n)).toBe(13);
    await assertLedgerConsistent(server.db);
  });
});

describe("a win naming a freeSpinID is paid only on that campaign's games, for its players (§5, 1.1)", () => {
  /** What a refused win must leave untouched: the player's balance and list, the campaign's totals. */
  async function moneyOf(operator: SignedClient, userID: string, freeSpinID: string) {
    const [wallet, history, got] = await Promise.all([
      operator.call('/v1/player/balance', { userID, currency: 'EUR' }),
      operator.call('/v1/transactions', { userID, limit: 1000 }),
      operator.call('/v1/freespins/get', { freeSpinID }),
    ]);
    return {
      balance: wallet.balance as number,
      transactions: history.transactions as unknown[],
      players: got.players as unknown[],
    };
  }

  test("a studio paying itself through another studio's campaign (of the same operator's player) gets 16 and moves nothing", async () => {
    const other = await buildWorld(await server.admin(), { currencies: ['EUR'] });
    // Operator B's player, in B's campaign for studio B's game.
    const bToken = await fundedSession(other, 'fs-xs-p1', 5);
    const definition = { ...campaign({ userIDs: ['fs-xs-p1'], gameIDs: [other.gameId] }) };
    expect(await other.operator.call('/v1/freespins/create', { ...definition })).toMatchObject({ code: 0 });
    // The same player launched on studio A's game: studio A holds a real token for it.
    const aLaunch = await other.operator.call('/v1/games/launch', {
      userID: 'fs-xs-p1',
      gameID: world.gameId,
      currency: 'EUR',
    });
    expect(aLaunch.code).toBe(0);
    const before = await moneyOf(other.operator, 'fs-xs-p1', definition.freeSpinID);
    const attack = await world.studio.call('/provider/v1/win', {
      token: aLaunch.token,
      transactionID: nextId('xs'),
      roundID: nextId('xs-r'),
      gameID: world.gameId,
      amount: 1000,
      freeSpinID: definition.freeSpinID,
    });
    expect(attack).toMatchObject({ code: 16, balance: 5 });
    expect(await moneyOf(other.operator, 'fs-xs-p1', definition.freeSpinID)).toEqual(before);
    // The campaign's own studio, on its game, is paid (no bet needed).
    const legit = await other.studio.call('/provider/v1/win', {
      token: bToken,
      transactionID: nextId('xs'),
      roundID: nextId('xs-r'),
      gameID: other.gameId,
      amount: 2,
      freeSpinID: definition.freeSpinID,
    });
    expect(legit).toMatchObject({ code: 0, balance: 7 });
    expect((await moneyOf(other.operator, 'fs-xs-p1', definition.freeSpinID)).players).toEqual([
      { userID: 'fs-xs-p1', spinsLeft: 3, totalWin: 2 },
    ]);
    await assertLedgerConsistent(server.db);
  });

  test("another operator's freeSpinID gets 16, even when its player has the same userID", async () => {
    const other = await buildWorld(await server.admin(), { currencies: ['EUR'] });
    await other.operator.call('/v1/player/create', { userID: 'fs-xo-p1', currency: 'EUR' });
    const definition = campaign({ userIDs: ['fs-xo-p1'], gameIDs: [world.gameId] });
    expect(await other.operator.call('/v1/freespins/create', { ...definition })).toMatchObject({ code: 0 });
    const token = await fundedSession(world, 'fs-xo-p1', 5);
    const before = await balance('fs-xo-p1');
    expect(await freeWin(token, definition.freeSpinID, nextId('xo-r'), 1000)).toMatchObject({ code: 16, balance: 5 });
    expect(await balance('fs-xo-p1')).toBe(before);
    expect((await getCampaign(definition.freeSpinID, other.operator)).players).toEqual([
      { userID: 'fs-xo-p1', spinsLeft: 3, totalWin: 0 },
    ]);
    await assertLedgerConsistent(server.db);
  });

  test('a win on a game not in the campaign, or for a player not in it, is 16 even when its round has a bet; nothing moves', async () => {
    const fs = await createCampaign({ userIDs: ['fs-ng-p1'], gameIDs: [world.gameId] });
    const onOtherGame = await fundedSession(world, 'fs-ng-p1', 5, { gameId: world.otherGameId });
    const roundID = nextId('ng-r');
    expect(
      await world.studio.call('/provider/v1/bet', {
        token: onOtherGame,
        transactionID: nextId('ng-b'),
        roundID,
        gameID: world.otherGameId,
        amount: 1,
      }),
    ).toMatchObject({ code: 0, balance: 4 });
    const before = await moneyOf(world.operator, 'fs-ng-p1', fs.freeSpinID);
    const wrongGame = { token: onOtherGame, roundID, gameID: world.otherGameId, amount: 50, freeSpinID: fs.freeSpinID };
    expect(await world.studio.call('/provider/v1/win', { ...wrongGame, transactionID: nextId('ng-w') })).toMatchObject({
      code: 16,
      balance: 4,
    });
    expect(
      await world.studio.call('/provider/v1/win', {
        ...wrongGame,
        transactionID: nextId('ng-w'),
        roundID: nextId('ng-r'),
      }),
    ).toMatchObject({ code: 16, balance: 4 });

    const outsider = await fundedSession(world, 'fs-ng-p2', 5);
    const outsiderRound = nextId('ng-r');
    expect((await freeBet(outsider, fs.freeSpinID, { roundID: outsiderRound })).code).toBe(16);
    expect(
      await world.studio.call('/provider/v1/bet', {
        token: outsider,
        transactionID: nextId('ng-b'),
        roundID: outsiderRound,
        gameID: world.gameId,
        amount: 1,
      }),
    ).toMatchObject({ code: 0, balance: 4 });
    expect(await freeWin(outsider, fs.freeSpinID, outsiderRound, 50)).toMatchObject({ code: 16, balance: 4 });
    expect(await moneyOf(world.operator, 'fs-ng-p1', fs.freeSpinID)).toEqual(before);
    expect(await balance('fs-ng-p2')).toBe(4);
    // The same wins without the false freeSpinID take the normal path and are paid.
    expect(
      await world.studio.call('/provider/v1/win', {
        token: onOtherGame,
        transactionID: nextId('ng-w'),
        roundID,
        gameID: world.otherGameId,
        amount: 2,
      }),
    ).toMatchObject({ code: 0, balance: 6 });
    expect(await freeWin(outsider, null as unknown as string, outsiderRound, 2)).toMatchObject({ code: 0, balance: 6 });
    await assertLedgerConsistent(server.db);
  });

  test("a campaign's win on a round that also has a real bet is paid once and totalled to the campaign", async () => {
    const token = await fundedSession(world, 'fs-rb-p1', 5);
    const fs = await createCampaign({ userIDs: ['fs-rb-p1'] });
    const roundID = nextId('rb-r');
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: nextId('rb-b'),
        roundID,
        gameID: world.gameId,
        amount: 1,
      }),
    ).toMatchObject({ code: 0, balance: 4 });
    expect(await freeWin(token, fs.freeSpinID, roundID, 3)).toMatchObject({ code: 0, balance: 7 });
    expect((await getCampaign(fs.freeSpinID)).players).toEqual([{ userID: 'fs-rb-p1', spinsLeft: 3, totalWin: 3 }]);
    await assertLedgerConsistent(server.db);
  });
});

describe('free-spin wins', () => {
  test('are credited to the player and totalled per campaign; a win needs no stored bet when the player was in the campaign', async () => {
    const token = await fundedSession(world, 'fs-win01', 20);
    const fs = await createCampaign({ userIDs: ['fs-win01', 'fs-win01b'], spins: 3 });
    expect((await freeBet(token, fs.freeSpinID, { roundID: 'fs-win01-r1' })).code).toBe(0);
    const win = await world.studio.call('/provider/v1/win', {
      token,
      transactionID: 'fs-win01-w1',
      roundID: 'fs-win01-r1',
      gameID: world.gameId,
      amount: 2.5,
      freeSpinID: fs.freeSpinID,
    });
    expect(win).toMatchObject({ code: 0, balance: 22.5 });
    // The repeat is 11 and is neither paid nor totalled twice.
    const repeat = await world.studio.call('/provider/v1/win', {
      token,
      transactionID: 'fs-win01-w1',
      roundID: 'fs-win01-r1',
      gameID: world.gameId,
      amount: 2.5,
      freeSpinID: fs.freeSpinID,
    });
    expect(repeat).toMatchObject({ code: 11, balance: 22.5, platformTransactionID: win.platformTransactionID });
    // No bet in this round at all: the campaign is the exception.
    expect(await freeWin(token, fs.freeSpinID, 'fs-win01-r2', 1.25, { roundClosed: true })).toMatchObject({
      code: 0,
      balance: 23.75,
    });
    const got = await getCampaign(fs.freeSpinID);
    expect(got.players.find((p: any) => p.userID === 'fs-win01')).toEqual({
      userID: 'fs-win01',
      spinsLeft: 2,
      totalWin: 3.75,
    });
    expect(got.players.find((p: any) => p.userID === 'fs-win01b')).toEqual({
      userID: 'fs-win01b',
      spinsLeft: 3,
      totalWin: 0,
    });
    expect(await balance('fs-win01')).toBe(23.75);

    // A win naming the campaign for a player not in it, or naming no campaign we have, is 16 and moves nothing.
    const outsider = await fundedSession(world, 'fs-win02', 5);
    expect(await freeWin(outsider, fs.freeSpinID, 'fs-win02-r1', 3)).toMatchObject({ code: 16, balance: 5 });
    expect(await freeWin(outsider, 'no-such-campaign', 'fs-win02-r2', 3)).toMatchObject({ code: 16, balance: 5 });
    expect(await balance('fs-win02')).toBe(5);
    const after = await getCampaign(fs.freeSpinID);
    expect(after.players.find((p: any) => p.userID === 'fs-win01').totalWin).toBe(3.75);
    await assertLedgerConsistent(server.db);
  });

  test('wins for spins already played are paid after the campaign is cancelled or finished', async () => {
    await world.operator.call('/v1/player/create', { userID: 'fs-win03', currency: 'EUR' });
    const fs = await createCampaign({ userIDs: ['fs-win03'], spins: 2 });
    // The wallet is empty: the campaign's spins on this game are what let the player in (PROTOCOL §4).
    const token = await fundedSession(world, 'fs-win03', 0);
    expect((await freeBet(token, fs.freeSpinID, { roundID: 'fs-win03-r1' })).code).toBe(0);
    expect(await world.operator.call('/v1/freespins/cancel', { freeSpinID: fs.freeSpinID })).toMatchObject({
      code: 0,
      status: 'cancelled',
    });
    expect(await freeWin(token, fs.freeSpinID, 'fs-win03-r1', 4, { roundClosed: true })).toMatchObject({
      code: 0,
      balance: 4,
    });
    expect(await getCampaign(fs.freeSpinID)).toMatchObject({
      status: 'cancelled',
      players: [{ userID: 'fs-win03', spinsLeft: 1, totalWin: 4 }],
    });

    const done = await createCampaign({ userIDs: ['fs-win03'], spins: 1 });
    expect((await freeBet(token, done.freeSpinID, { roundID: 'fs-win03-r2' })).code).toBe(0);
    expect((await getCampaign(done.freeSpinID)).status).toBe('finished');
    expect(await freeWin(token, done.freeSpinID, 'fs-win03-r2', 1.5)).toMatchObject({ code: 0, balance: 5.5 });
    expect(await getCampaign(done.freeSpinID)).toMatchObject({
      status: 'finished',
      players: [{ userID: 'fs-win03', spinsLeft: 0, totalWin: 1.5 }],
    });
    await assertLedgerConsistent(server.db);
  });

  test('expiry: a bet before expiresAt is paid, bets after it are 16, the win of the played spin is still paid', async () => {
    const token = await fundedSession(world, 'fs-exp01', 7);
    const expiresAt = Date.now() + 1500;
    const fs = await createCampaign({ userIDs: ['fs-exp01'], spins: 3, expiresAt: new Date(expiresAt).toISOString() });
    expect(await freeBet(token, fs.freeSpinID, { roundID: 'fs-exp01-r1' })).toMatchObject({ code: 0, balance: 7 });
    expect((await getCampaign(fs.freeSpinID)).status).toBe('active');
    await until('the campaign expired', async () => (await getCampaign(fs.freeSpinID)).status === 'expired', 5_000);
    expect(await getCampaign(fs.freeSpinID)).toMatchObject({
      code: 0,
      status: 'expired',
      players: [{ userID: 'fs-exp01', spinsLeft: 2 }],
    });
    expect(await freeBet(token, fs.freeSpinID, { roundID: 'fs-exp01-r2' })).toMatchObject({ code: 16, balance: 7 });
    expect(await freeWin(token, fs.freeSpinID, 'fs-exp01-r1', 3)).toMatchObject({ code: 0, balance: 10 });
    expect(await getCampaign(fs.freeSpinID)).toMatchObject({
      status: 'expired',
      players: [{ userID: 'fs-exp01', spinsLeft: 2, totalWin: 3 }],
    });
    await assertLedgerConsistent(server.db);
  });
});

describe('campaign status', () => {
  test('active, cancelled (twice is fine), finished when every player used every spin; unknown is 16', async () => {
    const a = await fundedSession(world, 'fs-stat1', 1);
    const b = await fundedSession(world, 'fs-stat2', 1);
    const fs = await createCampaign({ userIDs: ['fs-stat1', 'fs-stat2'], spins: 2 });
    expect((await getCampaign(fs.freeSpinID)).status).toBe('active');
    for (const token of [a, a]) expect((await freeBet(token, fs.freeSpinID)).code).toBe(0);
    // One player is done, the other is not: still active, and the first has no spins left.
    expect((await getCampaign(fs.freeSpinID)).status).toBe('active');
    expect((await freeBet(a, fs.freeSpinID)).code).toBe(16);
    expect((await freeBet(b, fs.freeSpinID)).code).toBe(0);
    expect((await getCampaign(fs.freeSpinID)).status).toBe('active');
    expect((await freeBet(b, fs.freeSpinID)).code).toBe(0);
    const finished = await getCampaign(fs.freeSpinID);
    expect(finished.status).toBe('finished');
    expect(finished.players.map((p: any) => p.spinsLeft)).toEqual([0, 0]);

    const c = await createCampaign({ userIDs: ['fs-stat1'] });
    expect(await world.operator.call('/v1/freespins/cancel', { freeSpinID: c.freeSpinID })).toMatchObject({
      code: 0,
      freeSpinID: c.freeSpinID,
      status: 'cancelled',
    });
    expect(await world.operator.call('/v1/freespins/cancel', { freeSpinID: c.freeSpinID })).toMatchObject({
      code: 0,
      freeSpinID: c.freeSpinID,
      status: 'cancelled',
    });
    expect(await getCampaign(c.freeSpinID)).toMatchObject({
      code: 0,
      status: 'cancelled',
      players: [{ userID: 'fs-stat1', spinsLeft: 3, totalWin: 0 }],
    });

    expect((await getCampaign('never-created')).code).toBe(16);
    expect((await world.operator.call('/v1/freespins/cancel', { freeSpinID: 'never-created' })).code).toBe(16);
    expect((await world.operator.call('/v1/freespins/get', { freeSpinID: 'bad id!' })).code).toBe(2);
  });

  test('expired once expiresAt has passed', async () => {
    const fs = await createCampaign({ userIDs: ['fs-stat3'], expiresAt: new Date(Date.now() + 800).toISOString() });
    expect((await getCampaign(fs.freeSpinID)).status).toBe('active');
    await until('the campaign expired', async () => (await getCampaign(fs.freeSpinID)).status === 'expired', 5_000);
    expect(await getCampaign(fs.freeSpinID)).toMatchObject({
      code: 0,
      status: 'expired',
      players: [{ userID: 'fs-stat3', spinsLeft: 3, totalWin: 0 }],
    });
  });
});

describe('rolling back a free bet', () => {
  test('gives the spin back and moves no money', async () => {
    const token = await fundedSession(world, 'fs-rb01', 12);
    const fs = await createCampaign({ userIDs: ['fs-rb01'], spins: 2 });
    expect((await freeBet(token, fs.freeSpinID, { transactionID: 'fs-rb01-b1', roundID: 'fs-rb01-r1' })).code).toBe(0);
    expect(await spinsLeft(fs.freeSpinID, 'fs-rb01')).toBe(1);
    const rollback = await world.studio.call('/provider/v1/rollback', {
      token,
      transactionID: 'fs-rb01-rb1',
      refTransactionID: 'fs-rb01-b1',
      roundID: 'fs-rb01-r1',
      gameID: world.gameId,
    });
    expect(rollback).toMatchObject({ code: 0, balance: 12 });
    expect(await spinsLeft(fs.freeSpinID, 'fs-rb01')).toBe(2);
    expect(await balance('fs-rb01')).toBe(12);

    // A second rollback of the same bet is 11 and gives nothing more back.
    const again = await world.studio.call('/provider/v1/rollback', {
      token,
      transactionID: 'fs-rb01-rb2',
      refTransactionID: 'fs-rb01-b1',
      roundID: 'fs-rb01-r1',
      gameID: world.gameId,
    });
    expect(again).toMatchObject({ code: 11, balance: 12 });
    expect(await spinsLeft(fs.freeSpinID, 'fs-rb01')).toBe(2);

    // A win for the rolled-back free bet is 15 and moves nothing.
    expect(await freeWin(token, fs.freeSpinID, 'fs-rb01-r1', 5, { refTransactionID: 'fs-rb01-b1' })).toMatchObject({
      code: 15,
      balance: 12,
    });

    // The spin given back can be played again.
    expect((await freeBet(token, fs.freeSpinID)).code).toBe(0);
    expect((await freeBet(token, fs.freeSpinID)).code).toBe(0);
    expect((await freeBet(token, fs.freeSpinID)).code).toBe(16);
    expect(await getCampaign(fs.freeSpinID)).toMatchObject({
      status: 'finished',
      players: [{ userID: 'fs-rb01', spinsLeft: 0, totalWin: 0 }],
    });

    const history = await world.operator.call('/v1/transactions', { userID: 'fs-rb01' });
    const listed = history.transactions.find((t: any) => t.transactionID === 'fs-rb01-rb1');
    expect(listed).toMatchObject({ type: 'rollback', amount: 0, balanceAfter: 12 });
    expect(await balance('fs-rb01')).toBe(12);
    await assertLedgerConsistent(server.db);
  });
});
