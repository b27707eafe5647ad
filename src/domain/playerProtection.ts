/**
 * Player protection (PROTOCOL §14): a restriction stops a player's real-money launches and bets until
 * its `until` (null: until lifted), and a per-currency `maxBet` caps one stake. Both are code 19. Money
 * owed to a player (wins, rollbacks, jackpots) is never judged here: only bets and launches are.
 */
import { Minor } from './money';
import { Refusal, ResultCode, refuse } from './resultCodes';

export const RESTRICTION_REASONS = ['self-exclusion', 'cool-off', 'operator'] as const;
export type RestrictionReason = (typeof RESTRICTION_REASONS)[number];

export interface Restriction {
  readonly reason: RestrictionReason;
  /** Null: indefinitely (until unrestricted). */
  readonly until: Date | null;
}

/** What the bet rule reads about a player, locked with the player's wallet (transfer) or row (seamless). */
export interface ProtectionFacts {
  readonly restriction: Restriction | null;
  /** The player's limit for one stake in the session's currency; null when none is set. */
  readonly maxBet: Minor | null;
}

export const NO_PROTECTION: ProtectionFacts = { restriction: null, maxBet: null };

/** A restriction whose `until` has passed lifts by itself: nobody has to remove it. */
export function isRestrictionActive(restriction: Restriction | null, now: Date): restriction is Restriction {
  return restriction !== null && (restriction.until === null || restriction.until.getTime() > now.getTime());
}

function restrictedRefusal(restriction: Restriction, what: string): Refusal {
  const until = restriction.until === null ? 'until lifted' : `until ${restriction.until.toISOString()}`;
  return refuse(ResultCode.PLAYER_RESTRICTED, `player restricted (${restriction.reason}) ${until}: ${what} refused`);
}

/** A real-money launch of a restricted player is refused (demo launches never touch money). */
export function judgeProtectedLaunch(restriction: Restriction | null, now: Date): Refusal | null {
  return isRestrictionActive(restriction, now) ? restrictedRefusal(restriction, 'real-money launch') : null;
}

/**
 * A bet: refused while the player is restricted (free-spin bets too: playing is what is stopped), and
 * refused when the stake the player pays is above its maxBet (exactly maxBet is allowed). A free-spin
 * bet stakes nothing of the player's (`stake` 0), so a limit never refuses it.
 */
export function judgeProtectedBet(facts: ProtectionFacts, stake: Minor, now: Date): Refusal | null {
  if (isRestrictionActive(facts.restriction, now)) return restrictedRefusal(facts.restriction, 'bet');
  if (facts.maxBet !== null && stake > facts.maxBet)
    return refuse(ResultCode.PLAYER_RESTRICTED, "bet above the player's limit (maxBet) for this currency");
  return null;
}

/** `until` must lie in the future: a restriction that ends before it starts is a mistake (code 2). */
export function judgeRestrictionEnd(until: Date | null, now: Date): string | null {
  return until !== null && until.getTime() <= now.getTime() ? 'until: must be in the future (or null)' : null;
}
