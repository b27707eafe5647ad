/** Everything a seamless use case is given: stores, the operator wallet, the queue, and the §9 settings. */
import { DeliveryQueuePort, OperatorWalletPort, SeamlessStore } from './seamlessStore';
import { WalletBreakerPort } from './walletBreaker';

export interface SeamlessSettings {
  /** Timeout of a callback made while the provider waits (Balance, Withdraw, the first try of the rest). */
  readonly callbackTimeoutMs: number;
  readonly retryAttempts: number;
  readonly retryDelayMs: number;
  readonly retryTimeoutMs: number;
}

export interface SeamlessDeps {
  readonly store: SeamlessStore;
  readonly wallet: OperatorWalletPort;
  readonly queue: DeliveryQueuePort;
  readonly settings: SeamlessSettings;
  /** The per-operator circuit breaker (§6.3) for calls made while the provider waits; none: always send. */
  readonly breaker?: WalletBreakerPort;
}

/** A delivery is tried once while the provider waits, then CALLBACK_RETRY_ATTEMPTS times from the queue. */
export function deliveryBudget(settings: SeamlessSettings): number {
  return settings.retryAttempts + 1;
}

/**
 * What a studio reads when the operator's wallet failed (PROTOCOL §10): no address, no transport error.
 * The detail is in the logs and, for deliveries, in callbacks/list (`lastError`).
 */
export const OPERATOR_WALLET_UNAVAILABLE_MESSAGE =
  "operator wallet unavailable: the operator's wallet did not answer as expected";
