// Risk covered: a provider round rule of PROTOCOL §5 (idempotency, sessions, bets, wins, rollbacks,
// jackpots, balances on errors, history) broken over real HTTP, one test per rule.
import jwt from 'jsonwebtoken';
import { SignedClient } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';
import { sleep } from '../support/until';

let server: TestServer;
let world: World;
/** A second studio (with its own games) in the same server, for the per-provider rules. */
let otherWorld: World;

beforeAll(async () => {
  server = await startTestServer('prounds');
  const admin = await server.admin();
  world = await buildWorld(admin);
  otherWorld = await buildWorld(admin);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
});

// ---------------------------------------------------------------------------------------------
// Helpers: every call is a signed HTTP request, exactly as a studio or an operator would send it.

let seq = 0;
const id = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++seq}`;
const newUserId = () => `pl${(++seq).toString().padStart(4, '0')}x${Date.now().toString(36)}`;

type Fields = Record<string, unknown>;

function providerCall(studio: SignedClient, path: string, token: string, fields: Fields, gameID: number): Promise<any> {
  return studio.call(path, { token, gameID, ...fields });
}

const bet = (token: string, f: Fields, studio = world.studio) =>
  providerCall(studio, '/provider/v1/bet', token, f, world.gameId);
const win = (token: string, f: Fields, studio = world.studio) =>
  providerCall(studio, '/provider/v1/win', token, f, world.gameId);
const rollback = (token: string, f: Fields, studio = world.studio) =>
  providerCall(studio, '/provider/v1/rollback', token, f, world.gameId);
const jackpot = (token: string, f: Fields, studio = world.studio) =>
  providerCall(studio, '/provider/v1/jackpot', token, { jackpotID: 'mega', ...f }, world.gameId);

async function balanceOf(userID: string, currency = 'EUR'): Promise<number> {
  const answer = await world.operator.call('/v1/player/balance', { userID, currency });
  expect(answer.code).toBe(0);
  return answer.balance as number;
}

/** The balance the studio sees for a token (accepts expired tokens, PROTOCOL §5 / implementation). */
async function providerBalance(token: string, studio = world.studio): Promise<number> {
  const answer = await studio.call('/provider/v1/balance', { token });
  expect(answer.code).toBe(0);
  return answer.balance as number;
}

async function launch(
  userID: string | undefined,
  gameID: number,
  extra: Fields = {},
  currency = 'EUR',
): Promise<string> {
  const answer = await world.operator.call('/v1/games/launch', {
    ...(userID ? { userID } : {}),
    gameID,
    currency,
    ...extra,
  });
  expect(answer).toMatchObject({ code: 0 });
  return answer.token as string;
}

async function newPlayer(amount: number): Promise<{ userID: string; token: string }> {
  const userID = newUserId();
  const token = await fundedSession(world, userID, amount);
  return { userID, token };
}

async function history(filter: Fields): Promise<any[]> {
  const answer = await world.operator.call('/v1/transactions', filter);
  expect(answer.code).toBe(0);
  return answer.transactions as any[];
}

/** Asserts a business error carries a numeric balance equal to the player's real balance. */
async function expectErrorWithBalance(answer: any, code: number, userID: string): Promise<void> {
  expect(answer.code).toBe(code);
  expect(typeof answer.balance).toBe('number');
  expect(answer.balance).toBe(await balanceOf(userID));
}

// ---------------------------------------------------------------------------------------------

describe('Idempotency', () => {
  test('Idempotency: a repeated bet gets 11 with the original platformTransactionID and balance-after and changes nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const body = { transactionID: id('bet'), roundID: id('round'), amount: 10 };
    const first = await bet(token, body);
    expect(first).toMatchObject({ code: 0, balance: 90 });
    expect(typeof first.platformTransactionID).toBe('string');
    // Another transaction in between, so the current balance differs from the original's balance-after.
    expect(await bet(token, { transactionID: id('bet'), roundID: body.roundID, amount: 5 })).toMatchObject({
      code: 0,
      balance: 85,
    });

    const repeat = await bet(token, body);
    expect(repeat).toMatchObject({ code: 11, platformTransactionID: first.platformTransactionID, balance: 90 });
    // A repeat under a new session of the same player is the same transaction too.
    const freshToken = await launch(userID, world.gameId);
    expect(await bet(freshToken, body)).toMatchObject({
      code: 11,
      platformTransactionID: first.platformTransactionID,
      balance: 90,
    });

    expect(await balanceOf(userID)).toBe(85);
    expect(await history({ userID, transactionID: body.transactionID })).toHaveLength(1);
  });

  test('Idempotency: repeats of a win, a rollback and a jackpot get 11 with their original id and balance-after', async () => {
    const { userID, token } = await newPlayer(100);
    const r1 = id('round');
    const r2 = id('round');
    await bet(token, { transactionID: id('bet'), roundID: r1, amount: 10 });
    const b2 = id('bet');
    await bet(token, { transactionID: b2, roundID: r2, amount: 20 });
    const winBody = { transactionID: id('win'), roundID: r1, amount: 4 };
    const rbBody = { transactionID: id('rb'), refTransactionID: b2, roundID: r2 };
    const jpBody = { transactionID: id('jp'), roundID: id('round'), amount: 50 };
    const w = await win(token, winBody);
    expect(w).toMatchObject({ code: 0, balance: 74 });
    const rb = await rollback(token, rbBody);
    expect(rb).toMatchObject({ code: 0, balance: 94 });
    const jp = await jackpot(token, jpBody);
    expect(jp).toMatchObject({ code: 0, balance: 144 });

    expect(await win(token, winBody)).toMatchObject({
      code: 11,
      platformTransactionID: w.platformTransactionID,
      balance: 74,
    });
    expect(await rollback(token, rbBody)).toMatchObject({
      code: 11,
      platformTransactionID: rb.platformTransactionID,
      balance: 94,
    });
    expect(await jackpot(token, jpBody)).toMatchObject({
      code: 11,
      platformTransactionID: jp.platformTransactionID,
      balance: 144,
    });
    expect(await balanceOf(userID)).toBe(144);
  });

  test('Idempotency: a repeat with a different amount gets 13 with the current balance and changes nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const body = { transactionID: id('bet'), roundID: id('round'), amount: 10 };
    expect(await bet(token, body)).toMatchObject({ code: 0, balance: 90 });
    expect(await bet(token, { transactionID: id('bet'), roundID: body.roundID, amount: 5 })).toMatchObject({
      code: 0,
      balance: 85,
    });
    const conflict = await bet(token, { ...body, amount: 11 });
    expect(conflict.code).toBe(13);
    expect(conflict.balance).toBe(85);
    expect(conflict.platformTransactionID).toBeUndefined();
    expect(await balanceOf(userID)).toBe(85);
    const listed = await history({ userID, transactionID: body.transactionID });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ amount: 10 });
  });

  test('Idempotency: a repeat with a different round gets 13 with the current balance and changes nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const body = { transactionID: id('bet'), roundID: id('round'), amount: 10 };
    expect(await bet(token, body)).toMatchObject({ code: 0, balance: 90 });
    expect(await jackpot(token, { transactionID: id('jp'), roundID: id('round'), amount: 1 })).toMatchObject({
      code: 0,
      balance: 91,
    });
    const other = id('round');
    expect(await bet(token, { ...body, roundID: other })).toMatchObject({ code: 13, balance: 91 });
    expect(await balanceOf(userID)).toBe(91);
    expect(await history({ userID, roundID: other })).toHaveLength(0);
  });

  test('Idempotency: a repeat with a different gameID (same studio, token for that game) gets 13 and changes nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const body = { transactionID: id('bet'), roundID: id('round'), amount: 10 };
    expect(await bet(token, body)).toMatchObject({ code: 0, balance: 90 });
    const otherGameToken = await launch(userID, world.otherGameId);
    const conflict = await world.studio.call('/provider/v1/bet', {
      token: otherGameToken,
      ...body,
      gameID: world.otherGameId,
    });
    expect(conflict).toMatchObject({ code: 13, balance: 90 });
    expect(await balanceOf(userID)).toBe(90);
    const listed = await history({ userID, transactionID: body.transactionID });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ gameID: world.gameId });
  });

  test("Idempotency: a different type reusing a bet's transactionID (win, rollback, jackpot) gets 13 and changes nothing", async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({ code: 0, balance: 90 });
    // A win on that round would otherwise be paid: only the reused id refuses it.
    expect(await win(token, { transactionID: betId, roundID, amount: 30 })).toMatchObject({ code: 13, balance: 90 });
    expect(await rollback(token, { transactionID: betId, refTransactionID: betId, roundID })).toMatchObject({
      code: 13,
      balance: 90,
    });
    expect(await jackpot(token, { transactionID: betId, roundID, amount: 30 })).toMatchObject({
      code: 13,
      balance: 90,
    });
    expect(await balanceOf(userID)).toBe(90);
    expect((await history({ userID, roundID })).map((t) => t.type)).toEqual(['bet']);
    // The round is still open with its bet: a proper win is paid.
    expect(await win(token, { transactionID: id('win'), roundID, amount: 30 })).toMatchObject({
      code: 0,
      balance: 120,
    });
  });

  test("Idempotency: a repeat with another player's token gets 13 with that player's current balance and changes nothing", async () => {
    const alice = await newPlayer(100);
    const bob = await newPlayer(40);
    const body = { transactionID: id('bet'), roundID: id('round'), amount: 10 };
    expect(await bet(alice.token, body)).toMatchObject({ code: 0, balance: 90 });
    const conflict = await bet(bob.token, body);
    expect(conflict).toMatchObject({ code: 13, balance: 40 });
    expect(await balanceOf(alice.userID)).toBe(90);
    expect(await balanceOf(bob.userID)).toBe(40);
    expect(await history({ userID: bob.userID, transactionID: body.transactionID })).toHaveLength(0);
  });

  test('Idempotency: it is per provider: two studios may use the same transactionID independently', async () => {
    const { userID, token } = await newPlayer(100);
    const otherStudioToken = await launch(userID, otherWorld.gameId);
    const body = { transactionID: id('shared'), roundID: id('round'), amount: 10 };
    const a = await bet(token, body);
    const b = await otherWorld.studio.call('/provider/v1/bet', {
      token: otherStudioToken,
      gameID: otherWorld.gameId,
      ...body,
    });
    expect(a).toMatchObject({ code: 0, balance: 90 });
    expect(b).toMatchObject({ code: 0, balance: 80 });
    expect(b.platformTransactionID).not.toBe(a.platformTransactionID);
    // Each studio's repeat is answered with its own original.
    expect(await bet(token, body)).toMatchObject({
      code: 11,
      platformTransactionID: a.platformTransactionID,
      balance: 90,
    });
    expect(
      await otherWorld.studio.call('/provider/v1/bet', { token: otherStudioToken, gameID: otherWorld.gameId, ...body }),
    ).toMatchObject({
      code: 11,
      platformTransactionID: b.platformTransactionID,
      balance: 80,
    });
    // A rollback by one studio names its own bet only.
    expect(
      await rollback(token, { transactionID: id('rb'), refTransactionID: body.transactionID, roundID: body.roundID }),
    ).toMatchObject({ code: 0, balance: 90 });
    expect(await balanceOf(userID)).toBe(90);
    const listed = await history({ userID, transactionID: body.transactionID });
    expect(listed.map((t) => t.providerID).sort()).toEqual([otherWorld.studio.callerId, world.studio.callerId].sort());
  });

  test('Idempotency: the same bet retried 50 times at once is applied exactly once; 49 get 11 with the same platformTransactionID', async () => {
    const { userID, token } = await newPlayer(100);
    const body = { transactionID: id('burst'), roundID: id('round'), amount: 7.5 };
    const answers = await Promise.all(Array.from({ length: 50 }, () => bet(token, body)));
    const applied = answers.filter((a) => a.code === 0);
    const duplicates = answers.filter((a) => a.code === 11);
    expect(answers.map((a) => a.code).filter((c) => c !== 0 && c !== 11)).toEqual([]);
    expect(applied).toHaveLength(1);
    expect(duplicates).toHaveLength(49);
    for (const duplicate of duplicates)
      expect(duplicate).toMatchObject({ platformTransactionID: applied[0].platformTransactionID, balance: 92.5 });
    expect(await balanceOf(userID)).toBe(92.5);
    const [rows] = await server.db.query<any[]>('SELECT COUNT(*) AS n FROM transactions WHERE transaction_id = ?', [
      body.transactionID,
    ]);
    expect(Number(rows[0].n)).toBe(1);
  });
});

describe('Sessions', () => {
  test('Sessions: a forged, tampered or garbage token gets 9 on every provider call and moves nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const victim = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({ code: 0, balance: 90 });

    const claims = jwt.decode(token) as jwt.JwtPayload;
    const forged = jwt.sign(claims, 'not-our-secret-not-our-secret-not-our-secret', { algorithm: 'HS256' });
    const [header, , signature] = token.split('.');
    const payloadOf = (c: object) => Buffer.from(JSON.stringify(c)).toString('base64url');
    const tampered = `${header}.${payloadOf({ ...claims, sub: victim.userID })}.${signature}`;
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payloadOf(claims)}.`;
    for (const bad of [forged, tampered, unsigned, 'garbage', `${token}x`]) {
      expect(await world.studio.call('/provider/v1/auth', { token: bad })).toMatchObject({ code: 9 });
      expect(await world.studio.call('/provider/v1/balance', { token: bad })).toMatchObject({ code: 9 });
      expect(await bet(bad, { transactionID: id('bet'), roundID, amount: 1 })).toMatchObject({ code: 9 });
      expect(await win(bad, { transactionID: id('win'), roundID, amount: 1 })).toMatchObject({ code: 9 });
      expect(await rollback(bad, { transactionID: id('rb'), refTransactionID: betId, roundID })).toMatchObject({
        code: 9,
      });
      expect(await jackpot(bad, { transactionID: id('jp'), roundID, amount: 1 })).toMatchObject({ code: 9 });
    }
    expect(await balanceOf(userID)).toBe(90);
    expect(await balanceOf(victim.userID)).toBe(100);
  });

  test('Sessions: a token from a demo launch gets 9 for bet, win, rollback and jackpot', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({ code: 0 });
    const demo = await launch(undefined, world.gameId, { demo: true });
    // A demo launch naming a real player is still a demo session.
    const demoForPlayer = await launch(userID, world.gameId, { demo: true });
    for (const demoToken of [demo, demoForPlayer]) {
      expect(await bet(demoToken, { transactionID: id('bet'), roundID, amount: 1 })).toMatchObject({ code: 9 });
      expect(await win(demoToken, { transactionID: id('win'), roundID, amount: 1 })).toMatchObject({ code: 9 });
      expect(await rollback(demoToken, { transactionID: id('rb'), refTransactionID: betId, roundID })).toMatchObject({
        code: 9,
      });
      expect(await jackpot(demoToken, { transactionID: id('jp'), roundID, amount: 1 })).toMatchObject({ code: 9 });
    }
    expect(await balanceOf(userID)).toBe(90);
  });

  test("Sessions: a token for another provider's game gets 9", async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    // `token` is for a game of world.studio; otherWorld.studio calls with it, naming that game.
    const asOther = (path: string, f: Fields) => otherWorld.studio.call(path, { token, gameID: world.gameId, ...f });
    expect(await otherWorld.studio.call('/provider/v1/auth', { token })).toMatchObject({ code: 9 });
    expect(await asOther('/provider/v1/bet', { transactionID: id('bet'), roundID, amount: 1 })).toMatchObject({
      code: 9,
    });
    expect(await asOther('/provider/v1/win', { transactionID: id('win'), roundID, amount: 1 })).toMatchObject({
      code: 9,
    });
    expect(
      await asOther('/provider/v1/rollback', { transactionID: id('rb'), refTransactionID: 'x', roundID }),
    ).toMatchObject({ code: 9 });
    expect(
      await asOther('/provider/v1/jackpot', { transactionID: id('jp'), roundID, amount: 1, jackpotID: 'j' }),
    ).toMatchObject({ code: 9 });
    // ... and naming one of its own games with the foreign token.
    expect(
      await otherWorld.studio.call('/provider/v1/bet', {
        token,
        gameID: otherWorld.gameId,
        transactionID: id('bet'),
        roundID,
        amount: 1,
      }),
    ).toMatchObject({ code: 9 });
    expect(await balanceOf(userID)).toBe(100);
  });

  test("Sessions: a gameID that differs from the token's game gets 9", async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({ code: 0, balance: 90 });
    const g = world.otherGameId;
    expect(await bet(token, { transactionID: id('bet'), roundID, amount: 1, gameID: g })).toMatchObject({ code: 9 });
    expect(await win(token, { transactionID: id('win'), roundID, amount: 1, gameID: g })).toMatchObject({ code: 9 });
    expect(
      await rollback(token, { transactionID: id('rb'), refTransactionID: betId, roundID, gameID: g }),
    ).toMatchObject({ code: 9 });
    expect(await jackpot(token, { transactionID: id('jp'), roundID, amount: 1, gameID: g })).toMatchObject({ code: 9 });
    expect(await balanceOf(userID)).toBe(90);
  });

  describe('with a 1-second session lifetime', () => {
    let shortServer: TestServer;
    let shortWorld: World;
    beforeAll(async () => {
      shortServer = await startTestServer('proundsttl', { SESSION_TTL_S: '1' });
      shortWorld = await buildWorld(await shortServer.admin());
    });
    afterEach(async () => {
      await assertLedgerConsistent(shortServer.db);
    });
    afterAll(async () => {
      await shortServer.close();
    });

    test('Sessions: an expired token gets 9 for a bet (and auth) but win, rollback, jackpot (and balance) accept it', async () => {
      const userID = newUserId();
      await fundedSession(shortWorld, userID, 100);
      const launchShort = async (): Promise<string> => {
        const answer = await shortWorld.operator.call('/v1/games/launch', {
          userID,
          gameID: shortWorld.gameId,
          currency: 'EUR',
        });
        expect(answer.code).toBe(0);
        return answer.token as string;
      };
      const callWith = (token: string, path: string, f: Fields) =>
        shortWorld.studio.call(path, { token, gameID: shortWorld.gameId, ...f });
      // A 1-second token can expire before its first use (JWT expiry has whole-second precision): a bet
      // refused with 9 stored nothing, so it is sent again with a fresh token until one is still live.
      const liveBet = async (f: Fields): Promise<any> => {
        for (let attempt = 0; attempt < 10; attempt++) {
          const answer = await callWith(await launchShort(), '/provider/v1/bet', f);
          if (answer.code !== 9) return answer;
        }
        throw new Error('no launch token stayed live long enough to place a bet');
      };
      const r1 = id('round');
      const r2 = id('round');
      const b1 = id('bet');
      const b2 = id('bet');
      expect(await liveBet({ transactionID: b1, roundID: r1, amount: 10 })).toMatchObject({ code: 0, balance: 90 });
      expect(await liveBet({ transactionID: b2, roundID: r2, amount: 20 })).toMatchObject({ code: 0, balance: 70 });

      const token = await launchShort();
      await sleep(2200);

      expect(
        await callWith(token, '/provider/v1/bet', { transactionID: id('bet'), roundID: id('round'), amount: 1 }),
      ).toMatchObject({ code: 9 });
      expect(await shortWorld.studio.call('/provider/v1/auth', { token })).toMatchObject({ code: 9 });
      expect(await shortWorld.studio.call('/provider/v1/balance', { token })).toMatchObject({
        code: 0,
        balance: 70,
        currency: 'EUR',
      });
      // Money owed is never refused for lateness.
      expect(
        await callWith(token, '/provider/v1/win', {
          transactionID: id('win'),
          refTransactionID: b1,
          roundID: r1,
          amount: 25,
          roundClosed: true,
        }),
      ).toMatchObject({
        code: 0,
        balance: 95,
      });
      expect(
        await callWith(token, '/provider/v1/rollback', { transactionID: id('rb'), refTransactionID: b2, roundID: r2 }),
      ).toMatchObject({ code: 0, balance: 115 });
      expect(
        await callWith(token, '/provider/v1/jackpot', {
          transactionID: id('jp'),
          roundID: id('round'),
          amount: 5,
          jackpotID: 'mega',
        }),
      ).toMatchObject({
        code: 0,
        balance: 120,
      });
      expect((await shortWorld.operator.call('/v1/player/balance', { userID, currency: 'EUR' })).balance).toBe(120);
    });
  });
});

