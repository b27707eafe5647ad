/**
 * The vocabulary of the bench's scenarios: what a scenario is, what it is given (the context: our app,
 * its studio, the seamless operator and its wallet, CPU and statement counters) and the helpers the
 * scenario groups share. Types and helpers only; the scenario list is in scenarios.ts.
 */
import type { Pool } from 'mysql2/promise';
import type { LoadResult } from './loadRunner';
import type { ChildTask } from './processes';

/**
 * `appNoSequencer`: a second process of our app, on a database of its own, whose feed sequencer never runs
 * (FEED_SEQUENCER_INTERVAL_MS at its maximum): the bet path without the reconciliation feed and the GGR
 * aggregate, to price them in the same run. Its scenarios get that process's operator and studio as
 * `ctx.app` and `ctx.provider`.
 */
export type TargetName = 'reference' | 'app' | 'appNoSequencer' | 'wallet';
/** A process whose CPU the bench can sample: a target, the database server, or the bench itself. */
export type ProcessRef = TargetName | 'db' | 'loader' | number;

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

/** The bench's studio (a provider with one game) on our app. */
export interface ProviderHandle {
  readonly providerID: string;
  readonly secretKey: string;
  readonly gameID: number;
  /** A signed provider call that must answer HTTP 200 with `expectedCode` (default 0); returns the body. */
  call(path: string, fields: Record<string, unknown>, expectedCode?: number): Promise<Record<string, unknown>>;
}

export interface WalletStats {
  readonly mode: string;
  /** Wallet calls answered 503 while down. */
  readonly refused: number;
  /** Per agentID: first-time Deposits and Rollbacks answered 0, first and last at (ms since the epoch). */
  readonly agents: Record<
    string,
    { deposits: number; rollbacks: number; firstAt: number | null; lastAt: number | null }
  >;
}

/** The seamless operator (hmac scheme) and the bench's operator wallet it calls back (walletServer.ts). */
export interface SeamlessHandle {
  readonly agentID: string;
  readonly secretKey: string;
  readonly walletUrl: string;
  /** A signed platform call as the seamless operator that must answer code 0; returns the body. */
  call(path: string, fields: Record<string, unknown>): Promise<Record<string, unknown>>;
  setWalletMode(mode: 'normal' | 'down'): Promise<void>;
  walletStats(): Promise<WalletStats>;
  resetWalletStats(): Promise<void>;
}

/** The app's callback settings as the bench started it (PROTOCOL §9). */
export interface AppCallbackSettings {
  readonly timeoutMs: number;
  readonly retryDelayMs: number;
  readonly retryTimeoutMs: number;
  readonly retryAttempts: number;
  readonly workerConcurrency: number;
  readonly operatorConcurrency: number;
}

export interface BenchContext {
  /** Short, unique per run: prefixes every transactionID. */
  readonly runId: string;
  readonly workers: number;
  baseUrl(target: TargetName): string;
  readonly app: AppHandle;
  readonly provider: ProviderHandle;
  readonly seamless: SeamlessHandle;
  readonly callbackSettings: AppCallbackSettings;
  readonly redisUrl: string;
  /** Queued seamless deliveries to drain per round (BENCH_DRAIN_JOBS). */
  readonly drainJobs: number;
  /** A pool on R's database, for R's set-up. */
  readonly referenceDb: Pool;
  /** A pool on our app's database, to watch deliveries. */
  readonly appDb: Pool;
  /** Cumulative CPU ms of `server` (the target's process), `db`, `loader` (this process) and any `extra` process. */
  cpuSample(target: TargetName, extra?: readonly TargetName[]): Readonly<Record<string, number>>;
  /** Cumulative CPU ms of the named processes. */
  cpu(processes: Readonly<Record<string, ProcessRef>>): Readonly<Record<string, number>>;
  /** The database server's `Questions` counter (statements received from every client), or null. */
  databaseQuestions(): Promise<number | null>;
  /** A run-to-completion child process (`node --import tsx <script>`), stopped with the bench. */
  startTask(name: string, script: string, env: Readonly<Record<string, string>>): ChildTask;
}

/** What a round tells a scenario that prepares work for it (stocked scenarios: win, rollback). */
export interface RoundPlan {
  readonly round: number;
  /** The first `seq` of every worker this round. */
  readonly seqBase: number;
  /** How many requests one worker may send at most this round (sized from the same round's rates). */
  readonly requestsPerWorker: number;
}

interface ScenarioBase {
  readonly name: string;
  /** Name of the scenario this one is compared with in the ratio column (none for a baseline). */
  readonly baseline?: string;
  /** Other scenarios that must run with this one (BENCH_ONLY), e.g. a latency comparison. */
  readonly requires?: readonly string[];
  /** A diagnostic: run only when BENCH_ONLY names it. */
  readonly optional?: boolean;
  /** Once, before the first round. */
  setup(ctx: BenchContext): Promise<void>;
}

export interface LoadScenario extends ScenarioBase {
  readonly kind: 'load';
  readonly target: TargetName;
  /** The result `code` a successful answer carries; anything else (or non-200) is an error. */
  readonly expectedCode: number;
  /** Processes besides the target whose CPU is shown (the operator wallet in seamless mode). */
  readonly watch?: readonly TargetName[];
  /**
   * Work that must exist before each round (bets to pay or roll back), placed right before the
   * scenario runs; `sizedBy` names the scenarios whose req/s in the same round bound this one's (the
   * first one measured is used) so the stock covers the round with room to spare.
   */
  prepareRound?(ctx: BenchContext, plan: RoundPlan): Promise<void>;
  readonly sizedBy?: readonly string[];
  /** The request, or null when this worker's stock ran out (counted as an error, and the worker stops). */
  makeRequest(ctx: BenchContext, workerIndex: number, seq: number): BenchRequest | null;
}

/** A measurement of queued work: its result's req/s is jobs per second from first to last delivery. */
export interface DrainScenario extends ScenarioBase {
  readonly kind: 'drain';
  /** Whose delivery workers drain (for the JSON output): `app`, or the minimal worker's child. */
  readonly target: 'app' | 'minimal';
  run(ctx: BenchContext, round: number): Promise<LoadResult>;
}

export type Scenario = LoadScenario | DrainScenario;

export interface Target {
  readonly scenario: string;
  /** Minimum req/s as a fraction of the scenario's baseline. */
  readonly minRatio: number;
  readonly maxErrors: number;
}

/** Every wallet starts with this much (major units), so that withdraws never run short. */
export const FUNDING_MAJOR = 1_000_000_000;
export const FUNDING_MINOR = FUNDING_MAJOR * 100;
/** The amount of every measured transfer (major units, EUR). */
export const AMOUNT = 1.25;
export const CURRENCY = 'EUR';
export const nowSeconds = () => Math.floor(Date.now() / 1000);

export const transactionId = (ctx: BenchContext, key: string, workerIndex: number, seq: number) =>
  `${ctx.runId}.${key}.${workerIndex}.${seq}`;

export async function createAndFundPlayers(ctx: BenchContext, userIds: readonly string[]): Promise<void> {
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

export const pad = (n: number) => String(n).padStart(3, '0');

/** Runs `work` on every item, `concurrency` at a time. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}
