/**
 * `npm run bench:reports`: GGR reports (PROTOCOL §12) over a month of play. Our app runs as a child
 * process (`node dist/main.js`) on a database of its own; 20 operators and 5 studios are created
 * through the admin API, then the daily aggregate of 5 million provider transactions (30 days, 500
 * games, 4 currencies) is written in bulk SQL (scripts/bench/reportsSeed.ts; the ledger itself is not
 * seeded, since reports never read it). Then:
 *   - one operator's 30-day report by day, by day and currency, and by game (signed /v1/reports/ggr):
 *     cold and warm times;
 *   - the admin CSV of all operators by day and game, streamed to nowhere, with the app's peak
 *     resident memory while it streams (/proc/<pid>/status VmHWM, reset before with clear_refs);
 *   - once that app has stopped, the bet path with the aggregate kept and without it, same run
 *     (scripts/bench/reportsBetPath.ts: `npm run bench`'s sequencer group), and their ratio.
 * A benchmark, not a test: it prints the figures and PASS/FAIL against the targets.
 *
 * Environment (all optional):
 *   BENCH_REPORTS_TRANSACTIONS  provider transactions to stand for (default 5000000); e.g. 100000 for a quick run
 *   BENCH_REPORTS_RUNS          warm runs per report, the median is shown (default 5)
 *   BENCH_REPORTS_KEEP          1: keep the database afterwards (casino_bench_reports)
 *   BENCH_REPORTS_BET_ROUNDS    paired rounds of the bet path with and without the aggregate (default 3; 0 skips)
 *   BENCH_MYSQL_URL             database server (default mysql://root@127.0.0.1:3306)
 *   BENCH_OUT                   also write the figures as JSON to this file
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { signBody } from '../src/domain/signing';
import { databaseUrl } from './bench/benchDatabase';
import { ChildServer, freePort } from './bench/processes';
import { BetPathFigures, measureBetPath, renderBetPath } from './bench/reportsBetPath';
import { dayOf, seedAggregate } from './bench/reportsSeed';

const DATABASE = 'casino_bench_reports';
const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-0123' };
const OPERATORS = 20;
const STUDIOS = 5;
const GAMES = 500;
const DAYS = 30;
const FIRST_DAY = '2026-10-01';
/** Provider transactions per round of the seeded play (reportsSeed.ts): a bet, 58 % wins, 2 % rollbacks. */
const TRANSACTIONS_PER_ROUND = 1.6;
const MB = 1024 * 1024;

/**
 * csvHeldMb: what streaming may add to the process's resident memory. The process itself (Node,
 * Express, Prisma's engine, pools) sits near 300 MB before any report, so the bound is on what the
 * stream holds: the peak during the stream minus the resident size just before it.
 */
const TARGETS = { dayMs: 1000, gameMs: 2000, csvHeldMb: 100 };

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return value;
}

const options = {
  transactions: numberEnv('BENCH_REPORTS_TRANSACTIONS', 5_000_000),
  runs: Math.round(numberEnv('BENCH_REPORTS_RUNS', 5)),
  keep: process.env.BENCH_REPORTS_KEEP === '1',
  betRounds: process.env.BENCH_REPORTS_BET_ROUNDS === '0' ? 0 : Math.round(numberEnv('BENCH_REPORTS_BET_ROUNDS', 3)),
  out: process.env.BENCH_OUT || null,
};

async function serverConnection() {
  return mysql.createConnection({ uri: databaseUrl('mysql'), multipleStatements: false });
}

async function resetDatabase(): Promise<void> {
  const connection = await serverConnection();
  await connection.query(`DROP DATABASE IF EXISTS \`${DATABASE}\``);
  await connection.end();
}

async function adminCall(
  baseUrl: string,
  token: string | null,
  route: string,
  body: unknown,
): Promise<Record<string, string>> {
  const response = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { code: number } & Record<string, string>;
  if (response.status !== 200 || answer.code !== 0) throw new Error(`${route}: ${JSON.stringify(answer)}`);
  return answer;
}

interface World {
  token: string;
  operators: { agentID: string; secretKey: string }[];
}

async function createWorld(baseUrl: string): Promise<World> {
  const token = (await adminCall(baseUrl, null, '/admin/v1/login', ADMIN)).token!;
  const operators: World['operators'] = [];
  for (let i = 1; i <= OPERATORS; i++) {
    const agentID = `bench-op-${String(i).padStart(2, '0')}`;
    const created = await adminCall(baseUrl, token, '/admin/v1/operators/create', {
      agentID,
      name: `Bench operator ${i}`,
      currencies: ['EUR', 'USD', 'GBP', 'JPY'],
    });
    operators.push({ agentID, secretKey: created.secretKey! });
  }
  for (let i = 1; i <= STUDIOS; i++)
    await adminCall(baseUrl, token, '/admin/v1/providers/create', { providerID: `bench-studio-${i}`, name: `S${i}` });
  return { token, operators };
}

