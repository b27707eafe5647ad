/**
 * The audit log: who changed what, when, with the before and after of the change. Written in the same
 * database transaction as the change itself, so there is no change without its entry. Secrets never
 * reach it: fields named like one are replaced before writing.
 *
 * Tamper-evident (PROTOCOL §10): every entry carries a hash chained to the previous entry's. Appends
 * from every process form one chain because each locks the chain head row (FOR UPDATE) inside the
 * writing transaction; the head also records the last id and hash, so removing the newest entries
 * is detected too. The chain is kept by db/auditLog.ts (`recordAudit`, inside each change's transaction);
 * this module holds what is pure: redaction, the chained content of an entry, and the list's rendering.
 */
import { ChainedContent } from '../../domain/auditChain';

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

export interface AuditRecord {
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

/** An entry as stored. */
export interface StoredAuditEntry {
  id: bigint;
  actor: string;
  action: string;
  targetType: string;
  targetId: string;
  before: string | null;
  after: string | null;
  createdAt: Date;
  hash: string | null;
}

export function chainedContent(row: Omit<StoredAuditEntry, 'hash'>): ChainedContent {
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

export interface AuditVerification {
  ok: boolean;
  entries: number;
  /** The first entry whose hash does not follow from its predecessor's, or the id the head expects but is missing. */
  firstBrokenId: string | null;
}

/** What the audit use cases read; implemented by db/auditLog.ts. */
export interface AuditStore {
  /** Start-up: chains the entries that predate the chain (a no-op once done). */
  sealLegacy(): Promise<void>;
  /**
   * Recomputes the whole chain in one consistent snapshot, oldest first. An entry is broken when its
   * stored hash is not SHA-256(previous stored hash, its content): an edited entry breaks itself, a
   * deleted or inserted one breaks the next. The newest entry must be the head's.
   */
  verify(): Promise<AuditVerification>;
  /** Up to `take` entries older than `beforeId` (all when undefined), newest first. */
  newestFirst(beforeId: bigint | undefined, take: number): Promise<StoredAuditEntry[]>;
}

export const sealLegacyAudit = (store: AuditStore): Promise<void> => store.sealLegacy();
export const verifyAudit = (store: AuditStore): Promise<AuditVerification> => store.verify();

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
  store: AuditStore,
  beforeId: bigint | undefined,
  limit: number,
): Promise<{ entries: AuditEntryView[]; lastId: string | null; more: boolean }> {
  const rows = await store.newestFirst(beforeId, limit + 1);
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
