/** Callback deliveries, staff side (PROTOCOL §8 `callbacks/list`, `callbacks/retry`). */
import { Prisma } from '../../db/prismaClient';
import { FOLD_SETTLED_WITHDRAWS } from '../../db/seamlessStore';
import { DeliveryQueuePort } from '../seamless/seamlessStore';
import { conflict, notFound } from './adminErrors';
import { recordAudit } from './audit';

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

type Row = Awaited<ReturnType<Prisma['callbackDelivery']['findMany']>>[number];

function view(row: Row, agentId: string): CallbackView {
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

async function agentIds(prisma: Prisma, operatorIds: number[]): Promise<Map<number, string>> {
  const rows = await prisma.operator.findMany({
    where: { id: { in: [...new Set(operatorIds)] } },
    select: { id: true, agentId: true },
  });
  return new Map(rows.map((r) => [r.id, r.agentId]));
}

/** `pending` lists what is still owed (sending or pending), `failed` what is parked, `delivered` what arrived. */
export async function listCallbacks(
  prisma: Prisma,
  filter: { status?: 'pending' | 'failed' | 'delivered'; agentId?: string; afterId?: bigint; limit: number },
): Promise<{ callbacks: CallbackView[]; lastId: string | null; more: boolean }> {
  let operatorId: number | undefined;
  if (filter.agentId !== undefined) {
    const operator = await prisma.operator.findUnique({ where: { agentId: filter.agentId }, select: { id: true } });
    if (!operator) return { callbacks: [], lastId: null, more: false };
    operatorId = operator.id;
  }
  // A settled bet's Withdraw may still say `sending` until the sweeper folds it: fold now, so staff see
  // only Withdraws in flight as owed.
  await prisma.$executeRawUnsafe(FOLD_SETTLED_WITHDRAWS);
  const statuses =
    filter.status === 'pending'
      ? ['sending', 'pending']
      : filter.status === 'failed'
        ? ['failed']
        : filter.status === 'delivered'
          ? ['delivered']
          : undefined;
  const rows = await prisma.callbackDelivery.findMany({
    where: {
      ...(operatorId !== undefined ? { operatorId } : {}),
      ...(statuses ? { status: { in: statuses as Row['status'][] } } : {}),
      ...(filter.afterId !== undefined ? { id: { gt: filter.afterId } } : {}),
      // Withdraws refused by the operator are answers, not deliveries owed.
      NOT: { status: 'refused' },
    },
    orderBy: { id: 'asc' },
    take: filter.limit + 1,
  });
  const page = rows.slice(0, filter.limit);
  const agents = await agentIds(
    prisma,
    page.map((r) => r.operatorId),
  );
  return {
    callbacks: page.map((r) => view(r, agents.get(r.operatorId) ?? '')),
    lastId: page.length ? page[page.length - 1]!.id.toString() : null,
    more: rows.length > filter.limit,
  };
}

/**
 * Staff redelivery: a parked (or still pending) Deposit or Rollback is queued again now, with a fresh
 * budget of attempts. A Withdraw is never redelivered: it was answered to the provider long ago.
 */
export async function retryCallback(
  prisma: Prisma,
  queue: DeliveryQueuePort,
  actor: string,
  id: bigint,
  retryAttempts: number,
): Promise<CallbackView> {
  const updated = await prisma.$transaction(async (tx) => {
    const row = await tx.callbackDelivery.findUnique({ where: { id } });
    if (!row) throw notFound(`callback ${id}`);
    if (row.kind === 'withdraw') throw conflict('a Withdraw is never redelivered; its outcome was already answered');
    if (row.status === 'delivered') throw conflict('this callback was already delivered');
    const next = await tx.callbackDelivery.update({
      where: { id },
      data: {
        status: 'pending',
        maxAttempts: row.attempts + retryAttempts,
        nextAttemptAt: new Date(),
        updatedAt: new Date(),
      },
    });
    await recordAudit(tx, {
      actor,
      action: 'callbacks.retry',
      targetType: 'callback',
      targetId: id.toString(),
      before: { status: row.status, attempts: row.attempts },
      after: { status: next.status, attempts: next.attempts },
    });
    return next;
  });
  await queue.enqueue({ id: updated.id.toString(), attempts: updated.attempts, operatorId: updated.operatorId }, 0);
  const agents = await agentIds(prisma, [updated.operatorId]);
  return view(updated, agents.get(updated.operatorId) ?? '');
}
