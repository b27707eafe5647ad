/**
 * Transaction history (PROTOCOL §4 `/v1/transactions`, §8 `transactions/search`): applied ledger rows
 * in feed order (feed_seq: the order in which they became visible, assigned by the sequencer), paged
 * with an opaque cursor that names a feed position. Ids are taken before commit, so a row with a lower
 * id can become visible after a higher one: paging by id could slip behind it for ever. Feed positions
 * are assigned after visibility, so everything a reader sees numbered is a prefix of the sequence, and
 * "after position n" misses nothing and repeats nothing (`resumeCursor`, the reconciliation feed).
 */
import { Minor } from '../../domain/money';
import { TransactionType } from '../wallet/walletStore';

export interface HistoryFilter {
  readonly operatorId?: number;
  readonly providerId?: number;
  readonly userId?: string;
  readonly roundId?: string;
  readonly transactionId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly platformTransactionId?: string;
  /** Exclusive lower bound on the feed position, decoded from the cursor. */
  readonly after?: FeedPosition;
  /** Newest first (the back office's default): the cursor is then an exclusive upper bound. */
  readonly before?: FeedPosition;
  readonly newestFirst?: boolean;
  readonly limit: number;
}

export interface HistoryEntry {
  /** The feed position (feed_seq): the paging position, never shown. */
  readonly feedSeq: bigint;
  readonly platformTransactionId: string;
  readonly transactionId: string;
  readonly agentId: string;
  readonly type: TransactionType;
  readonly userId: string;
  readonly currency: string;
  readonly amount: Minor;
  readonly balanceAfter: Minor | null;
  readonly roundId: string | null;
  readonly gameId: number | null;
  readonly providerId: string | null;
  readonly freeSpinId: string | null;
  readonly createdAt: Date;
  /** Captured at storage (PROTOCOL §12): the rate in force and the exact amount in base currency, as stored. */
  readonly fxRate: string | null;
  readonly amountBase: string | null;
  /** The operator was in the sandbox when the transaction was stored (PROTOCOL §11). */
  readonly sandbox: boolean;
}

export interface HistoryStore {
  /** Numbers what is visible and not yet numbered, so a transaction just stored is listed at once. */
  sequencePending(): Promise<void>;
  search(filter: HistoryFilter): Promise<HistoryEntry[]>;
}

export interface HistoryPage {
  readonly entries: HistoryEntry[];
  readonly nextCursor: string | null;
  /** Never null: where a client that keeps polling goes on from (PROTOCOL §4 reconciliation feed). */
  readonly resumeCursor: string;
}

/** After feed position `seq`; or (a cursor from before the feed) after the row with that id. */
export type FeedPosition = { readonly seq: bigint } | { readonly rowId: bigint };

export const DEFAULT_HISTORY_LIMIT = 100;
export const MAX_HISTORY_LIMIT = 1000;

/** An id-based cursor (callbacks/list and audit/list page by row id; history did before the feed). */
export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/** A history cursor: after feed position `seq`. */
export function encodeFeedCursor(seq: bigint): string {
  return Buffer.from(JSON.stringify({ seq: seq.toString() }), 'utf8').toString('base64url');
}

function cursorFields(cursor: string): { seq?: unknown; after?: unknown } | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? (parsed as { seq?: unknown; after?: unknown }) : null;
  } catch {
    return null;
  }
}

const DIGITS = /^\d{1,19}$/;

/** The row id behind an id-based cursor, or null when the cursor is not one of ours. */
export function decodeCursor(cursor: string): bigint | null {
  const after = cursorFields(cursor)?.after;
  return typeof after === 'string' && DIGITS.test(after) ? BigInt(after) : null;
}

/** The feed position behind a history cursor (an id cursor of a page from before the feed too), or null. */
export function decodeFeedCursor(cursor: string): FeedPosition | null {
  const fields = cursorFields(cursor);
  if (typeof fields?.seq === 'string' && DIGITS.test(fields.seq)) return { seq: BigInt(fields.seq) };
  const rowId = decodeCursor(cursor);
  return rowId === null ? null : { rowId };
}

function cursorAt(position: FeedPosition): string {
  return 'seq' in position ? encodeFeedCursor(position.seq) : encodeCursor(position.rowId.toString());
}

export async function listTransactions(store: HistoryStore, filter: HistoryFilter): Promise<HistoryPage> {
  await store.sequencePending();
  // One row more than asked tells whether another page exists without a count query.
  const rows = await store.search({ ...filter, limit: filter.limit + 1 });
  const entries = rows.slice(0, filter.limit);
  const last = entries[entries.length - 1];
  // After the page's last row; an empty page resumes where it was asked to, or from the start.
  let resumeCursor: string;
  if (last) resumeCursor = encodeFeedCursor(last.feedSeq);
  else resumeCursor = filter.after ? cursorAt(filter.after) : encodeFeedCursor(0n);
  return {
    entries,
    nextCursor: rows.length > filter.limit && last ? encodeFeedCursor(last.feedSeq) : null,
    resumeCursor,
  };
}
