/**
 * What the bench measures, as data. A scenario names its target (R or our app), the scenario it is
 * compared with, the result code that counts as success, a set-up (wallets to create and fund) and
 * how worker `w` builds its `seq`-th request (freshly signed, unique transactionID). To add one
 * (provider bet/win/rollback, seamless mode, ...), append to `scenarios`; to hold it to a bar, append
 * to `targets`.
 */
import type { Pool } from 'mysql2/promise';
import { signBody } from '../../src/domain/signing';
import { REFERENCE_AGENT, REFERENCE_APP_SHAPED_PATH, REFERENCE_PATH, REFERENCE_SECRET } from './benchDatabase';

export type TargetName = 'reference' | 'app';

export interface BenchRequest {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/** Our app as the bench set it up: one transfer-mode operator, and a way to call it for set-up. */
export interface AppHandle {
  readonly agentID: string;
  readonly secretKey: string;
  /** A signed platform call that must answer HTTP 200 with code 0; returns the body. */
  call(path: string, fields: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface BenchContext {
  /** Short, unique per run: prefixes every transactionID. */
  readonly runId: string;
  readonly workers: number;
  baseUrl(target: TargetName): string;
  readonly app: AppHandle;
  /** A pool on R's database, for R's set-up. */
  readonly referenceDb: Pool;
  /** Cumulative CPU ms of `server` (the target's process), `db` and `loader` (this process). */
  cpuSample(target: TargetName): Readonly<Record<string, number>>;
  /** The database server's `Questions` counter (statements received from every client), or null. */
  databaseQuestions(): Promise<number | null>;
}

export interface Scenario {
  readonly name: string;
  readonly target: TargetName;
  /** Name of the scenario this one is compared with in the ratio column (none for a baseline). */
  readonly baseline?: string;
  /** A diagnostic: run only when BENCH_ONLY names it. */
  readonly optional?: boolean;
  /** The result `code` a successful answer carries; anything else (or non-200) is an error. */
  readonly expectedCode: number;
  setup(ctx: BenchContext): Promise<void>;
  makeRequest(ctx: BenchContext, workerIndex: number, seq: number): BenchRequest;
}

export interface Target {
  readonly scenario: string;
  /** Minimum req/s as a fraction of the scenario's baseline. */
  readonly minRatio: number;
  readonly maxErrors: number;
}

/** Every wallet starts with this much (major units), so that withdraws never run short. */
const FUNDING_MAJOR = 1_000_000_000;
const FUNDING_MINOR = FUNDING_MAJOR * 100;
/** The amount of every measured transfer (major units, EUR). */
const AMOUNT = 1.25;
const CURRENCY = 'EUR';
const nowSeconds = () => Math.floor(Date.now() / 1000);

const transactionId = (ctx: BenchContext, key: string, workerIndex: number, seq: number) =>
  `${ctx.runId}.${key}.${workerIndex}.${seq}`;

// ---------------------------------------------------------------------------------------------
// R: the reference endpoint (referenceServer.ts)

const HOT_REFERENCE_WALLET = 1_000_000;

function referenceScenario(
  name: string,
  key: string,
  walletOf: (workerIndex: number) => number,
  variant: { path: string; baseline?: string; optional?: boolean } = { path: REFERENCE_PATH },
): Scenario {
  return {
    name,
    target: 'reference',
    baseline: variant.baseline,
    optional: variant.optional,
    expectedCode: 0,
    async setup(ctx) {
      const wallets = [...new Set(Array.from({ length: ctx.workers }, (_, w) => walletOf(w)))];
      await ctx.referenceDb.query('INSERT INTO bench_ref_wallets (id, balance_minor) VALUES ? ON DUPLICATE KEY UPDATE balance_minor = VALUES(balance_minor)', [
        wallets.map((id) => [id, FUNDING_MINOR]),
      ]);
    },
    makeRequest(ctx, workerIndex, seq) {
      const fields = {
        agentID: REFERENCE_AGENT,
        userID: `bench_ref_${walletOf(workerIndex)}`,
        walletID: walletOf(workerIndex),
        currency: CURRENCY,
        amount: AMOUNT,
        transactionID: transactionId(ctx, key, workerIndex, seq),
      };
      return { path: variant.path, body: signBody(REFERENCE_SECRET, fields, nowSeconds()) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Our platform API, transfer mode

async function createAndFundPlayers(ctx: BenchContext, userIds: readonly string[]): Promise<void> {
  const queue = [...userIds];
  const fundOne = async () => {
    for (let userID = queue.shift(); userID !== undefined; userID = queue.shift()) {
      await ctx.app.call('/v1/player/create', { userID, currency: CURRENCY });
      await ctx.app.call('/v1/player/wallet/deposit', {
        userID,
        currency: CURRENCY,
        amount: FUNDING_MAJOR,
        transactionID: `${ctx.runId}.fund.${userID}`,
      });
    }
  };
  await Promise.all(Array.from({ length: 8 }, fundOne));
}

function appTransferScenario(
  name: string,
  key: string,
  kind: 'deposit' | 'withdraw',
  baseline: string,
  playerOf: (workerIndex: number) => string,
): Scenario {
  return {
    name,
    target: 'app',
    baseline,
    expectedCode: 0,
    setup: (ctx) => createAndFundPlayers(ctx, [...new Set(Array.from({ length: ctx.workers }, (_, w) => playerOf(w)))]),
    makeRequest(ctx, workerIndex, seq) {
      const fields = {
        agentID: ctx.app.agentID,
        userID: playerOf(workerIndex),
        currency: CURRENCY,
        amount: AMOUNT,
        transactionID: transactionId(ctx, key, workerIndex, seq),
      };
      return { path: `/v1/player/wallet/${kind}`, body: signBody(ctx.app.secretKey, fields, nowSeconds()) };
    },
  };
}

const pad = (n: number) => String(n).padStart(3, '0');

/**
 * Run in this order, each comparison right after its baseline, so that both see much the same machine
 * (it is shared and noisy); with BENCH_ROUNDS > 1 the list is run again and ratios are paired by round.
 */
export const scenarios: readonly Scenario[] = [
  referenceScenario('R distinct', 'rd', (w) => w + 1),
  // Diagnostic (BENCH_ONLY='R7'): R doing our app's 7 statements, to split round-trip cost from code cost.
  referenceScenario('R7 distinct', 'r7d', (w) => 2_000 + w, { path: REFERENCE_APP_SHAPED_PATH, baseline: 'R distinct', optional: true }),
  appTransferScenario('withdraw distinct', 'wd', 'withdraw', 'R distinct', (w) => `bench_wd_${pad(w)}`),
  appTransferScenario('deposit distinct', 'dd', 'deposit', 'R distinct', (w) => `bench_dd_${pad(w)}`),
  referenceScenario('R hot', 'rh', () => HOT_REFERENCE_WALLET),
  referenceScenario('R7 hot', 'r7h', () => HOT_REFERENCE_WALLET + 1, { path: REFERENCE_APP_SHAPED_PATH, baseline: 'R hot', optional: true }),
  appTransferScenario('withdraw hot', 'wh', 'withdraw', 'R hot', () => 'bench_wd_hot'),
  appTransferScenario('deposit hot', 'dh', 'deposit', 'R hot', () => 'bench_dd_hot'),
];

export const targets: readonly Target[] = [{ scenario: 'withdraw distinct', minRatio: 0.5, maxErrors: 0 }];
