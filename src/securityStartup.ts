/**
 * The security steps of every start-up (API and worker processes), before anything is served:
 * the process's secrets keyring and callback URL policy from the configuration, the pass that seals
 * secrets still stored in plaintext (db/storedSecrets.ts), and the report of stored callback URLs that
 * break the rules (such URLs are not called: their deliveries stay owed and visible, see docs/SECURITY.md).
 */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { Logger } from 'pino';
import { withoutCredentials } from './app/admin/callerSecrets';
import { CallbackUrlPolicy, UrlRule, judgeCallbackUrl, useCallbackUrlPolicy } from './callbacks/callbackUrlPolicy';
import { Config } from './config';
import { sealStoredSecrets, useSecretsKeyring } from './db/storedSecrets';

const URL_REPORT_DEADLINE_MS = 5_000;

export interface BrokenCallbackUrl {
  readonly agentID: string;
  readonly rule: UrlRule;
  readonly message: string;
}

export async function applySecurityAtStartup(
  config: Config,
  pool: Pool,
  logger: Logger,
): Promise<{ brokenCallbackUrls: BrokenCallbackUrl[] }> {
  useSecretsKeyring(config.secretsKeyring);
  const policy: CallbackUrlPolicy = {
    production: config.nodeEnv === 'production',
    allowedHosts: config.callbackAllowedHosts,
  };
  useCallbackUrlPolicy(policy);
  if (config.secretsKeyIsDevelopment)
    logger.warn('SECRETS_KEY is not set: secrets are sealed with the public development key');
  const sealed = await sealStoredSecrets(pool, config.secretsKeyring, 'plaintext');
  if (sealed.sealed) logger.info({ values: sealed.sealed }, "sealed callers' secrets that were stored in plaintext");
  if (sealed.unreadable.length) {
    logger.error(
      { values: sealed.unreadable },
      'these stored secrets do not open with SECRETS_KEY (or SECRETS_KEY_PREVIOUS): their callers are refused until the right key is configured',
    );
  }
  const brokenCallbackUrls = await brokenStoredCallbackUrls(pool, policy);
  for (const broken of brokenCallbackUrls) {
    logger.warn(
      broken,
      'stored callback URL breaks the callback URL rules: it is not called (deliveries stay pending) until staff change it',
    );
  }
  return { brokenCallbackUrls };
}

export async function brokenStoredCallbackUrls(pool: Pool, policy: CallbackUrlPolicy): Promise<BrokenCallbackUrl[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT agent_id, callback_url FROM operators WHERE callback_url IS NOT NULL AND callback_url <> '' ORDER BY id",
  );
  const judged = Promise.all(
    rows.map(async (row) => {
      const verdict = await judgeCallbackUrl(row.callback_url as string, policy);
      return verdict.ok
        ? null
        : {
            agentID: row.agent_id as string,
            rule: verdict.rule,
            message: `${withoutCredentials(row.callback_url as string)}: ${verdict.message}`,
          };
    }),
  );
  // Resolving names must not hold start-up: what is not judged in time is still checked on every connection.
  const deadline = new Promise<null>((resolve) => setTimeout(() => resolve(null), URL_REPORT_DEADLINE_MS).unref());
  const result = await Promise.race([judged, deadline]);
  return (result ?? []).filter((entry): entry is BrokenCallbackUrl => entry !== null);
}
