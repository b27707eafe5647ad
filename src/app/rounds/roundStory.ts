/**
 * A round's whole story for a dispute (PROTOCOL §14 `rounds/get`, `rounds/list`): the round, every
 * applied transaction of it in the order stored, and in seamless mode each delivery to the operator's
 * wallet with every attempt made. Read-only; nothing here takes a lock.
 *
 * A round is one player's round at one studio: (studio, operator, userID, roundID). Without
 * `providerID`, a roundID that two studios used for the same player is ambiguous, and the caller is
 * told to name the studio (code 2) rather than shown one of them.
 */
import { Minor } from '../../domain/money';
import { Refusal, ResultCode, refuse } from '../../domain/resultCodes';
import { HistoryEntry, HistoryStore } from '../history/transactionHistory';
import { AttemptVia } from '../seamless/attemptLog';
import { DeliveryKind } from '../seamless/seamlessStore';

export type RoundStatus = 'open' | 'closed';

export interface RoundRecord {
  /** Internal row id: the paging position of rounds/list, never shown. */
  readonly rowId: string;
  readonly operatorId: number;
  /** The studio's internal id (for the ledger reads) and its providerID. */
  readonly providerRowId: number;
  readonly providerId: string;
  readonly userId: string;
  readonly roundId: string;
  readonly gameId: number;
  readonly status: RoundStatus;
  /** As stored: `round_closed`, `ttl_expired`, or null. */
  readonly closeReason: string | null;
  readonly openedAt: Date;
  readonly closedAt: Date | null;
  readonly betCount: number;
  readonly winCount: number;
  readonly rolledBackCount: number;
}

export interface AttemptRecord {
  readonly at: Date;
  readonly via: AttemptVia;
  readonly outcome: string;
  readonly httpStatus: number | null;
  readonly operatorCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

export interface DeliveryRecord {
  readonly id: string;
  readonly kind: DeliveryKind;
  /** The platformTransactionID the call reports (the operator's de-duplication key). */
  readonly platformTransactionId: string;
  readonly refTransactionId: string | null;
  /** The studio's transactionID it came from; null for the compensating Rollback of a failed Withdraw. */
  readonly transactionId: string | null;
  readonly currency: string;
  readonly amount: Minor;
  /** A settled Withdraw reads as what its ledger row says, folded or not (see FOLD_SETTLED_WITHDRAWS). */
  readonly status: string;
  readonly attemptCount: number;
  readonly maxAttempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date | null;
  readonly createdAt: Date;
  readonly deliveredAt: Date | null;
  readonly attempts: AttemptRecord[];
}

export interface RoundListFilter {
  readonly operatorId: number;
  readonly userId?: string;
  readonly status?: RoundStatus;
  /** Exclusive upper bound on the row id (newest first), decoded from the cursor. */
  readonly beforeId?: bigint;
  readonly limit: number;
}

export interface RoundStoryStore {
  /** The operator's rounds of this player with this roundID (at one studio when `providerId` is given). */
  findRounds(operatorId: number, userId: string, roundId: string, providerId?: string): Promise<RoundRecord[]>;
  listRounds(filter: RoundListFilter): Promise<RoundRecord[]>;
  /** The round's deliveries, oldest first, each with its attempts oldest first. */
  deliveries(round: RoundRecord): Promise<DeliveryRecord[]>;
  /** Staff name an operator by agentID. */
  findOperator(agentId: string): Promise<{ operatorId: number; agentId: string; seamless: boolean } | null>;
  /** The round a delivery reports (staff follow a callback row to its round). */
  findRoundOfDelivery(deliveryId: string): Promise<StaffRoundTarget | null>;
}

/** A round named for staff: its operator, and the player's round as rounds/get takes it. */
export interface StaffRoundTarget extends RoundQuery {
  readonly agentId: string;
}

export interface RoundStory {
  readonly round: RoundRecord;
  readonly transactions: HistoryEntry[];
  /** Null when the operator is in transfer mode and the round has no deliveries. */
  readonly callbacks: DeliveryRecord[] | null;
}

export interface RoundQuery {
  readonly operatorId: number;
  readonly userId: string;
  readonly roundId: string;
  readonly providerId?: string;
  /** The operator's mode now: a seamless operator's round always answers `callbacks` (maybe empty). */
  readonly seamless: boolean;
}

/** A round's transactions are read at most this many (a round is a handful; the limit is a bound, not a page). */
export const MAX_ROUND_TRANSACTIONS = 1000;

export async function getRoundStory(
  stores: { rounds: RoundStoryStore; history: HistoryStore },
  query: RoundQuery,
): Promise<{ ok: true; story: RoundStory } | Refusal> {
  const found = await stores.rounds.findRounds(query.operatorId, query.userId, query.roundId, query.providerId);
  if (found.length === 0)
    return refuse(ResultCode.REFERENCE_NOT_FOUND, `no round ${query.roundId} of player ${query.userId}`);
  if (found.length > 1)
    return refuse(
      ResultCode.INVALID_PARAMETERS,
      `providerID: round ${query.roundId} of player ${query.userId} exists at ${found.length} studios; name one`,
    );
  const round = found[0]!;
  // History lists numbered rows only: number what is visible first, so a bet stored a moment ago is in the story.
  await stores.history.sequencePending();
  const [transactions, deliveries] = await Promise.all([
    stores.history.search({
      operatorId: round.operatorId,
      providerId: round.providerRowId,
      userId: round.userId,
      roundId: round.roundId,
      limit: MAX_ROUND_TRANSACTIONS,
    }),
    stores.rounds.deliveries(round),
  ]);
  const callbacks = query.seamless || deliveries.length > 0 ? deliveries : null;
  return { ok: true, story: { round, transactions, callbacks } };
}

/** The wire name of a stored close reason (§14: `roundClosed`, `ttl`, or null). */
export function closeReasonOf(stored: string | null): 'roundClosed' | 'ttl' | null {
  if (stored === null) return null;
  return stored === 'round_closed' ? 'roundClosed' : 'ttl';
}
