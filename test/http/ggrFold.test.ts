// Risk covered: the daily GGR aggregate (PROTOCOL §12) kept from real transactions by the feed sequencer
// (db/feedSequencer.ts) counting a transaction twice or never: a pass that dies before its COMMIT (its
// connection killed, as when the process is killed) must leave nothing numbered or folded, and the next
// passes must fold every transaction exactly once. Also, end to end from provider calls to the report over
// HTTP: a USD amount times a 7-decimal rate, rollbacks subtracted, free-spin bets counted with 0 money,
// jackpots as wins, deposits and withdrawals left out, no rate counted in missingRates, sandbox-time
// transactions left out by default, and another operator's play not in an operator's figures.
import { RowDataPacket } from 'mysql2/promise';
import { runSequencerPass } from '../../src/db/feedSequencer';
import { SignedClient } from '../support/clients';
import { aggregateDifferences, daySetsAgainstLedger } from '../support/aggregateOracle';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld, fundedSession, operatorSession } from '../support/world';

let server: TestServer;
let world: World;
let other: SignedClient;

const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
/** A range around today, so that a run across midnight UTC still covers every transaction. */
const RANGE = () => ({ from: dayOffset(-1), to: dayOffset(2) });

beforeAll(async () => {
  // No workers: no sequencer on a timer; this test runs every pass itself.
  server = await startTestServer('ggrfold', {}, { workers: false });
  const admin = await server.admin();
  world = await buildWorld(admin, { currencies: ['EUR', 'USD', 'JPY'] });
  other = await admin.createOperator('fold-other', ['EUR']);
  for (const date of [dayOffset(-1), dayOffset(0)])
    await admin.ok('/admin/v1/fx/set', { date, rates: { USD: '0.9234567' } });
});
afterAll(async () => server?.close());

async function setStatus(agentId: string, status: 'live' | 'sandbox'): Promise<void> {
  await server.db.query('UPDATE operators SET status = ? WHERE agent_id = ?', [status, agentId]);
}

async function provider(path: string, fields: Record<string, unknown>): Promise<void> {
  const answer = await world.studio.call(path, fields);
  expect({ transactionID: fields.transactionID, code: answer.code, message: answer.message }).toEqual({
    transactionID: fields.transactionID,
    code: 0,
    message: expect.anything(),
  });
}

/** The play whose figures the report must give, digit for digit. */
async function play(): Promise<void> {
  const game = world.gameId;
  // Every session is opened while both operators are in the sandbox (a live operator needs prepaid credit
  // to launch, section 11); a bet takes the operator's status at the moment it is stored.
  const campaign = {
    freeSpinID: 'fold-fs',
    userIDs: ['bob00001'],
    gameIDs: [game],
    spins: 1,
    betAmount: 0.5,
    currency: 'USD',
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  };
  expect((await world.operator.call('/v1/freespins/create', campaign)).code).toBe(0);
  const sandy = await fundedSession(world, 'sandy001', 50);
  const alice = await fundedSession(world, 'alice001', 500, { currency: 'USD' });
  const bob = await fundedSession(world, 'bob00001', 0, { currency: 'USD' });
  const carol = await fundedSession(world, 'carol001', 5000, { currency: 'JPY' });
  const otherAlice = await operatorSession(other, 'alice001', 20, { gameId: game });

  // In the sandbox: 5 EUR, left out of the live figures.
  await provider('/provider/v1/bet', { token: sandy, transactionID: 'sb-1', roundID: 's1', gameID: game, amount: 5 });
  await setStatus(world.operator.callerId, 'live');
  await setStatus('fold-other', 'live');

  await provider('/provider/v1/bet', {
    token: alice,
    transactionID: 'a-b1',
    roundID: 'r1',
    gameID: game,
    amount: 123.45,
  });
  await provider('/provider/v1/win', {
    token: alice,
    transactionID: 'a-w1',
    refTransactionID: 'a-b1',
    roundID: 'r1',
    gameID: game,
    amount: 2.5,
    roundClosed: true,
  });
  await provider('/provider/v1/bet', { token: alice, transactionID: 'a-b2', roundID: 'r2', gameID: game, amount: 10 });
  await provider('/provider/v1/rollback', {
    token: alice,
    transactionID: 'a-rb2',
    refTransactionID: 'a-b2',
    roundID: 'r2',
    gameID: game,
  });
  await provider('/provider/v1/jackpot', {
    token: alice,
    transactionID: 'a-j3',
    roundID: 'r3',
    gameID: game,
    amount: 1,
    jackpotID: 'jp-1',
  });
  // Not GGR: a withdrawal in the same currency.
  const withdrawn = await world.operator.call('/v1/player/wallet/withdraw', {
    userID: 'alice001',
    currency: 'USD',
    amount: 7,
    transactionID: 'a-out',
  });
  expect(withdrawn.code).toBe(0);
  // A free-spin bet of 0.50 USD paid by the campaign: one bet, one round, no money.
  await provider('/provider/v1/bet', {
    token: bob,
    transactionID: 'b-fs1',
    roundID: 'fs1',
    gameID: game,
    amount: 0.5,
    freeSpinID: 'fold-fs',
  });
  // JPY has no rate: counted in missingRates, kept in the local figures.
  await provider('/provider/v1/bet', { token: carol, transactionID: 'c-b4', roundID: 'r4', gameID: game, amount: 500 });
  await provider('/provider/v1/win', {
    token: carol,
    transactionID: 'c-w4',
    refTransactionID: 'c-b4',
    roundID: 'r4',
    gameID: game,
    amount: 200,
    roundClosed: true,
  });
  // Another operator's live play on the same game and round id.
  await provider('/provider/v1/bet', {
    token: otherAlice,
    transactionID: 'o-b1',
    roundID: 'r1',
    gameID: game,
    amount: 7,
  });
}

