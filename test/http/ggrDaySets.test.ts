// Risk covered: a report by day (the daily statement, PROTOCOL §12) miscounting distinct players or rounds
// now that it counts them from the day sets (ggr_day_players, ggr_day_rounds: one row per operator, day
// and player or round, each knowing the previous day it was seen) instead of DISTINCT over the per-game
// sets. A player or round seen on several days must count once in a range and once in each day, whatever
// order the days were folded in (a transaction of an earlier day may be numbered after a later one), and
// the day sets must catch up from the ledger after an upgrade without a report ever reading them half
// folded. Every answer is compared with the same report counted the other way (DISTINCT over the per-game
// sets: a report with includeSandbox, which the day sets do not serve, over play that has no sandbox rows)
// and with counts taken from the ledger itself.
import { RowDataPacket } from 'mysql2/promise';
import { runSequencerPass } from '../../src/db/feedSequencer';
import { AdminClient, SignedClient } from '../support/clients';
import { daySetsAgainstLedger } from '../support/aggregateOracle';
import { operatorIdOf } from '../support/ggrSeed';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession, operatorSession } from '../support/world';

let server: TestServer;
let admin: AdminClient;
let world: World;
let other: SignedClient;

const DAYS = ['2026-11-01', '2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05'];
const SHAPES = [[], ['day'], ['agentID'], ['day', 'agentID']].flatMap((shape) => [shape, [...shape, 'currency']]);

/**
 * The play, in the order it is stored (so the order the sequencer numbers and folds it), and the UTC day
 * each transaction is then dated: days go back and forth. Players amy, ben and cid; round r1 spans days
 * 1 and 3; amy also plays in USD on days 1 and 2, the days she plays in EUR; the other operator's amy plays
 * a round r1 of her own.
 */
type Who = 'amy' | 'amyUsd' | 'ben' | 'cid' | 'otherAmy';
const PLAY: { who: Who; call: string; id: string; round: string; day: number }[] = [
  { who: 'amy', call: 'bet', id: 'ds-1', round: 'r1', day: 1 },
  { who: 'ben', call: 'bet', id: 'ds-2', round: 'r3', day: 4 },
  { who: 'amy', call: 'win', id: 'ds-3', round: 'r1', day: 3 },
  { who: 'amy', call: 'bet', id: 'ds-4', round: 'r2', day: 2 },
  { who: 'ben', call: 'bet', id: 'ds-5', round: 'r3b', day: 2 },
  { who: 'cid', call: 'bet', id: 'ds-6', round: 'r4', day: 3 },
  { who: 'otherAmy', call: 'bet', id: 'ds-7', round: 'r1', day: 2 },
  { who: 'amy', call: 'bet', id: 'ds-8', round: 'r5', day: 4 },
  { who: 'ben', call: 'rollback', id: 'ds-9', round: 'r3', day: 4 },
  { who: 'amyUsd', call: 'bet', id: 'ds-10', round: 'r6', day: 2 },
  { who: 'amyUsd', call: 'bet', id: 'ds-11', round: 'r7', day: 1 },
];

beforeAll(async () => {
  // No workers: no sequencer on a timer; this test runs every pass itself.
  server = await startTestServer('ggrdaysets', {}, { workers: false });
  admin = await server.admin();
  world = await buildWorld(admin, { currencies: ['EUR', 'USD'] });
  other = await admin.createOperator('ds-other', ['EUR']);
  await play();
  await foldAll(1);
});
afterAll(async () => server?.close());

async function play(): Promise<void> {
  const tokens = {
    amy: await fundedSession(world, 'amy00001', 100),
    amyUsd: await fundedSession(world, 'amy00001', 100, { currency: 'USD' }),
    ben: await fundedSession(world, 'ben00001', 100),
    cid: await fundedSession(world, 'cid00001', 100, { gameId: world.otherGameId }),
    otherAmy: await operatorSession(other, 'amy00001', 10, { gameId: world.gameId }),
  };
  // Live: what a report shows by default (a transaction keeps the status it was stored under).
  await server.db.query("UPDATE operators SET status = 'live' WHERE agent_id IN (?, ?)", [
    world.operator.callerId,
    'ds-other',
  ]);
  const betOf: Record<string, string> = {};
  for (const step of PLAY) {
    const fields: Record<string, unknown> = { token: tokens[step.who], transactionID: step.id, roundID: step.round };
    fields.gameID = step.who === 'cid' ? world.otherGameId : world.gameId;
    if (step.call === 'bet') fields.amount = 1;
    if (step.call === 'win') Object.assign(fields, { amount: 2, refTransactionID: betOf[step.round] });
    if (step.call === 'rollback') fields.refTransactionID = betOf[step.round];
    const answer = await world.studio.call(`/provider/v1/${step.call}`, fields);
    expect({ id: step.id, code: answer.code }).toEqual({ id: step.id, code: 0 });
    if (step.call === 'bet') betOf[step.round] = step.id;
    await server.db.query("UPDATE transactions SET created_at = ? WHERE origin = 'provider' AND transaction_id = ?", [
      `${DAYS[step.day - 1]} 12:00:00.000`,
      step.id,
    ]);
  }
}