async function idsOf(pool: mysql.Pool, table: 'operators' | 'providers'): Promise<number[]> {
  const [rows] = await pool.query<mysql.RowDataPacket[]>(`SELECT id FROM ${table} ORDER BY id`);
  return rows.map((row) => Number(row.id));
}

async function timeOperatorReport(
  baseUrl: string,
  operator: World['operators'][number],
  groupBy: string[],
  runs = options.runs,
) {
  const lastDay = dayOf(FIRST_DAY, DAYS);
  const call = async () => {
    const body = signBody(
      operator.secretKey,
      { agentID: operator.agentID, from: FIRST_DAY, to: lastDay, groupBy },
      Math.floor(Date.now() / 1000),
    );
    const started = performance.now();
    const response = await fetch(`${baseUrl}/v1/reports/ggr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await response.json()) as { code: number; rows: unknown[]; totals: Record<string, number> };
    const ms = performance.now() - started;
    if (answer.code !== 0) throw new Error(`report: ${JSON.stringify(answer)}`);
    return { ms, rows: answer.rows.length, totals: answer.totals };
  };
  const cold = await call();
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) warm.push((await call()).ms);
  warm.sort((a, b) => a - b);
  return {
    coldMs: cold.ms,
    medianMs: warm[Math.floor(warm.length / 2)] ?? cold.ms,
    maxMs: warm[warm.length - 1] ?? cold.ms,
    ...cold,
  };
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) : NaN;
}

/** Streams the CSV to nowhere; the app's peak RSS over the stream (VmHWM reset first). */
async function streamCsv(baseUrl: string, token: string, pid: number, groupBy: string) {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
  const rssBeforeMb = statusKb(pid, 'VmRSS') / 1024;
  const started = performance.now();
  const query = `from=${FIRST_DAY}&to=${dayOf(FIRST_DAY, DAYS)}&groupBy=${groupBy}&format=csv`;
  const response = await fetch(`${baseUrl}/admin/v1/reports/ggr?${query}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (response.status !== 200) throw new Error(`csv: HTTP ${response.status} ${await response.text()}`);
  let bytes = 0;
  let lines = 0;
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    bytes += chunk.byteLength;
    for (const byte of chunk) if (byte === 10) lines++;
  }
  return {
    groupBy,
    ms: performance.now() - started,
    rows: lines - 1,
    mb: bytes / MB,
    rssBeforeMb,
    peakRssMb: statusKb(pid, 'VmHWM') / 1024,
  };
}

const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

type Timed = Awaited<ReturnType<typeof timeOperatorReport>>;

/** One operator's report: its cold and warm times against its target. */
function reportLine(label: string, timed: Timed, targetMs: number): string {
  const ms = (value: number) => value.toFixed(0);
  return (
    `one operator, 30 days ${label} (${timed.rows} rows): cold ${ms(timed.coldMs)} ms, ` +
    `warm median ${ms(timed.medianMs)} ms (max ${ms(timed.maxMs)})  target < ${targetMs} ms  ` +
    verdict(timed.coldMs < targetMs && timed.medianMs < targetMs)
  );
}

function report(
  figures: Awaited<ReturnType<typeof measure>>,
  seeded: { transactions: number; seedS: number },
  betPath: BetPathFigures | null,
) {
  const { byDay, byGame, byDayCurrency, csv } = figures;
  const lines = [
    '',
    `bench:reports: ${seeded.transactions.toLocaleString('en')} provider transactions folded into the aggregate ` +
      `(${OPERATORS} operators, ${GAMES} games, 4 currencies, ${DAYS} days; seeded in ${seeded.seedS.toFixed(0)} s)`,
    `aggregate rows: ${figures.tableRows}`,
    '',
    reportLine('by day', byDay, TARGETS.dayMs),
    reportLine('by day and currency', byDayCurrency, TARGETS.dayMs),
    reportLine('by game', byGame, TARGETS.gameMs),
  ];
  for (const run of csv) {
    lines.push(
      `admin CSV, all operators, groupBy ${run.groupBy} (${run.rows} rows, ${run.mb.toFixed(1)} MB) in ${(run.ms / 1000).toFixed(1)} s: ` +
        `app RSS ${run.rssBeforeMb.toFixed(0)} MB before, peak ${run.peakRssMb.toFixed(0)} MB while streaming ` +
        `(held +${(run.peakRssMb - run.rssBeforeMb).toFixed(0)} MB)  target held < ${TARGETS.csvHeldMb} MB  ${verdict(run.peakRssMb - run.rssBeforeMb < TARGETS.csvHeldMb)}`,
    );
  }
  lines.push(betPath ? renderBetPath(betPath) : 'bet path: not measured (BENCH_REPORTS_BET_ROUNDS=0)');
  lines.push(`operator totals (by day run): ${JSON.stringify(byDay.totals)}`, '');
  process.stdout.write(lines.join('\n'));
}

async function measure(app: ChildServer, world: World, pool: mysql.Pool) {
  const [counts] = await pool.query<mysql.RowDataPacket[]>(
    `SELECT (SELECT COUNT(*) FROM ggr_daily) AS sums, (SELECT COUNT(*) FROM ggr_daily_players) AS players,
            (SELECT COUNT(*) FROM ggr_daily_rounds) AS rounds, (SELECT COUNT(*) FROM ggr_day_players) AS dayPlayers,
            (SELECT COUNT(*) FROM ggr_day_rounds) AS dayRounds`,
  );
  const row = counts[0]!;
  const tableRows =
    `ggr_daily ${row.sums}, ggr_daily_players ${row.players}, ggr_daily_rounds ${row.rounds}, ` +
    `ggr_day_players ${row.dayPlayers}, ggr_day_rounds ${row.dayRounds}`;
  const operator = world.operators[7]!;
  // "Cold" is the first report of that operator, not the first request of the process: one report of
  // another operator first opens the reports pool's connection and warms the route's code.
  await timeOperatorReport(app.url, world.operators[0]!, ['day'], 0);
  const byDay = await timeOperatorReport(app.url, operator, ['day']);
  const byGame = await timeOperatorReport(app.url, operator, ['gameID']);
  // The daily statement as RECONCILIATION.md shows it.
  const byDayCurrency = await timeOperatorReport(app.url, operator, ['day', 'currency']);
  // Shown as they come, so that a slow CSV does not hide them.
  process.stdout.write(
    `  by day: cold ${byDay.coldMs.toFixed(0)} ms, warm median ${byDay.medianMs.toFixed(0)} ms; ` +
      `by game: cold ${byGame.coldMs.toFixed(0)} ms, warm median ${byGame.medianMs.toFixed(0)} ms\n`,
  );
  const csv = [];
  for (const groupBy of ['day,gameID', 'day,agentID,gameID']) {
    csv.push(await streamCsv(app.url, world.token, app.pid!, groupBy));
    const run = csv[csv.length - 1]!;
    process.stdout.write(
      `  CSV ${groupBy}: ${(run.ms / 1000).toFixed(1)} s, peak RSS ${run.peakRssMb.toFixed(0)} MB\n`,
    );
  }
  return { tableRows, byDay, byGame, byDayCurrency, csv };
}

async function main(): Promise<void> {
  const { figures, seeded } = await measureReports();
  // After the reports' app has stopped, so that the bet path has the machine to itself.
  const betPath = options.betRounds > 0 ? await measureBetPath(options.betRounds) : null;
  report(figures, seeded, betPath);
  if (options.out) {
    writeFileSync(options.out, JSON.stringify({ seeded, ...figures, betPath, targets: TARGETS }, null, 2));
  }
}

async function measureReports() {
  await resetDatabase();
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'bench-reports-'));
  const port = await freePort();
  const app = ChildServer.start({
    name: 'app',
    args: ['dist/main.js'],
    env: {
      NODE_ENV: 'test',
      SECRETS_KEY: Buffer.alloc(32, 0x5e).toString('base64'),
      DATABASE_URL: databaseUrl(DATABASE),
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      PORT: String(port),
      JWT_SECRET: 'bench-jwt-secret-that-is-long-enough-0123456789',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: 'warn',
    },
    port,
    logFile: path.join(logDir, 'app.log'),
    nodeFlags: ['--max-semi-space-size=32'],
  });
  const pool = mysql.createPool({ uri: databaseUrl(DATABASE), connectionLimit: 2, supportBigNumbers: true });
  try {
    await app.waitHealthy();
    const world = await createWorld(app.url);
    const roundsPerOperatorDay = Math.max(
      1,
      Math.round(options.transactions / (OPERATORS * DAYS * TRANSACTIONS_PER_ROUND)),
    );
    const started = performance.now();
    const transactions = await seedAggregate(
      pool,
      {
        operatorIds: await idsOf(pool, 'operators'),
        providerIds: await idsOf(pool, 'providers'),
        games: GAMES,
        days: DAYS,
        firstDay: FIRST_DAY,
        roundsPerOperatorDay,
        playersPerOperator: Math.max(50, Math.round(roundsPerOperatorDay * 0.6)),
      },
      (day, total) => process.stdout.write(`\rseeded day ${day}/${DAYS}: ${total.toLocaleString('en')} transactions`),
    );
    process.stdout.write('\n');
    const seeded = { transactions, seedS: (performance.now() - started) / 1000 };
    return { figures: await measure(app, world, pool), seeded };
  } finally {
    await pool.end();
    await app.stop();
    if (!options.keep) await resetDatabase();
  }
}

main().catch((error) => {
  process.stderr.write(`bench:reports failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
