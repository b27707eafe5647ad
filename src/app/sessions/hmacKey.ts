/**
 * The JWT secret as a KeyObject, made once per secret. Given a plain string, jsonwebtoken first tries to
 * parse it as a public key on every verify (crypto.createPublicKey, which fails): profiled at about a
 * fifth of a provider call's CPU. A secret KeyObject skips that.
 */
import { KeyObject, createSecretKey } from 'node:crypto';

const keys = new Map<string, KeyObject>();

export function hmacKey(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    keys.set(secret, key);
  }
  return key;
}
