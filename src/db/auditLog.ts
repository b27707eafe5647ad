/**
 * The audit chain in the database (PROTOCOL §10): `recordAudit` appends an entry inside the caller's
 * transaction. Appends from every process form one chain because each locks the chain head row
 * (FOR UPDATE) inside the writing transaction; the head also records the last id and hash, so removing
 * the newest entries is detected too. What is pure (redaction, the chained content) is app/admin/audit.ts.
 */
import { GENESIS_HASH, auditEntryHash } from '../domain/auditChain';
import {
  AuditRecord,
  AuditStore,
  AuditVerification,
  StoredAuditEntry,
  chainedContent,
  redactSecrets,
} from '../app/admin/audit';
import { Prisma } from './prismaClient';

/** Must be a transaction client (`prisma.$transaction(async (tx) => ...)`): the head lock lasts until COMMIT. */
export type AuditTx = Pick<Prisma, 'auditEntry' | 'auditChainHead' | '$queryRaw'>;

interface ChainHead {
  lastId: bigint;
  lastHash: string;
  legacyThrough: bigint;
}

async function lockChainHead(tx: AuditTx): Promise<ChainHead> {
  const rows = await tx.$queryRaw<{ last_id: bigint; last_hash: string; legacy_through: bigint }[]>`
    SELECT last_id, last_hash, legacy_through FROM audit_chain_head WHERE id = 1 FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new Error('audit_chain_head has no row: the migration that creates it did not run');
  return { lastId: BigInt(row.last_id), lastHash: row.last_hash, legacyThrough: BigInt(row.legacy_through) };
}

/**
 * Hashes the entries written before the chain existed (up to `legacy_through`, set by the migration),
 * once; later entries without a hash are never adopted, they stay visible as breaks.
 */
async function sealLegacy(tx: AuditTx, head: ChainHead): Promise<ChainHead> {
  if (head.legacyThrough <= head.lastId) return head;
  let { lastId, lastHash } = head;
  for (;;) {
    const rows = await tx.auditEntry.findMany({
      where: { id: { gt: lastId, lte: head.legacyThrough } },
      orderBy: { id: 'asc' },
      take: 500,
    });
    if (!rows.length) break;
    for (const row of rows) {
      lastHash = auditEntryHash(lastHash, chainedContent(row));
      lastId = row.id;
      await tx.auditEntry.update({ where: { id: row.id }, data: { hash: lastHash } });
    }
  }
  await tx.auditChainHead.update({ where: { id: 1 }, data: { lastId, lastHash, legacyThrough: 0n } });
  return { lastId, lastHash, legacyThrough: 0n };
}

export async function recordAudit(tx: AuditTx, record: AuditRecord): Promise<void> {
  const serialize = (value: unknown) =>
    value === undefined || value === null ? null : JSON.stringify(redactSecrets(value));
  const head = await sealLegacy(tx, await lockChainHead(tx));
  const row = await tx.auditEntry.create({
    data: {
      actor: record.actor,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId,
      before: serialize(record.before),
      after: serialize(record.after),
      createdAt: new Date(),
    },
  });
  const hash = auditEntryHash(head.lastHash, chainedContent(row));
  await tx.auditEntry.update({ where: { id: row.id }, data: { hash } });
  await tx.auditChainHead.update({ where: { id: 1 }, data: { lastId: row.id, lastHash: hash } });
}

export class PrismaAuditStore implements AuditStore {
  constructor(private readonly prisma: Prisma) {}

  async sealLegacy(): Promise<void> {
    await this.prisma.$transaction(async (tx) => sealLegacy(tx, await lockChainHead(tx)), { timeout: 120_000 });
  }

  newestFirst(beforeId: bigint | undefined, take: number): Promise<StoredAuditEntry[]> {
    return this.prisma.auditEntry.findMany({
      where: beforeId === undefined ? {} : { id: { lt: beforeId } },
      orderBy: { id: 'desc' },
      take,
    });
  }

  /** REPEATABLE READ: one consistent snapshot of the whole chain. */
  verify(): Promise<AuditVerification> {
    return this.prisma.$transaction(
      async (tx) => {
        const head = await tx.auditChainHead.findUnique({ where: { id: 1 } });
        let previous = GENESIS_HASH;
        let lastId = 0n;
        let entries = 0;
        let firstBrokenId: string | null = null;
        for (;;) {
          const rows = await tx.auditEntry.findMany({
            where: { id: { gt: lastId } },
            orderBy: { id: 'asc' },
            take: 1000,
          });
          if (!rows.length) break;
          for (const row of rows) {
            entries += 1;
            if (firstBrokenId === null && row.hash !== auditEntryHash(previous, chainedContent(row)))
              firstBrokenId = row.id.toString();
            previous = row.hash ?? '';
            lastId = row.id;
          }
        }
        if (
          firstBrokenId === null &&
          head &&
          (head.lastId !== lastId || head.lastHash !== (lastId === 0n ? GENESIS_HASH : previous))
        ) {
          // The newest entries were removed (or the head was edited): name the entry the head expects.
          firstBrokenId = head.lastId.toString();
        }
        return { ok: firstBrokenId === null, entries, firstBrokenId };
      },
      { isolationLevel: 'RepeatableRead', timeout: 120_000 },
    );
  }
}