describe('Bets', () => {
  test('Bets: a bet beyond the balance gets 7 with the current balance; its retry stays 7 after a deposit makes it affordable', async () => {
    const { userID, token } = await newPlayer(20);
    const body = { transactionID: id('bet'), roundID: id('round'), amount: 20.01 };
    const refused = await bet(token, body);
    await expectErrorWithBalance(refused, 7, userID);
    expect(refused.balance).toBe(20);
    await world.operator.call('/v1/player/wallet/deposit', {
      userID,
      currency: 'EUR',
      amount: 100,
      transactionID: id('dep'),
    });
    const retry = await bet(token, body);
    await expectErrorWithBalance(retry, 7, userID);
    expect(retry.balance).toBe(120);
    expect(await balanceOf(userID)).toBe(120);
    // The same stake under a new transactionID is a new bet and is applied.
    expect(await bet(token, { ...body, transactionID: id('bet') })).toMatchObject({ code: 0, balance: 99.99 });
  });

  test('Bets: a bet of exactly the balance is applied and a bet of amount 0 is allowed', async () => {
    const { userID, token } = await newPlayer(12.5);
    const roundID = id('round');
    expect(await bet(token, { transactionID: id('bet'), roundID, amount: 12.5 })).toMatchObject({
      code: 0,
      balance: 0,
    });
    const zero = await bet(token, { transactionID: id('bet'), roundID, amount: 0 });
    expect(zero).toMatchObject({ code: 0, balance: 0 });
    expect(typeof zero.platformTransactionID).toBe('string');
    expect(await balanceOf(userID)).toBe(0);
  });

  test('Bets: an amount with more digits than the currency, negative or not a number gets 2 and moves nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    for (const amount of [1.001, 0.005, -1, -0.01, '1', null, 1e21]) {
      const answer = await bet(token, { transactionID: id('bet'), roundID, amount });
      expect({ amount, code: answer.code }).toEqual({ amount, code: 2 });
    }
    // 1.10 is 1.1 on the wire: two digits at most, accepted.
    expect(await bet(token, { transactionID: id('bet'), roundID, amount: 1.1 })).toMatchObject({
      code: 0,
      balance: 98.9,
    });
    expect(await balanceOf(userID)).toBe(98.9);
  });

  test("Currency: a transaction is in the session's currency and its amount is checked against that currency's digits", async () => {
    const userID = newUserId();
    await world.operator.call('/v1/player/create', { userID, currency: 'EUR' });
    await world.operator.call('/v1/player/wallet/deposit', {
      userID,
      currency: 'EUR',
      amount: 5,
      transactionID: id('dep'),
    });
    const jpyToken = await fundedSession(world, userID, 1000, { currency: 'JPY' });
    const roundID = id('round');
    expect(await bet(jpyToken, { transactionID: id('bet'), roundID, amount: 1.5 })).toMatchObject({ code: 2 });
    expect(await bet(jpyToken, { transactionID: id('bet'), roundID, amount: 150 })).toMatchObject({
      code: 0,
      balance: 850,
    });
    expect(await world.studio.call('/provider/v1/auth', { token: jpyToken })).toMatchObject({
      code: 0,
      currency: 'JPY',
      balance: 850,
    });
    expect(await balanceOf(userID, 'JPY')).toBe(850);
    expect(await balanceOf(userID, 'EUR')).toBe(5);
    const listed = await history({ userID, roundID });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ currency: 'JPY', amount: 150 });
  });
});

