/**
 * One interface for calling an operator's wallet (PROTOCOL §6), whatever its scheme. Each scheme
 * (hmac/, md5/) renders the call its own way and validates the answer strictly: an answer that is not
 * what the scheme says is a failure, never a success.
 */
import { ReplyDetail, WalletCall, WalletReply } from '../app/seamless/walletPort';

// The call and reply types are the use cases' port (app/seamless/walletPort.ts); re-exported for the schemes.
export type { ReplyDetail, WalletCall, WalletCallKind, WalletReply } from '../app/seamless/walletPort';

export interface OperatorTarget {
  readonly agentId: string;
  readonly callbackUrl: string;
  readonly secretKey: string;
  readonly saltKey: string;
}

/** The HTTP status and operator code of an answer, whatever the scheme made of it. */
export function replyDetail(status: number | undefined, body: unknown): ReplyDetail {
  const code = typeof body === 'object' && body !== null ? (body as { code?: unknown }).code : undefined;
  return {
    httpStatus: status ?? null,
    operatorCode: typeof code === 'number' && Number.isInteger(code) ? code : null,
  };
}

export interface WalletCallbackScheme {
  readonly name: 'hmac' | 'md5';
  call(target: OperatorTarget, call: WalletCall, timeoutMs: number): Promise<WalletReply>;
}
