/**
 * What the provider use cases need from persistence, on top of the wallet store: rounds, references
 * between transactions, and free-spin slots, all read and written inside the wallet-locked transaction.
 */
import { CampaignFacts } from '../../domain/freeSpins';
import { Minor } from '../../domain/money';
import { ProtectionFacts } from '../../domain/playerProtection';
import { ProviderTransactionFacts, RoundFacts } from '../../domain/rounds';
import { WalletLock, WalletStore, WalletTransactionScope } from '../wallet/walletStore';

export interface RoundKey {
  readonly providerId: number;
  readonly operatorId: number;
  readonly userId: string;
  readonly roundId: string;
}

export interface StoredRound extends RoundFacts {
  readonly id: string;
}

export interface RoundChange {
  readonly bets?: number;
  readonly rolledBack?: number;
  readonly wins?: number;
  /** Closes the round with this reason. */
  readonly closeReason?: string;
}

export interface FreeSpinSlot {
  readonly campaignId: number;
  readonly campaign: CampaignFacts;
  /** null when the player is not in the campaign. */
  readonly spinsUsed: number | null;
  readonly gameIncluded: boolean;
}

export interface ProviderLedgerScope extends WalletTransactionScope {
  /** The round row, locked for the rest of the transaction (the TTL job updates rounds too). */
  lockRound(key: RoundKey): Promise<StoredRound | null>;
  /** lockRound and "is there a rollback tombstone for this bet id" in one statement (the bet's hot path). */
  lockRoundForBet(key: RoundKey, betTransactionId: string): Promise<{ round: StoredRound | null; tombstone: boolean }>;
  openRound(key: RoundKey, gameId: number, change: RoundChange): Promise<void>;
  changeRound(id: string, change: RoundChange): Promise<void>;
  /** Counts a bet in its round, opening the round when it is the first: one statement, no prior read. */
  countBet(key: RoundKey, gameId: number): Promise<void>;
  /** A stored transaction and the rollback (or tombstone) naming it, in one read. */
  findWithRollback(
    providerId: number,
    transactionId: string,
  ): Promise<{ transaction: ProviderTransactionFacts | null; rollback: ProviderTransactionFacts | null }>;
  /**
   * lockWallet and lockRoundForBet in one statement (wallet row first, then round row: the usual
   * order). Later lockRound/lockRoundForBet calls for that round in this transaction answer from it.
   */
  lockWalletAndRound(
    operatorId: number,
    userId: string,
    currency: string,
    key: RoundKey,
    betTransactionId: string | null,
  ): Promise<WalletLock>;
  /** The campaign and this player's row in it, the player row locked; null for an unknown campaign. */
  lockFreeSpinSlot(
    operatorId: number,
    freeSpinId: string,
    userId: string,
    gameId: number,
  ): Promise<FreeSpinSlot | null>;
  changeFreeSpinPlayer(campaignId: number, userId: string, change: { spinsUsed?: 1 | -1; win?: Minor }): Promise<void>;
  /**
   * The player's restriction and this currency's maxBet (PROTOCOL §14). A bet's locking statement
   * (lockWalletAndRound, lockPlayerForBet) reads them with its locks, and this answers from it: no
   * statement of its own on the bet path, and read current, so every process sees a change at once.
   */
  playerProtection(operatorId: number, userId: string, currency: string): Promise<ProtectionFacts>;
}

export interface ProviderLedgerStore extends Pick<WalletStore, 'findTransaction' | 'walletBalance'> {
  inProviderTransaction<T>(work: (scope: ProviderLedgerScope) => Promise<T>): Promise<T>;
}
