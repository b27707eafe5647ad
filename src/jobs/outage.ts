/**
 * What a component does while Redis misbehaves (down, failing over, answering MOVED to a misconfigured
 * client): wait before trying again, longer each time up to a bound, with jitter so that many processes
 * do not come back in step; and say so once when it starts failing and once when it recovers, instead of
 * one log line per failed command (a worker left alone against a Cluster node logged 48,292 MOVED lines
 * in 12 s). The database stays the record of every delivery owed, so waiting loses nothing.
 */
import { Logger } from 'pino';

export interface BackoffOptions {
  /** The first wait after a failure. */
  readonly baseMs: number;
  /** The longest wait, however long the outage lasts. */
  readonly maxMs: number;
}

/**
 * A retry here is one cheap command (the worker's probe of the queue key, or one enqueue), so the cap is
 * short: a worker resumes within 5 s of Redis coming back or a Sentinel failover ending (at 15 s, health
 * stayed red up to 15 s after Redis answered again), and a thousand processes still send only ~200
 * probes a second to a Redis that is down.
 */
export const REDIS_BACKOFF: BackoffOptions = { baseMs: 200, maxMs: 5_000 };

/**
 * The wait before try number `failures + 1`: exponential in the failures so far, capped, and jittered over
 * the upper half of the step ("equal jitter"), so it is never near zero and never above the cap.
 */
export function backoffDelayMs(failures: number, options: BackoffOptions, random: () => number = Math.random): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 30));
  return Math.round(step / 2 + (random() * step) / 2);
}

export type OutageListener = (component: string, failing: boolean) => void;

/** The failure state of one component (the delivery worker, the enqueue path, the sweeper, a connection). */
export class Outage {
  private failures = 0;
  private since = 0;
  private retryAt = 0;

  constructor(
    readonly component: string,
    private readonly logger: Logger,
    private readonly options: BackoffOptions = REDIS_BACKOFF,
    private readonly listener?: OutageListener,
  ) {}

  get failing(): boolean {
    return this.failures > 0;
  }

  /** Consecutive failures since the last success. */
  get failureCount(): number {
    return this.failures;
  }

  /** False while backing off: the caller skips the attempt (its work stays owed in the database). */
  mayTry(now = Date.now()): boolean {
    return now >= this.retryAt;
  }

  /** Records a failure; returns how long to wait before the next try. */
  failed(error: unknown, now = Date.now()): number {
    if (this.failures === 0) {
      this.since = now;
      this.logger.warn(
        { component: this.component, err: error instanceof Error ? error.message : String(error) },
        `${this.component} failing: backing off (logged once until it recovers)`,
      );
      this.listener?.(this.component, true);
    }
    this.failures++;
    const delayMs = backoffDelayMs(this.failures, this.options);
    this.retryAt = now + delayMs;
    return delayMs;
  }

  succeeded(now = Date.now()): void {
    if (this.failures > 0) {
      this.logger.info(
        { component: this.component, failures: this.failures, outageMs: now - this.since },
        `${this.component} recovered`,
      );
      this.listener?.(this.component, false);
    }
    this.failures = 0;
    this.retryAt = 0;
  }
}
