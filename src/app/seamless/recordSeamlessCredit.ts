/**
 * Wins, jackpots and rollbacks in seamless mode (PROTOCOL §6): the money must reach the operator.
 *
 *   1. A stored transaction is answered as a repeat. A rollback whose bet's Withdraw is still in flight
 *      waits for that outcome first, so it judges the bet that will exist.
 *   2. One transaction (player locked): the same rule as transfer mode decides; the mirrored ledger row
 *      and its delivery (the outbox row) are written together.
 *   3. After commit: one try while the provider waits (CALLBACK_TIMEOUT_MS). Delivered: answer with the
 *      operator's balance. Not delivered: queue it and answer code 0 with the last balance we know.
 */
import { Minor } from '../../domain/money';
import { assertInvariant } from '../../domain/wallet';
import { requireSeamlessMode } from '../../domain/walletMode';
import { ResultCode, defaultMessage } from '../../domain/resultCodes';
import {
  Decide,
  ProviderCommand,
  providerLedgerRow,
  providerRequestHash,
  roundKeyOf,
} from '../provider/recordProviderTransaction';
import { answerRepeat } from '../wallet/answerRepeat';
import { MoneyAnswer } from '../wallet/answers';
import { DuplicateTransactionIdError } from '../wallet/walletStore';
import { deliverCallback } from './deliverCallback';
import { NO_BREAKER } from './walletBreaker';
import { SeamlessDeps, SeamlessSettings, deliveryBudget } from './seamlessDeps';
import { DeliveryKind, SeamlessScope } from './seamlessStore';
import { waitForWithdrawOutcome } from './waitForWithdraw';

export async function recordSeamlessCredit(
  deps: SeamlessDeps,
  command: ProviderCommand,
  decide: Decide,
): Promise<MoneyAnswer> {
  const { store, settings } = deps;
  const { session, provider } = command;
  const hash = providerRequestHash(command);
  const lastKnown = () => store.lastKnownBalance(session.operatorId, session.userId, session.currency);
  const repeat = async () => {
    const stored = await store.findTransaction('provider', provider.id, command.transactionId);
    return stored
      ? answerRepeat(stored, hash, command.transactionId, lastKnown, () =>
          store.deliveredBalance(stored.platformTransactionId),
        )
      : null;
  };
  const earlier = await repeat();
  if (earlier) return earlier;
  if (command.type === 'rollback' && command.refTransactionId) {
    await waitForWithdrawOutcome(store, provider.id, command.refTransactionId, settings.callbackTimeoutMs);
  }

  let outcome: Outcome;
  try {
    outcome = await store.inSeamlessTransaction((scope) => creditInTransaction(scope, command, decide, hash, settings));
  } catch (error) {
    if (!(error instanceof DuplicateTransactionIdError)) throw error;
    return (await repeat()) ?? Promise.reject(error);
  }
  if (outcome.kind === 'answer') return outcome.answer;
  const ok = (balance: Minor | null): MoneyAnswer => ({
    code: ResultCode.OK,
    message: defaultMessage(ResultCode.OK),
    balance,
    platformTransactionId: outcome.platformTransactionId,
  });
  if (!outcome.deliveryId) return ok(await lastKnown());
  // An open breaker (§6.3): stored and queued without an inline try; the queue keeps its own schedule.
  if (await (deps.breaker ?? NO_BREAKER).isOpen(session.operatorId)) {
    await deps.queue.enqueue({ id: outcome.deliveryId, attempts: 0, operatorId: session.operatorId }, 0);
    return ok(await lastKnown());
  }
  const delivered = await deliverCallback(deps, outcome.deliveryId, settings.callbackTimeoutMs);
  if (delivered.state === 'delivered') return ok(delivered.balance ?? (await lastKnown()));
  if (delivered.state === 'retry')
    await deps.queue.enqueue(
      { id: outcome.deliveryId, attempts: delivered.attempts, operatorId: session.operatorId },
      delivered.delayMs,
    );
  return ok(await lastKnown());
}

type Outcome =
  | { kind: 'answer'; answer: MoneyAnswer }
  | { kind: 'stored'; platformTransactionId: string; deliveryId: string | null };

/** The transaction of a seamless credit, given the scope only (see WalletTransactionScope). */
async function creditInTransaction(
  scope: SeamlessScope,
  command: ProviderCommand,
  decide: Decide,
  hash: Buffer,
  settings: SeamlessSettings,
): Promise<Outcome> {
  const { session, provider } = command;
  const lastKnown = () => scope.lastKnownBalance(session.operatorId, session.userId, session.currency);
  const mode = await scope.lockPlayer(session.operatorId, session.userId);
  // The mode under the operator's lock, not the session's: a delivery written after a switch to
  // transfer mode would be owed to an operator with no wallet to call.
  const wrongMode = requireSeamlessMode(mode, `a ${command.type} on the operator's wallet`);
  if (wrongMode) return { kind: 'answer', answer: wrongMode };
  const decision = await decide(scope, roundKeyOf(command));
  if (decision.kind === 'refuse') {
    return { kind: 'answer', answer: { ...decision.refusal, balance: await lastKnown() } };
  }
  if (decision.kind === 'answer') {
    const answer = decision.answer;
    return {
      kind: 'answer',
      answer:
        answer.balance === null || answer.balance === undefined ? { ...answer, balance: await lastKnown() } : answer,
    };
  }
  // A credit never debits: the Deposit or Rollback sent is the delta, so a negative one would take money.
  assertInvariant(decision.delta >= 0n, `a seamless ${command.type} decided a debit of ${decision.delta}`);
  const platformTransactionId = await scope.insertTransaction({
    ...providerLedgerRow(command, hash, null),
    status: 'applied',
    resultCode: ResultCode.OK,
    amount: decision.listedAmount,
    delta: decision.delta,
    balanceAfter: null,
    mirrored: true,
    operatorBalance: null,
  });
  await decision.effects(scope);
  // A tombstone, or the rollback of a bet the operator never debited, has nothing to deliver.
  const kind: DeliveryKind | null = command.type === 'rollback' ? (decision.delta > 0n ? 'rollback' : null) : 'deposit';
  if (!kind) return { kind: 'stored', platformTransactionId, deliveryId: null };
  const deliveryId = await scope.insertDelivery({
    operatorId: session.operatorId,
    kind,
    platformTransactionId,
    providerId: provider.id,
    transactionId: command.transactionId,
    payload: {
      userId: session.userId,
      currency: session.currency,
      amount: (decision.delta < 0n ? -decision.delta : decision.delta).toString(),
      // What the operator is told refers to our id of the bet it pays or reverses.
      refTransactionId: decision.refPlatformTransactionId ?? null,
      roundId: command.roundId,
      gameId: command.gameId,
      freeSpinId: command.freeSpinId,
    },
    status: 'pending',
    attempts: 0,
    maxAttempts: deliveryBudget(settings),
    // Not due for the sweeper until the try below has had its chance.
    nextAttemptAt: new Date(Date.now() + settings.callbackTimeoutMs + settings.retryDelayMs),
  });
  return { kind: 'stored', platformTransactionId, deliveryId };
}
