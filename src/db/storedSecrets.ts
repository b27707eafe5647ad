/**
 * Where callers' secrets meet the database: the process's keyring (from SECRETS_KEY, set once at
 * start-up), and the pass that seals values still stored in plaintext or under an older key.
 *
 * The pass is safe with several processes at once and after a crash midway: each value says which key
 * sealed it (so a value already done is skipped), and each update is a compare-and-set on the value it
 * read (`WHERE col = <what I read>`), so of two processes sealing one value, one writes and the other
 * finds it changed and leaves it.
 */
import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { DEVELOPMENT_SECRETS_KEYRING } from '../config';
import { SecretKeyring, openSecret, sealSecret, sealedKeyId, secretContext } from '../domain/secretEnvelope';

let keyring: SecretKeyring = DEVELOPMENT_SECRETS_KEYRING;

/** Set by start-up from the configuration; every process of a deployment has the same keys. */
export function useSecretsKeyring(ring: SecretKeyring): void {
  keyring = ring;
}

export const sealStored = (context: string, plaintext: string): string => sealSecret(keyring, context, plaintext);
export const openStored = (context: string, stored: string): string => openSecret(keyring, context, stored);
export const openStoredOrNull = (context: string, stored: string | null | undefined): string | null =>
  stored ? openSecret(keyring, context, stored) : null;

export interface RotationContexts {
  readonly secret: string;
  readonly previous: string;
}

/** The columns a rotation writes: the new secret, and the old one until the overlap ends (or none). */
export function rotatedSecretColumns(
  contexts: RotationContexts,
  storedSecret: string,
  newSecret: string,
  overlapSeconds: number,
  now: Date,
) {
  const keepPrevious = overlapSeconds > 0;
  return {
    secretKey: sealStored(contexts.secret, newSecret),
    previousSecretKey: keepPrevious ? sealStored(contexts.previous, openStored(contexts.secret, storedSecret)) : null,
    previousSecretExpiresAt: keepPrevious ? new Date(now.getTime() + overlapSeconds * 1000) : null,
  };
}

interface SecretColumn {
  readonly table: 'operators' | 'providers';
  readonly idColumn: 'agent_id' | 'provider_id';
  readonly column: string;
  readonly context: (callerId: string) => string;
}

export const SECRET_COLUMNS: readonly SecretColumn[] = [
  { table: 'operators', idColumn: 'agent_id', column: 'secret_key', context: secretContext.operatorSecret },
  { table: 'operators', idColumn: 'agent_id', column: 'salt_key', context: secretContext.operatorSalt },
  {
    table: 'operators',
    idColumn: 'agent_id',
    column: 'previous_secret_key',
    context: secretContext.operatorPreviousSecret,
  },
  { table: 'providers', idColumn: 'provider_id', column: 'secret_key', context: secretContext.providerSecret },
  {
    table: 'providers',
    idColumn: 'provider_id',
    column: 'previous_secret_key',
    context: secretContext.providerPreviousSecret,
  },
];

export interface SealReport {
  /** Values written sealed under the current key by this pass. */
  readonly sealed: number;
  /** Values this keyring cannot open (sealed under an unknown key, or altered), by context. */
  readonly unreadable: string[];
}

/**
 * `plaintext`: seal only values stored before encryption (every start-up). `all`: also re-seal values
 * sealed under a decrypt-only key (`npm run secrets:rekey`).
 */
export async function sealStoredSecrets(
  pool: Pool,
  ring: SecretKeyring,
  scope: 'plaintext' | 'all',
): Promise<SealReport> {
  let sealed = 0;
  const unreadable: string[] = [];
  for (const { table, idColumn, column, context } of SECRET_COLUMNS) {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT id, ${idColumn} AS caller, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL AND ${column} <> ''`,
    );
    for (const row of rows) {
      const stored = row.value as string;
      const keyId = sealedKeyId(stored);
      if (keyId === ring.current.id || (scope === 'plaintext' && keyId !== null)) continue;
      const label = context(row.caller as string);
      let plaintext: string;
      try {
        plaintext = openSecret(ring, label, stored);
      } catch {
        unreadable.push(label);
        continue;
      }
      const [result] = await pool.query<ResultSetHeader>(
        `UPDATE ${table} SET ${column} = ? WHERE id = ? AND ${column} = ?`,
        [sealSecret(ring, label, plaintext), row.id, stored],
      );
      sealed += result.affectedRows;
    }
  }
  return { sealed, unreadable };
}
