/**
 * Records what a seamless Withdraw came to, in one transaction with the player locked: the bet's
 * ledger row (applied with the operator's balance, refused 7, or refused 17) and, when the operator
 * did not answer properly, a compensating Rollback queued so that an operator that did debit is made
 * whole. Used right after the call, and by the sweeper for a call whose process died.
 */
import { WalletReply } from './walletPort';
import { Minor, minor } from '../../domain/money';
import { newPlatformTransactionId } from '../../domain/platformIds';
import { ResultCode } from '../../domain/resultCodes';
import { RoundKey } from '../provider/providerLedgerStore';
import { DuplicateTransactionIdError } from '../wallet/walletStore';
import { SeamlessScope, SeamlessStore, WithdrawAttempt } from './seamlessStore';
import { SeamlessSettings, deliveryBudget } from './seamlessDeps';

export type WithdrawResult =
  | {
      readonly code: typeof ResultCode.OK | typeof ResultCode.INSUFFICIENT_FUNDS;
      readonly balance: Minor | null;
      readonly platformTransactionId: string;
    }
  | {
      readonly code: typeof ResultCode.OPERATOR_WALLET_UNAVAILABLE;
      /** Null when the Withdraw was never sent (circuit breaker open): no Rollback is owed. */
      readonly compensationId: string | null;
      readonly platformTransactionId: string;
    }
  /** Someone else (the sweeper, or the call itself) resolved this attempt first. */
  | { readonly code: 'already-resolved' };

/** recordWithdrawOutcome in its own transaction; 'already-resolved' when someone else resolved it first. */
export async function resolveWithdraw(
  store: SeamlessStore,
  attempt: WithdrawAttempt,
  reply: WalletReply,
  settings: SeamlessSettings,
  requestHash: Buffer,
  options: { readonly sent: boolean } = { sent: true },
): Promise<WithdrawResult> {
  try {
    return await store.inSeamlessTransaction((scope) =>
      recordWithdrawOutcome(scope, attempt, reply, settings, requestHash, options.sent),
    );
  } catch (error) {
    // The bet's ledger row is the claim: whoever resolved the attempt first has written it.
    if (error instanceof DuplicateTransactionIdError) return { code: 'already-resolved' };
    throw error;
  }
}

async function recordWithdrawOutcome(
  scope: SeamlessScope,
  attempt: WithdrawAttempt,
  reply: WalletReply,
  settings: SeamlessSettings,
  requestHash: Buffer,
  sent: boolean,
): Promise<WithdrawResult> {
  // No player lock: the bet's ledger row is the claim and the outcome (its idempotency key admits one;
  // the sweeper may race this), twins and rollbacks of this bet wait for it, and the round is counted
  // atomically. Every write is deferred: the whole outcome is one round trip with its COMMIT.
  const row = betRowOf(attempt, requestHash);
  if (reply.outcome === 'ok' || reply.outcome === 'duplicate') return recordDebited(scope, attempt, row, reply.balance);
  if (reply.outcome === 'insufficient') return recordInsufficient(scope, attempt, row, reply.balance);
  return recordUnavailable(scope, attempt, row, { error: reply.error, sent }, settings);
}

type BetRow = ReturnType<typeof betRowOf>;

/** What every outcome's ledger row of this bet has in common. */
function betRowOf(attempt: WithdrawAttempt, requestHash: Buffer) {
  const p = attempt.payload;
  return {
    platformTransactionId: attempt.platformTransactionId,
    origin: 'provider' as const,
    originId: attempt.providerId!,
    transactionId: attempt.transactionId!,
    requestHash,
    operatorId: attempt.operatorId,
    walletId: null,
    userId: p.userId,
    currency: p.currency,
    type: 'bet' as const,
    providerId: attempt.providerId,
    gameId: p.gameId,
    roundId: p.roundId,
    freeSpinId: null,
    refTransactionId: null,
    mirrored: true,
    balanceAfter: null,
  };
}

