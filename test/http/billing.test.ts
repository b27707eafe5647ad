// Risk covered: a daily fee billed twice (processes racing billing/run and the scheduled job) or never (a crash
// between computing and storing), a fee on the wrong GGR or rounded the wrong way (or on a GGR rounded before the
// fee), a day billed before it ended or before the sequencer folded all its play, a dry run that bills, and a fee
// converted at a guessed rate for play stored without one, and sandbox play billed (PROTOCOL §11 Fees on the §12 GGR).
import pino from 'pino';
import { RowDataPacket } from 'mysql2/promise';
import { billDay, billEndedDays } from '../../src/app/billing/billing';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { sequencePending } from '../../src/db/feedSequencer';
import { PrismaGoLiveStore } from '../../src/db/goLiveStore';
import { Runtime, openRuntime } from '../../src/runtime';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startSecondServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let second: TestServer;
let runtime: Runtime;

const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const today = new Date().toISOString().slice(0, 10);
const settings = { baseCurrency: 'EUR', defaultFeePercent: '10' };

beforeAll(async () => {
  // Schedulers and the feed sequencer off here (hour-long intervals; tests fold with sequencePending);
  // the race test turns a billing scheduler on in a second process.
  server = await startTestServer('billing', { BILLING_INTERVAL_MS: '3600000', FEED_SEQUENCER_INTERVAL_MS: '3600000' });
  runtime = openRuntime(server.config, parseDatabaseUrl(server.databaseUrl), pino({ level: 'silent' }), {
    workers: false,
  });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await second?.close();
  await runtime?.close(5_000);
  await server.close();
});

let seq = 0;
const nextId = (p: string) => `${p}-${++seq}`;

interface Play {
  readonly currency: string;
  readonly bet: number;
  readonly win: number;
}

/** One round per play: a bet, then its win closing the round. */
async function playRounds(world: World, plays: readonly Play[]): Promise<void> {
  for (const play of plays) {
    const token = await fundedSession(world, nextId('bill'), play.bet * 5, { currency: play.currency });
    const round = nextId('r');
    const call = (path: string, fields: object) =>
      world.studio.call(path, { token, roundID: round, gameID: world.gameId, ...fields });
    expect((await call('/provider/v1/bet', { transactionID: nextId('b'), amount: play.bet })).code).toBe(0);
    const win = { transactionID: nextId('w'), amount: play.win, roundClosed: true };
    expect((await call('/provider/v1/win', win)).code).toBe(0);
  }
}

/** A live operator whose play (default: bets 10.20 EUR, wins 10.00: GGR 0.20) happened yesterday. */
async function liveOperatorWithPlayYesterday(
  feePercent: number,
  plays: readonly Play[] = [{ currency: 'EUR', bet: 10.2, win: 10 }],
  options: { fold?: boolean; sandboxPlays?: readonly Play[] } = {},
): Promise<World> {
  const admin = await server.admin();
  const world = await buildWorld(admin, { currencies: ['EUR', 'JPY', 'USD'] });
  const agentID = world.operator.callerId;
  await admin.ok('/admin/v1/operators/update', { agentID, feePercent });
  // Play before going live is sandbox play: marked sandbox when stored, never billed.
  await playRounds(world, options.sandboxPlays ?? []);
  await admin.ok('/admin/v1/credit/topup', { agentID, amount: 100, reference: nextId('t') });
  await admin.ok('/admin/v1/operators/go-live', { agentID });
  await playRounds(world, plays);
  // Moved to yesterday (the clock of a test cannot wait for midnight): the play and the go-live. The
  // sequencer of these servers waits an hour, so the play is folded into the aggregate on its new day.
  const [[op]] = await server.db.query<RowDataPacket[]>('SELECT id FROM operators WHERE agent_id = ?', [agentID]);
  await server.db.query('UPDATE transactions SET created_at = ? WHERE operator_id = ?', [
    new Date(`${yesterday}T12:00:00Z`),
    op!.id,
  ]);
  await server.db.query('UPDATE operators SET live_since = ? WHERE id = ?', [
    new Date(`${yesterday}T01:00:00Z`),
    op!.id,
  ]);
  if (options.fold ?? true) await sequencePending(runtime.pool);
  return world;
}

async function feeEntries(agentID: string): Promise<RowDataPacket[]> {
  const [rows] = await server.db.query<RowDataPacket[]>(
    `SELECT e.amount_minor, e.balance_after_minor, e.day, e.reason FROM credit_entries e JOIN operators o ON o.id = e.operator_id
      WHERE o.agent_id = ? AND e.kind = 'fee'`,
    [agentID],
  );
  return rows;
}

