/**
 * `npm run secrets:rekey`: re-seals every stored secret under SECRETS_KEY (the new key), opening what
 * is sealed under SECRETS_KEY_PREVIOUS (the old key) or still in plaintext. Each value carries the id
 * of its key, and each write is a compare-and-set on the value read, so the command is idempotent,
 * safe to run again after a crash midway, and safe beside running processes (docs/SECURITY.md gives
 * the order: processes first learn both keys, then this runs, then the old key is dropped).
 */
import { parseDatabaseUrl } from './db/databaseUrl';
import { createMysqlPool } from './db/mysqlPool';
import { SealReport, sealStoredSecrets } from './db/storedSecrets';
import { parseSecretsKey } from './config';
import { keyringOf } from './domain/secretEnvelope';

const DEFAULT_DATABASE_URL = 'mysql://root@127.0.0.1:3306/casino';

export async function rekeySecrets(env: NodeJS.ProcessEnv): Promise<SealReport & { keyId: string }> {
  const problems: string[] = [];
  if (!env.SECRETS_KEY) problems.push('SECRETS_KEY (the new key) is required');
  const current = env.SECRETS_KEY ? parseSecretsKey('SECRETS_KEY', env.SECRETS_KEY, problems) : null;
  const previous = env.SECRETS_KEY_PREVIOUS
    ? parseSecretsKey('SECRETS_KEY_PREVIOUS', env.SECRETS_KEY_PREVIOUS, problems)
    : null;
  if (problems.length || !current) throw new Error(problems.join('; '));
  const ring = keyringOf(current, previous ? [previous] : []);
  const pool = createMysqlPool(parseDatabaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL), 2);
  try {
    return { ...(await sealStoredSecrets(pool, ring, 'all')), keyId: ring.current.id };
  } finally {
    await pool.end();
  }
}

if (require.main === module) {
  rekeySecrets(process.env).then(
    (report) => {
      process.stdout.write(`re-sealed ${report.sealed} secret value(s) under key ${report.keyId}\n`);
      if (report.unreadable.length) {
        process.stderr.write(
          `these values open with neither key and were left as they are:\n  ${report.unreadable.join('\n  ')}\n`,
        );
        process.exit(2);
      }
    },
    (error: Error) => {
      process.stderr.write(`secrets:rekey failed: ${error.message}\n`);
      process.exit(1);
    },
  );
}
