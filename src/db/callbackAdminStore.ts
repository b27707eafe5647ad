/** Callback deliveries for the staff use cases (app/admin/callbacks.ts), over Prisma. */
import { conflict, notFound } from '../app/admin/adminErrors';
import { CallbackAdminStore, CallbackFilter, CallbackRow } from '../app/admin/callbacks';
import { recordAudit } from './auditLog';
import { Prisma } from './prismaClient';
import { FOLD_SETTLED_WITHDRAWS } from './seamlessStore';

type Row = Awaited<ReturnType<Prisma['callbackDelivery']['findMany']>>[number];

export class PrismaCallbackAdminStore implements CallbackAdminStore {
  constructor(private readonly prisma: Prisma) {}

  /** `pending` lists what is still owed (sending or pending), `failed` what is parked, `delivered` what arrived. */
  async list(filter: CallbackFilter): Promise<{ rows: CallbackRow[]; unknownAgent: boolean }> {
    const prisma = this.prisma;
    let operatorId: number | undefined;
    if (filter.agentId !== undefined) {
      const operator = await prisma.operator.findUnique({ where: { agentId: filter.agentId }, select: { id: true } });
      if (!operator) return { rows: [], unknownAgent: true };
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
    return { rows, unknownAgent: false };
  }

  /** A Withdraw is never redelivered: it was answered to the provider long ago. */
  requeue(actor: string, id: bigint, retryAttempts: number): Promise<CallbackRow> {
    return this.prisma.$transaction(async (tx) => {
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
  }

  async agentIds(operatorIds: number[]): Promise<Map<number, string>> {
    const rows = await this.prisma.operator.findMany({
      where: { id: { in: [...new Set(operatorIds)] } },
      select: { id: true, agentId: true },
    });
    return new Map(rows.map((r) => [r.id, r.agentId]));
  }
}
