/**
 * Persistence the seamless use cases need: the ledger scope of transfer mode (rounds, references,
 * free spins, ledger rows), a player lock in place of a wallet lock, and the outbox of callbacks.
 */
import { Minor } from '../../domain/money';
import { WalletMode } from '../../domain/walletMode';
import { ProviderLedgerScope, RoundKey } from '../provider/providerLedgerStore';
import { StoredTransaction, TransactionOrigin } from '../wallet/walletStore';

export type DeliveryKind = 'withdraw' | 'deposit' | 'rollback';
import { DeliveryStatus } from '../../domain/delivery';

export type { DeliveryStatus };

/** What a callback says besides who and when: stored with the delivery so every retry sends the same. */
export interface DeliveryPayload {
  readonly userId: string;
  readonly currency: string;
  readonly amount: string;
  readonly refTransactionId: string | null;
  readonly roundId: string | null;
  readonly gameId: number | null;
  readonly freeSpinId: string | null;
  /** Withdraw attempts: the bet's request hash (hex), so a sweeper can write its ledger row. */
  readonly requestHash?: string;
}

export interface Delivery {
  readonly id: string;
  readonly operatorId: number;
  readonly kind: DeliveryKind;
  readonly platformTransactionId: string;
  readonly providerId: number | null;
  readonly transactionId: string | null;
  readonly payload: DeliveryPayload;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly lastError: string | null;
  readonly nextAttemptAt: Date | null;
  readonly operatorBalance: Minor | null;
  readonly createdAt: Date;
}

/** What a Withdraw attempt is, enough to record its outcome (db row id not needed). */
export type WithdrawAttempt = Pick<
  Delivery,
  'operatorId' | 'platformTransactionId' | 'providerId' | 'transactionId' | 'payload'
>;

/** A delivery as written: what the row holds before anything has happened to it. */
export type NewDelivery = Pick<
  Delivery,
  | 'operatorId'
  | 'kind'
  | 'platformTransactionId'
  | 'providerId'
  | 'transactionId'
  | 'payload'
  | 'attempts'
  | 'maxAttempts'
  | 'nextAttemptAt'
> & { readonly status: 'sending' | 'pending' };

export interface DeliveryUpdate {
  readonly status: DeliveryStatus;
  readonly attempts?: number;
  readonly lastError?: string | null;
  readonly nextAttemptAt?: Date | null;
  readonly operatorBalance?: Minor | null;
  readonly maxAttempts?: number;
  /** Only move the row if its attempt count is still this (a second worker on the same attempt loses). */
  readonly expectAttempts?: number;
}

/** A seamless transaction's reads and writes, on its own connection (see WalletTransactionScope). */
export interface SeamlessScope extends ProviderLedgerScope {
  /**
   * Locks the player's row: it serialises a seamless player's transactions as the wallet row does in
   * transfer mode. Answers the operator's mode, held as WalletLock's is; the player row is created
   * (for a player new to us) only in seamless mode.
   */
  lockPlayer(operatorId: number, userId: string): Promise<WalletMode>;
  /**
   * lockPlayer for a bet, in one statement with what the bet rule reads: the round (locked; later
   * lockRound/lockRoundForBet calls answer from it), the bet's tombstone, and whether the bet is already
   * stored (a repeat). A twin whose Withdraw is in flight is not read here: its own attempt's insert
   * fails on the one-attempt-per-provider-transaction key (DuplicateTransactionIdError). The player's
   * protection in `currency` comes with it (playerProtection answers from it).
   */
  lockPlayerForBet(
    key: RoundKey,
    betTransactionId: string,
    currency: string,
  ): Promise<{ stored: boolean; mode: WalletMode }>;
  findWithdrawAttempt(providerId: number, transactionId: string): Promise<Delivery | null>;
  lastKnownBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null>;
  /** Throws DuplicateTransactionIdError when this provider transaction already has a callback of this kind. */
  insertDelivery(delivery: NewDelivery): Promise<string>;
  /** insertDelivery when nobody needs the row's id: sent with the COMMIT (the same error then). */
  queueDelivery(delivery: NewDelivery): void;
  /**
   * Moves the Withdraw attempt reporting this platformTransactionID out of `sending`, sent with the
   * COMMIT. Unchecked: the bet's ledger row written in the same transaction is the claim.
   */
  settleWithdraw(platformTransactionId: string, update: DeliveryUpdate): void;
}

export interface SeamlessStore {
  findTransaction(
    origin: TransactionOrigin,
    originId: number,
    transactionId: string,
  ): Promise<StoredTransaction | null>;
  findWithdrawAttempt(providerId: number, transactionId: string): Promise<Delivery | null>;
  /** One transaction: `work` gets the scope and must use nothing else of this store (see WalletTransactionScope). */
  inSeamlessTransaction<T>(work: (scope: SeamlessScope) => Promise<T>): Promise<T>;
  lastKnownBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null>;
  rememberBalance(operatorId: number, userId: string, currency: string, balance: Minor): Promise<void>;
  loadDelivery(id: string): Promise<Delivery | null>;
  transitionDelivery(id: string, from: DeliveryStatus, update: DeliveryUpdate): Promise<boolean>;
  /** The balance the operator answered when the Deposit or Rollback reporting this transaction arrived. */
  deliveredBalance(platformTransactionId: string): Promise<Minor | null>;
  /**
   * Moves Withdraw attempts whose bet has its ledger row (the outcome) out of `sending`, in bulk: a bet
   * the operator debited leaves its attempt `sending` (one write fewer per bet). Returns how many moved.
   */
  foldSettledWithdraws(): Promise<number>;
  /**
   * Withdraws still `sending` since before `startedBefore` (after foldSettledWithdraws: their process died
   * mid-call).
   */
  staleWithdraws(startedBefore: Date, limit: number): Promise<Delivery[]>;
  /** Pending deliveries whose next attempt is due before `dueBefore` (the sweeper re-enqueues them). */
  duePending(dueBefore: Date, limit: number): Promise<Delivery[]>;
}

/** Calls an operator's wallet by operator id (the port behind which the callback schemes live). */
export interface OperatorWalletPort {
  call(
    operatorId: number,
    call: import('./walletPort').WalletCall,
    timeoutMs: number,
  ): Promise<import('./walletPort').WalletReply>;
}

/** Hands a delivery attempt to the durable queue; must not throw when the queue is down (the sweeper catches up). */
export interface DeliveryQueuePort {
  /** False when not queued now (Redis unavailable): the row stays pending and the sweeper enqueues it. */
  enqueue(delivery: { id: string; attempts: number; operatorId?: number }, delayMs: number): Promise<boolean>;
}
