/**
 * Operators for the admin use cases (app/admin/operators.ts), over Prisma: create (also inside an
 * approved application's transaction), update with the mode switch, list, rotate secrets.
 */
import { ModeSwitchBlockers, judgeModeSwitch, walletModeOf } from '../domain/walletMode';
import { secretContext } from '../domain/secretEnvelope';
import { storedAllowedIps } from '../app/ipAllowList';
import { AdminRefusal, conflict, notFound } from '../app/admin/adminErrors';
import { NO_BLOCKS } from '../app/admin/games';
import {
  CreateOperatorInput,
  GoLiveDefaults,
  GoLiveSettingsInput,
  OperatorAdminStore,
  OperatorKeys,
  OperatorWithBlocks,
  PROTOCOL_GO_LIVE_DEFAULTS,
  UpdateOperatorInput,
  newSalt,
  newSecret,
  operatorView,
} from '../app/admin/operators';
import { recordAudit } from './auditLog';
import { blocksOf, resolveBlocks, writeBlocks } from './gameAdminStore';
import { Prisma } from './prismaClient';
import { FOLD_SETTLED_WITHDRAWS } from './seamlessStore';
import { rotatedSecretColumns, sealStored } from './storedSecrets';
import { retryOnWriteConflict } from './writeConflict';

export class PrismaOperatorAdminStore implements OperatorAdminStore {
  constructor(private readonly prisma: Prisma) {}

  async create(
    actor: string,
    input: CreateOperatorInput & GoLiveSettingsInput,
    keys: OperatorKeys,
    defaults: GoLiveDefaults,
  ): Promise<OperatorWithBlocks> {
    return (await this.prisma.$transaction((tx) => createOperatorIn(tx, actor, input, defaults, keys))).operator;
  }

  /** Galera's certification conflict (or a deadlock): the whole switch is run again. */
  update(
    actor: string,
    input: UpdateOperatorInput & GoLiveSettingsInput,
    defaults: GoLiveDefaults,
  ): Promise<OperatorWithBlocks> {
    return retryOnWriteConflict(() => updateOperatorOnce(this.prisma, actor, input, defaults), 3);
  }

  list(defaults: GoLiveDefaults): Promise<OperatorWithBlocks[]> {
    return listOperators(this.prisma, defaults);
  }

  rotateSecret(actor: string, agentId: string, overlapSeconds: number, keys: OperatorKeys) {
    return rotateOperatorSecret(this.prisma, actor, agentId, overlapSeconds, keys);
  }

  async internalId(agentId: string): Promise<number | null> {
    return (await this.prisma.operator.findUnique({ where: { agentId }, select: { id: true } }))?.id ?? null;
  }
}

/** The same inside a caller's transaction (an approved application creates its operator atomically). */
export async function createOperatorIn(
  tx: Tx,
  actor: string,
  input: CreateOperatorInput & GoLiveSettingsInput,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
  keys: OperatorKeys = { secretKey: newSecret(), saltKey: newSalt() },
) {
  const { secretKey, saltKey } = keys;
  const now = new Date();
  if (await tx.operator.findUnique({ where: { agentId: input.agentID } }))
    throw conflict(`operator ${input.agentID} already exists`);
  const row = await tx.operator.create({
    data: {
      agentId: input.agentID,
      name: input.name,
      currencies: [...new Set(input.currencies)].join(','),
      secretKey: sealStored(secretContext.operatorSecret(input.agentID), secretKey),
      saltKey: sealStored(secretContext.operatorSalt(input.agentID), saltKey),
      allowedIps: storedAllowedIps(input.allowedIps ?? []),
      callbackUrl: input.callbackUrl || null,
      callbackScheme: input.callbackScheme ?? 'hmac',
      enabled: true,
      feePercent: input.feePercent ?? defaults.defaultFeePercent,
      creditLimitMinor: input.creditLimitMinor ?? 0n,
      peakPerSecond: input.peakPerSecond ?? 10,
      createdAt: now,
      updatedAt: now,
    },
  });
  await writeBlocks(tx, row.id, await resolveBlocks(tx, input), now);
  const view: OperatorWithBlocks = {
    ...operatorView(row, defaults),
    ...((await blocksOf(tx, [row.id])).get(row.id) ?? NO_BLOCKS),
  };
  await recordAudit(tx, {
    actor,
    action: 'operators.create',
    targetType: 'operator',
    targetId: row.agentId,
    after: view,
  });
  return { operator: view, secretKey, saltKey };
}

