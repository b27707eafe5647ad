/**
 * The round rules of the provider API (PROTOCOL §5), one function per transaction type, named as the
 * contract names them. Pure: the caller loads the facts under the player's wallet lock (which
 * serialises every transaction of that player, so the facts cannot change while a rule decides) and
 * applies the decision.
 */
import { Minor } from './money';
import { Refusal, ResultCode, refuse } from './resultCodes';

export interface RoundFacts {
  readonly status: 'open' | 'closed';
  readonly gameId: number;
  readonly betCount: number;
  readonly rolledBackCount: number;
  readonly winCount: number;
}

/** A stored provider transaction, as the rules need to see it. */
export interface ProviderTransactionFacts {
  readonly platformTransactionId: string;
  readonly type: 'bet' | 'win' | 'rollback' | 'jackpot' | 'deposit' | 'withdraw';
  readonly status: 'applied' | 'refused';
  readonly userId: string;
  readonly roundId: string | null;
  readonly gameId: number | null;
  /** What the wallet gave up for a bet (0 for a free-spin bet). */
  readonly debited: Minor;
  readonly freeSpinId: string | null;
  readonly balanceAfter: Minor | null;
}

/** Bets: refused by a rollback tombstone (10), on a closed round (15), or on another game's round. */
export function judgeBet(facts: { round: RoundFacts | null; tombstone: boolean; gameId: number }): Refusal | null {
  if (facts.tombstone)
    return refuse(ResultCode.REFERENCE_NOT_FOUND, 'this bet was rolled back before it arrived (rollback tombstone)');
  if (facts.round?.status === 'closed') return refuse(ResultCode.ROUND_CLOSED, 'the round is closed');
  if (facts.round && facts.round.gameId !== facts.gameId) {
    return refuse(ResultCode.INVALID_PARAMETERS, `the round belongs to game ${facts.round.gameId}`);
  }
  return null;
}

export interface WinFacts {
  readonly round: RoundFacts | null;
  readonly gameId: number;
  readonly userId: string;
  readonly roundId: string;
  /** undefined when the win names no refTransactionID; null when it names one we do not have. */
  readonly ref: ProviderTransactionFacts | null | undefined;
  readonly refRolledBack: boolean;
  /**
   * undefined when the win names no freeSpinID; otherwise what that campaign (of the session's
   * operator) says of it, null when there is no such campaign.
   */
  readonly freeSpin?: FreeSpinWinFacts | null;
}

export interface FreeSpinWinFacts {
  readonly playerInCampaign: boolean;
  readonly gameIncluded: boolean;
}

/**
 * §5: a win naming a freeSpinID is the campaign's only when it is on one of the campaign's games (so
 * only the studio of those games can pay it) for a player in the campaign; any other is 16, whether or
 * not its round has a bet. The freeSpinID is a claim on the campaign: a false one is refused whole.
 */
export function judgeFreeSpinWin(freeSpin: FreeSpinWinFacts | null): Refusal | null {
  if (!freeSpin) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, 'unknown freeSpinID');
  if (!freeSpin.playerInCampaign)
    return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, 'the player is not in this campaign');
  if (!freeSpin.gameIncluded) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, 'the game is not in this campaign');
  return null;
}

/**
 * Wins: pay a round holding a bet of this player and game (10 otherwise) unless it is a free-spin win
 * of a campaign of that game and player (a freeSpinID that is neither is 16: judgeFreeSpinWin); a named
 * refTransactionID must be a bet of that round (10); a win for a rolled-back bet, or on a closed round,
 * is 15.
 */
export function judgeWin(facts: WinFacts): Refusal | null {
  const { round } = facts;
  if (round?.status === 'closed') return refuse(ResultCode.ROUND_CLOSED, 'the round is closed');
  if (facts.freeSpin !== undefined) {
    const refusal = judgeFreeSpinWin(facts.freeSpin);
    if (refusal) return refusal;
  }
  const freeSpinWin = facts.freeSpin !== undefined;
  if (!freeSpinWin) {
    if (!round || round.betCount === 0) return refuse(ResultCode.REFERENCE_NOT_FOUND, 'no bet stored for this round');
    if (round.gameId !== facts.gameId)
      return refuse(ResultCode.REFERENCE_NOT_FOUND, 'no bet stored for this round and game');
  }
  if (facts.ref !== undefined) {
    const ref = facts.ref;
    if (
      !ref ||
      ref.type !== 'bet' ||
      ref.status !== 'applied' ||
      ref.roundId !== facts.roundId ||
      ref.userId !== facts.userId
    ) {
      return refuse(ResultCode.REFERENCE_NOT_FOUND, 'refTransactionID is not a bet of this round');
    }
    if (facts.refRolledBack) return refuse(ResultCode.ROUND_CLOSED, 'the bet this win pays was rolled back');
  } else if (!freeSpinWin && round && round.betCount === round.rolledBackCount) {
    return refuse(ResultCode.ROUND_CLOSED, 'every bet of this round was rolled back');
  }
  return null;
}

export type RollbackDecision =
  | { readonly kind: 'refused'; readonly refusal: Refusal }
  /** The bet is unknown: succeed, move nothing, leave a tombstone that refuses the bet later. */
  | { readonly kind: 'tombstone' }
  /** The bet was already rolled back under another transactionID: answer as that rollback (11). */
  | { readonly kind: 'already-rolled-back'; readonly original: ProviderTransactionFacts }
  /** Give back what the bet took (0 for a refused bet; a free-spin bet gives its spin back). */
  | { readonly kind: 'reverse'; readonly refund: Minor; readonly freeSpinId: string | null };

export function judgeRollback(facts: {
  bet: ProviderTransactionFacts | null;
  previousRollback: ProviderTransactionFacts | null;
  round: RoundFacts | null;
  roundId: string;
  userId: string;
}): RollbackDecision {
  const { bet } = facts;
  const previous = facts.previousRollback;
  if (previous) {
    // The same player rolling back the same bet again is a duplicate (11); another player naming it is
    // naming a bet that is not theirs (10), and must not learn that player's balance.
    if (previous.userId === facts.userId) return { kind: 'already-rolled-back', original: previous };
    return {
      kind: 'refused',
      refusal: refuse(ResultCode.REFERENCE_NOT_FOUND, 'refTransactionID is a bet of another player'),
    };
  }
  if (!bet) return { kind: 'tombstone' };
  if (bet.type !== 'bet') {
    return {
      kind: 'refused',
      refusal: refuse(
        ResultCode.REFERENCE_NOT_FOUND,
        `refTransactionID names a ${bet.type}, and only bets are rolled back`,
      ),
    };
  }
  if (bet.roundId !== facts.roundId || bet.userId !== facts.userId) {
    return {
      kind: 'refused',
      refusal: refuse(ResultCode.REFERENCE_NOT_FOUND, 'refTransactionID is a bet of another round or player'),
    };
  }
  if (facts.round && facts.round.winCount > 0) {
    return { kind: 'refused', refusal: refuse(ResultCode.ROUND_CLOSED, 'the round already has a win') };
  }
  if (bet.status === 'refused') return { kind: 'reverse', refund: 0n as Minor, freeSpinId: null };
  return { kind: 'reverse', refund: bet.debited, freeSpinId: bet.freeSpinId };
}
