/**
 * The audit log: who changed what, when, with the before and after of the change. Written in the same
 * database transaction as the change itself, so there is no change without its entry. Secrets never
 * reach it: fields named like one are replaced before writing.
 */
import { Prisma } from '../../db/prismaClient';

type Db = Pick<Prisma, 'auditEntry'>;

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
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutUrlCredentials(v)]));
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

export async function recordAudit(db: Db, record: AuditRecord): Promise<void> {
  const serialize = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(redactSecrets(value)));
  await db.auditEntry.create({
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
}

/** Newest first: staff read an audit log from the latest change backwards. */
export async function listAudit(db: Db, beforeId: bigint | undefined, limit: number): Promise<{ entries: AuditEntryView[]; lastId: string | null; more: boolean }> {
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
    })),
    lastId: page.length ? page[page.length - 1]!.id.toString() : null,
    more: rows.length > limit,
  };
}
