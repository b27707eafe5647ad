// Risk covered: rounds left open forever (or closed too early, or with money moved, or with the wrong
// reason) by the ROUND_TTL_S sweeper, and bets or wins slipping into a round it closed (PROTOCOL §5
// Round lifetime, Wins).
import {
  ROUND_TTL_REASON,
  StaleRoundStore,
  closeStaleRounds,
  sweepIntervalMs,
} from '../../src/app/rounds/closeStaleRounds';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

import { until } from '../support/until';

describe('round TTL over HTTP (ROUND_TTL_S=1)', () => {
  let server: TestServer;
  let world: World;

  beforeAll(async () => {
    server = await startTestServer('roundttl', { ROUND_TTL_S: '1' });
    world = await buildWorld(await server.admin());
  });
  afterAll(async () => server.close());
  afterEach(async () => {
    await assertLedgerConsistent(server.db);
  });

  async function round(
    roundID: string,
  ): Promise<{ status: string; close_reason: string | null; closed_at: Date | null } | undefined> {
    const [rows] = await server.db.query<any[]>(
      'SELECT status, close_reason, closed_at FROM rounds WHERE round_id = ?',
      [roundID],
    );
    expect(rows.length).toBeLessThanOrEqual(1);
    return rows[0];
  }

  const balance = async (userID: string) =>
    (await world.operator.call('/v1/player/balance', { userID, currency: 'EUR' })).balance as number;

  test('an open round is closed as ttl_expired with no money moved; a round closed by roundClosed keeps its reason', async () => {
    expect(server.config.roundTtlS).toBe(1);
    const g = world.gameId;
    const token = await fundedSession(world, 'ttl-player1', 100);

    // A round left open after its bet.
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: 'ttl-b1',
        roundID: 'ttl-r1',
        gameID: g,
        amount: 10,
      }),
    ).toMatchObject({ code: 0, balance: 90 });
    // A young round is not touched.
    expect(await round('ttl-r1')).toMatchObject({ status: 'open', close_reason: null, closed_at: null });
    // A round with a bet and a win, but never closed by the studio.
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: 'ttl-b2',
        roundID: 'ttl-r2',
        gameID: g,
        amount: 5,
      }),
    ).toMatchObject({ code: 0, balance: 85 });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: 'ttl-w2',
        refTransactionID: 'ttl-b2',
        roundID: 'ttl-r2',
        gameID: g,
        amount: 2,
      }),
    ).toMatchObject({ code: 0, balance: 87 });
    // A round the studio closed itself.
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: 'ttl-b3',
        roundID: 'ttl-r3',
        gameID: g,
        amount: 1,
      }),
    ).toMatchObject({ code: 0, balance: 86 });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: 'ttl-w3',
        refTransactionID: 'ttl-b3',
        roundID: 'ttl-r3',
        gameID: g,
        amount: 3,
        roundClosed: true,
      }),
    ).toMatchObject({
      code: 0,
      balance: 89,
    });

    expect(await round('ttl-r2')).toMatchObject({ status: 'open', close_reason: null });
    expect(await round('ttl-r3')).toMatchObject({ status: 'closed', close_reason: 'round_closed' });
    const [[before]] = await server.db.query<any[]>(
      "SELECT COUNT(*) AS n FROM transactions WHERE user_id = 'ttl-player1'",
    );

    // The closer runs on its own schedule: wait for it to close the stale round rather than guess how long.
    await until('the closer to close ttl-r1', async () => (await round('ttl-r1'))?.status === 'closed', 10_000);

    expect(await round('ttl-r1')).toMatchObject({
      status: 'closed',
      close_reason: 'ttl_expired',
      closed_at: expect.any(Date),
    });
    expect(await round('ttl-r2')).toMatchObject({ status: 'closed', close_reason: 'ttl_expired' });
    expect(await round('ttl-r3')).toMatchObject({ status: 'closed', close_reason: 'round_closed' });

    // No money moved: balance and ledger as before the sweep.
    expect(await balance('ttl-player1')).toBe(89);
    const [[after]] = await server.db.query<any[]>(
      "SELECT COUNT(*) AS n FROM transactions WHERE user_id = 'ttl-player1'",
    );
    expect(Number(after.n)).toBe(Number(before.n));

    // Later bets and wins on the closed rounds get 15 and move nothing.
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: 'ttl-b1-late',
        roundID: 'ttl-r1',
        gameID: g,
        amount: 1,
      }),
    ).toMatchObject({ code: 15, balance: 89 });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: 'ttl-w1-late',
        refTransactionID: 'ttl-b1',
        roundID: 'ttl-r1',
        gameID: g,
        amount: 20,
      }),
    ).toMatchObject({
      code: 15,
      balance: 89,
    });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: 'ttl-w1-late2',
        roundID: 'ttl-r1',
        gameID: g,
        amount: 20,
        roundClosed: true,
      }),
    ).toMatchObject({ code: 15, balance: 89 });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: 'ttl-w2-late',
        refTransactionID: 'ttl-b2',
        roundID: 'ttl-r2',
        gameID: g,
        amount: 1,
      }),
    ).toMatchObject({
      code: 15,
      balance: 89,
    });
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: 'ttl-b3-late',
        roundID: 'ttl-r3',
        gameID: g,
        amount: 1,
      }),
    ).toMatchObject({ code: 15, balance: 89 });
    expect(await balance('ttl-player1')).toBe(89);
    // The refused late calls did not change the reason either.
    expect(await round('ttl-r1')).toMatchObject({ status: 'closed', close_reason: 'ttl_expired' });

    // A new round after the sweep works normally.
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: 'ttl-b4',
        roundID: 'ttl-r4',
        gameID: g,
        amount: 4,
      }),
    ).toMatchObject({ code: 0, balance: 85 });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: 'ttl-w4',
        refTransactionID: 'ttl-b4',
        roundID: 'ttl-r4',
        gameID: g,
        amount: 8,
        roundClosed: true,
      }),
    ).toMatchObject({
      code: 0,
      balance: 93,
    });
    expect(await round('ttl-r4')).toMatchObject({ status: 'closed', close_reason: 'round_closed' });
    await assertLedgerConsistent(server.db);
  });
});

