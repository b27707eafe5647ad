/**
 * The load generator: N workers, each in a closed loop (send, await the answer, send the next), over
 * keep-alive connections, for a warm-up and then a measured window. Only answers that arrive inside
 * the measured window count: throughput is those answers divided by the window, latency is theirs.
 */
import { performance } from 'node:perf_hooks';
import { cpuPerRequest, CpuSample } from './cpu';
import { JsonClient } from './httpClient';
import { BenchContext, Scenario } from './scenarios';

export interface LoadOptions {
  readonly workers: number;
  readonly warmupMs: number;
  readonly measureMs: number;
  /**
   * Where this run's `seq` numbers start (each worker counts up from it), so that repeated runs of a
   * scenario (BENCH_ROUNDS) never reuse a transactionID.
   */
  readonly seqBase: number;
}

export interface LoadResult {
  readonly scenario: string;
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  /** Error kinds with counts (measured window only), e.g. `HTTP 500` or `code 7: insufficient funds`. */
  readonly errorKinds: Record<string, number>;
  readonly measuredMs: number;
  /** CPU ms per answered request in the measured window: `server`, `db`, `loader` (Linux only). */
  readonly cpuMsPerRequest: Record<string, number>;
  /**
   * Statements the database server received per answered request in the window (its global
   * `Questions` counter, so other clients of a shared server inflate it).
   */
  readonly dbStatementsPerRequest: number | null;
}

export async function runLoad(scenario: Scenario, ctx: BenchContext, options: LoadOptions): Promise<LoadResult> {
  const client = new JsonClient(ctx.baseUrl(scenario.target), options.workers);
  const latencies: number[] = [];
  const errorKinds = new Map<string, number>();
  let errors = 0;
  const start = performance.now();
  const measureStart = start + options.warmupMs;
  const end = measureStart + options.measureMs;
  let cpuBefore: CpuSample = {};
  let cpuAfter: CpuSample = {};
  let questionsBefore: Promise<number | null> = Promise.resolve(null);
  let questionsAfter: Promise<number | null> = Promise.resolve(null);
  const cpuTimers = [
    setTimeout(() => {
      cpuBefore = ctx.cpuSample(scenario.target);
      questionsBefore = ctx.databaseQuestions().catch(() => null);
    }, measureStart - start),
    setTimeout(() => {
      cpuAfter = ctx.cpuSample(scenario.target);
      questionsAfter = ctx.databaseQuestions().catch(() => null);
    }, end - start),
  ];

  const worker = async (workerIndex: number) => {
    for (let seq = options.seqBase; performance.now() < end; seq++) {
      const request = scenario.makeRequest(ctx, workerIndex, seq);
      const sentAt = performance.now();
      let failure: string | null = null;
      try {
        const answer = await client.post(request.path, request.body);
        const code = (answer.body as { code?: unknown } | null)?.code;
        if (answer.status !== 200) failure = `HTTP ${answer.status}: ${brief(answer.body)}`;
        else if (code !== scenario.expectedCode) failure = `code ${String(code)}: ${brief((answer.body as { message?: unknown }).message)}`;
      } catch (error) {
        failure = `network: ${error instanceof Error ? error.message : String(error)}`;
      }
      const doneAt = performance.now();
      if (doneAt < measureStart || doneAt >= end) continue;
      latencies.push(doneAt - sentAt);
      if (failure !== null) {
        errors++;
        errorKinds.set(failure, (errorKinds.get(failure) ?? 0) + 1);
      }
    }
  };

  try {
    await Promise.all(Array.from({ length: options.workers }, (_, index) => worker(index)));
  } finally {
    client.close();
    cpuTimers.forEach(clearTimeout);
  }

  const [q0, q1] = await Promise.all([questionsBefore, questionsAfter]);
  latencies.sort((a, b) => a - b);
  return {
    scenario: scenario.name,
    requests: latencies.length,
    reqPerSec: latencies.length / (options.measureMs / 1000),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.length ? latencies[latencies.length - 1]! : NaN,
    errors,
    errorKinds: Object.fromEntries(errorKinds),
    measuredMs: options.measureMs,
    cpuMsPerRequest: cpuPerRequest(cpuBefore, cpuAfter, latencies.length),
    dbStatementsPerRequest: q0 !== null && q1 !== null && latencies.length ? (q1 - q0) / latencies.length : null,
  };
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

function brief(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return (text ?? '').slice(0, 160);
}
