/**
 * Callback deliveries, staff side (PROTOCOL §8 `callbacks/list`, `callbacks/retry`), over a
 * CallbackAdminStore (db/callbackAdminStore.ts).
 */
import { DeliveryQueuePort } from '../seamless/seamlessStore';

export interface CallbackView {
  id: string;
  agentID: string;
  kind: string;
  transactionID: string;
  status: string;
  attempts: number;
  /** Parked (failed) when attempts reach this. */
  maxAttempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  /** When the row last changed: the last attempt's outcome, or a staff retry. No per-attempt log is kept. */
  lastAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** The columns of a callback_deliveries row a view reads. */
export interface CallbackRow {
  readonly id: bigint;
  readonly operatorId: number;
  readonly kind: string;
  readonly platformTransactionId: string;
  readonly status: string;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date | null;
  readonly updatedAt: Date;
  readonly deliveredAt: Date | null;
  readonly createdAt: Date;
}

export interface CallbackFilter {
  status?: 'pending' | 'failed' | 'delivered';
  agentId?: string;
  afterId?: bigint;
  limit: number;
}

export interface CallbackAdminStore {
  /**
   * Settled Withdraws folded first (so only Withdraws in flight are owed), then up to `limit` + 1 rows
   * after `afterId`, refused Withdraws left out; `unknownAgent` when the agentID names nobody.
   */
  list(filter: CallbackFilter): Promise<{ rows: CallbackRow[]; unknownAgent: boolean }>;
  /**
   * One transaction with its audit entry: a parked or pending Deposit or Rollback back to `pending`
   * now, with `retryAttempts` more attempts; refuses a Withdraw, a delivered one, an unknown id.
   */
  requeue(actor: string, id: bigint, retryAttempts: number): Promise<CallbackRow>;
  /** The agentIDs of these operators. */
  agentIds(operatorIds: number[]): Promise<Map<number, string>>;
}

export function callbackView(row: CallbackRow, agentId: string): CallbackView {
  return {
    id: row.id.toString(),
    agentID: agentId,
    kind: row.kind,
    transactionID: row.platformTransactionId,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastAttemptAt: row.attempts > 0 ? row.updatedAt.toISOString() : null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

/** `pending` lists what is still owed (sending or pending), `failed` what is parked, `delivered` what arrived. */
export async function listCallbacks(
  store: CallbackAdminStore,
  filter: CallbackFilter,
): Promise<{ callbacks: CallbackView[]; lastId: string | null; more: boolean }> {
  const { rows, unknownAgent } = await store.list(filter);
  if (unknownAgent) return { callbacks: [], lastId: null, more: false };
  const page = rows.slice(0, filter.limit);
  const agents = await store.agentIds(page.map((r) => r.operatorId));
  return {
    callbacks: page.map((r) => callbackView(r, agents.get(r.operatorId) ?? '')),
    lastId: page.length ? page[page.length - 1]!.id.toString() : null,
    more: rows.length > filter.limit,
  };
}

/**
 * Staff redelivery: a parked (or still pending) Deposit or Rollback is queued again now, with a fresh
 * budget of attempts. A Withdraw is never redelivered: it was answered to the provider long ago.
 */
export async function retryCallback(
  store: CallbackAdminStore,
  queue: DeliveryQueuePort,
  actor: string,
  id: bigint,
  retryAttempts: number,
): Promise<CallbackView> {
  const updated = await store.requeue(actor, id, retryAttempts);
  await queue.enqueue({ id: updated.id.toString(), attempts: updated.attempts, operatorId: updated.operatorId }, 0);
  const agents = await store.agentIds([updated.operatorId]);
  return callbackView(updated, agents.get(updated.operatorId) ?? '');
}
