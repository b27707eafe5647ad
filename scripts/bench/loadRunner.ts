/**
 * The load generator: N workers, each in a closed loop (send, await the answer, send the next), over
 * keep-alive connections, for a warm-up and then a measured window. Only answers that arrive inside
 * the measured window count: throughput is those answers divided by the window, latency is theirs.
 */
import { performance } from 'node:perf_hooks';
import { cpuPerRequest, CpuSample } from './cpu';
import { JsonClient } from './httpClient';
import { BenchContext, LoadScenario } from './scenarioKit';

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
  /** A line of context printed with the round's result (drains: how the work was queued and recorded). */
  readonly detail?: string;
}

export async function runLoad(scenario: LoadScenario, ctx: BenchContext, options: LoadOptions): Promise<LoadResult> {
  const client = new JsonClient(ctx.baseUrl(scenario.target), options.workers);
  const latencies: number[] = [];
  const errorKinds = new Map<string, number>();
  let errors = 0;
  const start = performance.now();
  const measureStart = start + options.warmupMs;
  /** Moved earlier when a stocked scenario's worker runs out of stock (the window ends there for all). */
  let end = measureStart + options.measureMs;
  let stockRanOut = false;
  let cpuBefore: CpuSample = {};
  let cpuAfter: CpuSample = {};
  let questionsBefore: Promise<number | null> = Promise.resolve(null);
  let questionsAfter: Promise<number | null> = Promise.resolve(null);
  const sampleAfter = () => {
    cpuAfter = ctx.cpuSample(scenario.target, scenario.watch);
    questionsAfter = ctx.databaseQuestions().catch(() => null);
  };
  const cpuTimers = [
    setTimeout(() => {
      cpuBefore = ctx.cpuSample(scenario.target, scenario.watch);
      questionsBefore = ctx.databaseQuestions().catch(() => null);
    }, measureStart - start),
    setTimeout(sampleAfter, end - start),
  ];

  const worker = async (workerIndex: number) => {
    for (let seq = options.seqBase; performance.now() < end; seq++) {
      const request = scenario.makeRequest(ctx, workerIndex, seq);
      if (request === null) {
        // This worker's stock ran out (stocked scenarios): from here on fewer workers would be sending, so
        // the window ends now for everyone. Throughput is then over the shortened window; running out
        // before the window even started is an error.
        const now = performance.now();
        if (now < end) {
          end = now;
          if (now <= measureStart) {
            errors++;
            errorKinds.set('stock exhausted before the measured window', 1);
          } else {
            stockRanOut = true;
            clearTimeout(cpuTimers[1]);
            sampleAfter();
          }
        }
        return;
      }
      const sentAt = performance.now();
      let failure: string | null = null;
      try {
        const answer = await client.post(request.path, request.body);
        const code = (answer.body as { code?: unknown } | null)?.code;
        if (answer.status !== 200) failure = `HTTP ${answer.status}: ${brief(answer.body)}`;
        else if (code !== scenario.expectedCode)
          failure = `code ${String(code)}: ${brief((answer.body as { message?: unknown }).message)}`;
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
  const measuredMs = Math.max(0, end - measureStart);
  return {
    scenario: scenario.name,
    requests: latencies.length,
    reqPerSec: measuredMs > 0 ? latencies.length / (measuredMs / 1000) : 0,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.length ? latencies[latencies.length - 1]! : NaN,
    errors,
    errorKinds: Object.fromEntries(errorKinds),
    measuredMs,
    cpuMsPerRequest: cpuPerRequest(cpuBefore, cpuAfter, latencies.length),
    dbStatementsPerRequest: q0 !== null && q1 !== null && latencies.length ? (q1 - q0) / latencies.length : null,
    ...(stockRanOut
      ? {
          detail: `stock ran out: measured ${(measuredMs / 1000).toFixed(1)} s of ${(options.measureMs / 1000).toFixed(1)} s`,
        }
      : {}),
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
