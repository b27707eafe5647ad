/**
 * What the seamless use cases ask of an operator's wallet (PROTOCOL §6) and what they get back, whatever
 * the scheme: the port that src/callbacks implements (hmac/, md5/), so the use cases never see a transport.
 */
import { Minor } from '../../domain/money';

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

/**
 * What the transport saw, kept with each delivery attempt (PROTOCOL §14 rounds): the HTTP status when an
 * answer came, and the operator's `code` when the answer was a JSON object carrying an integer one.
 */
export interface ReplyDetail {
  readonly httpStatus?: number | null;
  readonly operatorCode?: number | null;
}

export type WalletReply = (
  | { readonly outcome: 'ok'; readonly balance: Minor | null }
  /** Withdraw refused for insufficient funds (code 7). */
  | { readonly outcome: 'insufficient'; readonly balance: Minor | null }
  /** The operator already has this transaction (code 11): counts as delivered. */
  | { readonly outcome: 'duplicate'; readonly balance: Minor | null }
  /**
   * `answered`: the operator answered as the scheme says, with a code that is a refusal (the wallet is
   * up, so the circuit breaker does not count it, PROTOCOL §6.3); otherwise a timeout, non-200 or garbage.
   */
  | { readonly outcome: 'failed'; readonly error: string; readonly answered?: boolean }
) &
  ReplyDetail;