/** Passes of `batchSize` until nothing is left to number and the day sets have caught up. */
async function foldAll(batchSize: number): Promise<number> {
  let passes = 0;
  for (;;) {
    const pass = await runSequencerPass(server.db, { batchSize });
    passes++;
    if (pass.sequenced === 0 && !pass.backlog) return passes;
  }
}

async function sequencer(): Promise<{ lastSeq: string; daySetsSeq: string }> {
  const [rows] = await server.db.query<RowDataPacket[]>('SELECT last_seq, day_sets_seq FROM feed_sequencer');
  return { lastSeq: String(rows[0]!.last_seq), daySetsSeq: String(rows[0]!.day_sets_seq) };
}

const report = (from: string, to: string, groupBy: string[], includeSandbox = false) =>
  world.operator.call('/v1/reports/ggr', { from, to, groupBy, includeSandbox });

/** Players and rounds of every row and of the totals. */
function counts(answer: { code: number; rows: Record<string, unknown>[]; totals: Record<string, unknown> }) {
  expect(answer.code).toBe(0);
  const pick = ({ day, agentID, currency, players, rounds }: Record<string, unknown>) => ({
    day,
    agentID,
    currency,
    players,
    rounds,
  });
  return { rows: answer.rows.map(pick), totals: { players: answer.totals.players, rounds: answer.totals.rounds } };
}

/** The distinct players and rounds of the operator over [from, to), counted in the ledger. */
async function ledgerCounts(from: string, to: string) {
  const [rows] = await server.db.query<RowDataPacket[]>(
    `SELECT COUNT(DISTINCT user_id) AS players, COUNT(DISTINCT provider_id, user_id, round_id) AS rounds
       FROM transactions t JOIN operators o ON o.id = t.operator_id
      WHERE o.agent_id = ? AND t.origin = 'provider' AND t.status = 'applied' AND t.created_at >= ? AND t.created_at < ?`,
    [world.operator.callerId, from, to],
  );
  return { players: Number(rows[0]!.players), rounds: Number(rows[0]!.rounds) };
}

test('a player or round seen on several days or currencies counts once in a range and in each day', async () => {
  const row = (day: string | undefined, currency: string | undefined, players: number, rounds: number) => ({
    day,
    agentID: undefined,
    currency,
    players,
    rounds,
  });
  expect(counts(await report(DAYS[0]!, DAYS[4]!, ['day']))).toEqual({
    rows: [
      row(DAYS[0], undefined, 1, 2), // amy (EUR r1, USD r7)
      row(DAYS[1], undefined, 2, 3), // amy (EUR r2, USD r6), ben r3b
      row(DAYS[2], undefined, 2, 2), // amy r1 (its win), cid r4
      row(DAYS[3], undefined, 2, 2), // ben r3 and its rollback, amy r5
    ],
    totals: { players: 3, rounds: 8 },
  });
  expect(counts(await report(DAYS[0]!, DAYS[4]!, ['currency']))).toEqual({
    rows: [row(undefined, 'EUR', 3, 6), row(undefined, 'USD', 1, 2)],
    totals: { players: 3, rounds: 8 },
  });
  expect(counts(await report(DAYS[0]!, DAYS[2]!, ['day', 'currency'])).rows).toEqual([
    row(DAYS[0], 'EUR', 1, 1),
    row(DAYS[0], 'USD', 1, 1),
    row(DAYS[1], 'EUR', 2, 2),
    row(DAYS[1], 'USD', 1, 1),
  ]);
  // From day 2: amy and r1 were seen before the range and still count, once.
  expect(counts(await report(DAYS[1]!, DAYS[3]!, [])).totals).toEqual({ players: 3, rounds: 5 });
  expect(counts(await report(DAYS[2]!, DAYS[4]!, [])).totals).toEqual({ players: 3, rounds: 4 });
  expect(counts(await report(DAYS[1]!, DAYS[2]!, [])).totals).toEqual({ players: 2, rounds: 3 });
});

test('every range and grouping gives what DISTINCT over the per-game sets and the ledger give', async () => {
  let compared = 0;
  for (let first = 0; first < DAYS.length; first++) {
    for (let last = first + 1; last < DAYS.length; last++) {
      const [from, to] = [DAYS[first]!, DAYS[last]!];
      for (const groupBy of SHAPES) {
        const fast = counts(await report(from, to, groupBy));
        expect({ from, to, groupBy, ...fast }).toEqual({
          from,
          to,
          groupBy,
          ...counts(await report(from, to, groupBy, true)),
        });
        expect({ from, to, ...fast.totals }).toEqual({ from, to, ...(await ledgerCounts(from, to)) });
        compared++;
      }
    }
  }
  expect(compared).toBe(80);
});

