/** Certification runs in `certification_runs` (PROTOCOL §11), through Prisma: staff work, not the money path. */
import { recordAudit } from './auditLog';
import {
  CertificationRunStore,
  NewRun,
  OperatorForCertification,
  RunOutcome,
  RunView,
} from '../app/certification/certificationRuns';
import { CertificationRun, Prisma as PrismaNamespace } from '../generated/prisma/client';
import { Prisma } from './prismaClient';

type RunRow = CertificationRun & { operator: { agentId: string } };

function view(row: RunRow): RunView {
  return {
    id: row.id.toString(),
    agentID: row.operator.agentId,
    status: row.status,
    callbackUrl: row.callbackUrl,
    scheme: row.scheme,
    userID: row.userId,
    currency: row.currency,
    loadSeconds: row.loadSeconds,
    soakSeconds: row.soakSeconds,
    ratePerSecond: row.ratePerSecond,
    startedAt: row.startedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    checks: (row.checks as unknown[] | null) ?? [],
    load: row.loadResult ?? null,
    soak: row.soakResult ?? null,
  };
}

const json = (value: unknown) => (value === null ? PrismaNamespace.DbNull : (value as PrismaNamespace.InputJsonValue));

export class PrismaCertificationStore implements CertificationRunStore {
  constructor(private readonly prisma: Prisma) {}

  async operator(agentId: string): Promise<OperatorForCertification | null> {
    const row = await this.prisma.operator.findUnique({ where: { agentId } });
    if (!row) return null;
    return {
      id: row.id,
      agentId: row.agentId,
      callbackUrl: row.callbackUrl || null,
      scheme: row.callbackScheme,
      currencies: row.currencies.split(',').filter(Boolean),
      peakPerSecond: row.peakPerSecond,
    };
  }

  create(actor: string, run: NewRun): Promise<string> {
    return this.prisma.$transaction(async (tx) => {
      const row = await tx.certificationRun.create({
        data: {
          operatorId: run.operatorId,
          callbackUrl: run.callbackUrl,
          scheme: run.scheme,
          userId: run.userId,
          currency: run.currency,
          loadSeconds: run.loadSeconds,
          soakSeconds: run.soakSeconds,
          ratePerSecond: run.ratePerSecond,
        },
      });
      await recordAudit(tx, {
        actor,
        action: 'certification.run',
        targetType: 'operator',
        targetId: run.agentId,
        after: {
          id: row.id.toString(),
          callbackUrl: run.callbackUrl,
          scheme: run.scheme,
          userID: run.userId,
          currency: run.currency,
          loadSeconds: run.loadSeconds,
          soakSeconds: run.soakSeconds,
          ratePerSecond: run.ratePerSecond,
        },
      });
      return row.id.toString();
    });
  }

  async get(id: string): Promise<RunView | null> {
    const row = await this.prisma.certificationRun.findUnique({
      where: { id: BigInt(id) },
      include: { operator: { select: { agentId: true } } },
    });
    return row ? view(row) : null;
  }

  async list(filter: { agentId?: string; limit: number }): Promise<RunView[]> {
    const rows = await this.prisma.certificationRun.findMany({
      where: filter.agentId ? { operator: { agentId: filter.agentId } } : {},
      include: { operator: { select: { agentId: true } } },
      orderBy: { id: 'desc' },
      take: filter.limit,
    });
    return rows.map(view);
  }

  async finish(id: string, outcome: RunOutcome): Promise<void> {
    await this.prisma.certificationRun.updateMany({
      where: { id: BigInt(id), status: 'running' },
      data: {
        status: outcome.passed ? 'passed' : 'failed',
        checks: json(outcome.checks),
        loadResult: json(outcome.load),
        soakResult: json(outcome.soak),
        finishedAt: new Date(),
      },
    });
  }

  /** What the job needs to run it: the run, while it is still running. */
  async runnable(id: string): Promise<(RunView & { operatorId: number }) | null> {
    const row = await this.prisma.certificationRun.findUnique({
      where: { id: BigInt(id) },
      include: { operator: { select: { agentId: true } } },
    });
    return row && row.status === 'running' ? { ...view(row), operatorId: row.operatorId } : null;
  }
}
