/**
 * `npm run bench`: throughput and latency of our money endpoints against a reference endpoint R (the
 * least an Express + mysql2 money call can do), both as child processes on the same database server,
 * loaded by closed-loop workers in this process. A benchmark, not a test: it prints a table and the
 * targets' PASS/FAIL, and exits non-zero only when the bench itself broke.
 *
 * Environment (all optional):
 *   BENCH_SECONDS          measured seconds per scenario (default 8)
 *   BENCH_WARMUP_SECONDS   warm-up seconds per scenario, not measured (default 2)
 *   BENCH_WORKERS          concurrent workers (default 50)
 *   BENCH_ROUNDS           run the scenario list this many times; the median round is shown and
 *                          "vs R" is the median of per-round ratios (default 1)
 *   BENCH_ONLY             regular expression on scenario names (baselines are kept for the ratios);
 *                          also the only way to run the optional diagnostic scenarios, e.g. BENCH_ONLY='R7|withdraw'
 *   BENCH_OUT              also write the results as JSON to this file
 *   BENCH_APP_LOG_LEVEL    LOG_LEVEL of our app (default warn)
 *   BENCH_DB_POOL_SIZE     DB pool size of both R and our app (default 20, our app's default)
 *   BENCH_CPU_PROF         1: run both children with --cpu-prof (profiles kept in the log folder)
 *   BENCH_MYSQL_URL        database server (default mysql://root@127.0.0.1:3306)
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  APP_DATABASE,
  REFERENCE_DATABASE,
  REFERENCE_SECRET,
  createReferenceDatabase,
  databaseUrl,
  dropBenchDatabases,
  referenceSetupPool,
} from './bench/benchDatabase';
import type { RowDataPacket } from 'mysql2/promise';
import { signBody } from '../src/domain/signing';
import { cpuSample, findProcess } from './bench/cpu';
import { JsonClient } from './bench/httpClient';
import { LoadResult, runLoad } from './bench/loadRunner';
import { ChildServer, freePort, sleep } from './bench/processes';
import { judgeTargets, renderErrorKinds, renderTable, renderVerdicts, summarize } from './bench/report';
import { AppHandle, BenchContext, Scenario, scenarios, targets } from './bench/scenarios';

const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-0123' };
const JWT_SECRET = 'bench-jwt-secret-that-is-long-enough-0123456789';
const BENCH_AGENT = 'bench-op';

function numberEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number, got "${raw}"`);
  return value;
}

const options = {
  measureMs: Math.round(numberEnv('BENCH_SECONDS', 8) * 1000),
  warmupMs: Math.round(numberEnv('BENCH_WARMUP_SECONDS', 2) * 1000),
  workers: Math.max(1, Math.round(numberEnv('BENCH_WORKERS', 50))),
  rounds: Math.max(1, Math.round(numberEnv('BENCH_ROUNDS', 1))),
  poolSize: Math.max(1, Math.round(numberEnv('BENCH_DB_POOL_SIZE', 20))),
  only: process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null,
  out: process.env.BENCH_OUT || null,
  appLogLevel: process.env.BENCH_APP_LOG_LEVEL || 'warn',
  cpuProf: process.env.BENCH_CPU_PROF === '1',
};

const children: ChildServer[] = [];

function selectScenarios(): Scenario[] {
  if (!options.only) return scenarios.filter((s) => !s.optional);
  const wanted = new Set(scenarios.filter((s) => options.only!.test(s.name)).map((s) => s.name));
  for (const s of scenarios) if (wanted.has(s.name) && s.baseline) wanted.add(s.baseline);
  return scenarios.filter((s) => wanted.has(s.name));
}

async function setUpApp(baseUrl: string): Promise<AppHandle> {
  const client = new JsonClient(baseUrl, 8);
  const login = await client.post('/admin/v1/login', ADMIN);
  const token = (login.body as { token?: string }).token;
  if (login.status !== 200 || !token) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const created = await client.post(
    '/admin/v1/operators/create',
    { agentID: BENCH_AGENT, name: 'Bench operator', currencies: ['EUR'] },
    { authorization: `Bearer ${token}` },
  );
  const secretKey = (created.body as { secretKey?: string }).secretKey;
  if (created.status !== 200 || !secretKey) throw new Error(`operator creation failed: ${created.status} ${JSON.stringify(created.body)}`);
  return {
    agentID: BENCH_AGENT,
    secretKey,
    async call(pathName, fields) {
      const answer = await client.post(pathName, signBody(secretKey, { agentID: BENCH_AGENT, ...fields }));
      const body = answer.body as Record<string, unknown>;
      if (answer.status !== 200 || body?.code !== 0) throw new Error(`${pathName} failed: ${answer.status} ${JSON.stringify(body)}`);
      return body;
    },
  };
}

async function main(): Promise<void> {
  const selected = selectScenarios();
  if (!selected.length) throw new Error(`BENCH_ONLY=${process.env.BENCH_ONLY} selects no scenario`);
  const runId = Date.now().toString(36) + randomBytes(2).toString('hex');
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'casino-bench-'));

  console.log(
    `bench ${runId}: ${selected.length} scenarios x ${options.rounds} round(s), ${options.workers} workers, ` +
      `${options.warmupMs / 1000}s warm-up + ${options.measureMs / 1000}s measured; node ${process.version}, ` +
      `${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; logs in ${logDir}`,
  );

  await dropBenchDatabases();
  await createReferenceDatabase();

  const [referencePort, appPort] = [await freePort(), await freePort()];
  const nodeFlags = (name: string) => (options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(logDir, `prof-${name}`)}`] : []);
  const reference = ChildServer.start({
    name: 'reference',
    args: ['--import', 'tsx', 'scripts/bench/referenceServer.ts'],
    env: {
      NODE_ENV: 'production',
      REF_PORT: String(referencePort),
      REF_DATABASE_URL: databaseUrl(REFERENCE_DATABASE),
      REF_SECRET: REFERENCE_SECRET,
      REF_POOL_SIZE: String(options.poolSize),
    },
    port: referencePort,
    logFile: path.join(logDir, 'reference.log'),
    nodeFlags: nodeFlags('reference'),
  });
  children.push(reference);
  const app = ChildServer.start({
    name: 'app',
    args: ['dist/main.js'],
    env: {
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl(APP_DATABASE),
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      PORT: String(appPort),
      JWT_SECRET,
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      LOG_LEVEL: options.appLogLevel,
      DB_POOL_SIZE: String(options.poolSize),
    },
    port: appPort,
    logFile: path.join(logDir, 'app.log'),
    nodeFlags: nodeFlags('app'),
  });
  children.push(app);
  await Promise.all([reference.waitHealthy(), app.waitHealthy()]);

  const referenceDb = referenceSetupPool();
  const databasePid = findProcess(['mariadbd', 'mysqld']);
  const ctx: BenchContext = {
    runId,
    workers: options.workers,
    baseUrl: (target) => (target === 'app' ? app.url : reference.url),
    app: await setUpApp(app.url),
    referenceDb,
    databaseQuestions: async () => {
      const [rows] = await referenceDb.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
      return rows[0] ? Number(rows[0].Value) : null;
    },
    cpuSample: (target) => cpuSample({ server: (target === 'app' ? app : reference).pid, db: databasePid, loader: 'self' }),
  };

  const results = new Map<string, LoadResult[]>();
  try {
    for (const scenario of selected) await scenario.setup(ctx);
    for (let round = 1; round <= options.rounds; round++) {
      for (const scenario of selected) {
        await sleep(500); // let the previous scenario's stragglers and the database settle
        const result = await runLoad(scenario, ctx, { ...options, seqBase: (round - 1) * 1_000_000_000 });
        if (!results.has(scenario.name)) results.set(scenario.name, []);
        results.get(scenario.name)!.push(result);
        console.log(
          `  ${options.rounds > 1 ? `round ${round} ` : ''}${scenario.name}: ${result.reqPerSec.toFixed(0)} req/s, ` +
            `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.errors} errors`,
        );
        for (const child of [reference, app]) {
          if (child.hasExited) throw new Error(`${child.spec.name} died during "${scenario.name}":\n${child.recentOutput()}`);
        }
      }
    }
  } finally {
    await referenceDb.end();
  }

  const summaries = summarize(selected, results);
  const verdicts = judgeTargets(targets, summaries);
  console.log('');
  console.log(renderTable(summaries));
  console.log(
    '(latencies in ms; "cpu": CPU ms per answered request of the target process, the database server and this load generator;\n' +
      ' "db stmts": statements the database server received per answered request, from every client of the server)',
  );
  const errorKinds = renderErrorKinds(summaries);
  if (errorKinds) console.log(`\nerrors by kind:\n${errorKinds}`);
  for (const child of [reference, app]) {
    const problems = child.problemLines();
    if (problems.length) console.log(`\n${child.spec.name} logged (last ${problems.length} warn+ lines, full log ${child.spec.logFile}):\n${problems.join('\n')}`);
  }
  console.log(`\ntargets:\n${renderVerdicts(verdicts)}`);

  if (options.out) {
    writeFileSync(
      options.out,
      JSON.stringify({ runId, options: { ...options, only: options.only?.source ?? null }, node: process.version, cores: os.cpus().length, summaries, verdicts }, null, 2),
    );
    console.log(`results written to ${options.out}`);
  }

  const anyErrors = summaries.some((s) => s.errors > 0);
  await stopChildren();
  if (!options.cpuProf && !anyErrors) rmSync(logDir, { recursive: true, force: true });
  else console.log(`logs${options.cpuProf ? ' and CPU profiles' : ''} kept in ${logDir}`);
}

async function stopChildren(): Promise<void> {
  await Promise.allSettled(children.map((child) => child.stop()));
}

async function cleanUp(): Promise<void> {
  await stopChildren();
  await dropBenchDatabases().catch((error) => console.error(`could not drop the bench databases: ${error instanceof Error ? error.message : error}`));
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${signal}: stopping the bench`);
    cleanUp().finally(() => process.exit(130));
  });
}
process.once('exit', () => children.forEach((child) => child.killNow()));

main()
  .then(cleanUp, async (error) => {
    console.error(`bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    await cleanUp();
    process.exitCode = 1;
  })
  .finally(() => {
    // mysql2 or http handles must not keep the process alive after the report.
    setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
  });
