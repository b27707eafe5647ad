/**
 * Callers' secrets on the admin side (PROTOCOL §10): new ones are sealed before they are stored, and a
 * rotation keeps the one it replaces (sealed for its own column) for the overlap, so a caller can
 * switch to the new secret without a window of refused requests. Only one previous secret is kept.
 * The sealing itself is db/storedSecrets.ts (`rotatedSecretColumns`), where the process keyring is.
 */
import { withoutUrlCredentials } from './audit';

export const DEFAULT_OVERLAP_S = 3_600;
export const MAX_OVERLAP_S = 30 * 86_400;

/** What lists show: when the previous secret stops working, null when there is none (or it has ended). */
export function previousSecretExpiry(expiresAt: Date | null, now: Date = new Date()): string | null {
  return expiresAt && expiresAt.getTime() > now.getTime() ? expiresAt.toISOString() : null;
}

/** A URL's user and password are never shown (a URL stored before they were refused may carry them). */
export function withoutCredentials(url: string | null): string | null {
  return url ? (withoutUrlCredentials(url) as string) : url;
}
