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
 *                          "vs baseline" is the median of per-round ratios (default 1)
 *   BENCH_ONLY             regular expression on scenario names (baselines are kept for the ratios);
 *                          also the only way to run the optional diagnostic scenarios, e.g. BENCH_ONLY='R7|withdraw'
 *   BENCH_OUT              also write the results as JSON to this file
 *   BENCH_APP_LOG_LEVEL    LOG_LEVEL of our app (default warn)
 *   BENCH_DB_POOL_SIZE     DB pool size of both R and our app (default 20, our app's default)
 *   BENCH_CPU_PROF         1: run every child with --cpu-prof (profiles kept in the log folder)
 *   BENCH_MYSQL_URL        database server (default mysql://root@127.0.0.1:3306)
 *   BENCH_DRAIN_JOBS       queued deliveries per drain and round (default 2000)
 *   BENCH_CALLBACK_OPERATOR_CONCURRENCY
 *                          CALLBACK_OPERATOR_CONCURRENCY of our app (default: the app's own, 32); a
 *                          diagnostic for the drain, which has one seamless operator
 *
 * Groups, each runnable alone with BENCH_ONLY (their baselines come along): transfer ('withdraw|deposit'),
 * provider API ('provider'), seamless bet and the wallet's own latency ('seamless (bet|wallet)'), the
 * drain of queued deliveries ('drain').
 *
 * Our app runs with short callback settings (see APP_CALLBACK below) so that the drain measures the
 * delivery workers rather than the retry delay; the seamless operator's wallet is the bench's own
 * (scripts/bench/walletServer.ts, a third child process).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { RowDataPacket } from 'mysql2/promise';
import {
  APP_DATABASE,
  APP_NO_SEQUENCER_DATABASE,
  REFERENCE_DATABASE,
  REFERENCE_SECRET,
  appDatabasePool,
  createReferenceDatabase,
  databaseUrl,
  dropBenchDatabases,
  referenceSetupPool,
} from './bench/benchDatabase';
import { signBody } from '../src/domain/signing';
import { cpuSample, findProcess } from './bench/cpu';
import { MINIMAL_PREFIX } from './bench/drainScenarios';
import { JsonClient } from './bench/httpClient';
import { LoadResult, runLoad } from './bench/loadRunner';
import { ChildServer, ChildTask, REPO_ROOT, freePort, sleep } from './bench/processes';
import {
  judgeTargets,
  renderErrorKinds,
  renderLatencyAdded,
  renderTable,
  renderVerdicts,
  summarize,
} from './bench/report';
import {
  AppCallbackSettings,
  AppHandle,
  BenchContext,
  LoadScenario,
  ProcessRef,
  ProviderHandle,
  RoundPlan,
  Scenario,
  SeamlessHandle,
  TargetName,
  WalletStats,
  latencyComparisons,
  scenarios,
  targets,
} from './bench/scenarios';

const ADMIN = { username: 'bench-admin', password: 'bench-admin-password-0123' };
const JWT_SECRET = 'bench-jwt-secret-that-is-long-enough-0123456789';
const BENCH_AGENT = 'bench-op';
const SEAMLESS_AGENT = 'bench-seam';
/** The node flags `npm start` runs our app with (`node <flags> dist/main.js`, in its `serve` script). */
const START_NODE_FLAGS: string[] = (() => {
  const scripts = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
  const start = String(scripts.serve ?? scripts.start);
  const flags = /\bnode ((?:--\S+ )*)dist\/main\.js/.exec(start);
  if (!flags) throw new Error(`package.json's serve script does not run "node [flags] dist/main.js": ${start}`);
  return flags[1]!.trim().split(' ').filter(Boolean);
})();
const BENCH_PROVIDER = 'bench-studio';
const BENCH_GAME = 9001;
/** Our app's delivery queue prefix: queuePrefix() of src/runtime.ts for the bench's database. */
const APP_QUEUE_PREFIX = `{casino-${APP_DATABASE}}`;
const APP_NO_SEQUENCER_QUEUE_PREFIX = `{casino-${APP_NO_SEQUENCER_DATABASE}}`;
/** setTimeout's largest delay (about 24.8 days): the second process's sequencer never runs during a bench. */
const NEVER_MS = 2_147_483_647;

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
  drainJobs: Math.max(2, Math.round(numberEnv('BENCH_DRAIN_JOBS', 2000))),
  only: process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY) : null,
  out: process.env.BENCH_OUT || null,
  appLogLevel: process.env.BENCH_APP_LOG_LEVEL || 'warn',
  cpuProf: process.env.BENCH_CPU_PROF === '1',
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
};

/**
 * Our app's callback settings (PROTOCOL §9). Short, so that a queued delivery is due again within
 * 200 ms of its failed try and the drain is not dominated by waiting (the default is 10 s); timeouts of
 * 2 s (defaults 5 s and 10 s) are never reached, the bench's wallet answers at once; attempts are
 * raised (default 50) so that deliveries retried every 200 ms while the wallet is down are never parked.
 * Worker concurrency is the default, stated so that the minimal worker gets the same.
 */
const APP_CALLBACK: AppCallbackSettings = {
  timeoutMs: 2_000,
  retryDelayMs: 200,
  retryTimeoutMs: 2_000,
  retryAttempts: 100_000,
  workerConcurrency: 32,
  operatorConcurrency: Math.max(1, Math.round(numberEnv('BENCH_CALLBACK_OPERATOR_CONCURRENCY', 32))),
};

const children: ChildServer[] = [];
const tasks: ChildTask[] = [];

function selectScenarios(): Scenario[] {
  if (!options.only) return scenarios.filter((s) => !s.optional);
  const wanted = new Set(scenarios.filter((s) => options.only!.test(s.name)).map((s) => s.name));
  // Baselines and companions come along, and theirs in turn.
  for (let grew = true; grew;) {
    grew = false;
    for (const s of scenarios) {
      if (!wanted.has(s.name)) continue;
      for (const needed of [s.baseline, ...(s.requires ?? [])]) {
        if (needed && !wanted.has(needed)) {
          wanted.add(needed);
          grew = true;
        }
      }
    }
  }
  return scenarios.filter((s) => wanted.has(s.name));
}

/** Removes the Redis keys of the bench's own queues, left over from an interrupted run. */
async function clearBenchQueues(): Promise<void> {
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, lazyConnect: true });
  try {
    await redis.connect();
    for (const prefix of [APP_QUEUE_PREFIX, APP_NO_SEQUENCER_QUEUE_PREFIX, MINIMAL_PREFIX]) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

interface Handles {
  app: AppHandle;
  provider: ProviderHandle;
  seamless: SeamlessHandle;
}

/**
 * Through the admin API, as back-office staff would: the transfer-mode operator, the studio with its
 * launch URL template and game, and the seamless operator (hmac) whose callbackUrl is the bench wallet.
 */
async function setUpApp(baseUrl: string, walletUrl: string): Promise<Handles> {
  const client = new JsonClient(baseUrl, Math.max(8, options.workers));
  const walletClient = new JsonClient(walletUrl, 2);
  const login = await client.post('/admin/v1/login', ADMIN);
  const token = (login.body as { token?: string }).token;
  if (login.status !== 200 || !token)
    throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  const admin = async (pathName: string, body: Record<string, unknown>) => {
    const answer = await client.post(pathName, body, { authorization: `Bearer ${token}` });
    const reply = answer.body as Record<string, unknown>;
    if (answer.status !== 200 || reply?.code !== 0)
      throw new Error(`${pathName} failed: ${answer.status} ${JSON.stringify(reply)}`);
    return reply;
  };
  const platform =
    (agentID: string, secretKey: string) => async (pathName: string, fields: Record<string, unknown>) => {
      const answer = await client.post(pathName, signBody(secretKey, { agentID, ...fields }));
      const body = answer.body as Record<string, unknown>;
      if (answer.status !== 200 || body?.code !== 0)
        throw new Error(`${pathName} failed: ${answer.status} ${JSON.stringify(body)}`);
      return body;
    };

  const transfer = await admin('/admin/v1/operators/create', {
    agentID: BENCH_AGENT,
    name: 'Bench operator',
    currencies: ['EUR'],
  });
  const studio = await admin('/admin/v1/providers/create', {
    providerID: BENCH_PROVIDER,
    name: 'Bench studio',
    launchUrl: 'https://studio.bench.invalid/play?token={token}&game={gameID}&lang={language}&lobby={lobbyUrl}',
  });
  await admin('/admin/v1/games/upsert', {
    games: [
      {
        gameID: BENCH_GAME,
        providerID: BENCH_PROVIDER,
        name: 'Bench Slot',
        type: 'slot',
        rtp: 96.5,
        freeSpins: false,
        demo: false,
        enabled: true,
      },
    ],
  });
  const seamless = await admin('/admin/v1/operators/create', {
    agentID: SEAMLESS_AGENT,
    name: 'Bench seamless operator',
    currencies: ['EUR'],
    callbackUrl: walletUrl,
    callbackScheme: 'hmac',
  });
  const providerSecret = String(studio.secretKey);
  const walletPost = async (pathName: string, body: unknown) => {
    const answer = await walletClient.post(pathName, body);
    if (answer.status !== 200)
      throw new Error(`wallet ${pathName} failed: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    app: {
      agentID: BENCH_AGENT,
      secretKey: String(transfer.secretKey),
      call: platform(BENCH_AGENT, String(transfer.secretKey)),
    },
    provider: {
      providerID: BENCH_PROVIDER,
      secretKey: providerSecret,
      gameID: BENCH_GAME,
      async call(pathName, fields, expectedCode = 0) {
        const answer = await client.post(pathName, signBody(providerSecret, { providerID: BENCH_PROVIDER, ...fields }));
        const body = answer.body as Record<string, unknown>;
        if (answer.status !== 200 || body?.code !== expectedCode)
          throw new Error(`${pathName} failed: ${answer.status} ${JSON.stringify(body)}`);
        return body;
      },
    },
    seamless: {
      agentID: SEAMLESS_AGENT,
      secretKey: String(seamless.secretKey),
      walletUrl,
      call: platform(SEAMLESS_AGENT, String(seamless.secretKey)),
      async setWalletMode(mode) {
        await walletPost('/__mode', { mode });
      },
      async walletStats() {
        return (await walletPost('/__stats', {})) as WalletStats;
      },
      async resetWalletStats() {
        await walletPost('/__reset', {});
      },
    },
  };
}

/**
 * The stock a stocked scenario places before it runs: enough for its workers at the higher of the
 * rate of the first of its `sizedBy` scenarios measured this round (else the fastest so far) and its own
 * rate in the previous round, with half again to spare. Should a worker still run out, the measured
 * window ends there (loadRunner.ts) and the line says so.
 */
function roundPlan(
  scenario: LoadScenario,
  round: number,
  seqBase: number,
  thisRound: ReadonlyMap<string, LoadResult>,
  earlier: readonly LoadResult[],
): RoundPlan {
  const sizedBy = (scenario.sizedBy ?? []).map((name) => thisRound.get(name)).find((result) => result !== undefined);
  const rates = [sizedBy?.reqPerSec ?? Math.max(200, ...[...thisRound.values()].map((r) => r.reqPerSec))];
  const previous = earlier[earlier.length - 1];
  if (previous) rates.push(previous.reqPerSec);
  const windowS = (options.warmupMs + options.measureMs) / 1000;
  return { round, seqBase, requestsPerWorker: Math.ceil((Math.max(...rates) * windowS * 1.5) / options.workers) + 10 };
}

async function main(): Promise<void> {
  const selected = selectScenarios();
  if (!selected.length) throw new Error(`BENCH_ONLY=${process.env.BENCH_ONLY} selects no scenario`);
  const runId = Date.now().toString(36) + randomBytes(2).toString('hex');
  const logDir = mkdtempSync(path.join(os.tmpdir(), 'casino-bench-'));

  console.log(
    `bench ${runId}: ${selected.length} scenarios x ${options.rounds} round(s), ${options.workers} workers, ` +
      `${options.warmupMs / 1000}s warm-up + ${options.measureMs / 1000}s measured; node ${process.version} ${START_NODE_FLAGS.join(' ')}, ` +
      `${os.cpus().length} cores, load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}; logs in ${logDir}`,
  );

  await dropBenchDatabases();
  await createReferenceDatabase();
  await clearBenchQueues();

  const [referencePort, appPort, walletPort] = [await freePort(), await freePort(), await freePort()];
  // Every child runs with the node flags `npm start` gives our app (R and the wallet too, so that the
  // runtime is the same on both sides of a ratio).
  const nodeFlags = (name: string) => [
    ...START_NODE_FLAGS,
    ...(options.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.join(logDir, `prof-${name}`)}`] : []),
  ];
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
  const appEnv = {
    // Not production: the bench's own wallet is http://127.0.0.1, which production's callback URL
    // rules refuse (PROTOCOL §10). Nothing on the measured paths depends on NODE_ENV.
    NODE_ENV: 'test',
    SECRETS_KEY: Buffer.alloc(32, 0x5e).toString('base64'),
    DATABASE_URL: databaseUrl(APP_DATABASE),
    REDIS_URL: options.redisUrl,
    PORT: String(appPort),
    JWT_SECRET,
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LOG_LEVEL: options.appLogLevel,
    DB_POOL_SIZE: String(options.poolSize),
    CALLBACK_TIMEOUT_MS: String(APP_CALLBACK.timeoutMs),
    CALLBACK_RETRY_DELAY_MS: String(APP_CALLBACK.retryDelayMs),
    CALLBACK_RETRY_TIMEOUT_MS: String(APP_CALLBACK.retryTimeoutMs),
    CALLBACK_RETRY_ATTEMPTS: String(APP_CALLBACK.retryAttempts),
    CALLBACK_WORKER_CONCURRENCY: String(APP_CALLBACK.workerConcurrency),
    CALLBACK_OPERATOR_CONCURRENCY: String(APP_CALLBACK.operatorConcurrency),
  };
  const app = ChildServer.start({
    name: 'app',
    args: ['dist/main.js'],
    env: appEnv,
    port: appPort,
    logFile: path.join(logDir, 'app.log'),
    nodeFlags: nodeFlags('app'),
  });
  children.push(app);
  // The same app on a database of its own with its feed sequencer never running, only when a selected
  // scenario targets it (the sequencer group).
  const noSequencerPort = await freePort();
  const appNoSequencer = selected.some((s) => s.kind === 'load' && s.target === 'appNoSequencer')
    ? ChildServer.start({
        name: 'app-no-sequencer',
        args: ['dist/main.js'],
        env: {
          ...appEnv,
          DATABASE_URL: databaseUrl(APP_NO_SEQUENCER_DATABASE),
          PORT: String(noSequencerPort),
          FEED_SEQUENCER_INTERVAL_MS: String(NEVER_MS),
        },
        port: noSequencerPort,
        logFile: path.join(logDir, 'app-no-sequencer.log'),
        nodeFlags: nodeFlags('app-no-sequencer'),
      })
    : null;
  if (appNoSequencer) children.push(appNoSequencer);
  const wallet = ChildServer.start({
    name: 'wallet',
    args: ['--import', 'tsx', 'scripts/bench/walletServer.ts'],
    env: { NODE_ENV: 'production', WALLET_PORT: String(walletPort) },
    port: walletPort,
    logFile: path.join(logDir, 'wallet.log'),
    nodeFlags: nodeFlags('wallet'),
  });
  children.push(wallet);
  await Promise.all(children.map((child) => child.waitHealthy()));

  const referenceDb = referenceSetupPool();
  const appDb = appDatabasePool();
  // Operator ids far from the ones test databases use: the delivery workers' per-operator slots live
  // in Redis under `casino:slots:{op<id>}` whatever the database, so a test run sharing this Redis with
  // an operator of the same id would share our seamless operator's slots.
  await appDb.query(`ALTER TABLE operators AUTO_INCREMENT = ${700_000 + Math.floor(Math.random() * 200_000)}`);
  const databasePid = findProcess(['mariadbd', 'mysqld']);
  const pidOf: Record<TargetName, number | undefined> = {
    app: app.pid,
    appNoSequencer: appNoSequencer?.pid,
    reference: reference.pid,
    wallet: wallet.pid,
  };
  const resolve = (ref: ProcessRef): number | 'self' | null | undefined =>
    typeof ref === 'number' ? ref : ref === 'db' ? databasePid : ref === 'loader' ? 'self' : pidOf[ref];
  const handles = await setUpApp(app.url, wallet.url);
  let noSequencerHandles: Handles | null = null;
  if (appNoSequencer) {
    const noSequencerDb = appDatabasePool(APP_NO_SEQUENCER_DATABASE);
    // Operator ids of their own here too (the delivery slots in Redis are keyed by operator id alone).
    await noSequencerDb.query(`ALTER TABLE operators AUTO_INCREMENT = ${900_000 + Math.floor(Math.random() * 90_000)}`);
    await noSequencerDb.end();
    noSequencerHandles = await setUpApp(appNoSequencer.url, wallet.url);
  }
  const ctx: BenchContext = {
    runId,
    workers: options.workers,
    baseUrl: (target) =>
      target === 'app'
        ? app.url
        : target === 'appNoSequencer'
          ? appNoSequencer!.url
          : target === 'wallet'
            ? wallet.url
            : reference.url,
    ...handles,
    callbackSettings: APP_CALLBACK,
    redisUrl: options.redisUrl,
    drainJobs: options.drainJobs,
    referenceDb,
    appDb,
    databaseQuestions: async () => {
      const [rows] = await referenceDb.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'Questions'");
      return rows[0] ? Number(rows[0].Value) : null;
    },
    cpuSample: (target, extra = []) =>
      cpuSample({
        server: pidOf[target],
        db: databasePid,
        loader: 'self',
        ...Object.fromEntries(extra.map((name) => [name, pidOf[name]])),
      }),
    cpu: (processes) =>
      cpuSample(Object.fromEntries(Object.entries(processes).map(([label, ref]) => [label, resolve(ref)]))),
    startTask(name, script, env) {
      const task = ChildTask.start({
        name,
        args: ['--import', 'tsx', script],
        env,
        logFile: path.join(logDir, `${name}.log`),
        nodeFlags: nodeFlags(name),
      });
      tasks.push(task);
      return task;
    },
  };

  const results = new Map<string, LoadResult[]>();
  try {
    const setupStart = Date.now();
    // A scenario on the process without the sequencer gets that process's operator and studio.
    const noSequencerCtx: BenchContext | null = noSequencerHandles ? { ...ctx, ...noSequencerHandles } : null;
    const ctxOf = (scenario: Scenario): BenchContext =>
      scenario.kind === 'load' && scenario.target === 'appNoSequencer' ? noSequencerCtx! : ctx;
    for (const scenario of selected) await scenario.setup(ctxOf(scenario));
    console.log(`  set-up: ${((Date.now() - setupStart) / 1000).toFixed(1)} s`);
    for (let round = 1; round <= options.rounds; round++) {
      const seqBase = (round - 1) * 1_000_000_000;
      const thisRound = new Map<string, LoadResult>();
      const prefix = options.rounds > 1 ? `round ${round} ` : '';
      for (const scenario of selected) {
        let result: LoadResult;
        if (scenario.kind === 'load') {
          if (scenario.prepareRound) {
            const plan = roundPlan(scenario, round, seqBase, thisRound, results.get(scenario.name) ?? []);
            const started = Date.now();
            await scenario.prepareRound(ctxOf(scenario), plan);
            console.log(
              `  ${prefix}${scenario.name}: placed ${plan.requestsPerWorker * options.workers} bets to work on in ${((Date.now() - started) / 1000).toFixed(1)} s`,
            );
          }
          await sleep(500); // let the previous scenario's stragglers and the database settle
          result = await runLoad(scenario, ctxOf(scenario), { ...options, seqBase });
          console.log(
            `  ${prefix}${scenario.name}: ${result.reqPerSec.toFixed(0)} req/s, ` +
              `p50 ${result.p50Ms.toFixed(1)} ms, p99 ${result.p99Ms.toFixed(1)} ms, ${result.errors} errors${result.detail ? `; ${result.detail}` : ''}`,
          );
        } else {
          await sleep(500);
          result = await scenario.run(ctx, round);
          console.log(
            `  ${prefix}${scenario.name}: ${result.requests} jobs in ${(result.measuredMs / 1000).toFixed(2)} s, ${result.reqPerSec.toFixed(0)} jobs/s, ` +
              `${result.errors} errors${result.detail ? `; ${result.detail}` : ''}`,
          );
        }
        thisRound.set(scenario.name, result);
        if (!results.has(scenario.name)) results.set(scenario.name, []);
        results.get(scenario.name)!.push(result);
        for (const child of children) {
          if (child.hasExited)
            throw new Error(`${child.spec.name} died during "${scenario.name}":\n${child.recentOutput()}`);
        }
      }
    }
  } finally {
    await Promise.allSettled([referenceDb.end(), appDb.end()]);
  }

  const summaries = summarize(selected, results);
  // Targets of the scenarios this run measured (BENCH_ONLY runs a group alone).
  const verdicts = judgeTargets(
    targets.filter((t) => selected.some((s) => s.name === t.scenario)),
    summaries,
  );
  const loads = summaries.filter((s) => s.kind === 'load');
  const drains = summaries.filter((s) => s.kind === 'drain');
  console.log('');
  if (loads.length) {
    console.log(renderTable(loads));
    console.log(
      '(latencies in ms; "cpu": CPU ms per answered request of the target process, the database server, the bench operator wallet\n' +
        ' (seamless rows) and this load generator; "db stmts": statements the database server received per answered request, from\n' +
        ' every client of the server; "provider duplicate" is compared with "provider bet", the bet it replays)',
    );
    const latency = renderLatencyAdded(loads, latencyComparisons);
    if (latency) console.log(`\n${latency}`);
  }
  if (drains.length) {
    console.log(`\n${renderTable(drains, 'drain')}`);
    console.log(
      `(${options.drainJobs} queued Deposits per round; "jobs/s" from the first to the last Deposit the wallet accepted; "cpu" and\n` +
        ` "db stmts" per delivered job over the drain, "server" being our app or the minimal worker's process. Our app: worker\n` +
        ` concurrency ${APP_CALLBACK.workerConcurrency}, per-operator ${APP_CALLBACK.operatorConcurrency}, retry delay ${APP_CALLBACK.retryDelayMs} ms; minimal: concurrency ${APP_CALLBACK.workerConcurrency})`,
    );
  }
  const errorKinds = renderErrorKinds(summaries);
  if (errorKinds) console.log(`\nerrors by kind:\n${errorKinds}`);
  for (const child of children) {
    const problems = child.problemLines();
    if (problems.length)
      console.log(
        `\n${child.spec.name} logged (last ${problems.length} warn+ lines, full log ${child.spec.logFile}):\n${problems.join('\n')}`,
      );
  }
  console.log(`\ntargets:\n${renderVerdicts(verdicts)}`);

  if (options.out) {
    writeFileSync(
      options.out,
      JSON.stringify(
        {
          runId,
          options: { ...options, only: options.only?.source ?? null },
          callbackSettings: APP_CALLBACK,
          node: process.version,
          cores: os.cpus().length,
          summaries,
          verdicts,
        },
        null,
        2,
      ),
    );
    console.log(`results written to ${options.out}`);
  }

  const anyErrors = summaries.some((s) => s.errors > 0);
  await stopChildren();
  if (!options.cpuProf && !anyErrors) rmSync(logDir, { recursive: true, force: true });
  else console.log(`logs${options.cpuProf ? ' and CPU profiles' : ''} kept in ${logDir}`);
}

async function stopChildren(): Promise<void> {
  tasks.forEach((task) => task.killNow());
  await Promise.allSettled(children.map((child) => child.stop()));
}

async function cleanUp(): Promise<void> {
  await stopChildren();
  await dropBenchDatabases().catch((error) =>
    console.error(`could not drop the bench databases: ${error instanceof Error ? error.message : error}`),
  );
  await clearBenchQueues().catch((error) =>
    console.error(`could not clear the bench queues: ${error instanceof Error ? error.message : error}`),
  );
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
process.once('exit', () => {
  children.forEach((child) => child.killNow());
  tasks.forEach((task) => task.killNow());
});

main()
  .then(cleanUp, async (error) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanUp();
    process.exitCode = 1;
  })
  .finally(() => {
    // mysql2 or http handles must not keep the process alive after the report.
    setTimeout(() => process.exit(process.exitCode ?? 0), 100).unref();
  });
