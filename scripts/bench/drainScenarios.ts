/**
 * Queued delivery (PROTOCOL §6): how fast our delivery workers drain Deposits that could not be
 * delivered while the studio waited, against the least a BullMQ worker can do (minimalDrain.ts).
 *
 *   seamless drain          With the operator wallet "down" (every call answered 503 at once), the bench
 *                           sends BENCH_DRAIN_JOBS wins on open rounds of the seamless operator's players
 *                           (one bet each, placed while the wallet was up). Each win is stored, its one
 *                           synchronous try fails, and it is queued: the studio gets code 0. Then the
 *                           wallet is switched back to normal and the bench waits until every one of
 *                           those deliveries is `delivered` in our database.
 *   minimal BullMQ drain    A child process queues as many jobs on its own queue (its own prefix), then a
 *                           Worker with our worker concurrency signs and posts the same Deposit to the
 *                           same wallet. No database, no per-operator slots.
 *
 * Both rates are jobs per second from the first to the last Deposit the wallet accepted (its own
 * counters, the same clock for both); our database is polled too (delivered rows, and the span of their
 * delivered_at) to confirm that every delivery was recorded. The app is started with a short retry delay
 * (CALLBACK_RETRY_DELAY_MS, see bench.ts) so that queued attempts are due again within that delay of the
 * switch and the drain measures the workers, not the waiting; the wallet never hangs, so the callback
 * timeouts never come into play. Deliveries keep being retried (and refused) while the wallet is down:
 * the bench raises CALLBACK_RETRY_ATTEMPTS so that none is parked meanwhile.
 */
import type { RowDataPacket } from 'mysql2/promise';
import { cpuPerRequest } from './cpu';
import type { LoadResult } from './loadRunner';
import { seamlessPlayers } from './seamlessScenarios';
import { AMOUNT, DrainScenario, forEachConcurrently, pad } from './scenarioKit';

export const SEAMLESS_DRAIN = 'seamless drain';
export const MINIMAL_DRAIN = 'minimal BullMQ drain';
export const MINIMAL_AGENT = 'bench-mini';
/** The minimal worker's queue prefix: its own, apart from our app's `{casino-<database>}`. */
export const MINIMAL_PREFIX = '{casino-bench-minimal}';
const WIN_AMOUNT = 2.5;
/** Longest wait for a drain to finish before the rest is counted as errors. */
const DRAIN_TIMEOUT_MS = 180_000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function drainResult(
  name: string,
  delivered: { count: number; firstAt: number | null; lastAt: number | null },
  errors: Map<string, number>,
  cpu: Record<string, number>,
  statements: number | null,
  detail: string,
): LoadResult {
  const spanMs = delivered.firstAt !== null && delivered.lastAt !== null ? delivered.lastAt - delivered.firstAt : 0;
  return {
    scenario: name,
    requests: delivered.count,
    // From the first to the last delivered: count - 1 intervals.
    reqPerSec: spanMs > 0 ? (delivered.count - 1) / (spanMs / 1000) : 0,
    p50Ms: NaN,
    p99Ms: NaN,
    maxMs: NaN,
    errors: [...errors.values()].reduce((a, b) => a + b, 0),
    errorKinds: Object.fromEntries(errors),
    measuredMs: spanMs,
    cpuMsPerRequest: cpu,
    dbStatementsPerRequest: statements,
    detail,
  };
}

const count = (errors: Map<string, number>, kind: string, n = 1) => errors.set(kind, (errors.get(kind) ?? 0) + n);