test('fee = feePercent % of the positive GGR, rounded half up once; dryRun bills nothing; today is 409', async () => {
  const world = await liveOperatorWithPlayYesterday(12.5);
  const agentID = world.operator.callerId;
  const admin = await server.admin();
  const dry = await admin.ok('/admin/v1/billing/run', { date: yesterday, dryRun: true });
  // GGR 0.20 at 12.5% is 0.025: half up is 0.03 (half-even would say 0.02).
  expect(dry.fees.find((f: any) => f.agentID === agentID)).toEqual({
    agentID,
    day: yesterday,
    ggr: 0.2,
    feePercent: 12.5,
    fee: 0.03,
  });
  expect(await feeEntries(agentID)).toHaveLength(0);
  const notEnded = await admin.post('/admin/v1/billing/run', { date: today });
  expect(notEnded.status).toBe(409);
  expect(notEnded.body.code).toBe(2);
  expect((await admin.ok('/admin/v1/billing/run', { date: today, dryRun: true })).code).toBe(0);

  const billed = await admin.ok('/admin/v1/billing/run', { date: yesterday });
  expect(billed.fees.find((f: any) => f.agentID === agentID)).toMatchObject({ fee: 0.03 });
  const again = await admin.ok('/admin/v1/billing/run', { date: yesterday });
  expect(again.fees.find((f: any) => f.agentID === agentID)).toMatchObject({ fee: 0.03 });
  const entries = await feeEntries(agentID);
  expect(entries.map((e) => [Number(e.amount_minor), Number(e.balance_after_minor)])).toEqual([[-3, 9997]]);
  const history = await admin.ok('/admin/v1/credit/history', { agentID });
  expect(history.entries.at(-1)).toMatchObject({ kind: 'fee', amount: -0.03, day: yesterday });
});

test('a mixed EUR and JPY day is billed on the exact base GGR of the aggregate, rounded once', async () => {
  const admin = await server.admin();
  // In force from yesterday on (the play is stored today, captured at 0.00618, then moved to yesterday).
  await admin.ok('/admin/v1/fx/set', { date: yesterday, rates: { JPY: '0.00618' } });
  const world = await liveOperatorWithPlayYesterday(50, [
    { currency: 'EUR', bet: 10.2, win: 10 },
    { currency: 'JPY', bet: 100, win: 50 },
  ]);
  const agentID = world.operator.callerId;
  // GGR = 0.20 EUR + 50 JPY × 0.00618 = 0.509 EUR exactly; 50% is 0.2545, half up 0.25. A GGR rounded
  // first (0.51) would give 0.255, billed 0.26: the fee is on the exact figure.
  const report = await admin.ok('/admin/v1/reports/ggr', { from: yesterday, to: today, agentID });
  expect(report.totals.ggr).toBe(0.51);
  const run = await admin.ok('/admin/v1/billing/run', { date: yesterday });
  expect(run.refused.filter((r: any) => r.agentID === agentID)).toEqual([]);
  expect(run.fees.find((f: any) => f.agentID === agentID)).toEqual({
    agentID,
    day: yesterday,
    ggr: 0.51,
    feePercent: 50,
    fee: 0.25,
  });
  expect((await feeEntries(agentID)).map((e) => [Number(e.amount_minor), e.reason])).toEqual([
    [-25, `50% of GGR 0.509 EUR on ${yesterday}`],
  ]);
});

test('a day with play stored without an FX rate is refused naming the currency and day; nothing is billed', async () => {
  // No USD rate was ever set: the USD play was stored with fxRate null (missingRates in the report).
  const world = await liveOperatorWithPlayYesterday(10, [
    { currency: 'EUR', bet: 10.2, win: 10 },
    { currency: 'USD', bet: 20, win: 5 },
  ]);
  const agentID = world.operator.callerId;
  const admin = await server.admin();
  for (const dryRun of [true, false]) {
    const run = await admin.ok('/admin/v1/billing/run', { date: yesterday, dryRun });
    expect(run.fees.some((f: any) => f.agentID === agentID)).toBe(false);
    const refused = run.refused.find((r: any) => r.agentID === agentID);
    expect(refused.reason).toContain(`no FX rate to EUR was in force for USD (2 transaction(s)) on ${yesterday}`);
    expect(run.message).toContain(agentID);
  }
  const store = new PrismaGoLiveStore(runtime.prisma, settings);
  const scheduled = await billEndedDays(store, new Date(), settings);
  expect(scheduled.refused.find((r) => r.agentID === agentID)?.reason).toMatch(/USD.*not guessed/);
  expect(await feeEntries(agentID)).toHaveLength(0);
  const [bills] = await server.db.query<RowDataPacket[]>(
    'SELECT * FROM billing_fees b JOIN operators o ON o.id = b.operator_id WHERE o.agent_id = ?',
    [agentID],
  );
  expect(bills).toHaveLength(0);
});

