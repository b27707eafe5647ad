/** The operator-wallet port: finds an operator's callback settings and calls its wallet with its scheme. */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { OperatorWalletPort } from '../app/seamless/seamlessStore';
import { callbackScheme } from './schemes';
import { WalletCall, WalletReply } from './walletCallback';

export type CallObserver = (scheme: 'hmac' | 'md5', call: WalletCall, reply: WalletReply, elapsedMs: number) => void;

export class OperatorWalletClient implements OperatorWalletPort {
  constructor(
    private readonly pool: Pool,
    private readonly observe: CallObserver = () => undefined,
  ) {}

  async call(operatorId: number, call: WalletCall, timeoutMs: number): Promise<WalletReply> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT agent_id, callback_url, callback_scheme, secret_key, salt_key FROM operators WHERE id = ?',
      [operatorId],
    );
    const row = rows[0];
    if (!row || !row.callback_url) return { outcome: 'failed', error: 'the operator has no callback URL (not in seamless mode)' };
    const scheme = callbackScheme(row.callback_scheme as 'hmac' | 'md5');
    const started = performance.now();
    const reply = await scheme.call(
      { agentId: row.agent_id as string, callbackUrl: row.callback_url as string, secretKey: row.secret_key as string, saltKey: row.salt_key as string },
      call,
      timeoutMs,
    );
    this.observe(scheme.name, call, reply, performance.now() - started);
    return reply;
  }
}
