/**
 * The per-operator circuit breaker (PROTOCOL §6.3), as the seamless use cases see it. Only the calls
 * made while a provider waits (Balance, Withdraw) are admitted and counted; queued deliveries keep
 * their own schedule. The implementation (src/jobs/walletBreaker.ts) shares the state through Redis.
 */
import { OperatorWalletPort } from './seamlessStore';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** `send`: call the wallet; `trial`: the one half-open call; `refuse`: open, answer 17 without a call. */
export type Admission = 'send' | 'trial' | 'refuse';

export interface WalletBreakerPort {
  admit(operatorId: number): Promise<Admission>;
  /** The end of a call admitted with `send` or `trial`; `failed` as breakerFailure judges it. */
  record(operatorId: number, admission: Admission, failed: boolean): Promise<void>;
  /** True while nothing may be sent inline (open, or half-open with its trial under way). */
  isOpen(operatorId: number): Promise<boolean>;
  state(operatorId: number): Promise<BreakerState>;
}

type WalletReply = Awaited<ReturnType<OperatorWalletPort['call']>>;

/**
 * What counts towards opening: no answer in time, non-200, or an answer that is not the scheme's
 * (garbage). An operator that answers properly with a refusal code is up, so it does not count.
 */
export function breakerFailure(reply: WalletReply): boolean {
  return reply.outcome === 'failed' && reply.answered !== true;
}

/** Without a breaker (tests of the use cases, tools): every call is sent. */
export const NO_BREAKER: WalletBreakerPort = {
  admit: () => Promise.resolve('send'),
  record: () => Promise.resolve(),
  isOpen: () => Promise.resolve(false),
  state: () => Promise.resolve('closed'),
};

/** Why a bet or balance read was answered 17 without a call (kept in callbacks/list and the logs). */
export const BREAKER_OPEN_ERROR = 'circuit breaker open: not sent';
