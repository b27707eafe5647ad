/**
 * Go-live, prepaid credit and fees (PROTOCOL §11) over Prisma: every write in one interactive
 * transaction with its audit entry. Credit moves hold the operator's credit row lock (created on first
 * use), so entries of one operator are serialised and each balance-after follows the previous one.
 */
import { assertCreditMove } from '../domain/credit';
import { assertInvariant } from '../domain/wallet';
import { judgeRepeat } from '../domain/idempotency';
import { walletModeOf } from '../domain/walletMode';
import { recordAudit } from './auditLog';
import { GoLiveDefaults, OperatorView, operatorView } from '../app/admin/operators';
import { createOperatorIn } from './operatorAdminStore';
import {
  ApplicationInput,
  ApplicationStatus,
  ApplicationStore,
  ApplicationView,
  Decision,
  DecisionOutcome,
} from '../app/onboarding/applications';
import { newPlatformTransactionId } from '../domain/platformIds';
import { GoLiveOutcome, GoLiveReadings, GoLiveStore } from '../app/admin/goLive';
import { CreditEntry, CreditMovement, CreditOutcome, CreditStanding, CreditStore } from '../app/credit/creditStore';
import { BillableOperator, BillingStore, DayFigures, StoredBill } from '../app/billing/billingStore';
import { Prisma } from './prismaClient';
import { isWriteConflict } from './writeConflict';

/** Deadlocks and lock-wait timeouts as Prisma's raw queries report them (P2010 with the errno) too. */
function isConflict(error: unknown): boolean {
  if (isWriteConflict(error)) return true;
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } })?.meta
    ?.driverAdapterError?.cause?.originalCode;
  return cause === '1213' || cause === '1205';
}

async function retryOnWriteConflict<T>(work: () => Promise<T>, attempts: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isConflict(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1_000, 50 * 2 ** attempt)));
    }
  }
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

interface EntryRow {
  id: bigint;
  kind: CreditEntry['kind'];
  amount_minor: bigint;
  balance_after_minor: bigint;
  reference: string | null;
  reason: string | null;
  day: Date | null;
  request_hash: Uint8Array | null;
  created_at: Date;
}

const ENTRY_COLUMNS = 'id, kind, amount_minor, balance_after_minor, reference, reason, day, request_hash, created_at';

function entryOf(row: EntryRow): CreditEntry {
  return {
    id: BigInt(row.id),
    kind: row.kind,
    amountMinor: BigInt(row.amount_minor),
    balanceAfterMinor: BigInt(row.balance_after_minor),
    reference: row.reference,
    reason: row.reason,
    day: row.day ? row.day.toISOString().slice(0, 10) : null,
    createdAt: row.created_at,
  };
}

const dayDate = (day: string) => new Date(`${day}T00:00:00.000Z`);

/** The credit row locked (made on first use); its balance. */
async function lockCredit(tx: Tx, operatorId: number): Promise<bigint> {
  // ON DUPLICATE KEY takes the row's exclusive lock at once (INSERT IGNORE would take a shared one that
  // the FOR UPDATE below must upgrade: two first top-ups at once would deadlock).
  await tx.$executeRaw`INSERT INTO operator_credit (operator_id, balance_minor, updated_at)
    VALUES (${operatorId}, 0, ${new Date()}) ON DUPLICATE KEY UPDATE operator_id = operator_id`;
  const rows = await tx.$queryRaw<
    { balance_minor: bigint }[]
  >`SELECT balance_minor FROM operator_credit WHERE operator_id = ${operatorId} FOR UPDATE`;
  return BigInt(rows[0]!.balance_minor);
}

