/**
 * The tamper-evident audit chain (PROTOCOL §10): each entry's hash is SHA-256 (lowercase hex) of the
 * previous entry's hash, a newline, and the entry's canonical content, rendered as request bodies are
 * for signing (§3: sorted `key=value` joined by `&`, null fields left out). Pure: the database
 * adapter stores and reads, this decides what the hash is.
 */
import { createHash } from 'node:crypto';
import { canonicalString } from './signing';

/** The "previous hash" of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedContent {
  /** Decimal digits of the entry's id. */
  readonly id: string;
  readonly actor: string;
  readonly action: string;
  readonly targetType: string;
  readonly targetId: string;
  /** As stored: the JSON text of the before/after snapshots, or null (then left out of the content). */
  readonly before: string | null;
  readonly after: string | null;
  /** ISO 8601 in UTC with milliseconds (`Date#toISOString`, e.g. 2026-12-01T10:00:00.123Z). */
  readonly createdAt: string;
}

export function auditContent(entry: ChainedContent): string {
  return canonicalString({ ...entry });
}

export function auditEntryHash(previousHash: string, entry: ChainedContent): string {
  return createHash('sha256')
    .update(`${previousHash}\n${auditContent(entry)}`, 'utf8')
    .digest('hex');
}
