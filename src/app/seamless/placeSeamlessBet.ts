/**
 * A bet in seamless mode (PROTOCOL §5, §6): the same rules as transfer mode, then a Withdraw on the
 * operator's wallet while the provider waits.
 *
 *   1. Transaction 1 (player locked): a stored bet is answered as a repeat; the bet rule decides; a
 *      free-spin bet is stored and answered at once (the campaign pays, the operator's wallet is not
 *      touched); otherwise the Withdraw attempt is written (status `sending`) with the
 *      platformTransactionID the operator will see. A twin whose Withdraw is in flight finds that
 *      attempt's key taken, and waits for its outcome.
 *   2. The Withdraw, with no transaction open, once, with CALLBACK_TIMEOUT_MS.
 *   3. Transaction 2: recordWithdrawOutcome. A timeout, non-200 or garbage answer is
 *      code 17, remembered, and a compensating Rollback is queued.
 */
import { Minor } from '../../domain/money';
import { requireSeamlessMode } from '../../domain/walletMode';
import { newPlatformTransactionId } from '../../domain/platformIds';
import { ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { BetInput, betCommand, decideBet } from '../provider/placeBet';
import { providerLedgerRow, providerRequestHash, roundKeyOf } from '../provider/recordProviderTransaction';
import { answerRepeat } from '../wallet/answerRepeat';
import { MoneyAnswer } from '../wallet/answers';
import { DuplicateTransactionIdError, StoredTransaction } from '../wallet/walletStore';
import { OPERATOR_WALLET_UNAVAILABLE_MESSAGE, SeamlessDeps } from './seamlessDeps';
import { SeamlessScope, WithdrawAttempt } from './seamlessStore';
import { waitForWithdrawOutcome } from './waitForWithdraw';
import { BREAKER_OPEN_ERROR, NO_BREAKER, breakerFailure } from './walletBreaker';
import { resolveWithdraw } from './withdrawOutcome';

export async function placeSeamlessBet(deps: SeamlessDeps, input: BetInput, amount: Minor): Promise<MoneyAnswer> {
  const { store, settings } = deps;
  const command = betCommand(input, amount);
  const { session, provider } = input;
  const hash = providerRequestHash(command);
  const lastKnown = () => store.lastKnownBalance(session.operatorId, session.userId, session.currency);
  const repeat = (stored: StoredTransaction) => answerRepeat(stored, hash, input.transactionId, lastKnown);
  const settledRepeat = async (): Promise<MoneyAnswer> => {
    const waited = await waitForWithdrawOutcome(store, provider.id, input.transactionId, settings.callbackTimeoutMs);
    if (waited.settled && waited.stored) return repeat(waited.stored);
    return {
      ...refuse(
        ResultCode.OPERATOR_WALLET_UNAVAILABLE,
        'the first request for this bet is still waiting for the operator',
      ),
      balance: await lastKnown(),
    };
  };

  let step: Step1;
  try {
    step = await store.inSeamlessTransaction((scope) => betStep1(scope, input, amount, hash));
  } catch (error) {
    if (error instanceof DuplicateTransactionIdError) return settledRepeat();
    throw error;
  }
  if (step.kind === 'answer') return step.answer;
  if (step.kind === 'twin' || step.kind === 'stored') return settledRepeat();

  // Admitted right before the call: an open breaker (§6.3) sends nothing, and the bet is refused 17
  // and remembered as such, with no compensating Rollback (nothing was sent, so nothing can be owed).
  const breaker = deps.breaker ?? NO_BREAKER;
  const admission = await breaker.admit(session.operatorId);
  const sent = admission !== 'refuse';
  const reply = !sent
    ? ({ outcome: 'failed', error: BREAKER_OPEN_ERROR } as const)
    : await deps.wallet.call(
        session.operatorId,
        {
          kind: 'withdraw',
          userId: session.userId,
          currency: session.currency,
          amount,
          transactionId: step.attempt.platformTransactionId,
          refTransactionId: null,
          roundId: input.roundId,
          gameId: input.gameId,
          freeSpinId: null,
        },
        settings.callbackTimeoutMs,
      );
  if (sent) await breaker.record(session.operatorId, admission, breakerFailure(reply));
  const attempt = step.attempt;
  const result = await resolveWithdraw(store, attempt, reply, settings, hash, { sent });
  if (result.code === 'already-resolved') return settledRepeat();
  if (result.code === ResultCode.OPERATOR_WALLET_UNAVAILABLE) {
    if (result.compensationId)
      await deps.queue.enqueue({ id: result.compensationId, attempts: 0, operatorId: session.operatorId }, 0);
    // The reason stays in the Withdraw's lastError (callbacks/list) and the logs, never in the studio's answer.
    return {
      ...refuse(ResultCode.OPERATOR_WALLET_UNAVAILABLE, OPERATOR_WALLET_UNAVAILABLE_MESSAGE),
      balance: await lastKnown(),
    };
  }
  const balance = result.balance ?? (await lastKnown());
  if (result.code === ResultCode.INSUFFICIENT_FUNDS) return { ...refuse(ResultCode.INSUFFICIENT_FUNDS), balance };
  return {
    code: ResultCode.OK,
    message: defaultMessage(ResultCode.OK),
    balance,
    platformTransactionId: result.platformTransactionId,
  };
}

type Step1 =
  | { kind: 'answer'; answer: MoneyAnswer }
  | { kind: 'twin' }
  | { kind: 'stored' }
  | { kind: 'call'; attempt: WithdrawAttempt };

/** Transaction 1 of a seamless bet, given the scope only (see WalletTransactionScope). */
async function betStep1(scope: SeamlessScope, input: BetInput, amount: Minor, hash: Buffer): Promise<Step1> {
  const { session, provider } = input;
  const command = betCommand(input, amount);
  const lastKnown = () => scope.lastKnownBalance(session.operatorId, session.userId, session.currency);
  const key = roundKeyOf(command);
  // One statement: the player's lock, the round, the tombstone, and whether this bet is a repeat. A
  // twin of a bet whose Withdraw is in flight is stopped by its attempt's key (DuplicateTransactionIdError).
  const seen = await scope.lockPlayerForBet(key, input.transactionId, session.currency);
  // The mode under the operator's lock, not the session's: the operator may have switched since.
  const wrongMode = requireSeamlessMode(seen.mode, "a bet on the operator's wallet");
  if (wrongMode) return { kind: 'answer', answer: wrongMode };
  if (seen.stored) return { kind: 'stored' };
  const decision = await decideBet(input, amount)(scope, key);
  if (decision.kind === 'refuse') {
    // A twin gets the first request's answer, not a refusal of its own (the round may have changed
    // since): only a refusal needs to look for a Withdraw in flight.
    if (await scope.findWithdrawAttempt(provider.id, input.transactionId)) return { kind: 'twin' };
    return { kind: 'answer', answer: { ...decision.refusal, balance: await lastKnown() } };
  }
  if (decision.kind === 'answer') return { kind: 'answer', answer: decision.answer };
  if (decision.delta === 0n) {
    // A free-spin bet: the campaign pays, nothing to ask the operator.
    const balance = await lastKnown();
    const platformTransactionId = await scope.insertTransaction({
      ...providerLedgerRow(command, hash, null),
      status: 'applied',
      resultCode: ResultCode.OK,
      amount: decision.listedAmount,
      delta: decision.delta,
      balanceAfter: null,
      mirrored: true,
      operatorBalance: balance,
    });
    await decision.effects(scope);
    return {
      kind: 'answer',
      answer: { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance, platformTransactionId },
    };
  }
  const attempt = {
    operatorId: session.operatorId,
    kind: 'withdraw' as const,
    platformTransactionId: newPlatformTransactionId(),
    providerId: provider.id,
    transactionId: input.transactionId,
    payload: {
      userId: session.userId,
      currency: session.currency,
      amount: amount.toString(),
      refTransactionId: null,
      roundId: input.roundId,
      gameId: input.gameId,
      freeSpinId: null,
      requestHash: hash.toString('hex'),
    },
    status: 'sending' as const,
    attempts: 1,
    maxAttempts: 1,
    nextAttemptAt: null,
  };
  scope.queueDelivery(attempt);
  return { kind: 'call', attempt };
}