/** Kills the pass's own connection from outside just before its COMMIT, as a dying process would leave it. */
async function killedBeforeCommit(connection: { query: (sql: string) => Promise<[unknown, unknown]> }) {
  const [rows] = (await connection.query('SELECT CONNECTION_ID() AS id')) as [RowDataPacket[], unknown];
  const id = Number(rows[0]!.id);
  await server.db.query(`KILL CONNECTION ${id}`);
  await until(`connection ${id} to be gone`, async () => {
    const [left] = await server.db.query<RowDataPacket[]>('SELECT 1 FROM information_schema.PROCESSLIST WHERE ID = ?', [
      id,
    ]);
    return left.length === 0;
  });
}

async function sequencerState() {
  const [head] = await server.db.query<RowDataPacket[]>('SELECT last_seq FROM feed_sequencer WHERE id = 1');
  const [numbered] = await server.db.query<RowDataPacket[]>(
    'SELECT COUNT(feed_seq) AS numbered, COUNT(*) AS stored, COUNT(DISTINCT feed_seq) AS distinctSeq, MAX(feed_seq) AS maxSeq FROM transactions',
  );
  const [sums] = await server.db.query<RowDataPacket[]>(
    `SELECT COALESCE(SUM(bet_count), 0) AS bets, COALESCE(SUM(bets_minor), 0) AS betsMinor,
            (SELECT COUNT(*) FROM ggr_day_players) + (SELECT COUNT(*) FROM ggr_day_rounds) AS daySetRows,
            (SELECT day_sets_seq FROM feed_sequencer) AS daySetsSeq
       FROM ggr_daily`,
  );
  return {
    lastSeq: Number(head[0]!.last_seq),
    numbered: Number(numbered[0]!.numbered),
    stored: Number(numbered[0]!.stored),
    distinctSeq: Number(numbered[0]!.distinctSeq),
    maxSeq: Number(numbered[0]!.maxSeq ?? 0),
    bets: Number(sums[0]!.bets),
    betsMinor: Number(sums[0]!.betsMinor),
    daySetRows: Number(sums[0]!.daySetRows),
    daySetsSeq: Number(sums[0]!.daySetsSeq),
  };
}