test('staff by agentID: the same user id at two operators is two players; both counting ways agree', async () => {
  const query = { from: DAYS[0], to: DAYS[4], groupBy: ['agentID'] };
  const fast = counts(await admin.ok('/admin/v1/reports/ggr', query));
  expect(fast).toEqual({
    rows: [
      { agentID: world.operator.callerId, day: undefined, currency: undefined, players: 3, rounds: 8 },
      { agentID: 'ds-other', day: undefined, currency: undefined, players: 1, rounds: 1 },
    ].sort((a, b) => (a.agentID < b.agentID ? -1 : 1)),
    totals: { players: 4, rounds: 9 },
  });
  expect(counts(await admin.ok('/admin/v1/reports/ggr', { ...query, includeSandbox: true }))).toEqual(fast);
});

test('the folds left exactly what the ledger says, and a default report by day reads them', async () => {
  const daySets = await daySetsAgainstLedger(server.db);
  expect(daySets.players.actual).toEqual(daySets.players.expected);
  expect(daySets.rounds.actual).toEqual(daySets.rounds.expected);
  // amy's rows at the operator: each knows the day before in its currency, and the row before in any.
  const id = await operatorIdOf(server.db, world.operator.callerId);
  const amy = daySets.players.actual.filter((row) => row.user_id === 'amy00001' && row.operator_id === String(id));
  expect(amy.map((row) => [row.day, row.currency, row.prev_day, row.prev_any_day])).toEqual([
    [DAYS[0], 'EUR', null, null],
    [DAYS[0], 'USD', null, DAYS[0]],
    [DAYS[1], 'EUR', DAYS[0], DAYS[0]],
    [DAYS[1], 'USD', DAYS[0], DAYS[1]],
    [DAYS[2], 'EUR', DAYS[1], DAYS[1]],
    [DAYS[3], 'EUR', DAYS[2], DAYS[2]],
  ]);
  // A stray player row in the day sets shows in the default report only: that is the one they serve.
  await server.db.query(
    "INSERT INTO ggr_day_players (operator_id, sandbox, day, currency, user_id) VALUES (?, FALSE, ?, 'EUR', 'stray001')",
    [id, DAYS[0]],
  );
  try {
    expect(counts(await report(DAYS[0]!, DAYS[4]!, [])).totals.players).toBe(4);
    expect(counts(await report(DAYS[0]!, DAYS[4]!, [], true)).totals.players).toBe(3);
  } finally {
    await server.db.query("DELETE FROM ggr_day_players WHERE user_id = 'stray001'");
  }
});

test('after an upgrade the day sets catch up from the ledger; until then reports count the other way', async () => {
  const expected = counts(await report(DAYS[0]!, DAYS[4]!, ['day']));
  // As the migration that created them leaves them: empty, folded up to 0.
  await server.db.query('DELETE FROM ggr_day_players');
  await server.db.query('DELETE FROM ggr_day_rounds');
  await server.db.query('UPDATE feed_sequencer SET day_sets_seq = 0');
  expect(counts(await report(DAYS[0]!, DAYS[4]!, ['day']))).toEqual(expected);

  // One pass of 4 folds the first 4 transactions only: still behind, still counted the other way.
  const pass = await runSequencerPass(server.db, { batchSize: 4 });
  expect({ sequenced: pass.sequenced, daySetsSeq: Number(pass.daySetsSeq), backlog: pass.backlog }).toEqual({
    sequenced: 0,
    daySetsSeq: 4,
    backlog: true,
  });
  expect(counts(await report(DAYS[0]!, DAYS[4]!, ['day']))).toEqual(expected);

  expect(await foldAll(4)).toBeGreaterThan(1);
  const state = await sequencer();
  expect(state.daySetsSeq).toBe(state.lastSeq);
  const daySets = await daySetsAgainstLedger(server.db);
  expect(daySets.players.actual).toEqual(daySets.players.expected);
  expect(daySets.rounds.actual).toEqual(daySets.rounds.expected);
  expect(counts(await report(DAYS[0]!, DAYS[4]!, ['day']))).toEqual(expected);

  // Folding the whole ledger again (day_sets_seq set back, rows kept) changes nothing.
  await server.db.query('UPDATE feed_sequencer SET day_sets_seq = 0');
  await foldAll(3);
  const again = await daySetsAgainstLedger(server.db);
  expect(again.players.actual).toEqual(daySets.players.actual);
  expect(again.rounds.actual).toEqual(daySets.rounds.actual);
});
