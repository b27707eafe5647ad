// Risk covered: a daily fee billed twice (processes racing billing/run and the scheduled job) or never (a crash
// between computing and storing), a fee on the wrong GGR or rounded the wrong way, a day billed before it ended,
// a dry run that bills, and a fee guessed from another currency (PROTOCOL §11 Fees).
import pino from 'pino';
import { RowDataPacket } from 'mysql2/promise';
import { billDay, billEndedDays } from '../../src/app/billing/billing';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
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
  // Schedulers off here (hour-long interval); the race test turns one on in a second process.
  server = await startTestServer('billing', { BILLING_INTERVAL_MS: '3600000' });
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

/** A live operator whose play (bets 10.20, wins 10.00: GGR 0.20) happened yesterday. */
async function liveOperatorWithPlayYesterday(feePercent: number, currency = 'EUR'): Promise<World> {
  const admin = await server.admin();
  const world = await buildWorld(admin, { currencies: ['EUR', 'JPY'] });
  const agentID = world.operator.callerId;
  await admin.ok('/admin/v1/operators/update', { agentID, feePercent });
  // Live before the play: play in the sandbox is marked sandbox and never billed.
  await admin.ok('/admin/v1/credit/topup', { agentID, amount: 100, reference: nextId('t') });
  await admin.ok('/admin/v1/operators/go-live', { agentID });
  const user = nextId('bill');
  const token = await fundedSession(world, user, currency === 'JPY' ? 5000 : 50, { currency });
  const round = nextId('r');
  const amount = currency === 'JPY' ? 100 : 10.2;
  await world.studio.call('/provider/v1/bet', {
    token,
    transactionID: nextId('b'),
    roundID: round,
    gameID: world.gameId,
    amount,
  });
  await world.studio.call('/provider/v1/win', {
    token,
    transactionID: nextId('w'),
    roundID: round,
    gameID: world.gameId,
    amount: currency === 'JPY' ? 50 : 10,
    roundClosed: true,
  });
  // Moved to yesterday (the clock of a test cannot wait for midnight): the play and the go-live.
  const [[op]] = await server.db.query<RowDataPacket[]>('SELECT id FROM operators WHERE agent_id = ?', [agentID]);
  await server.db.query('UPDATE transactions SET created_at = ? WHERE operator_id = ?', [
    new Date(`${yesterday}T12:00:00Z`),
    op!.id,
  ]);
  await server.db.query('UPDATE operators SET live_since = ? WHERE id = ?', [
    new Date(`${yesterday}T01:00:00Z`),
    op!.id,
  ]);
  return world;
}

async function feeEntries(agentID: string): Promise<RowDataPacket[]> {
  const [rows] = await server.db.query<RowDataPacket[]>(
    `SELECT e.amount_minor, e.balance_after_minor, e.day FROM credit_entries e JOIN operators o ON o.id = e.operator_id
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

test('a day with play in another currency than the base one is refused with a clear message, not guessed', async () => {
  const world = await liveOperatorWithPlayYesterday(10, 'JPY');
  const run = await (await server.admin()).ok('/admin/v1/billing/run', { date: yesterday });
  const refused = run.refused.find((r: any) => r.agentID === world.operator.callerId);
  expect(refused.reason).toMatch(/JPY.*base currency EUR/);
  expect(await feeEntries(world.operator.callerId)).toHaveLength(0);
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
  second = await startSecondServer(server, { BILLING_INTERVAL_MS: '50' });
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
