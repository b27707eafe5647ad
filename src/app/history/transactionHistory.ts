/**
 * Transaction history (PROTOCOL §4 `/v1/transactions`, §8 `transactions/search`): applied ledger rows,
 * oldest first, paged with an opaque cursor that is stable under concurrent inserts (it is the last
 * row's id, and ids only grow).
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
  /** Exclusive lower bound on the row id, decoded from the cursor. */
  readonly afterId?: bigint;
  readonly limit: number;
}

export interface HistoryEntry {
  /** Internal row id: the paging position, never shown. */
  readonly rowId: string;
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
}

export interface HistoryStore {
  search(filter: HistoryFilter): Promise<HistoryEntry[]>;
}

export interface HistoryPage {
  readonly entries: HistoryEntry[];
  readonly nextCursor: string | null;
}

export const DEFAULT_HISTORY_LIMIT = 100;
export const MAX_HISTORY_LIMIT = 1000;

export function encodeCursor(lastId: string): string {
  return Buffer.from(JSON.stringify({ after: lastId }), 'utf8').toString('base64url');
}

/** The row id behind a cursor, or null when the cursor is not one of ours. */
export function decodeCursor(cursor: string): bigint | null {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const after = (parsed as { after?: unknown }).after;
    return typeof after === 'string' && /^\d{1,19}$/.test(after) ? BigInt(after) : null;
  } catch {
    return null;
  }
}

export async function listTransactions(store: HistoryStore, filter: HistoryFilter): Promise<HistoryPage> {
  // One row more than asked tells whether another page exists without a count query.
  const rows = await store.search({ ...filter, limit: filter.limit + 1 });
  const entries = rows.slice(0, filter.limit);
  const last = entries[entries.length - 1];
  return { entries, nextCursor: rows.length > filter.limit && last ? encodeCursor(last.rowId) : null };
}
