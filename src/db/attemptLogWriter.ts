/**
 * Writes delivery attempts (app/seamless/attemptLog.ts) in batches: `record` only appends to a buffer,
 * and one multi-row INSERT per FLUSH_AFTER_MS carries everything recorded meanwhile, so a bet's Withdraw
 * costs the money path no round trip and the database one statement per batch rather than per call.
 *
 * Bounded: at most MAX_BUFFERED attempts wait; past that (the database down for long) the oldest are
 * dropped and counted. An attempt recorded by a process that dies before the flush is lost: the
 * delivery row (status, attempts, last error) is still the record of what is owed.
 */
import { Pool } from 'mysql2/promise';
import { AttemptLogPort, CallbackAttempt } from '../app/seamless/attemptLog';

export const FLUSH_AFTER_MS = 20;
const MAX_BATCH = 500;
const MAX_BUFFERED = 10_000;

const INSERT_ATTEMPTS = `INSERT INTO callback_attempts (operator_id, kind, platform_transaction_id, via, attempted_at, outcome,
  http_status, operator_code, latency_ms, error) VALUES ?`;

export class BatchedAttemptLog implements AttemptLogPort {
  private buffer: CallbackAttempt[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Attempts dropped because the buffer was full (the database not taking writes). */
  dropped = 0;

  constructor(
    private readonly pool: Pool,
    private readonly onError: (error: unknown, lost: number) => void = () => undefined,
  ) {}

  record(attempt: CallbackAttempt): void {
    if (this.buffer.length >= MAX_BUFFERED) {
      this.buffer.shift();
      this.dropped++;
    }
    this.buffer.push(attempt);
    if (this.timer === null) {
      this.timer = setTimeout(() => void this.flush(), FLUSH_AFTER_MS);
      this.timer.unref();
    }
  }

  /** Writes what is buffered now; batches are written one after another, in the order recorded. */
  flush(): Promise<void> {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const taken = this.buffer;
    this.buffer = [];
    this.writing = this.writing.then(() => this.write(taken));
    return this.writing;
  }

  private async write(attempts: CallbackAttempt[]): Promise<void> {
    for (let from = 0; from < attempts.length; from += MAX_BATCH) {
      const batch = attempts.slice(from, from + MAX_BATCH);
      try {
        await this.pool.query(INSERT_ATTEMPTS, [batch.map(rowOf)]);
      } catch (error) {
        // Not retried: attempts are what support reads, not money; the delivery row still says what is owed.
        this.onError(error, batch.length);
      }
    }
  }

  /** Before the pool closes: what is buffered is written. */
  close(): Promise<void> {
    return this.flush();
  }
}

function rowOf(a: CallbackAttempt): unknown[] {
  return [
    a.operatorId,
    a.kind,
    a.platformTransactionId,
    a.via,
    a.attemptedAt,
    a.outcome,
    a.httpStatus,
    a.operatorCode,
    a.latencyMs,
    a.error,
  ];
}
