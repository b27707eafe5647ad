/**
 * The shape every provider money call shares (bet, win, rollback, jackpot), in transfer mode:
 *
 *   1. A repeat of a stored (providerID, transactionID) is answered from its row: 11 with the original
 *      id and balance-after, the remembered refusal, or 13 when the content differs.
 *   2. Otherwise one database transaction: lock the player's wallet (this serialises every transaction
 *      of the player, so round and free-spin facts cannot change underneath) with the operator's mode
 *      held shared (another mode than transfer: 12, nothing stored), let the type's rule
 *      decide from facts read under that lock, move the balance, insert the ledger row, apply the
 *      decision's side effects (round counters, free-spin counters), commit.
 *   3. Racing twins meet at the unique index, exactly as in transferFunds.
 */
import { MeaningfulFields, requestHash } from '../../domain/idempotency';
import { Minor } from '../../domain/money';
import { Refusal, ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { applyMovement } from '../../domain/wallet';
import { requireTransferMode } from '../../domain/walletMode';
import { ProviderCaller } from '../callers';
import { MoneyAnswer } from '../wallet/answers';
import { answerRepeat } from '../wallet/answerRepeat';
import { DuplicateTransactionIdError, LockedWallet } from '../wallet/walletStore';
import { ProviderLedgerScope, ProviderLedgerStore, RoundKey } from './providerLedgerStore';
import { PlayerSession } from './providerSession';

export type ProviderTransactionType = 'bet' | 'win' | 'rollback' | 'jackpot';

export interface ProviderCommand {
  readonly provider: ProviderCaller;
  readonly session: PlayerSession;
  readonly type: ProviderTransactionType;
  readonly transactionId: string;
  readonly roundId: string;
  readonly gameId: number;
  readonly freeSpinId: string | null;
  readonly refTransactionId: string | null;
  /** The request's fields that make it "the same transaction" (besides type and player). */
  readonly meaningful: MeaningfulFields;
}

export type Decision =
  /** Refused and not stored: a corrected retry may succeed. */
  | { readonly kind: 'refuse'; readonly refusal: Refusal }
  /** An answer decided from other stored rows (a second rollback of one bet), nothing stored. */
  | { readonly kind: 'answer'; readonly answer: MoneyAnswer }
  | {
      readonly kind: 'apply';
      /** The change of the wallet's balance (negative for a debit). */
      readonly delta: Minor;
      /** The amount listed in history: positive, 0 for a free-spin bet or a tombstone. */
      readonly listedAmount: Minor;
      /** Our id of the bet this transaction pays or reverses, when the rule found one (seamless callbacks name it). */
      readonly refPlatformTransactionId?: string;
      readonly effects: (scope: ProviderLedgerScope) => Promise<void>;
    };

export type Decide = (scope: ProviderLedgerScope, key: RoundKey) => Promise<Decision>;

/** The same hash in both modes, so a transaction means the same whatever the operator's mode. */
export function providerRequestHash(command: ProviderCommand): Buffer {
  const { session } = command;
  return requestHash({
    ...command.meaningful,
    type: command.type,
    agent: session.agentId,
    userId: session.userId,
    currency: session.currency,
  });
}

export function roundKeyOf(command: ProviderCommand): RoundKey {
  return {
    providerId: command.provider.id,
    operatorId: command.session.operatorId,
    userId: command.session.userId,
    roundId: command.roundId,
  };
}

export async function recordProviderTransaction(
  store: ProviderLedgerStore,
  command: ProviderCommand,
  decide: Decide,
): Promise<MoneyAnswer> {
  const { provider, session } = command;
  const hash = providerRequestHash(command);
  const currentBalance = () => store.walletBalance(session.operatorId, session.userId, session.currency);
  const stored = await store.findTransaction('provider', provider.id, command.transactionId);
  if (stored) return answerRepeat(stored, hash, command.transactionId, currentBalance);

  const key = roundKeyOf(command);
  try {
    return await store.inProviderTransaction((scope) => providerTransaction(scope, command, decide, hash, key));
  } catch (error) {
    if (!(error instanceof DuplicateTransactionIdError)) throw error;
    const winner = await store.findTransaction('provider', provider.id, command.transactionId);
    if (!winner) throw new Error(`transaction ${command.transactionId} reported as duplicate but not found`);
    return answerRepeat(winner, hash, command.transactionId, currentBalance);
  }
}

/** The transaction of a provider call in transfer mode, given the scope only (see WalletTransactionScope). */
async function providerTransaction(
  scope: ProviderLedgerScope,
  command: ProviderCommand,
  decide: Decide,
  hash: Buffer,
  key: RoundKey,
): Promise<MoneyAnswer> {
  const { session } = command;
  // The player's wallet and this round, locked in one statement; the rule then reads the round from it.
  const lock = await scope.lockWalletAndRound(
    session.operatorId,
    session.userId,
    session.currency,
    key,
    command.type === 'bet' ? command.transactionId : null,
  );
  // The mode under the operator's lock, not the session's: the operator may have switched since.
  const wrongMode = requireTransferMode(lock.mode, `a ${command.type} on our wallet`);
  if (wrongMode) return wrongMode;
  const wallet = lock.wallet;
  if (!wallet) return refuse(ResultCode.PLAYER_NOT_FOUND, `player ${session.userId} has no ${session.currency} wallet`);
  const decision = await decide(scope, key);
  if (decision.kind === 'refuse') return { ...decision.refusal, balance: wallet.balance };
  if (decision.kind === 'answer') return decision.answer;
  const movement =
    decision.kind === 'apply'
      ? applyMovement(
          wallet.balance,
          decision.delta < 0n ? 'debit' : 'credit',
          (decision.delta < 0n ? -decision.delta : decision.delta) as Minor,
        )
      : null;
  if (movement && !movement.applied) {
    // The rule allowed it but the wallet cannot take it: a bet beyond the balance (7, remembered).
    if (movement.refusal.code !== ResultCode.INSUFFICIENT_FUNDS)
      return { ...movement.refusal, balance: wallet.balance };
    return recordRefusal(scope, command, hash, wallet, movement.refusal);
  }
  const balanceAfter = movement && movement.applied ? movement.balanceAfter : wallet.balance;
  if (balanceAfter !== wallet.balance) await scope.moveLockedBalance(wallet.id, wallet.balance, balanceAfter);
  const platformTransactionId = await scope.insertTransaction({
    ...providerLedgerRow(command, hash, wallet.id),
    status: 'applied',
    resultCode: ResultCode.OK,
    amount: decision.listedAmount,
    delta: decision.delta,
    balanceAfter,
  });
  await decision.effects(scope);
  return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance: balanceAfter, platformTransactionId };
}

/** The columns every ledger row of a provider transaction shares, in either mode (walletId null: seamless). */
export function providerLedgerRow(command: ProviderCommand, hash: Buffer, walletId: string | null) {
  return {
    origin: 'provider' as const,
    originId: command.provider.id,
    transactionId: command.transactionId,
    requestHash: hash,
    operatorId: command.session.operatorId,
    walletId,
    userId: command.session.userId,
    currency: command.session.currency,
    type: command.type,
    providerId: command.provider.id,
    gameId: command.gameId,
    roundId: command.roundId,
    freeSpinId: command.freeSpinId,
    refTransactionId: command.refTransactionId,
  };
}

async function recordRefusal(
  scope: ProviderLedgerScope,
  command: ProviderCommand,
  hash: Buffer,
  wallet: LockedWallet,
  refusal: Refusal,
): Promise<MoneyAnswer> {
  await scope.insertTransaction({
    ...providerLedgerRow(command, hash, wallet.id),
    status: 'refused',
    resultCode: refusal.code,
    amount: 0n as Minor,
    delta: 0n as Minor,
    balanceAfter: wallet.balance,
  });
  return { ...refusal, balance: wallet.balance };
}