test('sandbox play of the same day is never billed: only what the operator did live counts', async () => {
  // 50.00 EUR of sandbox GGR before going live, then the live 0.20: billed 50% of 0.20, not of 50.20.
  const world = await liveOperatorWithPlayYesterday(50, undefined, {
    sandboxPlays: [{ currency: 'EUR', bet: 50, win: 0 }],
  });
  const agentID = world.operator.callerId;
  const [flags] = await server.db.query<RowDataPacket[]>(
    `SELECT t.sandbox, COUNT(*) AS n FROM transactions t JOIN operators o ON o.id = t.operator_id
      WHERE o.agent_id = ? AND t.origin = 'provider' GROUP BY t.sandbox ORDER BY t.sandbox`,
    [agentID],
  );
  expect(flags.map((row) => [Number(row.sandbox), Number(row.n)])).toEqual([
    [0, 2],
    [1, 2],
  ]);
  const run = await (await server.admin()).ok('/admin/v1/billing/run', { date: yesterday });
  expect(run.fees.find((f: any) => f.agentID === agentID)).toMatchObject({ ggr: 0.2, fee: 0.1 });
  expect((await feeEntries(agentID)).map((e) => Number(e.amount_minor))).toEqual([-10]);
});

test('a day whose play the sequencer has not folded yet is not billed until it is, then once', async () => {
  const world = await liveOperatorWithPlayYesterday(50, undefined, { fold: false });
  const agentID = world.operator.callerId;
  const admin = await server.admin();
  const early = await admin.ok('/admin/v1/billing/run', { date: yesterday });
  expect(early.refused.find((r: any) => r.agentID === agentID).reason).toMatch(
    new RegExp(`2 provider transaction\\(s\\) of ${yesterday} are not in the daily GGR aggregate yet`),
  );
  expect(await feeEntries(agentID)).toHaveLength(0);
  await sequencePending(runtime.pool);
  const late = await admin.ok('/admin/v1/billing/run', { date: yesterday });
  expect(late.fees.find((f: any) => f.agentID === agentID)).toMatchObject({ ggr: 0.2, fee: 0.1 });
  expect((await feeEntries(agentID)).map((e) => Number(e.amount_minor))).toEqual([-10]);
});

test('a crash between computing and storing leaves no gap and no double', async () => {
  const world = await liveOperatorWithPlayYesterday(50);
  const agentID = world.operator.callerId;
  const store = new PrismaGoLiveStore(runtime.prisma, settings);
  const crash = new Error('process died after computing');
  await expect(
    billDay(store, yesterday, {
      dryRun: false,
      settings,
      hooks: {
        afterCompute: (bill) => {
          if (bill.agentId === agentID) throw crash;
        },
      },
    }),
  ).rejects.toBe(crash);
  expect(await feeEntries(agentID)).toHaveLength(0);
  // The next pass of the scheduled job finds the day unbilled and bills it, once.
  await billEndedDays(store, new Date(), settings);
  await billEndedDays(store, new Date(), settings);
  expect((await feeEntries(agentID)).map((e) => Number(e.amount_minor))).toEqual([-10]);
});

test('two processes racing billing/run and the scheduled job bill one fee per operator and day', async () => {
  const worlds = [await liveOperatorWithPlayYesterday(20), await liveOperatorWithPlayYesterday(30)];
  second = await startSecondServer(server, { BILLING_INTERVAL_MS: '50', FEED_SEQUENCER_INTERVAL_MS: '3600000' });
  const admins = [await server.admin(), await second.admin()];
  const runs = Array.from({ length: 10 }, (_, i) => admins[i % 2]!.post('/admin/v1/billing/run', { date: yesterday }));
  const answers = await Promise.all(runs);
  expect(answers.every((a) => a.status === 200 && a.body.code === 0)).toBe(true);
  await until('the scheduler to pass', async () => {
    const [rows] = await server.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM billing_fees');
    return Number(rows[0]!.n) >= 2;
  });
  for (const [world, feeMinor] of [
    [worlds[0]!, -4],
    [worlds[1]!, -6],
  ] as const) {
    expect((await feeEntries(world.operator.callerId)).map((e) => Number(e.amount_minor))).toEqual([feeMinor]);
  }
  const [dupes] = await server.db.query<RowDataPacket[]>(
    "SELECT operator_id, day, COUNT(*) AS n FROM credit_entries WHERE kind = 'fee' GROUP BY operator_id, day HAVING n > 1",
  );
  expect(dupes).toHaveLength(0);
});