describe('Free spins', () => {
  async function campaign(userIDs: string[], fields: Fields = {}): Promise<string> {
    const freeSpinID = id('fs');
    const answer = await world.operator.call('/v1/freespins/create', {
      freeSpinID,
      userIDs,
      gameIDs: [world.gameId],
      spins: 2,
      betAmount: 0.5,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      ...fields,
    });
    expect(answer).toMatchObject({ code: 0, freeSpinID });
    return freeSpinID;
  }

  test('Bets: a bet carrying a freeSpinID is paid by the campaign, uses one spin, and gets 16 when none are left', async () => {
    const { userID, token } = await newPlayer(10);
    const freeSpinID = await campaign([userID]);
    const r1 = id('round');
    expect(await bet(token, { transactionID: id('bet'), roundID: r1, amount: 0.5, freeSpinID })).toMatchObject({
      code: 0,
      balance: 10,
    });
    expect(
      await win(token, { transactionID: id('win'), roundID: r1, amount: 3, freeSpinID, roundClosed: true }),
    ).toMatchObject({ code: 0, balance: 13 });
    expect(await bet(token, { transactionID: id('bet'), roundID: id('round'), amount: 0.5, freeSpinID })).toMatchObject(
      { code: 0, balance: 13 },
    );
    const none = await bet(token, { transactionID: id('bet'), roundID: id('round'), amount: 0.5, freeSpinID });
    await expectErrorWithBalance(none, 16, userID);
    const report = await world.operator.call('/v1/freespins/get', { freeSpinID });
    expect(report).toMatchObject({ code: 0, status: 'finished', players: [{ userID, spinsLeft: 0, totalWin: 3 }] });
  });

  test('Bets: a free-spin bet gets 16 for another amount, an unknown campaign, a player or game not in it', async () => {
    const { userID, token } = await newPlayer(10);
    const outsider = await newPlayer(10);
    const freeSpinID = await campaign([userID]);
    const roundID = id('round');
    await expectErrorWithBalance(
      await bet(token, { transactionID: id('bet'), roundID, amount: 1, freeSpinID }),
      16,
      userID,
    );
    await expectErrorWithBalance(
      await bet(token, { transactionID: id('bet'), roundID, amount: 0.5, freeSpinID: id('nofs') }),
      16,
      userID,
    );
    await expectErrorWithBalance(
      await bet(outsider.token, { transactionID: id('bet'), roundID, amount: 0.5, freeSpinID }),
      16,
      outsider.userID,
    );
    const otherGameToken = await launch(userID, world.otherGameId);
    const otherGame = await world.studio.call('/provider/v1/bet', {
      token: otherGameToken,
      gameID: world.otherGameId,
      transactionID: id('bet'),
      roundID: id('round'),
      amount: 0.5,
      freeSpinID,
    });
    await expectErrorWithBalance(otherGame, 16, userID);
    expect(await world.operator.call('/v1/freespins/get', { freeSpinID })).toMatchObject({
      players: [{ userID, spinsLeft: 2 }],
    });
  });

  test("Wins: a win carrying the freeSpinID of the player's campaign is paid without a stored bet, even after the campaign is cancelled", async () => {
    const { userID, token } = await newPlayer(10);
    const freeSpinID = await campaign([userID]);
    expect(await bet(token, { transactionID: id('bet'), roundID: id('round'), amount: 0.5, freeSpinID })).toMatchObject(
      { code: 0 },
    );
    expect(await world.operator.call('/v1/freespins/cancel', { freeSpinID })).toMatchObject({
      code: 0,
      status: 'cancelled',
    });
    expect(await win(token, { transactionID: id('win'), roundID: id('round'), amount: 2, freeSpinID })).toMatchObject({
      code: 0,
      balance: 12,
    });
    expect(await bet(token, { transactionID: id('bet'), roundID: id('round'), amount: 0.5, freeSpinID })).toMatchObject(
      { code: 16, balance: 12 },
    );
  });
});

