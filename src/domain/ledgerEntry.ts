/**
 * What every ledger entry promises before it is written (the precondition of each `transactions`
 * row, in both modes): the amount is never negative, a refused entry moves nothing, and an applied one
 * moves exactly its amount in its type's direction. The postcondition of a balance move is
 * `wallet.ts#assertMoved`; this is the entry that records it.
 */
import { Minor } from './money';
import { assertBalanceInRange, assertInvariant } from './wallet';

export type EntryType = 'deposit' | 'withdraw' | 'bet' | 'win' | 'rollback' | 'jackpot';

/** Types that credit the player (a rollback refunds its bet, or is a tombstone of 0). */
const CREDITS: ReadonlySet<EntryType> = new Set(['deposit', 'win', 'rollback', 'jackpot']);

export interface EntryMove {
  readonly type: EntryType;
  readonly status: 'applied' | 'refused';
  readonly amount: Minor;
  readonly delta: Minor;
  /** Our balance after the entry (transfer mode); null on mirrored entries and refusals without a wallet. */
  readonly balanceAfter: Minor | null;
}

export function assertEntryMove(entry: EntryMove): void {
  const what = `${entry.status} ${entry.type} of ${entry.amount}`;
  assertInvariant(entry.amount >= 0n, `${what}: the amount is negative`);
  if (entry.status === 'refused') assertInvariant(entry.delta === 0n, `${what} moved ${entry.delta}`);
  else if (CREDITS.has(entry.type))
    assertInvariant(entry.delta === entry.amount, `${what} moved ${entry.delta}, not +${entry.amount}`);
  else assertInvariant(entry.delta === -entry.amount, `${what} moved ${entry.delta}, not -${entry.amount}`);
  if (entry.balanceAfter !== null) assertBalanceInRange(entry.balanceAfter, `after the ${entry.type}`);
}
