/** Resolves the caller named in a signed request (operator or provider) with its secret. */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { OperatorStatus, operatorStatusOf } from '../domain/operatorStatus';
import { WalletMode, walletModeOf } from '../domain/walletMode';
import { Credentialed, OperatorCaller, ProviderCaller } from '../app/callers';
import { allowListOf } from '../app/ipAllowList';
import { secretContext } from '../domain/secretEnvelope';
import { openStored, openStoredOrNull } from './storedSecrets';

function previousSecretOf(context: string, row: RowDataPacket): Credentialed<unknown>['previousSecret'] {
  const expiresAt = row.previous_secret_expires_at as Date | null;
  const secretKey = openStoredOrNull(context, row.previous_secret_key as string | null);
  return secretKey && expiresAt ? { secretKey, expiresAtMs: expiresAt.getTime() } : null;
}

export class MysqlCallerStore {
  constructor(private readonly pool: Pool) {}

  /** Where and how to call an operator's wallet (seamless mode). */
  async callbackTarget(id: number): Promise<{
    agentId: string;
    callbackUrl: string;
    secretKey: string;
    saltKey: string;
    scheme: 'hmac' | 'md5';
  } | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT agent_id, callback_url, callback_scheme, secret_key, salt_key FROM operators WHERE id = ?',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    const agentId = row.agent_id as string;
    return {
      agentId,
      callbackUrl: (row.callback_url as string | null) ?? '',
      secretKey: openStored(secretContext.operatorSecret(agentId), row.secret_key as string),
      saltKey: openStored(secretContext.operatorSalt(agentId), row.salt_key as string),
      scheme: row.callback_scheme as 'hmac' | 'md5',
    };
  }

  /** The operator behind a launch session: its current mode and whether it is enabled. */
  async operatorById(id: number): Promise<{ mode: WalletMode; enabled: boolean; status: OperatorStatus } | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT callback_url, enabled, status FROM operators WHERE id = ?',
      [id],
    );
    const row = rows[0];
    return row
      ? {
          mode: walletModeOf(row.callback_url as string | null),
          enabled: Boolean(row.enabled),
          status: operatorStatusOf(row.status as string),
        }
      : null;
  }

  async findOperator(agentId: string): Promise<Credentialed<OperatorCaller> | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id, agent_id, currencies, secret_key, previous_secret_key, previous_secret_expires_at, allowed_ips, callback_url, callback_scheme, enabled, status FROM operators WHERE agent_id = ?',
      [agentId],
    );
    const row = rows[0];
    if (!row) return null;
    const callbackUrl = (row.callback_url as string | null) || null;
    return {
      caller: {
        id: row.id as number,
        agentId: row.agent_id as string,
        currencies: new Set(String(row.currencies).split(',').filter(Boolean)),
        mode: walletModeOf(callbackUrl),
        callbackUrl,
        callbackScheme: row.callback_scheme as 'hmac' | 'md5',
        status: operatorStatusOf(row.status as string),
      },
      secretKey: openStored(secretContext.operatorSecret(row.agent_id as string), row.secret_key as string),
      previousSecret: previousSecretOf(secretContext.operatorPreviousSecret(row.agent_id as string), row),
      allowedIps: allowListOf(row.allowed_ips as string | null),
      enabled: Boolean(row.enabled),
    };
  }

  async findProvider(providerId: string): Promise<Credentialed<ProviderCaller> | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id, provider_id, secret_key, previous_secret_key, previous_secret_expires_at, allowed_ips, enabled FROM providers WHERE provider_id = ?',
      [providerId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      caller: { id: row.id as number, providerId: row.provider_id as string },
      secretKey: openStored(secretContext.providerSecret(row.provider_id as string), row.secret_key as string),
      previousSecret: previousSecretOf(secretContext.providerPreviousSecret(row.provider_id as string), row),
      allowedIps: allowListOf(row.allowed_ips as string | null),
      enabled: Boolean(row.enabled),
    };
  }
}
