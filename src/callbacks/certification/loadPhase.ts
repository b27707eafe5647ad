/**
 * The load phase and soak of certification (PROTOCOL §11): Withdraw/Deposit pairs of the smallest unit
 * at `ratePerSecond`, open-loop: pair i starts at i/rate seconds whether or not earlier ones answered,
 * so a slow wallet shows up in p99 instead of slowing the test down (a closed loop would send less to
 * a slower wallet and measure it kindly). Latencies are per call; nearest-rank percentiles.
 */
import { Minor } from '../../domain/money';
import { Exchange, exchange } from './certWallet';
import { CheckContext } from './checks';

export interface PhaseResult {
  readonly ratePerSecond: number;
  /** Calls sent (two per pair, unless the Withdraw failed). */
  readonly sent: number;
  /** Non-200, garbage, timeout or a non-zero code. */
  readonly errors: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly passed: boolean;
  readonly detail: string;
  /** The first few failed exchanges, as they went over the wire. */
  readonly failures: readonly Exchange[];
}

/** §11: a phase passes with no error and a p99 of at most this. */
export const MAX_P99_MS = 300;
const KEPT_FAILURES = 5;

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runLoadPhase(
  ctx: CheckContext,
  name: 'load' | 'soak',
  seconds: number,
  ratePerSecond: number,
): Promise<PhaseResult> {
  const latencies: number[] = [];
  const failures: Exchange[] = [];
  let errors = 0;
  const smallest = 1n as Minor;
  const call = async (kind: 'withdraw' | 'deposit', transactionId: string, refTransactionId: string | null) => {
    const done = await exchange(
      ctx.target,
      {
        kind,
        userId: ctx.userId,
        currency: ctx.currency,
        amount: smallest,
        transactionId,
        refTransactionId,
        roundId: `cert-${ctx.tag}-${name}`,
        gameId: 1,
        freeSpinId: null,
      },
      ctx.timeoutMs,
    );
    latencies.push(done.exchange.ms);
    const ok = done.reply.outcome === 'ok';
    if (!ok) {
      errors++;
      if (failures.length < KEPT_FAILURES) failures.push(done.exchange);
    }
    return ok;
  };
  const pair = async (i: number) => {
    const withdrawId = ctx.id(`${name[0]}${i}w`);
    // A failed Withdraw is not paid back by a Deposit: the restore at the end settles whatever it did.
    if (await call('withdraw', withdrawId, null)) await call('deposit', ctx.id(`${name[0]}${i}d`), withdrawId);
  };
  const pairs = Math.max(1, Math.round(seconds * ratePerSecond));
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < pairs; i++) {
    const wait = started + (i * 1000) / ratePerSecond - performance.now();
    if (wait > 0) await sleep(wait);
    inFlight.push(pair(i));
  }
  await Promise.all(inFlight);
  const sorted = [...latencies].sort((a, b) => a - b);
  const p50Ms = percentile(sorted, 50);
  const p99Ms = percentile(sorted, 99);
  const passed = errors === 0 && p99Ms <= MAX_P99_MS;
  const why = [
    errors ? `${errors} of ${latencies.length} calls failed (first: ${failures[0]?.outcome ?? 'unknown'})` : '',
    p99Ms > MAX_P99_MS ? `p99 ${p99Ms} ms is above ${MAX_P99_MS} ms` : '',
  ].filter(Boolean);
  return {
    ratePerSecond,
    sent: latencies.length,
    errors,
    p50Ms,
    p99Ms,
    passed,
    detail: passed ? `${pairs} Withdraw/Deposit pairs over ${seconds} s: no error, p99 ${p99Ms} ms` : why.join('; '),
    failures,
  };
}
