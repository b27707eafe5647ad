/**
 * The safety net of durable delivery: re-enqueues pending deliveries the queue lost (a crash, a Redis
 * outage) and resolves Withdraws whose process died during the call (code 17 and a compensating
 * Rollback). Runs in every worker process; everything it does is idempotent.
 */
import { Logger } from 'pino';
import { ResultCode } from '../domain/resultCodes';
import { SeamlessDeps } from '../app/seamless/seamlessDeps';
import { resolveWithdraw } from '../app/seamless/withdrawOutcome';
import { Outage, OutageListener } from './outage';

export async function sweepDeliveries(
  deps: SeamlessDeps,
  logger: Logger,
  now: Date = new Date(),
): Promise<{ requeued: number; resolved: number }> {
  const { store, settings, queue } = deps;
  const graceMs = 2_000;
  const due = await store.duePending(new Date(now.getTime() - graceMs), 500);
  let requeued = 0;
  for (const delivery of due) {
    // The queue refused one (Redis failing): the rest would be refused too; they stay owed in the database.
    if (!(await queue.enqueue({ id: delivery.id, attempts: delivery.attempts, operatorId: delivery.operatorId }, 0)))
      break;
    requeued++;
  }
  // Settled bets first, so that what is still `sending` afterwards is only what is in flight or orphaned.
  await store.foldSettledWithdraws();
  const stale = await store.staleWithdraws(new Date(now.getTime() - (settings.callbackTimeoutMs * 2 + 5_000)), 100);
  let resolved = 0;
  for (const attempt of stale) {
    const hash = Buffer.from(attempt.payload.requestHash ?? '', 'hex');
    const result = await resolveWithdraw(
      store,
      attempt,
      { outcome: 'failed', error: 'no outcome recorded: the process stopped during the call' },
      settings,
      hash,
    );
    if (result.code === ResultCode.OPERATOR_WALLET_UNAVAILABLE) {
      resolved++;
      if (result.compensationId)
        await queue.enqueue({ id: result.compensationId, attempts: 0, operatorId: attempt.operatorId }, 0);
    }
  }
  if (requeued || resolved) logger.info({ requeued, resolved, owed: due.length }, 'delivery sweep');
  return { requeued, resolved };
}

/**
 * Sweeps every `intervalMs`. A sweep that fails (the database unreachable) is not retried at every tick:
 * the next one waits with back-off, and the failure is logged once until a sweep succeeds again.
 */
export function startDeliverySweeper(
  deps: SeamlessDeps,
  logger: Logger,
  intervalMs: number,
  onOutage?: OutageListener,
) {
  const outage = new Outage(
    'delivery sweeper',
    logger,
    { baseMs: intervalMs, maxMs: Math.max(intervalMs, 60_000) },
    onOutage,
  );
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (!outage.mayTry()) return;
    running = running
      .then(() => sweepDeliveries(deps, logger))
      .then(
        () => outage.succeeded(),
        (error) => outage.failed(error),
      );
  }, intervalMs);
  timer.unref();
  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