describe('Wins', () => {
  test('Wins: a win on a round with no stored bet gets 10 with the balance and moves nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const answer = await win(token, { transactionID: id('win'), roundID: id('round'), amount: 50 });
    await expectErrorWithBalance(answer, 10, userID);
    expect(answer.balance).toBe(100);
    // A bet of another player on that round id does not make it this player's round.
    const other = await newPlayer(100);
    const roundID = id('round');
    expect(await bet(other.token, { transactionID: id('bet'), roundID, amount: 1 })).toMatchObject({ code: 0 });
    await expectErrorWithBalance(await win(token, { transactionID: id('win'), roundID, amount: 50 }), 10, userID);
    expect(await balanceOf(userID)).toBe(100);
  });

  test('Wins: a win for a round whose bet is of another game gets 10', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    expect(await bet(token, { transactionID: id('bet'), roundID, amount: 10 })).toMatchObject({ code: 0, balance: 90 });
    const otherGameToken = await launch(userID, world.otherGameId);
    const answer = await world.studio.call('/provider/v1/win', {
      token: otherGameToken,
      gameID: world.otherGameId,
      transactionID: id('win'),
      roundID,
      amount: 50,
    });
    await expectErrorWithBalance(answer, 10, userID);
    expect(await balanceOf(userID)).toBe(90);
  });

  test('Wins: a refTransactionID naming an unknown id, a win, a jackpot, a bet of another round or of another player gets 10', async () => {
    const { userID, token } = await newPlayer(100);
    const other = await newPlayer(100);
    const r1 = id('round');
    const r2 = id('round');
    const b1 = id('bet');
    const b2 = id('bet');
    const w1 = id('win');
    const jp = id('jp');
    const foreign = id('bet');
    await bet(token, { transactionID: b1, roundID: r1, amount: 10 });
    await bet(token, { transactionID: b2, roundID: r2, amount: 10 });
    await win(token, { transactionID: w1, refTransactionID: b1, roundID: r1, amount: 1 });
    await jackpot(token, { transactionID: jp, roundID: r1, amount: 1 });
    await bet(other.token, { transactionID: foreign, roundID: r1, amount: 10 });
    expect(await balanceOf(userID)).toBe(82);
    for (const ref of [id('unknown'), w1, jp, b2, foreign]) {
      const answer = await win(token, { transactionID: id('win'), refTransactionID: ref, roundID: r1, amount: 5 });
      await expectErrorWithBalance(answer, 10, userID);
    }
    expect(await balanceOf(userID)).toBe(82);
    // The right reference is paid.
    expect(await win(token, { transactionID: id('win'), refTransactionID: b1, roundID: r1, amount: 5 })).toMatchObject({
      code: 0,
      balance: 87,
    });
  });

  test('Wins: a win for a bet that was rolled back gets 15 and moves nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(token, { transactionID: betId, roundID, amount: 10 });
    expect(await rollback(token, { transactionID: id('rb'), refTransactionID: betId, roundID })).toMatchObject({
      code: 0,
      balance: 100,
    });
    await expectErrorWithBalance(
      await win(token, { transactionID: id('win'), refTransactionID: betId, roundID, amount: 40 }),
      15,
      userID,
    );
    await expectErrorWithBalance(await win(token, { transactionID: id('win'), roundID, amount: 40 }), 15, userID);
    expect(await balanceOf(userID)).toBe(100);
    expect((await history({ userID, roundID })).map((t) => t.type)).toEqual(['bet', 'rollback']);
  });

  test('Wins: roundClosed true closes the round: later bets and wins on it get 15', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(token, { transactionID: betId, roundID, amount: 10 });
    expect(
      await win(token, { transactionID: id('win'), refTransactionID: betId, roundID, amount: 15, roundClosed: true }),
    ).toMatchObject({ code: 0, balance: 105 });
    await expectErrorWithBalance(await bet(token, { transactionID: id('bet'), roundID, amount: 1 }), 15, userID);
    await expectErrorWithBalance(await win(token, { transactionID: id('win'), roundID, amount: 1 }), 15, userID);
    await expectErrorWithBalance(
      await win(token, { transactionID: id('win'), refTransactionID: betId, roundID, amount: 1 }),
      15,
      userID,
    );
    expect(await balanceOf(userID)).toBe(105);
    // Another round is unaffected.
    expect(await bet(token, { transactionID: id('bet'), roundID: id('round'), amount: 1 })).toMatchObject({
      code: 0,
      balance: 104,
    });
  });

  test('Wins: a win with amount 0 is fine', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(token, { transactionID: betId, roundID, amount: 10 });
    const lost = await win(token, {
      transactionID: id('win'),
      refTransactionID: betId,
      roundID,
      amount: 0,
      roundClosed: true,
    });
    expect(lost).toMatchObject({ code: 0, balance: 90 });
    expect(typeof lost.platformTransactionID).toBe('string');
    expect(await balanceOf(userID)).toBe(90);
  });

  test('Wins: multiple wins on an open round are all paid', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(token, { transactionID: betId, roundID, amount: 10 });
    expect(await win(token, { transactionID: id('win'), roundID, amount: 1.25 })).toMatchObject({
      code: 0,
      balance: 91.25,
    });
    expect(await win(token, { transactionID: id('win'), refTransactionID: betId, roundID, amount: 2.5 })).toMatchObject(
      { code: 0, balance: 93.75 },
    );
    expect(await win(token, { transactionID: id('win'), roundID, amount: 6.25, roundClosed: true })).toMatchObject({
      code: 0,
      balance: 100,
    });
    expect(await balanceOf(userID)).toBe(100);
    expect((await history({ userID, roundID })).map((t) => t.type)).toEqual(['bet', 'win', 'win', 'win']);
  });
});

