/**
 * Delivery workers: take an attempt from the queue, deliver it (deliverCallback), schedule the next
 * attempt when it failed. Any number of worker processes can run; per-operator concurrency is limited
 * through OperatorSlots. Closing waits for attempts in progress up to a deadline.
 */
import { DelayedError, Job, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { Logger } from 'pino';
import { SeamlessDeps } from '../app/seamless/seamlessDeps';
import { deliverCallback } from '../app/seamless/deliverCallback';
import { DELIVERY_QUEUE, DeliveryJob } from './deliveryQueue';
import { OperatorSlots } from './operatorSlots';

export interface DeliveryWorkerOptions {
  readonly concurrency: number;
  readonly perOperatorConcurrency: number;
  readonly prefix?: string;
  readonly onAttempt?: (kind: string, state: string) => void;
}

export function startDeliveryWorker(deps: SeamlessDeps, connection: Redis, logger: Logger, options: DeliveryWorkerOptions) {
  // Slots are per deployment (the queue prefix names the database), like the queue itself.
  const slots = new OperatorSlots(connection, options.perOperatorConcurrency, deps.settings.retryTimeoutMs + 5_000, `${options.prefix ?? 'casino'}:slots`);
  const worker = new Worker<DeliveryJob>(
    DELIVERY_QUEUE,
    async (job: Job<DeliveryJob>, token?: string) => {
      const holder = job.id ?? job.data.deliveryId;
      // Jobs name their operator, so a job over its operator's share goes back without a database read.
      let operatorId = job.data.operatorId;
      const delivery = operatorId === undefined ? await deps.store.loadDelivery(job.data.deliveryId) : null;
      if (operatorId === undefined) {
        if (!delivery || delivery.status !== 'pending') return 'skipped';
        operatorId = delivery.operatorId;
      }
      if (!(await slots.acquire(operatorId, holder))) {
        // This operator already has its share of deliveries in flight: come back shortly.
        await job.moveToDelayed(Date.now() + 100, token);
        throw new DelayedError();
      }
      try {
        const result = await deliverCallback(deps, delivery ?? job.data.deliveryId, deps.settings.retryTimeoutMs);
        options.onAttempt?.(result.kind ?? 'unknown', result.state);
        if (result.state === 'retry') await deps.queue.enqueue({ id: job.data.deliveryId, attempts: result.attempts, operatorId }, result.delayMs);
        if (result.state === 'parked') logger.warn({ deliveryId: job.data.deliveryId, operatorId }, 'delivery parked after its last attempt');
        return result.state;
      } finally {
        await slots.release(operatorId, holder);
      }
    },
    {
      connection,
      concurrency: options.concurrency,
      ...(options.prefix ? { prefix: options.prefix } : {}),
      // An attempt never runs longer than its HTTP timeout. A worker that dies mid-attempt leaves its job
      // active in Redis until the lock expires: keep the lock short and look for stalled jobs often, so
      // the attempt is retried within seconds rather than a minute.
      lockDuration: deps.settings.retryTimeoutMs + 5_000,
      stalledInterval: Math.min(5_000, deps.settings.retryTimeoutMs + 5_000),
      maxStalledCount: 3,
      removeOnComplete: { count: 0 },
    },
  );
  worker.on('error', (error) => logger.warn({ err: error.message }, 'delivery worker error'));
  worker.on('failed', (job, error) => {
    if (!(error instanceof DelayedError)) logger.warn({ err: error.message, jobId: job?.id }, 'delivery attempt crashed');
  });
  return {
    worker,
    async close(deadlineMs: number): Promise<void> {
      const graceful = worker.close();
      const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deadlineMs).unref())]);
      if (timedOut) await worker.close(true);
    },
  };
}