function seamlessDrainScenario(): DrainScenario {
  let tokens: string[] = [];
  let operatorId = 0;
  return {
    kind: 'drain',
    name: SEAMLESS_DRAIN,
    target: 'app',
    baseline: MINIMAL_DRAIN,
    async setup(ctx) {
      tokens = await seamlessPlayers(
        ctx,
        Array.from({ length: ctx.workers }, (_, p) => `bench_dr_${pad(p)}`),
      );
      const [rows] = await ctx.appDb.query<RowDataPacket[]>('SELECT id FROM operators WHERE agent_id = ?', [
        ctx.seamless.agentID,
      ]);
      operatorId = Number(rows[0]?.id);
    },
    async run(ctx, round) {
      const jobs = ctx.drainJobs;
      const players = tokens.length;
      const tag = `${ctx.runId}.dr${round}`;
      const errors = new Map<string, number>();
      const ids = (p: number) => ({ roundID: `${tag}.${p}`, bet: `${tag}.${p}.b` });

      // One open round per player, its bet debited while the wallet is up.
      await ctx.seamless.setWalletMode('normal');
      await forEachConcurrently([...tokens.keys()], ctx.workers, async (p) => {
        await ctx.provider.call('/provider/v1/bet', {
          token: tokens[p],
          transactionID: ids(p).bet,
          roundID: ids(p).roundID,
          gameID: ctx.provider.gameID,
          amount: AMOUNT,
        });
      });

      // The wallet goes down; every win is stored and queued (its synchronous try is refused).
      await ctx.seamless.setWalletMode('down');
      await ctx.seamless.resetWalletStats();
      const queueStart = Date.now();
      await forEachConcurrently([...Array(jobs).keys()], ctx.workers, async (i) => {
        const p = i % players;
        const { roundID, bet } = ids(p);
        try {
          await ctx.provider.call('/provider/v1/win', {
            token: tokens[p],
            transactionID: `${tag}.${p}.w${i}`,
            refTransactionID: bet,
            roundID,
            gameID: ctx.provider.gameID,
            amount: WIN_AMOUNT,
          });
        } catch (error) {
          count(errors, `win not stored: ${(error instanceof Error ? error.message : String(error)).slice(0, 160)}`);
        }
      });
      const queuedMs = Date.now() - queueStart;
      const refusedWhileDown = (await ctx.seamless.walletStats()).refused;
      const stored = jobs - (errors.size ? [...errors.values()].reduce((a, b) => a + b, 0) : 0);
      const countWhere = async (status: string) => {
        const [rows] = await ctx.appDb.query<RowDataPacket[]>(
          "SELECT COUNT(*) AS n FROM callback_deliveries WHERE operator_id = ? AND status = ? AND kind = 'deposit' AND transaction_id LIKE ?",
          [operatorId, status, `${tag}.%`],
        );
        return Number(rows[0]?.n ?? 0);
      };
      const deliveredEarly = await countWhere('delivered');
      if (deliveredEarly > 0) count(errors, `delivered while the wallet was down (bench broken)`, deliveredEarly);

      // Back up: the workers drain.
      const cpuBefore = ctx.cpu({ server: 'app', db: 'db', wallet: 'wallet', loader: 'loader' });
      const questionsBefore = await ctx.databaseQuestions().catch(() => null);
      await ctx.seamless.setWalletMode('normal');
      const deadline = Date.now() + DRAIN_TIMEOUT_MS;
      let delivered = 0;
      while ((delivered = await countWhere('delivered')) < stored && Date.now() < deadline) await sleep(100);
      const cpuAfter = ctx.cpu({ server: 'app', db: 'db', wallet: 'wallet', loader: 'loader' });
      const questionsAfter = await ctx.databaseQuestions().catch(() => null);
      if (delivered < stored) {
        const parked = await countWhere('failed');
        count(errors, `not delivered within ${DRAIN_TIMEOUT_MS / 1000} s (${parked} parked)`, stored - delivered);
      }

      const wallet = (await ctx.seamless.walletStats()).agents[ctx.seamless.agentID];
      const [spanRows] = await ctx.appDb.query<RowDataPacket[]>(
        "SELECT TIMESTAMPDIFF(MICROSECOND, MIN(delivered_at), MAX(delivered_at)) AS us FROM callback_deliveries WHERE operator_id = ? AND status = 'delivered' AND kind = 'deposit' AND transaction_id LIKE ?",
        [operatorId, `${tag}.%`],
      );
      const dbSpanMs = Number(spanRows[0]?.us ?? 0) / 1000;
      const accepted = {
        count: wallet?.deposits ?? 0,
        firstAt: wallet?.firstAt ?? null,
        lastAt: wallet?.lastAt ?? null,
      };
      const cpu = cpuPerRequest(cpuBefore, cpuAfter, accepted.count);
      const statements =
        questionsBefore !== null && questionsAfter !== null && accepted.count
          ? (questionsAfter - questionsBefore) / accepted.count
          : null;
      const detail =
        `${stored} wins stored and queued in ${(queuedMs / 1000).toFixed(1)} s (${refusedWhileDown} calls refused while down); ` +
        `${delivered} delivered in the database, their delivered_at spanning ${(dbSpanMs / 1000).toFixed(2)} s`;
      return drainResult(SEAMLESS_DRAIN, accepted, errors, cpu, statements, detail);
    },
  };
}

