/**
 * The audit log: who changed what, when, with the before and after of the change. Written in the same
 * database transaction as the change itself, so there is no change without its entry. Secrets never
 * reach it: fields named like one are replaced before writing.
 *
 * Tamper-evident (PROTOCOL §10): every entry carries a hash chained to the previous entry's. Appends
 * from every process form one chain because each locks the chain head row (FOR UPDATE) inside the
 * writing transaction; the head also records the last id and hash, so removing the newest entries
 * is detected too.
 */
import { Prisma } from '../../db/prismaClient';
import { ChainedContent, GENESIS_HASH, auditEntryHash } from '../../domain/auditChain';

type Db = Pick<Prisma, 'auditEntry'>;
/** Must be a transaction client (`prisma.$transaction(async (tx) => ...)`): the head lock lasts until COMMIT. */
export type AuditTx = Pick<Prisma, 'auditEntry' | 'auditChainHead' | '$queryRaw'>;

const SECRET_FIELDS = /secret|salt|password|token/i;

export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        SECRET_FIELDS.test(key) ? '[redacted]' : redactSecrets(inner),
      ]),
    );
  }
  return typeof value === 'bigint' ? value.toString() : value;
}

/** Every string that is a URL with a user or password loses them (`https://[redacted]@host/...`). */
export function withoutUrlCredentials(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#@\s]*@/i, '$1[redacted]@');
  if (Array.isArray(value)) return value.map(withoutUrlCredentials);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutUrlCredentials(v)]));
  return value;
}

export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

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

type StoredEntry = {
  id: bigint;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  before: string | null;
  after: string | null;
  createdAt: Date;
};

export function chainedContent(row: StoredEntry): ChainedContent {
  return {
    id: row.id.toString(),
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before,
    after: row.after,
    createdAt: row.createdAt.toISOString(),
  };
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

/** Start-up: chains the entries that predate the chain (a no-op once done). */
export async function sealLegacyAudit(prisma: Prisma): Promise<void> {
  await prisma.$transaction(async (tx) => sealLegacy(tx, await lockChainHead(tx)), { timeout: 120_000 });
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

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry whose hash does not follow from its predecessor's, or the id the head expects but is missing. */
  firstBrokenId: string | null;
}

/**
 * Recomputes the whole chain in one consistent snapshot (REPEATABLE READ), oldest first. An entry is
 * broken when its stored hash is not SHA-256(previous stored hash, its content): an edited entry
 * breaks itself, a deleted or inserted one breaks the next. The newest entry must be the head's.
 */
export async function verifyAudit(prisma: Prisma): Promise<AuditVerification> {
  return prisma.$transaction(
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

export interface AuditEntryView {
  id: string;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  createdAt: string;
  /** The chain hash (PROTOCOL §10); null only for an entry nobody chained (shown as a break by audit/verify). */
  hash: string | null;
}

/** Newest first: staff read an audit log from the latest change backwards. */
export async function listAudit(
  db: Db,
  beforeId: bigint | undefined,
  limit: number,
): Promise<{ entries: AuditEntryView[]; lastId: string | null; more: boolean }> {
  const rows = await db.auditEntry.findMany({
    where: beforeId === undefined ? {} : { id: { lt: beforeId } },
    orderBy: { id: 'desc' },
    take: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    entries: page.map((row) => ({
      id: row.id.toString(),
      actor: row.actor,
      action: row.action,
      targetType: row.targetType,
      targetId: row.targetId,
      // Entries written before URL credentials were refused may hold some: never shown (PROTOCOL §10).
      before: row.before === null ? null : withoutUrlCredentials(JSON.parse(row.before)),
      after: row.after === null ? null : withoutUrlCredentials(JSON.parse(row.after)),
      createdAt: row.createdAt.toISOString(),
      hash: row.hash,
    })),
    lastId: page.length ? page[page.length - 1]!.id.toString() : null,
    more: rows.length > limit,
  };
}