describe('Rollbacks', () => {
  test('Rollbacks: a rollback gives the stake back to the player', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(token, { transactionID: betId, roundID, amount: 12.34 });
    const rb = await rollback(token, { transactionID: id('rb'), refTransactionID: betId, roundID });
    expect(rb).toMatchObject({ code: 0, balance: 100 });
    expect(typeof rb.platformTransactionID).toBe('string');
    expect(await balanceOf(userID)).toBe(100);
    const listed = await history({ userID, roundID });
    expect(listed.map((t) => [t.type, t.amount])).toEqual([
      ['bet', 12.34],
      ['rollback', 12.34],
    ]);
  });

  test('Rollbacks: a rollback arriving before its bet succeeds with 0, moves nothing, and the bet arriving later gets 10', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    const rbId = id('rb');
    const rb = await rollback(token, { transactionID: rbId, refTransactionID: betId, roundID });
    expect(rb).toMatchObject({ code: 0, balance: 100 });
    const late = await bet(token, { transactionID: betId, roundID, amount: 10 });
    await expectErrorWithBalance(late, 10, userID);
    expect(late.balance).toBe(100);
    // Its retry is refused the same way; nothing is ever debited.
    expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({ code: 10, balance: 100 });
    expect(await balanceOf(userID)).toBe(100);
    const listed = await history({ userID, roundID });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      transactionID: rbId,
      type: 'rollback',
      amount: 0,
      roundID,
      platformTransactionID: rb.platformTransactionID,
    });
  });

  test("Rollbacks: a second rollback of the same bet under a new transactionID gets 11 with the first rollback's id", async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(token, { transactionID: betId, roundID, amount: 10 });
    const first = await rollback(token, { transactionID: id('rb'), refTransactionID: betId, roundID });
    expect(first).toMatchObject({ code: 0, balance: 100 });
    const second = await rollback(token, { transactionID: id('rb'), refTransactionID: betId, roundID });
    expect(second).toMatchObject({ code: 11, platformTransactionID: first.platformTransactionID });
    await expectErrorWithBalance(second, 11, userID);
    expect(await balanceOf(userID)).toBe(100);
    // Same for a tombstone: the second rollback of an unknown bet answers as the first.
    const ghost = id('ghost');
    const t1 = await rollback(token, { transactionID: id('rb'), refTransactionID: ghost, roundID });
    expect(t1).toMatchObject({ code: 0, balance: 100 });
    expect(await rollback(token, { transactionID: id('rb'), refTransactionID: ghost, roundID })).toMatchObject({
      code: 11,
      platformTransactionID: t1.platformTransactionID,
      balance: 100,
    });
    expect((await history({ userID, roundID })).map((t) => t.type)).toEqual(['bet', 'rollback', 'rollback']);
  });

  test('Rollbacks: a rollback of a bet whose round already has a win gets 15 and moves nothing', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(token, { transactionID: betId, roundID, amount: 10 });
    await win(token, { transactionID: id('win'), roundID, amount: 0 });
    await expectErrorWithBalance(
      await rollback(token, { transactionID: id('rb'), refTransactionID: betId, roundID }),
      15,
      userID,
    );
    expect(await balanceOf(userID)).toBe(90);
  });

  test('Rollbacks: a refTransactionID naming a win or a jackpot gets 10', async () => {
    const { userID, token } = await newPlayer(100);
    const roundID = id('round');
    const winId = id('win');
    const jpId = id('jp');
    await bet(token, { transactionID: id('bet'), roundID, amount: 10 });
    await win(token, { transactionID: winId, roundID, amount: 5 });
    await jackpot(token, { transactionID: jpId, roundID, amount: 5 });
    await expectErrorWithBalance(
      await rollback(token, { transactionID: id('rb'), refTransactionID: winId, roundID }),
      10,
      userID,
    );
    await expectErrorWithBalance(
      await rollback(token, { transactionID: id('rb'), refTransactionID: jpId, roundID }),
      10,
      userID,
    );
    expect(await balanceOf(userID)).toBe(100);
  });

  test('Rollbacks: a refTransactionID naming a bet of another round or of another player gets 10', async () => {
    const alice = await newPlayer(100);
    const bob = await newPlayer(100);
    const roundID = id('round');
    const betId = id('bet');
    await bet(alice.token, { transactionID: betId, roundID, amount: 10 });
    await expectErrorWithBalance(
      await rollback(alice.token, { transactionID: id('rb'), refTransactionID: betId, roundID: id('round') }),
      10,
      alice.userID,
    );
    await expectErrorWithBalance(
      await rollback(bob.token, { transactionID: id('rb'), refTransactionID: betId, roundID }),
      10,
      bob.userID,
    );
    expect(await balanceOf(alice.userID)).toBe(90);
    expect(await balanceOf(bob.userID)).toBe(100);
    // The bet was not rolled back by those: its own rollback still refunds it.
    expect(await rollback(alice.token, { transactionID: id('rb'), refTransactionID: betId, roundID })).toMatchObject({
      code: 0,
      balance: 100,
    });
  });

  test("Rollbacks: a refTransactionID naming another player's bet gets 10 even when that bet was already rolled back", async () => {
    const alice = await newPlayer(100);
    const bob = await newPlayer(30);
    const roundID = id('round');
    const betId = id('bet');
    await bet(alice.token, { transactionID: betId, roundID, amount: 10 });
    const aliceRollback = await rollback(alice.token, { transactionID: id('rb'), refTransactionID: betId, roundID });
    expect(aliceRollback).toMatchObject({ code: 0, balance: 100 });
    await world.operator.call('/v1/player/wallet/deposit', {
      userID: alice.userID,
      currency: 'EUR',
      amount: 1,
      transactionID: id('dep'),
    });
    // Bob's session names Alice's bet: it is not his bet, and he must learn nothing of Alice's ledger.
    const answer = await rollback(bob.token, { transactionID: id('rb'), refTransactionID: betId, roundID });
    expect({ code: answer.code, balance: answer.balance }).toEqual({ code: 10, balance: 30 });
    expect(answer.platformTransactionID).toBeUndefined();
    await expectErrorWithBalance(answer, 10, bob.userID);
    expect(await balanceOf(bob.userID)).toBe(30);
    expect(await balanceOf(alice.userID)).toBe(101);
  });

  test('Rollbacks: a rollback of a bet refused with 7 answers 0 and moves nothing', async () => {
    const { userID, token } = await newPlayer(5);
    const roundID = id('round');
    const betId = id('bet');
    expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({ code: 7, balance: 5 });
    const rb = await rollback(token, { transactionID: id('rb'), refTransactionID: betId, roundID });
    expect(rb).toMatchObject({ code: 0, balance: 5 });
    expect(await balanceOf(userID)).toBe(5);
    // The refused bet stays refused: its retry is 7 again, never applied.
    await world.operator.call('/v1/player/wallet/deposit', {
      userID,
      currency: 'EUR',
      amount: 50,
      transactionID: id('dep'),
    });
    expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({ code: 7, balance: 55 });
    const listed = await history({ userID, roundID });
    expect(listed.map((t) => [t.type, t.amount])).toEqual([['rollback', 0]]);
  });
});

