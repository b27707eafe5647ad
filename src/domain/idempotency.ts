/**
 * Idempotency (PROTOCOL §4, §5): a transaction is identified by its caller and `transactionID`; the
 * database holds a unique index on that pair plus a hash of the request's meaningful fields. This
 * module decides what a repeat of a stored transaction means; the index decides that it is one.
 */
import { createHash } from 'node:crypto';

/** The fields that make two requests "the same transaction"; anything else (timestamp, sign) is not. */
export type MeaningfulFields = Readonly<Record<string, string | bigint | number | boolean | null>>;

/** SHA-256 over the fields in a fixed key order, so that a repeat can be compared without its body. */
export function requestHash(fields: MeaningfulFields): Buffer {
  const canonical = Object.keys(fields)
    .sort()
    .map((key) => {
      const value = fields[key];
      return `${key}=${value === null ? '\u0000' : String(value)}`;
    })
    .join('\u0001');
  return createHash('sha256').update(canonical).digest();
}

export type Repeat =
  /** Same content: answer with the original outcome (code 11, or the remembered refusal). */
  | 'replay'
  /** Same id, other content: code 13, nothing changes. */
  | 'conflict';

export function judgeRepeat(storedHash: Uint8Array, incomingHash: Uint8Array): Repeat {
  return Buffer.compare(Buffer.from(storedHash), Buffer.from(incomingHash)) === 0 ? 'replay' : 'conflict';
}