function updateOperatorOnce(
  prisma: Prisma,
  actor: string,
  input: UpdateOperatorInput & GoLiveSettingsInput,
  defaults: GoLiveDefaults,
): Promise<OperatorWithBlocks> {
  return prisma.$transaction(async (tx) => {
    // The row lock serialises concurrent updates of one operator, so two switches cannot interleave;
    // and every money transaction holds this row shared from before its first write to its COMMIT
    // (db/walletStore.ts holdOperatorMode), so the counts below see every money call that got in
    // first, and the ones that did not read the new mode under that lock and refuse (12).
    const locked = await tx.$queryRaw<
      { id: number }[]
    >`SELECT id FROM operators WHERE agent_id = ${input.agentID} FOR UPDATE`;
    if (!locked[0]) throw notFound(`operator ${input.agentID}`);
    const before = await tx.operator.findUniqueOrThrow({ where: { agentId: input.agentID } });
    const blocks = await resolveBlocks(tx, input);
    const blocksBefore = (await blocksOf(tx, [before.id])).get(before.id) ?? NO_BLOCKS;
    const nextUrl = input.callbackUrl === undefined ? before.callbackUrl : input.callbackUrl || null;
    const from = walletModeOf(before.callbackUrl);
    const to = walletModeOf(nextUrl);
    if (from !== to) {
      const refusal = judgeModeSwitch(from, to, await countModeSwitchBlockers(tx, before.id));
      if (refusal) throw new AdminRefusal('conflict', refusal.code, refusal.message);
      if (to === 'seamless') await touchWallets(tx, before.id);
    }
    const row = await tx.operator.update({
      where: { id: before.id },
      data: {
        name: input.name,
        currencies: input.currencies ? [...new Set(input.currencies)].join(',') : undefined,
        callbackUrl: nextUrl,
        callbackScheme: input.callbackScheme,
        enabled: input.enabled,
        allowedIps: input.allowedIps === undefined ? undefined : storedAllowedIps(input.allowedIps),
        status: input.status,
        feePercent: input.feePercent,
        creditLimitMinor: input.creditLimitMinor,
        peakPerSecond: input.peakPerSecond,
        updatedAt: new Date(),
      },
    });
    await writeBlocks(tx, row.id, blocks, row.updatedAt);
    const after = { ...operatorView(row, defaults), ...((await blocksOf(tx, [row.id])).get(row.id) ?? NO_BLOCKS) };
    await recordAudit(tx, {
      actor,
      action: from !== to ? `operators.switch-to-${to}` : 'operators.update',
      targetType: 'operator',
      targetId: row.agentId,
      before: { ...operatorView(before, defaults), ...blocksBefore },
      after,
    });
    return after;
  });
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

/**
 * Writes every transfer wallet of the operator (all at zero, or the switch was refused). Row locks are
 * not replicated on a Galera cluster with several writers: a deposit on another node never waits for
 * this switch's lock. Writing the wallets makes the switch and any concurrent write of one of them
 * conflict at certification instead, so one of the two is rolled back and retried (the deposit reads
 * the new mode and refuses with 12; the switch counts the deposit and is refused). On one server the
 * operator lock already orders them, and no money transaction can hold a wallet lock while this
 * switch holds the operator row, so the update waits for nobody.
 */
async function touchWallets(tx: Tx, operatorId: number): Promise<void> {
  await tx.$executeRaw`UPDATE wallets SET updated_at = ${new Date()} WHERE operator_id = ${operatorId}`;
}

async function countModeSwitchBlockers(tx: Tx, operatorId: number): Promise<ModeSwitchBlockers> {
  const nonZeroWallets = await tx.wallet.count({ where: { operatorId, balanceMinor: { not: 0n } } });
  const openRounds = await tx.round.count({ where: { operatorId, status: 'open' } });
  // Parked deliveries are owed too: they must reach the operator before it leaves seamless mode. A
  // settled bet's Withdraw is not owed: fold those first, so only Withdraws in flight count.
  await tx.$executeRawUnsafe(FOLD_SETTLED_WITHDRAWS);
  const pendingDeliveries = await tx.callbackDelivery.count({
    where: {
      operatorId,
      OR: [
        { kind: { in: ['deposit', 'rollback'] }, status: { in: ['pending', 'failed'] } },
        { kind: 'withdraw', status: 'sending' },
      ],
    },
  });
  return { nonZeroWallets, openRounds, pendingDeliveries };
}

async function listOperators(prisma: Prisma, defaults: GoLiveDefaults): Promise<OperatorWithBlocks[]> {
  const rows = await prisma.operator.findMany({ orderBy: { id: 'asc' } });
  const blocks = await blocksOf(
    prisma,
    rows.map((r) => r.id),
  );
  return rows.map((row) => ({ ...operatorView(row, defaults), ...(blocks.get(row.id) ?? NO_BLOCKS) }));
}

/**
 * New secretKey and saltKey at once; the previous secretKey is still accepted on requests to us for
 * `overlapSeconds` (our callbacks use the new keys at once, so the previous saltKey is not kept).
 */
async function rotateOperatorSecret(
  prisma: Prisma,
  actor: string,
  agentId: string,
  overlapSeconds: number,
  { secretKey, saltKey }: OperatorKeys,
) {
  return prisma.$transaction(async (tx) => {
    // Locked: two rotations at once keep one previous secret, not a mix of both.
    const locked = await tx.$queryRaw<
      { id: number }[]
    >`SELECT id FROM operators WHERE agent_id = ${agentId} FOR UPDATE`;
    if (!locked[0]) throw notFound(`operator ${agentId}`);
    const row = await tx.operator.findUniqueOrThrow({ where: { agentId } });
    const now = new Date();
    const contexts = {
      secret: secretContext.operatorSecret(agentId),
      previous: secretContext.operatorPreviousSecret(agentId),
    };
    const columns = rotatedSecretColumns(contexts, row.secretKey, secretKey, overlapSeconds, now);
    await tx.operator.update({
      where: { id: row.id },
      data: { ...columns, saltKey: sealStored(secretContext.operatorSalt(agentId), saltKey), updatedAt: now },
    });
    const previousSecretExpiresAt = columns.previousSecretExpiresAt?.toISOString() ?? null;
    await recordAudit(tx, {
      actor,
      action: 'operators.rotate-secret',
      targetType: 'operator',
      targetId: agentId,
      // The audit says that the keys changed, never what they are.
      after: { secretKey: 'rotated', saltKey: 'rotated', overlapSeconds, overlapEndsAt: previousSecretExpiresAt },
    });
    return { previousSecretExpiresAt };
  });
}