/** Appends an entry and moves the locked credit row to its balance-after. */
async function appendEntry(
  tx: Tx,
  operatorId: number,
  entry: Omit<CreditEntry, 'id' | 'balanceAfterMinor' | 'createdAt'> & { requestHash: Buffer | null; actor: string },
): Promise<CreditEntry> {
  const before = await lockCredit(tx, operatorId);
  const after = before + entry.amountMinor;
  assertCreditMove(entry.kind, before, entry.amountMinor, after);
  const now = new Date();
  await tx.$executeRaw`INSERT INTO credit_entries
      (operator_id, kind, amount_minor, balance_after_minor, reference, reason, day, request_hash, actor, created_at)
    VALUES (${operatorId}, ${entry.kind}, ${entry.amountMinor}, ${after}, ${entry.reference}, ${entry.reason},
            ${entry.day ? dayDate(entry.day) : null}, ${entry.requestHash}, ${entry.actor}, ${now})`;
  const inserted = await tx.$queryRaw<{ id: bigint }[]>`SELECT LAST_INSERT_ID() AS id`;
  const id = inserted[0]!.id;
  const moved = await tx.$executeRaw`UPDATE operator_credit SET balance_minor = ${after}, updated_at = ${now}
     WHERE operator_id = ${operatorId} AND balance_minor = ${before}`;
  // The row is locked: anything but one row moved from `before` is a broken invariant, not a race.
  assertInvariant(moved === 1, `credit of operator ${operatorId} moved under its lock`);
  return { ...entry, id: BigInt(id), balanceAfterMinor: after, createdAt: now };
}

