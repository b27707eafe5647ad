/**
 * What the wallet use cases need from persistence. The mysql2 implementation lives in
 * src/db/walletStore.ts; the use cases never see SQL or a driver.
 */
import { Minor } from '../../domain/money';
import { WalletMode } from '../../domain/walletMode';

export type TransactionOrigin = 'operator' | 'provider';
export type TransactionType = 'deposit' | 'withdraw' | 'bet' | 'win' | 'rollback' | 'jackpot';

export interface StoredTransaction {
  readonly platformTransactionId: string;
  readonly requestHash: Buffer;
  readonly type: TransactionType;
  readonly status: 'applied' | 'refused';
  readonly resultCode: number;
  readonly walletId: string | null;
  readonly userId: string;
  readonly currency: string;
  readonly delta: Minor;
  readonly balanceAfter: Minor | null;
  readonly roundId: string | null;
  readonly gameId: number | null;
  readonly freeSpinId: string | null;
  readonly refTransactionId: string | null;
  readonly mirrored: boolean;
  readonly operatorBalance: Minor | null;
}

export interface LockedWallet {
  readonly id: string;
  readonly balance: Minor;
}

/**
 * What a money transaction's first lock answers: the operator's wallet mode, read under a shared lock
 * on the operator row held until the transaction ends (a mode switch takes that row exclusively, so
 * it waits for this transaction, or this one waits for it and reads the new mode), and the wallet
 * (null: none in that currency).
 */
export interface WalletLock {
  readonly mode: WalletMode;
  readonly wallet: LockedWallet | null;
}

export interface NewTransaction {
  /** Chosen by the caller when it must be known before the row exists (seamless Withdraw). */
  readonly platformTransactionId?: string;
  readonly origin: TransactionOrigin;
  readonly originId: number;
  readonly transactionId: string;
  readonly requestHash: Buffer;
  readonly operatorId: number;
  /** 'by-owner': the wallet of (operatorId, userId, currency), resolved by the insert itself. */
  readonly walletId: string | null | 'by-owner';
  readonly userId: string;
  readonly currency: string;
  readonly type: TransactionType;
  readonly status: 'applied' | 'refused';
  readonly resultCode: number;
  readonly amount: Minor;
  readonly delta: Minor;
  readonly balanceAfter: Minor | null;
  /** Provider transactions only. */
  readonly providerId?: number | null;
  readonly gameId?: number | null;
  readonly roundId?: string | null;
  readonly freeSpinId?: string | null;
  readonly refTransactionId?: string | null;
  /** Seamless mode: the row mirrors the operator's wallet; the balance it reported, when known. */
  readonly mirrored?: boolean;
  readonly operatorBalance?: Minor | null;
}

/** Raised by `insertTransaction` when the idempotency index already holds that id. */
export class DuplicateTransactionIdError extends Error {
  constructor() {
    super('transaction id already stored');
    this.name = 'DuplicateTransactionIdError';
  }
}

/**
 * Everything one money transaction can read and write, all on the connection that holds its locks. A
 * use case's transaction body is given only this (never the store: a pool query made while this
 * connection is held waits for a second connection, and enough of those at once starve the pool).
 */
export interface WalletTransactionScope {
  /**
   * The fast path of a transfer: moves the balance by `delta` in one guarded statement that takes the
   * row lock, only if the operator is in transfer mode (under the shared lock of WalletLock) and the
   * result stays within [0, MAX_MINOR]; returns the balance after it, or null when nothing moved (no
   * such wallet, another mode, or the rule refused: the caller asks lockWallet why).
   */
  moveBalance(operatorId: number, userId: string, currency: string, delta: Minor): Promise<Minor | null>;
  /** Locks the wallet row (SELECT ... FOR UPDATE) until the transaction ends, with the operator's mode. */
  lockWallet(operatorId: number, userId: string, currency: string): Promise<WalletLock>;
  /** Whether the operator knows this player (in any currency). */
  playerExists(operatorId: number, userId: string): Promise<boolean>;
  /**
   * Moves the balance of a wallet row this transaction holds locked from `before` (read under that lock)
   * to `after`: written as a relative update by `after - before`, which lands exactly on `after` because
   * nobody else can write the row meanwhile. Not a compare-and-set: the lock is the guarantee.
   */
  moveLockedBalance(walletId: string, before: Minor, after: Minor): Promise<void>;
  /** Inserts the ledger row; throws DuplicateTransactionIdError when the id is already taken. */
  insertTransaction(row: NewTransaction): Promise<string>;
}

export interface WalletStore {
  findTransaction(
    origin: TransactionOrigin,
    originId: number,
    transactionId: string,
  ): Promise<StoredTransaction | null>;
  walletBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null>;
  playerExists(operatorId: number, userId: string): Promise<boolean>;
  /** Creates the player and its wallet in that currency when missing; returns the wallet's balance. */
  ensurePlayerWallet(operatorId: number, userId: string, currency: string, nickname: string | null): Promise<Minor>;
  /**
   * One database transaction; deadlocks are retried by rerunning `work` as a whole. `work` gets the
   * scope and must use nothing else of this store (see WalletTransactionScope).
   */
  inTransaction<T>(work: (scope: WalletTransactionScope) => Promise<T>): Promise<T>;
}