test('passes killed before COMMIT fold nothing; the next passes fold every transaction exactly once', async () => {
  await play();
  const start = await sequencerState();
  expect(start).toMatchObject({ lastSeq: 0, numbered: 0, bets: 0 });
  // 4 deposits, 10 provider transactions and a withdrawal.
  expect(start.stored).toBe(15);

  // Batches of 3, every other pass killed just before its COMMIT: after the fold, with its numbers written.
  let passes = 0;
  let crashes = 0;
  for (;;) {
    const before = await sequencerState();
    if (passes % 2 === 1) {
      await expect(runSequencerPass(server.db, { batchSize: 3, beforeCommit: killedBeforeCommit })).rejects.toThrow();
      crashes++;
      // Nothing of the dead pass is left: no number kept, nothing folded (sums or day sets).
      expect(await sequencerState()).toEqual(before);
    } else {
      const pass = await runSequencerPass(server.db, { batchSize: 3 });
      if (pass.sequenced === 0) break;
      expect(Number(pass.lastSeq)).toBe(before.lastSeq + pass.sequenced);
    }
    passes++;
  }
  expect(crashes).toBeGreaterThanOrEqual(5);

  const end = await sequencerState();
  expect(end).toMatchObject({ lastSeq: end.stored, numbered: end.stored, distinctSeq: end.stored, maxSeq: end.stored });
  // Every group of the aggregate equals the ledger's own sums, and no group stands for nothing.
  expect(await aggregateDifferences(server.db)).toEqual([]);
  // The day sets too: every player and round of every day once, with its previous day, folded all the way.
  const daySets = await daySetsAgainstLedger(server.db);
  expect(daySets.players.actual).toEqual(daySets.players.expected);
  expect(daySets.rounds.actual).toEqual(daySets.rounds.expected);
  expect(daySets.rounds.expected.length).toBeGreaterThanOrEqual(5);
  const [head] = await server.db.query<RowDataPacket[]>('SELECT last_seq, day_sets_seq FROM feed_sequencer');
  expect(String(head[0]!.day_sets_seq)).toBe(String(head[0]!.last_seq));
  // Two passes at once (two processes) take turns on the sequencer row: nothing is numbered twice.
  const [a, b] = await Promise.all([runSequencerPass(server.db), runSequencerPass(server.db)]);
  expect(a.sequenced + b.sequenced).toBe(0);
}, 60_000);

test('the folded figures over HTTP: USD at a 7-decimal rate, rollbacks, free spins, jackpots, missing rates', async () => {
  const answer = await world.operator.call('/v1/reports/ggr', { ...RANGE(), groupBy: ['currency'] });
  expect(answer.code).toBe(0);
  const state = await sequencerState();
  expect(answer.freshness).toMatchObject({ lastSeq: String(state.lastSeq) });
  expect(Date.now() - Date.parse(answer.freshness.asOf)).toBeLessThan(60_000);
  expect(answer.rows).toEqual([
    {
      currency: 'JPY',
      betCount: 1,
      bets: 0,
      rollbacks: 0,
      wins: 0,
      ggr: 0,
      rounds: 1,
      players: 1,
      missingRates: 2,
      betsLocal: 500,
      rollbacksLocal: 0,
      winsLocal: 200,
      ggrLocal: 300,
    },
    {
      currency: 'USD',
      // 123.45 and the free-spin bet (0 money); the 10.00 bet rolled back is a bet too.
      betCount: 3,
      bets: 123.24, // (123.45 + 10) × 0.9234567 = 123.235296615
      rollbacks: 9.23, // 10 × 0.9234567 = 9.234567
      wins: 3.23, // (2.50 + 1.00 jackpot) × 0.9234567 = 3.23209845
      ggr: 110.77, // 110.768631165 exactly, rounded once
      rounds: 4, // r1, r2, r3 (the jackpot's), fs1
      players: 2,
      missingRates: 0,
      betsLocal: 133.45,
      rollbacksLocal: 10,
      winsLocal: 3.5,
      ggrLocal: 119.95,
    },
  ]);
  // The base figures are the sums of the listed amountBase of the same rows (digit for digit before rounding).
  const listed = await world.operator.call('/v1/transactions', { userID: 'alice001', limit: 100 });
  const bases = Object.fromEntries(
    listed.transactions.map((t: { transactionID: string; amountBase: string }) => [t.transactionID, t.amountBase]),
  );
  expect(bases).toMatchObject({
    'a-b1': '114.000729615',
    'a-b2': '9.234567',
    'a-rb2': '9.234567',
    'a-j3': '0.9234567',
  });
  expect(bases['a-w1']).toBe('2.30864175');
});

test('sandbox-time play only with includeSandbox; the other operator sees its own bet only', async () => {
  const live = await world.operator.call('/v1/reports/ggr', { ...RANGE(), groupBy: [] });
  expect(live.totals).toMatchObject({ betCount: 4, missingRates: 2, players: 3 });
  const all = await world.operator.call('/v1/reports/ggr', { ...RANGE(), groupBy: [], includeSandbox: true });
  // + the 5 EUR sandbox bet: bets 123.235296615 + 5, ggr 110.768631165 + 5.
  expect(all.totals).toMatchObject({ betCount: 5, bets: 128.24, ggr: 115.77, players: 4 });
  const theirs = await other.call('/v1/reports/ggr', { ...RANGE(), groupBy: ['agentID'] });
  expect(theirs.rows).toEqual([
    {
      agentID: 'fold-other',
      betCount: 1,
      bets: 7,
      rollbacks: 0,
      wins: 0,
      ggr: 7,
      rounds: 1,
      players: 1,
      missingRates: 0,
    },
  ]);
});
