/**
 * The balance rule of a wallet we keep (transfer mode): a debit never takes a balance below zero, a
 * credit never takes it past MAX_MINOR. Pure: the caller holds the wallet's row lock while deciding.
 */
import { MAX_MINOR, Minor } from './money';
import { Refusal, ResultCode, refuse } from './resultCodes';

export type Direction = 'credit' | 'debit';

export type MovementOutcome =
  | { readonly applied: true; readonly balanceAfter: Minor; readonly delta: Minor }
  | { readonly applied: false; readonly refusal: Refusal };

export function applyMovement(balance: Minor, direction: Direction, amount: Minor): MovementOutcome {
  assertBalanceInRange(balance, 'before the movement');
  assertInvariant(amount >= 0n, `amount ${amount} is negative`);
  if (direction === 'debit') {
    if (amount > balance) return { applied: false, refusal: refuse(ResultCode.INSUFFICIENT_FUNDS) };
    const balanceAfter = (balance - amount) as Minor;
    assertMoved(balance, -amount as Minor, balanceAfter);
    return { applied: true, balanceAfter, delta: -amount as Minor };
  }
  const balanceAfter = (balance + amount) as Minor;
  if (balanceAfter > MAX_MINOR) {
    return {
      applied: false,
      refusal: refuse(
        ResultCode.INVALID_PARAMETERS,
        'the credit would take the balance past the largest supported amount',
      ),
    };
  }
  assertMoved(balance, amount, balanceAfter);
  return { applied: true, balanceAfter, delta: amount };
}

/** A stored balance is never below zero nor above MAX_MINOR (the CHECK constraint says the same). */
export function assertBalanceInRange(balance: Minor, when: string): void {
  assertInvariant(balance >= 0n && balance <= MAX_MINOR, `balance ${balance} out of range ${when}`);
}

/**
 * The pair around every balance move (TigerBeetle's habit): both ends in range, and the move is exactly
 * the delta, so that a wrong sign or a stale `before` fails here instead of in the books.
 */
export function assertMoved(before: Minor, delta: Minor, after: Minor): void {
  assertBalanceInRange(before, 'before the move');
  assertBalanceInRange(after, 'after the move');
  assertInvariant(before + delta === after, `balance ${before} moved by ${delta} is not ${after}`);
}

/** A broken invariant is a bug: fail loudly rather than branch around it. */
export function assertInvariant(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`invariant violated: ${message}`);
}