describe('closeStaleRounds and sweepIntervalMs (unit)', () => {
  class FakeRounds implements StaleRoundStore {
    readonly calls: { cutoff: Date; reason: string; limit: number }[] = [];
    constructor(readonly rounds: { openedAt: Date; status: 'open' | 'closed'; reason: string | null }[]) {}

    async closeRoundsOpenedBefore(cutoff: Date, reason: string, limit: number): Promise<number> {
      this.calls.push({ cutoff, reason, limit });
      let closed = 0;
      for (const round of this.rounds) {
        if (closed >= limit) break;
        if (round.status === 'open' && round.openedAt.getTime() < cutoff.getTime()) {
          round.status = 'closed';
          round.reason = reason;
          closed++;
        }
      }
      return closed;
    }
  }

  const now = new Date('2026-11-21T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms);
  const open = (count: number, openedAt: Date) =>
    Array.from({ length: count }, () => ({ openedAt, status: 'open' as const, reason: null }));

  test('closes every stale round in batches, with the ttl_expired reason, and leaves young rounds open', async () => {
    const store = new FakeRounds([...open(2500, ago(10_000)), ...open(7, ago(500)), ...open(3, ago(3_000))]);
    expect(await closeStaleRounds(store, 2, now)).toBe(2503);
    expect(store.calls.map((c) => c.limit)).toEqual([1000, 1000, 1000]);
    for (const call of store.calls) {
      expect(call.reason).toBe(ROUND_TTL_REASON);
      expect(call.cutoff.toISOString()).toBe(ago(2_000).toISOString());
    }
    expect(ROUND_TTL_REASON).toBe('ttl_expired');
    expect(store.rounds.filter((r) => r.status === 'open')).toHaveLength(7);
    expect(store.rounds.filter((r) => r.status === 'closed').every((r) => r.reason === 'ttl_expired')).toBe(true);
  });

  test('stops after a short batch; an exact multiple of the batch takes one empty pass more', async () => {
    const exact = new FakeRounds(open(1000, ago(60_000)));
    expect(await closeStaleRounds(exact, 1, now)).toBe(1000);
    expect(exact.calls).toHaveLength(2);

    const none = new FakeRounds(open(5, ago(100)));
    expect(await closeStaleRounds(none, 1, now)).toBe(0);
    expect(none.calls).toHaveLength(1);

    // A round opened exactly TTL ago is not yet older than the TTL.
    const boundary = new FakeRounds(open(1, ago(1_000)));
    expect(await closeStaleRounds(boundary, 1, now)).toBe(0);
    // Running again closes nothing twice.
    const twice = new FakeRounds(open(3, ago(5_000)));
    expect(await closeStaleRounds(twice, 1, now)).toBe(3);
    expect(await closeStaleRounds(twice, 1, now)).toBe(0);
  });

  test('sweepIntervalMs is a quarter of the TTL between 500 ms and a minute', () => {
    expect(sweepIntervalMs(1)).toBe(500);
    expect(sweepIntervalMs(2)).toBe(500);
    expect(sweepIntervalMs(4)).toBe(1000);
    expect(sweepIntervalMs(10)).toBe(2500);
    expect(sweepIntervalMs(240)).toBe(60_000);
    expect(sweepIntervalMs(172_800)).toBe(60_000);
  });
});
