/**
 * One interface for calling an operator's wallet (PROTOCOL §6), whatever its scheme. Each scheme
 * (hmac/, md5/) renders the call its own way and validates the answer strictly: an answer that is not
 * what the scheme says is a failure, never a success.
 */
import { Minor } from '../domain/money';

export type WalletCallKind = 'balance' | 'withdraw' | 'deposit' | 'rollback';

export interface WalletCall {
  readonly kind: WalletCallKind;
  readonly userId: string;
  readonly currency: string;
  /** Withdraw, Deposit, Rollback only. */
  readonly amount?: Minor;
  /** Our platformTransactionID of what the call reports: stable across retries, so the operator de-duplicates. */
  readonly transactionId?: string;
  /** Deposit: our id of the Withdraw it pays, if any; Rollback: our id of the Withdraw it reverses. */
  readonly refTransactionId?: string | null;
  readonly roundId?: string | null;
  readonly gameId?: number | null;
  readonly freeSpinId?: string | null;
}

export interface OperatorTarget {
  readonly agentId: string;
  readonly callbackUrl: string;
  readonly secretKey: string;
  readonly saltKey: string;
}

export type WalletReply =
  | { readonly outcome: 'ok'; readonly balance: Minor | null }
  /** Withdraw refused for insufficient funds (code 7). */
  | { readonly outcome: 'insufficient'; readonly balance: Minor | null }
  /** The operator already has this transaction (code 11): counts as delivered. */
  | { readonly outcome: 'duplicate'; readonly balance: Minor | null }
  | { readonly outcome: 'failed'; readonly error: string };

export interface WalletCallbackScheme {
  readonly name: 'hmac' | 'md5';
  call(target: OperatorTarget, call: WalletCall, timeoutMs: number): Promise<WalletReply>;
}
