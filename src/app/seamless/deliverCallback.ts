/**
 * One delivery attempt of a queued callback (Deposit or Rollback): the same transactionID every time,
 * a fresh timestamp and signature. Delivered (or answered 11) ends it; otherwise the attempt is
 * counted and the next one scheduled, until the budget is spent and the delivery is parked for staff.
 * Guarded by the attempt count, so two workers holding the same attempt cannot both count it.
 */
import { WalletCall } from './walletPort';
import { Minor, minor } from '../../domain/money';
import { Delivery } from './seamlessStore';
import { SeamlessDeps } from './seamlessDeps';

export type DeliveryState = (
  | { readonly state: 'delivered'; readonly balance: Minor | null }
  | { readonly state: 'retry'; readonly attempts: number; readonly delayMs: number }
  | { readonly state: 'parked' }
  /** Nothing to do: delivered, parked, or being handled by someone else. */
  | { readonly state: 'skipped' }
) & { readonly kind?: string };

export function callOf(delivery: Delivery): WalletCall {
  const p = delivery.payload;
  return {
    kind: delivery.kind,
    userId: p.userId,
    currency: p.currency,
    amount: minor(p.amount),
    transactionId: delivery.platformTransactionId,
    refTransactionId: p.refTransactionId,
    roundId: p.roundId,
    gameId: p.gameId,
    freeSpinId: p.freeSpinId,
  };
}

/** `target`: the delivery's id, or the row itself when the caller has just read it. */
export async function deliverCallback(
  deps: SeamlessDeps,
  target: string | Delivery,
  timeoutMs: number,
): Promise<DeliveryState> {
  const { store, settings } = deps;
  const delivery = typeof target === 'string' ? await store.loadDelivery(target) : target;
  if (!delivery || delivery.status !== 'pending' || delivery.kind === 'withdraw') return { state: 'skipped' };
  const kind = delivery.kind;
  const reply = await deps.wallet.call(delivery.operatorId, callOf(delivery), timeoutMs);
  const attempts = delivery.attempts + 1;
  const guard = { attempts: delivery.attempts };
  if (reply.outcome === 'ok' || reply.outcome === 'duplicate') {
    const moved = await store.transitionDelivery(delivery.id, 'pending', {
      status: 'delivered',
      attempts,
      lastError: null,
      nextAttemptAt: null,
      operatorBalance: reply.balance,
      ...guardOf(guard),
    });
    if (!moved) return { state: 'skipped' };
    if (reply.balance !== null)
      await store.rememberBalance(
        delivery.operatorId,
        delivery.payload.userId,
        delivery.payload.currency,
        reply.balance,
      );
    return { state: 'delivered', balance: reply.balance, kind };
  }
  const error = reply.outcome === 'failed' ? reply.error : `unexpected answer (${reply.outcome})`;
  if (attempts >= delivery.maxAttempts) {
    const moved = await store.transitionDelivery(delivery.id, 'pending', {
      status: 'failed',
      attempts,
      lastError: error.slice(0, 500),
      nextAttemptAt: null,
      ...guardOf(guard),
    });
    return moved ? { state: 'parked', kind } : { state: 'skipped' };
  }
  const nextAttemptAt = new Date(Date.now() + settings.retryDelayMs);
  const moved = await store.transitionDelivery(delivery.id, 'pending', {
    status: 'pending',
    attempts,
    lastError: error.slice(0, 500),
    nextAttemptAt,
    ...guardOf(guard),
  });
  return moved ? { state: 'retry', attempts, delayMs: settings.retryDelayMs, kind } : { state: 'skipped' };
}

function guardOf(guard: { attempts: number }) {
  return { expectAttempts: guard.attempts };
}
