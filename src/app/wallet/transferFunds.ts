/**
 * Deposit and withdraw on a wallet we keep (transfer mode, PROTOCOL §4). How a transfer flows:
 *
 *   1. Look the (operator, transactionID) up without a lock: a repeat is answered from the stored row
 *      (code 11 with the original id and balance-after, the remembered refusal, or 13 for other content).
 *   2. Otherwise, in one short database transaction: the operator row is held shared (a mode switch
 *      waits for it, or it sees the switch), one guarded UPDATE moves the balance when the operator is
 *      in transfer mode and the wallet rule allows it (the row lock is taken here), the immutable
 *      ledger row is inserted, commit. When the UPDATE moves nothing, the slow path locks the wallet
 *      row and lets the domain rule (wallet.ts) say why: another mode (12), no wallet (6/14), or
 *      insufficient funds (7, stored so its retry is refused).
 *   3. Two identical requests racing past step 1 meet at the unique index: the loser's insert fails,
 *      its transaction rolls back (its balance write with it), and it answers as a repeat.
 */
import { requestHash } from '../../domain/idempotency';
import { Minor } from '../../domain/money';
import { ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { applyMovement, assertMoved } from '../../domain/wallet';
import { requireTransferMode } from '../../domain/walletMode';
import { OperatorCaller, requireEnabledCurrency } from '../callers';
import { missingWalletRefusal } from './players';
import { MoneyAnswer } from './answers';
import { answerRepeat } from './answerRepeat';
import { DuplicateTransactionIdError, WalletStore, WalletTransactionScope } from './walletStore';

export interface TransferCommand {
  readonly operator: OperatorCaller;
  readonly kind: 'deposit' | 'withdraw';
  readonly userId: string;
  readonly currency: string;
  readonly amount: Minor;
  readonly transactionId: string;
}

export function depositToWallet(store: WalletStore, command: Omit<TransferCommand, 'kind'>): Promise<MoneyAnswer> {
  return transferFunds(store, { ...command, kind: 'deposit' });
}

export function withdrawFromWallet(store: WalletStore, command: Omit<TransferCommand, 'kind'>): Promise<MoneyAnswer> {
  return transferFunds(store, { ...command, kind: 'withdraw' });
}

async function transferFunds(store: WalletStore, command: TransferCommand): Promise<MoneyAnswer> {
  const { operator, userId, currency, amount, transactionId, kind } = command;
  const wrongMode = requireTransferMode(operator.mode, kind);
  if (wrongMode) return wrongMode;
  const disabledCurrency = requireEnabledCurrency(operator, currency);
  if (disabledCurrency) return disabledCurrency;
  if (amount <= 0n) return refuse(ResultCode.INVALID_PARAMETERS, 'amount must be greater than 0');

  const hash = requestHash({ type: kind, userId, currency, amount });
  const currentBalance = () => store.walletBalance(operator.id, userId, currency);
  const stored = await store.findTransaction('operator', operator.id, transactionId);
  if (stored) return answerRepeat(stored, hash, transactionId, currentBalance);

  try {
    return await store.inTransaction((scope) => transferInTransaction(scope, command, hash));
  } catch (error) {
    if (!(error instanceof DuplicateTransactionIdError)) throw error;
    const winner = await store.findTransaction('operator', operator.id, transactionId);
    if (!winner) throw new Error(`transaction ${transactionId} reported as duplicate but not found`);
    return answerRepeat(winner, hash, transactionId, currentBalance);
  }
}

/**
 * The transaction of a transfer. Given the scope only (never the store): every read here runs on the
 * connection that holds the locks (WalletTransactionScope).
 */
async function transferInTransaction(
  scope: WalletTransactionScope,
  command: TransferCommand,
  hash: Buffer,
): Promise<MoneyAnswer> {
  const { operator, userId, currency, amount, transactionId, kind } = command;
  const row = {
    origin: 'operator' as const,
    originId: operator.id,
    transactionId,
    requestHash: hash,
    operatorId: operator.id,
    userId,
    currency,
    type: kind,
    amount,
  };
  // Fast path: one guarded UPDATE decides and moves (the common case: the wallet exists and can take it).
  const delta = (kind === 'deposit' ? amount : -amount) as Minor;
  const moved = await scope.moveBalance(operator.id, userId, currency, delta);
  if (moved !== null) {
    // The guarded UPDATE answers the balance after it; the one before it is that minus the delta.
    assertMoved((moved - delta) as Minor, delta, moved);
    const platformTransactionId = await scope.insertTransaction({
      ...row,
      walletId: 'by-owner',
      status: 'applied',
      resultCode: ResultCode.OK,
      delta,
      balanceAfter: moved,
    });
    return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance: moved, platformTransactionId };
  }
  // Slow path: lock the wallet and let the domain say why it did not move. The mode read here is the
  // one that counts: the caller's (cached) mode may predate a switch.
  const { mode, wallet } = await scope.lockWallet(operator.id, userId, currency);
  const wrongMode = requireTransferMode(mode, kind);
  if (wrongMode) return wrongMode;
  if (!wallet) return missingWalletRefusal(scope, operator.id, userId, currency);
  const outcome = applyMovement(wallet.balance, kind === 'deposit' ? 'credit' : 'debit', amount);
  if (!outcome.applied && outcome.refusal.code !== ResultCode.INSUFFICIENT_FUNDS) {
    return { ...outcome.refusal, balance: wallet.balance };
  }
  if (outcome.applied) await scope.moveLockedBalance(wallet.id, wallet.balance, outcome.balanceAfter);
  const balanceAfter = outcome.applied ? outcome.balanceAfter : wallet.balance;
  const platformTransactionId = await scope.insertTransaction({
    ...row,
    walletId: wallet.id,
    status: outcome.applied ? 'applied' : 'refused',
    resultCode: outcome.applied ? ResultCode.OK : ResultCode.INSUFFICIENT_FUNDS,
    delta: outcome.applied ? outcome.delta : (0n as Minor),
    balanceAfter,
  });
  if (!outcome.applied) return { ...outcome.refusal, balance: wallet.balance };
  return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance: balanceAfter, platformTransactionId };
}