describe('Jackpot', () => {
  test('Jackpot: a jackpot credits the player without a bet', async () => {
    // Funded with 1: an empty wallet cannot enter a real-money game (PROTOCOL §4).
    const { userID, token } = await newPlayer(1);
    const roundID = id('round');
    const jp = await jackpot(token, { transactionID: id('jp'), roundID, amount: 1234.56, jackpotID: 'grand' });
    expect(jp).toMatchObject({ code: 0, balance: 1235.56 });
    expect(await balanceOf(userID)).toBe(1235.56);
    const listed = await history({ userID, roundID });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({
      type: 'jackpot',
      amount: 1234.56,
      platformTransactionID: jp.platformTransactionID,
    });
  });

  test('Jackpot: the amount must be greater than 0 (0 or negative gets 2)', async () => {
    const { userID, token } = await newPlayer(10);
    expect(await jackpot(token, { transactionID: id('jp'), roundID: id('round'), amount: 0 })).toMatchObject({
      code: 2,
    });
    expect(await jackpot(token, { transactionID: id('jp'), roundID: id('round'), amount: -5 })).toMatchObject({
      code: 2,
    });
    expect(await jackpot(token, { transactionID: id('jp'), roundID: id('round'), amount: 0.001 })).toMatchObject({
      code: 2,
    });
    expect(await balanceOf(userID)).toBe(10);
  });

  test('Jackpot: a repeated jackpot gets 11 with the original id and balance-after', async () => {
    const { userID, token } = await newPlayer(10);
    const body = { transactionID: id('jp'), roundID: id('round'), amount: 100 };
    const first = await jackpot(token, body);
    expect(first).toMatchObject({ code: 0, balance: 110 });
    await world.operator.call('/v1/player/wallet/deposit', {
      userID,
      currency: 'EUR',
      amount: 1,
      transactionID: id('dep'),
    });
    expect(await jackpot(token, body)).toMatchObject({
      code: 11,
      platformTransactionID: first.platformTransactionID,
      balance: 110,
    });
    expect(await jackpot(token, { ...body, amount: 101 })).toMatchObject({ code: 13, balance: 111 });
    expect(await balanceOf(userID)).toBe(111);
  });
});

