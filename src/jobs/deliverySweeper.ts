/**
 * The safety net of durable delivery: re-enqueues pending deliveries the queue lost (a crash, a Redis
 * outage) and resolves Withdraws whose process died during the call (code 17 and a compensating
 * Rollback). Runs in every worker process; everything it does is idempotent.
 */
import { Logger } from 'pino';
import { SeamlessDeps } from '../app/seamless/seamlessDeps';
import { resolveWithdraw } from '../app/seamless/withdrawOutcome';

export async function sweepDeliveries(deps: SeamlessDeps, logger: Logger, now: Date = new Date()): Promise<{ requeued: number; resolved: number }> {
  const { store, settings, queue } = deps;
  const graceMs = 2_000;
  const due = await store.duePending(new Date(now.getTime() - graceMs), 500);
  for (const delivery of due) await queue.enqueue({ id: delivery.id, attempts: delivery.attempts, operatorId: delivery.operatorId }, 0);
  // Settled bets first, so that what is still `sending` afterwards is only what is in flight or orphaned.
  await store.foldSettledWithdraws();
  const stale = await store.staleWithdraws(new Date(now.getTime() - (settings.callbackTimeoutMs * 2 + 5_000)), 100);
  let resolved = 0;
  for (const attempt of stale) {
    const hash = Buffer.from(attempt.payload.requestHash ?? '', 'hex');
    const result = await resolveWithdraw(store, attempt, { outcome: 'failed', error: 'no outcome recorded: the process stopped during the call' }, settings, hash);
    if (result.code === 17) {
      resolved++;
      await queue.enqueue({ id: result.compensationId, attempts: 0, operatorId: attempt.operatorId }, 0);
    }
  }
  if (due.length || resolved) logger.info({ requeued: due.length, resolved }, 'delivery sweep');
  return { requeued: due.length, resolved };
}

export function startDeliverySweeper(deps: SeamlessDeps, logger: Logger, intervalMs: number) {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => sweepDeliveries(deps, logger)).catch((error) => logger.warn({ err: (error as Error).message }, 'delivery sweep failed'));
  }, intervalMs);
  timer.unref();
  return {
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