function minimalDrainScenario(): DrainScenario {
  return {
    kind: 'drain',
    name: MINIMAL_DRAIN,
    target: 'minimal',
    async setup() {
      /* the child queues its own jobs each round */
    },
    async run(ctx, round) {
      const jobs = ctx.drainJobs;
      const errors = new Map<string, number>();
      const task = ctx.startTask(`minimal-drain-${round}`, 'scripts/bench/minimalDrain.ts', {
        REDIS_URL: ctx.redisUrl,
        MINI_PREFIX: MINIMAL_PREFIX,
        MINI_JOBS: String(jobs),
        MINI_CONCURRENCY: String(ctx.callbackSettings.workerConcurrency),
        MINI_WALLET_URL: ctx.seamless.walletUrl,
        MINI_AGENT: MINIMAL_AGENT,
        MINI_SECRET: ctx.seamless.secretKey,
        MINI_TAG: `${ctx.runId}.mini${round}`,
      });
      try {
        await task.event('ready', 60_000);
        await ctx.seamless.setWalletMode('normal');
        await ctx.seamless.resetWalletStats();
        const cpuBefore = ctx.cpu({ db: 'db', wallet: 'wallet', loader: 'loader' });
        const questionsBefore = await ctx.databaseQuestions().catch(() => null);
        task.send('go');
        const done = await task.event('done', DRAIN_TIMEOUT_MS);
        const cpuAfter = ctx.cpu({ db: 'db', wallet: 'wallet', loader: 'loader' });
        const questionsAfter = await ctx.databaseQuestions().catch(() => null);
        const failed = Number(done.failed ?? 0);
        for (const [kind, n] of Object.entries((done.errors ?? {}) as Record<string, number>)) count(errors, kind, n);
        const wallet = (await ctx.seamless.walletStats()).agents[MINIMAL_AGENT];
        const accepted = {
          count: wallet?.deposits ?? 0,
          firstAt: wallet?.firstAt ?? null,
          lastAt: wallet?.lastAt ?? null,
        };
        if (accepted.count + failed < jobs) count(errors, 'not accepted by the wallet', jobs - accepted.count - failed);
        const cpu = {
          ...cpuPerRequest(cpuBefore, cpuAfter, accepted.count),
          ...(accepted.count ? { server: Number(done.cpuMs) / accepted.count } : {}),
        };
        const statements =
          questionsBefore !== null && questionsAfter !== null && accepted.count
            ? (questionsAfter - questionsBefore) / accepted.count
            : null;
        const ownSpan =
          done.firstAt !== null && done.lastAt !== null ? (Number(done.lastAt) - Number(done.firstAt)) / 1000 : NaN;
        return drainResult(
          MINIMAL_DRAIN,
          accepted,
          errors,
          cpu,
          statements,
          `${done.completed} jobs completed, ${failed} failed, worker-side span ${ownSpan.toFixed(2)} s`,
        );
      } finally {
        await Promise.race([task.exit, sleep(10_000)]);
        task.killNow();
      }
    },
  };
}

/** The baseline first: the ratio pairs them by round, and ours then starts on a quiet queue. */
export const drainScenarios = (): DrainScenario[] => [minimalDrainScenario(), seamlessDrainScenario()];