describe('Every error carries the balance', () => {
  test('Every error carries the balance: codes 7, 10, 11, 13, 15 and 16 answer the numeric current balance', async () => {
    const { userID, token } = await newPlayer(50);
    const r1 = id('round');
    const b1 = id('bet');
    expect(await bet(token, { transactionID: b1, roundID: r1, amount: 20 })).toMatchObject({ code: 0, balance: 30 });

    const seen: Record<number, number> = {};
    const check = async (answer: any, code: number) => {
      expect(answer.code).toBe(code);
      expect(typeof answer.balance).toBe('number');
      // Read both ways: the studio's view and the operator's view agree with the answer.
      expect(answer.balance).toBe(await providerBalance(token));
      expect(answer.balance).toBe(await balanceOf(userID));
      seen[code] = answer.balance as number;
    };
    await check(await bet(token, { transactionID: id('bet'), roundID: r1, amount: 1000 }), 7);
    await check(await win(token, { transactionID: id('win'), roundID: id('round'), amount: 1 }), 10);
    await check(await rollback(token, { transactionID: id('rb'), refTransactionID: b1, roundID: id('round') }), 10);
    await check(await bet(token, { transactionID: b1, roundID: r1, amount: 21 }), 13);
    await check(await bet(token, { transactionID: b1, roundID: r1, amount: 20 }), 11);
    await check(await bet(token, { transactionID: id('bet'), roundID: r1, amount: 1, freeSpinID: id('nofs') }), 16);
    await check(
      await win(token, { transactionID: id('win'), refTransactionID: b1, roundID: r1, amount: 5, roundClosed: true }),
      0,
    );
    await check(await bet(token, { transactionID: id('bet'), roundID: r1, amount: 1 }), 15);
    await check(await rollback(token, { transactionID: id('rb'), refTransactionID: b1, roundID: r1 }), 15);
    await check(await win(token, { transactionID: id('win'), roundID: r1, amount: 1 }), 15);
    // A jackpot conflict too.
    const jp = { transactionID: id('jp'), roundID: id('round'), amount: 1 };
    await check(await jackpot(token, jp), 0);
    await check(await jackpot(token, { ...jp, amount: 2 }), 13);
    expect(
      Object.keys(seen)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual([0, 7, 10, 11, 13, 15, 16]);
  });
});

describe('Orderings studios produce', () => {
  test('Orderings: a rollback racing its bet ends at the initial balance (bet 0 + rollback refund, or tombstone + bet 10), 20 times', async () => {
    const { userID, token } = await newPlayer(100);
    const outcomes = { betFirst: 0, rollbackFirst: 0 };
    for (let i = 0; i < 20; i++) {
      const roundID = id('race-round');
      const betId = id('race-bet');
      const rbId = id('race-rb');
      const [b, rb] = await Promise.all([
        bet(token, { transactionID: betId, roundID, amount: 10 }),
        rollback(token, { transactionID: rbId, refTransactionID: betId, roundID }),
      ]);
      expect(rb).toMatchObject({ code: 0, balance: 100 });
      const listed = await history({ userID, transactionID: rbId });
      expect(listed).toHaveLength(1);
      if (b.code === 0) {
        outcomes.betFirst++;
        expect(b.balance).toBe(90);
        expect(listed[0]).toMatchObject({ type: 'rollback', amount: 10 });
      } else {
        outcomes.rollbackFirst++;
        await expectErrorWithBalance(b, 10, userID);
        expect(b.balance).toBe(100);
        expect(listed[0]).toMatchObject({ type: 'rollback', amount: 0 });
      }
      expect(await balanceOf(userID)).toBe(100);
    }
    expect(outcomes.betFirst + outcomes.rollbackFirst).toBe(20);
  });

  test("Orderings: a win racing a rollback of the round's only bet: exactly one moves money, the other gets 15, 20 times", async () => {
    const { userID, token } = await newPlayer(1000);
    let expected = 1000;
    for (let i = 0; i < 20; i++) {
      const roundID = id('wr-round');
      const betId = id('wr-bet');
      expect(await bet(token, { transactionID: betId, roundID, amount: 10 })).toMatchObject({
        code: 0,
        balance: expected - 10,
      });
      expected -= 10;
      const winFields = {
        transactionID: id('wr-win'),
        roundID,
        amount: 25,
        ...(i % 2 ? { refTransactionID: betId } : {}),
      };
      const [w, rb] = await Promise.all([
        win(token, winFields),
        rollback(token, { transactionID: id('wr-rb'), refTransactionID: betId, roundID }),
      ]);
      const codes = [w.code, rb.code].sort();
      expect(codes).toEqual([0, 15]);
      if (w.code === 0) {
        expect(w.balance).toBe(expected + 25);
        expect(rb.balance).toBe(expected + 25);
        expected += 25;
      } else {
        expect(rb.balance).toBe(expected + 10);
        expect(w.balance).toBe(expected + 10);
        expected += 10;
      }
      expect(await balanceOf(userID)).toBe(expected);
      expect(await history({ userID, roundID })).toHaveLength(2);
    }
  });
});

describe('History', () => {
  test('History: provider transactions are listed with type, roundID, gameID and providerID; roundID and transactionID filters work', async () => {
    const { userID, token } = await newPlayer(100);
    const r1 = id('round');
    const r2 = id('round');
    const b1 = await bet(token, { transactionID: id('bet'), roundID: r1, amount: 10 });
    const w1 = await win(token, { transactionID: id('win'), roundID: r1, amount: 3, roundClosed: true });
    const b2Id = id('bet');
    await bet(token, { transactionID: b2Id, roundID: r2, amount: 4 });
    const rb2 = await rollback(token, { transactionID: id('rb'), refTransactionID: b2Id, roundID: r2 });
    const jp = await jackpot(token, { transactionID: id('jp'), roundID: r2, amount: 7 });

    const all = await history({ userID });
    const provider = all.filter((t) => t.type !== 'deposit');
    expect(provider.map((t) => [t.type, t.amount, t.roundID, t.balanceAfter])).toEqual([
      ['bet', 10, r1, 90],
      ['win', 3, r1, 93],
      ['bet', 4, r2, 89],
      ['rollback', 4, r2, 93],
      ['jackpot', 7, r2, 100],
    ]);
    for (const t of provider) {
      expect(t).toMatchObject({
        userID,
        currency: 'EUR',
        gameID: world.gameId,
        providerID: world.studio.callerId,
        freeSpinID: null,
      });
      expect(typeof t.platformTransactionID).toBe('string');
      expect(Number.isNaN(Date.parse(t.createdAt))).toBe(false);
    }
    expect(provider[0].platformTransactionID).toBe(b1.platformTransactionID);
    expect(provider[1].platformTransactionID).toBe(w1.platformTransactionID);
    expect(provider[3].platformTransactionID).toBe(rb2.platformTransactionID);
    expect(provider[4].platformTransactionID).toBe(jp.platformTransactionID);

    expect((await history({ userID, roundID: r1 })).map((t) => t.type)).toEqual(['bet', 'win']);
    expect((await history({ roundID: r2 })).map((t) => t.type)).toEqual(['bet', 'rollback', 'jackpot']);
    const byId = await history({ transactionID: b2Id });
    expect(byId).toHaveLength(1);
    expect(byId[0]).toMatchObject({ transactionID: b2Id, type: 'bet', amount: 4, roundID: r2 });
  });

  test('History: a free-spin bet is listed with amount 0 and its freeSpinID', async () => {
    const { userID, token } = await newPlayer(10);
    const freeSpinID = id('fs');
    expect(
      await world.operator.call('/v1/freespins/create', {
        freeSpinID,
        userIDs: [userID],
        gameIDs: [world.gameId],
        spins: 3,
        betAmount: 1,
        currency: 'EUR',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      }),
    ).toMatchObject({ code: 0 });
    const roundID = id('round');
    const betId = id('bet');
    expect(await bet(token, { transactionID: betId, roundID, amount: 1, freeSpinID })).toMatchObject({
      code: 0,
      balance: 10,
    });
    const listed = await history({ userID, transactionID: betId });
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ type: 'bet', amount: 0, freeSpinID, roundID, balanceAfter: 10 });
  });

  test('History: a tombstone rollback is listed with amount 0 and refused bets are not listed', async () => {
    const { userID, token } = await newPlayer(5);
    const roundID = id('round');
    const tombstone = id('rb');
    await rollback(token, { transactionID: tombstone, refTransactionID: id('ghost'), roundID });
    const refused = id('bet');
    expect(await bet(token, { transactionID: refused, roundID, amount: 6 })).toMatchObject({ code: 7 });
    expect(await win(token, { transactionID: id('win'), roundID, amount: 6 })).toMatchObject({ code: 10 });
    expect(await bet(token, { transactionID: id('bet'), roundID, amount: 1.5 })).toMatchObject({
      code: 0,
      balance: 3.5,
    });
    const listed = await history({ userID, roundID });
    expect(listed.map((t) => [t.transactionID === tombstone ? 'tombstone' : t.type, t.amount])).toEqual([
      ['tombstone', 0],
      ['bet', 1.5],
    ]);
    expect(await history({ userID, transactionID: refused })).toEqual([]);
  });
});
