/**
 * The life of a callback delivery row (PROTOCOL §6): which status may follow which, and what an
 * attempt's count may do on the way. Each transition's precondition; the store's guarded UPDATE (one
 * row, from the expected status and attempt count) is its postcondition.
 *
 *   sending ── refused            a Withdraw answered with a refusal, or never answered (17)
 *   sending ── delivered          a debited Withdraw folded by the sweeper (in bulk, in SQL)
 *   pending ── pending            an attempt failed and the next one is scheduled (count + 1)
 *   pending ── delivered | failed delivered, or the budget spent: parked for staff (count + 1)
 *   failed  ── pending            staff redeliver a parked delivery
 */
import { assertInvariant } from './wallet';

export type DeliveryStatus = 'sending' | 'pending' | 'delivered' | 'refused' | 'failed';

const NEXT: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  sending: ['refused', 'delivered'],
  pending: ['pending', 'delivered', 'failed'],
  failed: ['pending'],
  delivered: [],
  refused: [],
};

export function canTransition(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return NEXT[from].includes(to);
}

export interface DeliveryMove {
  readonly status: DeliveryStatus;
  /** The count after this attempt, when the move counts one. */
  readonly attempts?: number;
  /** The count the row must still hold (the guard against two workers counting the same attempt). */
  readonly expectAttempts?: number;
  readonly maxAttempts?: number;
}

export function assertDeliveryTransition(from: DeliveryStatus, move: DeliveryMove): void {
  assertInvariant(canTransition(from, move.status), `a delivery cannot go from ${from} to ${move.status}`);
  if (from === 'pending') {
    // Every move out of pending is an attempt made: it is counted once, from the count read before it.
    assertInvariant(
      move.attempts !== undefined && move.expectAttempts !== undefined && move.attempts === move.expectAttempts + 1,
      `an attempt from pending must count one more than ${move.expectAttempts}, got ${move.attempts}`,
    );
  }
  if (move.attempts !== undefined) assertInvariant(move.attempts >= 0, `attempts ${move.attempts} is negative`);
  if (move.maxAttempts !== undefined) assertInvariant(move.maxAttempts >= 1, `max attempts ${move.maxAttempts}`);
}

/** The postcondition of a guarded transition of one row by its key: it moved that row or none. */
export function assertTransitioned(affectedRows: number, what: string): void {
  assertInvariant(affectedRows === 0 || affectedRows === 1, `${what} moved ${affectedRows} rows`);
}
