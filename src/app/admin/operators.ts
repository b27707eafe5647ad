/** Operator management (PROTOCOL §8): create, update (including the mode switch), list, rotate secrets. */
import { retryOnWriteConflict } from '../../db/writeConflict';
import { randomBytes } from 'node:crypto';
import { Prisma } from '../../db/prismaClient';
import { FOLD_SETTLED_WITHDRAWS } from '../../db/seamlessStore';
import { Operator } from '../../generated/prisma/client';
import { ModeSwitchBlockers, WalletMode, judgeModeSwitch, walletModeOf } from '../../domain/walletMode';
import { AdminRefusal, conflict, notFound } from './adminErrors';
import { recordAudit } from './audit';
import { allowedIpsView, storedAllowedIps } from '../ipAllowList';
import { secretContext } from '../../domain/secretEnvelope';
import { sealStored } from '../../db/storedSecrets';
import { previousSecretExpiry, rotatedSecretColumns, withoutCredentials } from './callerSecrets';
import { CatalogueBlocks, NO_BLOCKS, blocksOf, resolveBlocks, writeBlocks } from './games';
import { OperatorStatus, operatorStatusOf } from '../../domain/operatorStatus';
import { Minor, toMajorNumber } from '../../domain/money';

export interface OperatorView {
  agentID: string;
  name: string;
  currencies: string[];
  callbackUrl: string | null;
  callbackScheme: 'hmac' | 'md5';
  enabled: boolean;
  mode: WalletMode;
  // ---- Security (PROTOCOL §10) ----
  allowedIps: string[];
  previousSecretExpiresAt: string | null;
  // ---- Go-live (PROTOCOL §11) ----
  status: OperatorStatus;
  feePercent: number;
  /** Base-currency major units the credit may fall below zero. */
  creditLimit: number;
  peakPerSecond: number;
  liveSince: string | null;
}

/** How go-live fields render: the base currency of creditLimit, the fee of rows stored without one. */
export interface GoLiveDefaults {
  readonly baseCurrency: string;
  readonly defaultFeePercent: string;
}
export const PROTOCOL_GO_LIVE_DEFAULTS: GoLiveDefaults = { baseCurrency: 'EUR', defaultFeePercent: '10' };

export function operatorView(row: Operator, defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS): OperatorView {
  return {
    agentID: row.agentId,
    name: row.name,
    currencies: row.currencies.split(',').filter(Boolean),
    callbackUrl: withoutCredentials(row.callbackUrl || null),
    callbackScheme: row.callbackScheme,
    enabled: row.enabled,
    mode: walletModeOf(row.callbackUrl),
    allowedIps: allowedIpsView(row.allowedIps),
    previousSecretExpiresAt: previousSecretExpiry(row.previousSecretExpiresAt),
    status: operatorStatusOf(row.status),
    feePercent: Number(row.feePercent ?? defaults.defaultFeePercent),
    creditLimit: toMajorNumber(row.creditLimitMinor as Minor, defaults.baseCurrency),
    peakPerSecond: row.peakPerSecond,
    liveSince: row.liveSince?.toISOString() ?? null,
  };
}

/** Go-live settings of operators/create|update (validated by the route; creditLimit in base minor units). */
export interface GoLiveSettingsInput {
  feePercent?: string;
  creditLimitMinor?: bigint;
  peakPerSecond?: number;
}

export const newSecret = () => randomBytes(32).toString('hex');
export const newSalt = () => randomBytes(16).toString('hex');

export interface CreateOperatorInput {
  agentID: string;
  name: string;
  currencies: string[];
  callbackUrl?: string | null;
  callbackScheme?: 'hmac' | 'md5';
  /** Canonical CIDRs (validated by the route). */
  allowedIps?: string[];
  blockedProviders?: string[];
  blockedGames?: number[];
}

/** The operator as operators/create|update|list answer it: with its catalogue blocks (PROTOCOL §14). */
export type OperatorWithBlocks = OperatorView & CatalogueBlocks;

export async function createOperator(
  prisma: Prisma,
  actor: string,
  input: CreateOperatorInput & GoLiveSettingsInput,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
) {
  return prisma.$transaction((tx) => createOperatorIn(tx, actor, input, defaults));
}

/** The same inside a caller's transaction (an approved application creates its operator atomically). */
export async function createOperatorIn(
  tx: Tx,
  actor: string,
  input: CreateOperatorInput & GoLiveSettingsInput,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
) {
  const secretKey = newSecret();
  const saltKey = newSalt();
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

export interface UpdateOperatorInput {
  agentID: string;
  name?: string;
  currencies?: string[];
  callbackUrl?: string | null;
  callbackScheme?: 'hmac' | 'md5';
  enabled?: boolean;
  allowedIps?: string[];
  /** Only back to the sandbox: going live is operators/go-live. */
  status?: 'sandbox';
  blockedProviders?: string[];
  blockedGames?: number[];
}

/** Galera's certification conflict (or a deadlock): the whole switch is run again. */
export function updateOperator(
  prisma: Prisma,
  actor: string,
  input: UpdateOperatorInput & GoLiveSettingsInput,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
): Promise<OperatorWithBlocks> {
  return retryOnWriteConflict(() => updateOperatorOnce(prisma, actor, input, defaults), 3);
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

export async function listOperators(
  prisma: Prisma,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
): Promise<OperatorWithBlocks[]> {
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
export async function rotateOperatorSecret(prisma: Prisma, actor: string, agentId: string, overlapSeconds: number) {
  const secretKey = newSecret();
  const saltKey = newSalt();
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
    return { agentID: agentId, secretKey, saltKey, previousSecretExpiresAt };
  });
}