export class PrismaGoLiveStore implements CreditStore, BillingStore, GoLiveStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly defaults: GoLiveDefaults,
  ) {}

  private async operatorId(tx: Pick<Prisma, '$queryRaw'>, agentId: string): Promise<number | null> {
    const rows = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM operators WHERE agent_id = ${agentId}`;
    return rows[0]?.id ?? null;
  }

  recordMovement(movement: CreditMovement): Promise<CreditOutcome> {
    return retryOnWriteConflict(() => this.recordMovementOnce(movement), 8);
  }

  private recordMovementOnce(movement: CreditMovement): Promise<CreditOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const operatorId = await this.operatorId(tx, movement.agentId);
      if (operatorId === null) return { outcome: 'unknown-operator' as const };
      // The credit lock first, then the reference: a twin in flight is committed (or not) by then.
      await lockCredit(tx, operatorId);
      const found = await tx.$queryRawUnsafe<EntryRow[]>(
        `SELECT ${ENTRY_COLUMNS} FROM credit_entries WHERE operator_id = ? AND reference = ? FOR UPDATE`,
        operatorId,
        movement.reference,
      );
      if (found[0]) {
        const kindMatches = found[0].kind === movement.kind;
        const same = kindMatches && judgeRepeat(found[0].request_hash ?? new Uint8Array(), movement.requestHash);
        return { outcome: same === 'replay' ? ('replay' as const) : ('conflict' as const), entry: entryOf(found[0]) };
      }
      const entry = await appendEntry(tx, operatorId, {
        kind: movement.kind,
        amountMinor: movement.amountMinor,
        reference: movement.reference,
        reason: movement.reason,
        day: null,
        requestHash: movement.requestHash,
        actor: movement.actor,
      });
      await recordAudit(tx, {
        actor: movement.actor,
        action: `credit.${movement.kind}`,
        targetType: 'operator',
        targetId: movement.agentId,
        after: {
          entryId: entry.id.toString(),
          amountMinor: entry.amountMinor.toString(),
          balanceAfterMinor: entry.balanceAfterMinor.toString(),
          reference: entry.reference,
          reason: entry.reason,
        },
      });
      return { outcome: 'applied' as const, entry };
    });
  }

  async history(agentId: string, afterId: bigint | null, limit: number) {
    const operatorId = await this.operatorId(this.prisma, agentId);
    if (operatorId === null) return null;
    const rows = await this.prisma.$queryRawUnsafe<EntryRow[]>(
      `SELECT ${ENTRY_COLUMNS} FROM credit_entries WHERE operator_id = ? AND id > ? ORDER BY id LIMIT ?`,
      operatorId,
      afterId ?? 0n,
      limit,
    );
    return { entries: rows.map(entryOf) };
  }

  async standing(agentId: string): Promise<CreditStanding | null> {
    const rows = await this.prisma.$queryRaw<
      { id: number; balance: bigint | null; credit_limit_minor: bigint; fee_percent: unknown }[]
    >`
      SELECT o.id, c.balance_minor AS balance, o.credit_limit_minor, o.fee_percent
        FROM operators o LEFT JOIN operator_credit c ON c.operator_id = o.id WHERE o.agent_id = ${agentId}`;
    const row = rows[0];
    if (!row) return null;
    return {
      operatorId: row.id,
      balanceMinor: BigInt(row.balance ?? 0n),
      creditLimitMinor: BigInt(row.credit_limit_minor),
      feePercent: row.fee_percent === null ? null : String(row.fee_percent),
    };
  }

  // ---------------------------------------------------------------- go-live

  goLive(agentId: string, actor: string, judge: (readings: GoLiveReadings) => string[]): Promise<GoLiveOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<
        { id: number }[]
      >`SELECT id FROM operators WHERE agent_id = ${agentId} FOR UPDATE`;
      if (!locked[0]) return { outcome: 'unknown-operator' as const };
      const before = await tx.operator.findUniqueOrThrow({ where: { id: locked[0].id } });
      if (before.status === 'live')
        return { outcome: 'live' as const, operator: operatorView(before, this.defaults), changed: false };
      const credit = await tx.$queryRaw<
        { balance_minor: bigint }[]
      >`SELECT balance_minor FROM operator_credit WHERE operator_id = ${before.id} LOCK IN SHARE MODE`;
      const runs = await tx.certificationRun.findMany({
        where: { operatorId: before.id, status: 'passed', finishedAt: { not: null } },
        orderBy: { finishedAt: 'desc' },
        take: 20,
      });
      const unmet = judge({
        mode: walletModeOf(before.callbackUrl),
        callbackUrl: before.callbackUrl,
        scheme: before.callbackScheme,
        creditMinor: BigInt(credit[0]?.balance_minor ?? 0n),
        passedRuns: runs.map((run) => ({
          callbackUrl: run.callbackUrl,
          scheme: run.scheme,
          finishedAt: run.finishedAt!,
        })),
      });
      if (unmet.length) return { outcome: 'refused' as const, unmet };
      const row = await tx.operator.update({
        where: { id: before.id },
        data: { status: 'live', liveSince: new Date(), updatedAt: new Date() },
      });
      const after = operatorView(row, this.defaults);
      await recordAudit(tx, {
        actor,
        action: 'operators.go-live',
        targetType: 'operator',
        targetId: agentId,
        before: operatorView(before, this.defaults),
        after,
      });
      return { outcome: 'live' as const, operator: after, changed: true };
    });
  }

  // ---------------------------------------------------------------- billing

  async liveOperators(): Promise<BillableOperator[]> {
    const rows = await this.prisma.$queryRaw<
      { id: number; agent_id: string; fee_percent: unknown; live_since: Date | null }[]
    >`SELECT id, agent_id, fee_percent, live_since FROM operators WHERE status = 'live' ORDER BY id`;
    return rows.map((row) => ({
      id: row.id,
      agentId: row.agent_id,
      feePercent: row.fee_percent === null ? null : String(row.fee_percent),
      liveSinceDay: (row.live_since ?? new Date(0)).toISOString().slice(0, 10),
    }));
  }

  async dayFigures(operatorId: number, day: string): Promise<DayFigures> {
    const from = dayDate(day);
    const to = new Date(from.getTime() + 86_400_000);
    // Exact DECIMAL sums, read as text (never through a double).
    const currencies = await this.prisma.$queryRaw<
      { currency: string; bets: string; rollbacks: string; wins: string; missing: unknown }[]
    >`
      SELECT currency, CAST(SUM(bets_base) AS CHAR) AS bets, CAST(SUM(rollbacks_base) AS CHAR) AS rollbacks,
             CAST(SUM(wins_base) AS CHAR) AS wins, CAST(SUM(missing_rates) AS SIGNED) AS missing
        FROM ggr_daily
       WHERE operator_id = ${operatorId} AND day = ${from} AND sandbox = FALSE
       GROUP BY currency ORDER BY currency`;
    // Through the feed_seq index's NULL entries (the few rows the sequencer has not reached), then the day.
    const unfolded = await this.prisma.$queryRaw<{ n: unknown }[]>`
      SELECT COUNT(*) AS n FROM transactions
       WHERE feed_seq IS NULL AND operator_id = ${operatorId} AND origin = 'provider'
         AND created_at >= ${from} AND created_at < ${to}`;
    return {
      currencies: currencies.map((row) => ({
        currency: row.currency,
        betsBase: row.bets,
        rollbacksBase: row.rollbacks,
        winsBase: row.wins,
        missingRates: Number(row.missing),
      })),
      unfolded: Number(unfolded[0]!.n),
    };
  }

  async bills(day: string): Promise<StoredBill[]> {
    const rows = await this.prisma.$queryRaw<
      {
        operator_id: number;
        agent_id: string;
        currency: string;
        ggr_minor: bigint;
        fee_percent: unknown;
        fee_minor: bigint;
      }[]
    >`SELECT b.operator_id, o.agent_id, b.currency, b.ggr_minor, b.fee_percent, b.fee_minor
        FROM billing_fees b JOIN operators o ON o.id = b.operator_id WHERE b.day = ${dayDate(day)} ORDER BY b.operator_id`;
    return rows.map((row) => ({
      operatorId: row.operator_id,
      agentId: row.agent_id,
      day,
      currency: row.currency,
      ggrMinor: BigInt(row.ggr_minor),
      ggrExact: null,
      feePercent: String(row.fee_percent),
      feeMinor: BigInt(row.fee_minor),
    }));
  }

  async billedDays(operatorId: number, fromDay: string): Promise<Set<string>> {
    const rows = await this.prisma.$queryRaw<
      { day: Date }[]
    >`SELECT day FROM billing_fees WHERE operator_id = ${operatorId} AND day >= ${dayDate(fromDay)}`;
    return new Set(rows.map((row) => row.day.toISOString().slice(0, 10)));
  }

  async storeBill(bill: StoredBill): Promise<'stored' | 'exists'> {
    try {
      return await retryOnWriteConflict(() => this.storeBillOnce(bill), 8);
    } catch (error) {
      // The claim's primary key: another process stored this operator's day first.
      if (isDuplicateKey(error)) return 'exists';
      throw error;
    }
  }

  private storeBillOnce(bill: StoredBill): Promise<'stored' | 'exists'> {
    return this.prisma.$transaction(async (tx) => {
      // The claim first: a twin blocks here on the key until we commit, then fails on it.
      await tx.$executeRaw`INSERT INTO billing_fees (operator_id, day, currency, ggr_minor, fee_percent, fee_minor, created_at)
        VALUES (${bill.operatorId}, ${dayDate(bill.day)}, ${bill.currency}, ${bill.ggrMinor}, ${bill.feePercent},
                ${bill.feeMinor}, ${new Date()})`;
      if (bill.feeMinor > 0n) {
        const entry = await appendEntry(tx, bill.operatorId, {
          kind: 'fee',
          amountMinor: -bill.feeMinor,
          reference: null,
          reason: `${bill.feePercent}% of GGR ${bill.ggrExact ?? `${bill.ggrMinor} minor units`} ${bill.currency} on ${bill.day}`,
          day: bill.day,
          requestHash: null,
          actor: 'billing',
        });
        await tx.$executeRaw`UPDATE billing_fees SET credit_entry_id = ${entry.id}
          WHERE operator_id = ${bill.operatorId} AND day = ${dayDate(bill.day)}`;
      }
      return 'stored' as const;
    });
  }
}

function isDuplicateKey(error: unknown): boolean {
  const text = `${(error as { code?: unknown })?.code ?? ''} ${(error as Error)?.message ?? ''}`;
  return /P2002|1062|Duplicate entry/i.test(text);
}

// ---------------------------------------------------------------- applications

interface ApplicationRow {
  id: bigint;
  applicationId: string;
  company: string;
  contactEmail: string;
  website: string | null;
  walletMode: 'transfer' | 'seamless';
  currencies: string;
  peakPerSecond: number | null;
  clientAddress: string;
  status: ApplicationStatus;
  agentId: string | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

function applicationView(row: ApplicationRow): ApplicationView {
  return {
    applicationID: row.applicationId,
    company: row.company,
    contactEmail: row.contactEmail,
    website: row.website,
    walletMode: row.walletMode,
    currencies: row.currencies.split(',').filter(Boolean),
    peakPerSecond: row.peakPerSecond,
    clientAddress: row.clientAddress,
    status: row.status,
    agentID: row.agentId,
    reason: row.reason,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export class PrismaApplicationStore implements ApplicationStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly defaults: GoLiveDefaults,
  ) {}

  async submit(input: ApplicationInput): Promise<ApplicationView> {
    const row = await this.prisma.operatorApplication.create({
      data: {
        applicationId: newPlatformTransactionId(),
        company: input.company,
        contactEmail: input.contactEmail,
        website: input.website,
        walletMode: input.walletMode,
        currencies: [...new Set(input.currencies)].join(','),
        peakPerSecond: input.peakPerSecond,
        clientAddress: input.clientAddress,
        createdAt: new Date(),
      },
    });
    return applicationView(row);
  }

  async list(status: ApplicationStatus | undefined, afterId: bigint | null, limit: number) {
    const rows = await this.prisma.operatorApplication.findMany({
      where: { status, id: afterId === null ? undefined : { lt: afterId } },
      orderBy: { id: 'desc' },
      take: limit,
    });
    return rows.map((row) => ({ id: row.id, application: applicationView(row) }));
  }

  decide(applicationId: string, decision: Decision, actor: string): Promise<DecisionOutcome> {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<
        { id: bigint }[]
      >`SELECT id FROM operator_applications WHERE application_id = ${applicationId} FOR UPDATE`;
      if (!locked[0]) return { outcome: 'unknown' as const };
      const before = await tx.operatorApplication.findUniqueOrThrow({ where: { id: locked[0].id } });
      if (before.status !== 'pending') return { outcome: 'already-decided' as const, status: before.status };
      let created: { operator: OperatorView; secretKey: string; saltKey: string } | undefined;
      if (decision.kind === 'approve') {
        created = await createOperatorIn(
          tx,
          actor,
          {
            agentID: decision.agentId,
            name: before.company,
            currencies: before.currencies.split(',').filter(Boolean),
            peakPerSecond: before.peakPerSecond ?? undefined,
          },
          this.defaults,
        );
      }
      const row = await tx.operatorApplication.update({
        where: { id: before.id },
        data: {
          status: decision.kind === 'approve' ? 'approved' : 'rejected',
          agentId: decision.kind === 'approve' ? decision.agentId : null,
          reason: decision.kind === 'reject' ? decision.reason : null,
          decidedBy: actor,
          decidedAt: new Date(),
        },
      });
      const after = applicationView(row);
      await recordAudit(tx, {
        actor,
        action: decision.kind === 'approve' ? 'applications.approve' : 'applications.reject',
        targetType: 'application',
        targetId: applicationId,
        before: applicationView(before),
        after,
      });
      return { outcome: 'decided' as const, application: after, created };
    });
  }
}