/** The operator debited (or already had the Withdraw): the bet is applied with the balance it reported. */
async function recordDebited(
  scope: SeamlessScope,
  attempt: WithdrawAttempt,
  row: BetRow,
  operatorBalance: Minor | null,
): Promise<WithdrawResult> {
  const p = attempt.payload;
  const amount = minor(p.amount);
  // The round row first: a bet of this player locks player then round, and may read this attempt's
  // rows under those locks; taking the round before the attempt's rows keeps the order acyclic.
  const key: RoundKey = {
    providerId: attempt.providerId!,
    operatorId: attempt.operatorId,
    userId: p.userId,
    roundId: p.roundId!,
  };
  await scope.countBet(key, p.gameId!);
  // The attempt stays `sending` here: the ledger row is the outcome, and the sweeper moves settled
  // attempts to `delivered` in bulk (foldSettledWithdraws), one write fewer on every bet. The ledger
  // row carries the operator's balance: it is also the last one we know (lastKnownBalance).
  await scope.insertTransaction({
    ...row,
    status: 'applied',
    resultCode: ResultCode.OK,
    amount,
    delta: -amount as Minor,
    operatorBalance,
  });
  return { code: ResultCode.OK, balance: operatorBalance, platformTransactionId: attempt.platformTransactionId };
}

/** The operator refused for funds (7): the refusal is remembered, nothing moved. */
async function recordInsufficient(
  scope: SeamlessScope,
  attempt: WithdrawAttempt,
  row: BetRow,
  operatorBalance: Minor | null,
): Promise<WithdrawResult> {
  scope.settleWithdraw(attempt.platformTransactionId, {
    status: 'refused',
    operatorBalance,
    lastError: 'insufficient funds',
  });
  const zero = 0n as Minor;
  await scope.insertTransaction({
    ...row,
    status: 'refused',
    resultCode: ResultCode.INSUFFICIENT_FUNDS,
    amount: zero,
    delta: zero,
    operatorBalance,
  });
  return {
    code: ResultCode.INSUFFICIENT_FUNDS,
    balance: operatorBalance,
    platformTransactionId: attempt.platformTransactionId,
  };
}

/** No proper answer (17): nothing is owed by the player, and a Rollback makes a debiting operator whole. */
async function recordUnavailable(
  scope: SeamlessScope,
  attempt: WithdrawAttempt,
  row: BetRow,
  failure: { readonly error: string; readonly sent: boolean },
  settings: SeamlessSettings,
): Promise<WithdrawResult> {
  const { error, sent } = failure;
  // Status `refused`, not `failed`: a Withdraw is made once and answered (17); `failed` means a parked
  // delivery that is still owed, which this is not (its compensating Rollback is).
  scope.settleWithdraw(attempt.platformTransactionId, {
    status: 'refused',
    lastError: `no debit (code 17): ${error}`.slice(0, 500),
  });
  const zero = 0n as Minor;
  await scope.insertTransaction({
    ...row,
    status: 'refused',
    resultCode: ResultCode.OPERATOR_WALLET_UNAVAILABLE,
    amount: zero,
    delta: zero,
    operatorBalance: null,
  });
  // Never sent (PROTOCOL §6.3, breaker open): the operator cannot have debited, so nothing is owed back.
  if (!sent)
    return {
      code: ResultCode.OPERATOR_WALLET_UNAVAILABLE,
      compensationId: null,
      platformTransactionId: attempt.platformTransactionId,
    };
  // The operator may have debited before the failure: a Rollback of this Withdraw makes it whole.
  const compensationId = await scope.insertDelivery({
    operatorId: attempt.operatorId,
    kind: 'rollback',
    platformTransactionId: newPlatformTransactionId(),
    providerId: attempt.providerId,
    transactionId: null,
    payload: { ...attempt.payload, refTransactionId: attempt.platformTransactionId, freeSpinId: null },
    status: 'pending',
    attempts: 0,
    maxAttempts: deliveryBudget(settings) - 1,
    nextAttemptAt: new Date(),
  });
  return {
    code: ResultCode.OPERATOR_WALLET_UNAVAILABLE,
    compensationId,
    platformTransactionId: attempt.platformTransactionId,
  };
}
