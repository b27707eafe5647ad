/**
 * Callers' secrets at rest (PROTOCOL §10): AES-256-GCM under SECRETS_KEY, stored in the secret's own
 * column as `v1:<keyId>:<iv>:<tag>:<ciphertext>` (base64url parts). The key id travels with every
 * value, so a re-encryption that stopped halfway knows which values are done; the context (table,
 * column, caller id) is authenticated data, so a value copied onto another row or column does not open.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SecretKey {
  /** Names the key without revealing it: the first 12 hex digits of a hash of it. */
  readonly id: string;
  readonly key: Buffer;
}

export interface SecretKeyring {
  /** Seals every new value. */
  readonly current: SecretKey;
  /** Opens values sealed under an earlier key while a re-encryption is under way (never seals). */
  readonly decryptOnly: readonly SecretKey[];
}

export const SECRETS_KEY_BYTES = 32;
const VERSION = 'v1';
const IV_BYTES = 12;

export class UnreadableSecretError extends Error {
  override readonly name = 'UnreadableSecretError';
}

export function secretKeyOf(key: Buffer): SecretKey {
  if (key.length !== SECRETS_KEY_BYTES)
    throw new Error(`a secrets key is ${SECRETS_KEY_BYTES} bytes, got ${key.length}`);
  return { id: createHash('sha256').update('casino secrets key id\0').update(key).digest('hex').slice(0, 12), key };
}

export function keyringOf(current: Buffer, decryptOnly: readonly Buffer[] = []): SecretKeyring {
  return { current: secretKeyOf(current), decryptOnly: decryptOnly.map(secretKeyOf) };
}

export function sealSecret(ring: SecretKeyring, context: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', ring.current.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [
    VERSION,
    ring.current.id,
    iv.toString('base64url'),
    cipher.getAuthTag().toString('base64url'),
    ciphertext.toString('base64url'),
  ].join(':');
}

/** The id of the key a stored value is sealed under; null for a value stored before encryption (plaintext). */
export function sealedKeyId(stored: string): string | null {
  const parts = stored.split(':');
  return parts.length === 5 && parts[0] === VERSION ? parts[1]! : null;
}

/**
 * The plaintext of a stored value. A value without the envelope is one written before encryption
 * (the start-up pass seals those; see db/storedSecrets.ts) and is returned as it is.
 */
export function openSecret(ring: SecretKeyring, context: string, stored: string): string {
  const keyId = sealedKeyId(stored);
  if (keyId === null) return stored;
  const key = [ring.current, ...ring.decryptOnly].find((k) => k.id === keyId);
  if (!key)
    throw new UnreadableSecretError(
      `${context}: sealed under key ${keyId}, which is neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS`,
    );
  const [, , iv, tag, ciphertext] = stored.split(':') as [string, string, string, string, string];
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new UnreadableSecretError(
      `${context}: the sealed value does not authenticate (altered, or moved from another row)`,
    );
  }
}

/** Authenticated-data labels: one per stored secret. */
export const secretContext = {
  operatorSecret: (agentId: string) => `operators.secret_key:${agentId}`,
  operatorSalt: (agentId: string) => `operators.salt_key:${agentId}`,
  operatorPreviousSecret: (agentId: string) => `operators.previous_secret_key:${agentId}`,
  providerSecret: (providerId: string) => `providers.secret_key:${providerId}`,
  providerPreviousSecret: (providerId: string) => `providers.previous_secret_key:${providerId}`,
};
