/** Resolves the caller named in a signed request (operator or provider) with its secret. */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { WalletMode, walletModeOf } from '../domain/walletMode';
import { OperatorCaller, ProviderCaller } from '../app/callers';

export interface Credentialed<T> {
  readonly caller: T;
  readonly secretKey: string;
  readonly enabled: boolean;
}

export class MysqlCallerStore {
  constructor(private readonly pool: Pool) {}

  /** Where and how to call an operator's wallet (seamless mode). */
  async callbackTarget(id: number): Promise<{ agentId: string; callbackUrl: string; secretKey: string; saltKey: string; scheme: 'hmac' | 'md5' } | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT agent_id, callback_url, callback_scheme, secret_key, salt_key FROM operators WHERE id = ?',
      [id],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      agentId: row.agent_id as string,
      callbackUrl: (row.callback_url as string | null) ?? '',
      secretKey: row.secret_key as string,
      saltKey: row.salt_key as string,
      scheme: row.callback_scheme as 'hmac' | 'md5',
    };
  }

  /** The operator behind a launch session: its current mode and whether it is enabled. */
  async operatorById(id: number): Promise<{ mode: WalletMode; enabled: boolean } | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>('SELECT callback_url, enabled FROM operators WHERE id = ?', [id]);
    const row = rows[0];
    return row ? { mode: walletModeOf(row.callback_url as string | null), enabled: Boolean(row.enabled) } : null;
  }

  async findOperator(agentId: string): Promise<Credentialed<OperatorCaller> | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id, agent_id, currencies, secret_key, callback_url, callback_scheme, enabled FROM operators WHERE agent_id = ?',
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
      },
      secretKey: row.secret_key as string,
      enabled: Boolean(row.enabled),
    };
  }

  async findProvider(providerId: string): Promise<Credentialed<ProviderCaller> | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id, provider_id, secret_key, enabled FROM providers WHERE provider_id = ?',
      [providerId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      caller: { id: row.id as number, providerId: row.provider_id as string },
      secretKey: row.secret_key as string,
      enabled: Boolean(row.enabled),
    };
  }
}
