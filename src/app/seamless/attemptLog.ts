/**
 * Every call made to an operator's wallet for a delivery (Withdraw, Deposit, Rollback) is kept as an
 * attempt (PROTOCOL §14 rounds: "each delivery with its attempts"): when, how it ended, the HTTP status
 * and the operator's code, how long it took, the error. The delivery row stays the record of what is
 * owed; attempts are what support reads during a dispute.
 *
 * Recording sits beside the call, not inside the money transaction: `record` hands the attempt to a
 * log that writes it later (db/attemptLogWriter.ts batches), so a bet waits for nothing more than it
 * did. Balance calls are not deliveries and are not kept.
 */
import { DeliveryKind, OperatorWalletPort } from './seamlessStore';

type WalletCall = Parameters<OperatorWalletPort['call']>[1];
type WalletReply = Awaited<ReturnType<OperatorWalletPort['call']>>;

/** Made while the provider waited, or from the durable queue (a staff retry goes through the queue). */
export type AttemptVia = 'inline' | 'queue';

export interface CallbackAttempt {
  readonly operatorId: number;
  readonly kind: DeliveryKind;
  /** With `kind`, the delivery's key (callback_deliveries_kind_transaction_key). */
  readonly platformTransactionId: string;
  readonly via: AttemptVia;
  readonly attemptedAt: Date;
  readonly outcome: WalletReply['outcome'];
  readonly httpStatus: number | null;
  readonly operatorCode: number | null;
  readonly latencyMs: number;
  readonly error: string | null;
}

/** Takes attempts to keep; must neither throw nor make the caller wait. */
export interface AttemptLogPort {
  record(attempt: CallbackAttempt): void;
}

export const MAX_ATTEMPT_ERROR_LENGTH = 500;

/** The wallet port, with each delivery call it makes handed to `log`. */
export function recordingWallet(inner: OperatorWalletPort, log: AttemptLogPort, via: AttemptVia): OperatorWalletPort {
  return {
    async call(operatorId: number, call: WalletCall, timeoutMs: number): Promise<WalletReply> {
      if (call.kind === 'balance' || call.transactionId === undefined) return inner.call(operatorId, call, timeoutMs);
      const attemptedAt = new Date();
      const started = performance.now();
      const reply = await inner.call(operatorId, call, timeoutMs);
      log.record(attemptOf(operatorId, call.kind, call.transactionId, via, attemptedAt, started, reply));
      return reply;
    },
  };
}

function attemptOf(
  operatorId: number,
  kind: DeliveryKind,
  platformTransactionId: string,
  via: AttemptVia,
  attemptedAt: Date,
  started: number,
  reply: WalletReply,
): CallbackAttempt {
  return {
    operatorId,
    kind,
    platformTransactionId,
    via,
    attemptedAt,
    outcome: reply.outcome,
    httpStatus: reply.httpStatus ?? null,
    operatorCode: reply.operatorCode ?? null,
    latencyMs: Math.max(0, Math.round(performance.now() - started)),
    error: reply.outcome === 'failed' ? reply.error.slice(0, MAX_ATTEMPT_ERROR_LENGTH) : null,
  };
}
