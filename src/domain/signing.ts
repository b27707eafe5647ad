/**
 * Request signing (PROTOCOL §3): HMAC-SHA-256 over the canonical string of a body's top-level fields.
 * Used to verify every platform and provider request and to sign our own `hmac` callbacks.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Every top-level field except `sign` and null-valued ones, sorted by key (byte order), `k=v` joined by `&`. */
export function canonicalString(body: Readonly<Record<string, unknown>>): string {
  const keys = Object.keys(body)
    .filter((key) => key !== 'sign' && body[key] !== null && body[key] !== undefined)
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return keys.map((key) => `${key}=${renderValue(body[key])}`).join('&');
}

export function computeSign(secretKey: string, body: Readonly<Record<string, unknown>>): string {
  return createHmac('sha256', secretKey).update(canonicalString(body)).digest('hex').toUpperCase();
}

/** Constant-time comparison of the body's `sign` with the one we compute. */
export function verifySign(secretKey: string, body: Readonly<Record<string, unknown>>): boolean {
  const given = body.sign;
  if (typeof given !== 'string' || given.length !== 64) return false;
  const expected = Buffer.from(computeSign(secretKey, body), 'utf8');
  const actual = Buffer.from(given.toUpperCase(), 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** Adds `timestamp` (when absent) and `sign` to a body; what a caller of our APIs does. */
export function signBody<T extends Record<string, unknown>>(
  secretKey: string,
  body: T,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): T & { timestamp: number; sign: string } {
  const withTimestamp = { timestamp: nowSeconds, ...body } as T & { timestamp: number };
  return { ...withTimestamp, sign: computeSign(secretKey, withTimestamp) };
}

export function isWithinWindow(timestampSeconds: number, nowMs: number, windowSeconds: number): boolean {
  return Math.abs(nowMs / 1000 - timestampSeconds) <= windowSeconds;
}
