/**
 * Delivery workers: take an attempt from the queue, deliver it (deliverCallback), schedule the next
 * attempt when it failed. Any number of worker processes can run; per-operator concurrency is limited
 * through OperatorSlots. Closing waits for attempts in progress up to a deadline.
 *
 * When Redis fails (down, failing over, or answering errors to every fetch) BullMQ's fetch loop would
 * try again at once and emit an error each time; the worker pauses instead, waits with back-off
 * (outage.ts), resumes once the queue's node answers, and logs the outage once.
 */
import { DelayedError, Job, Worker } from 'bullmq';
import { Logger } from 'pino';
import { SeamlessDeps } from '../app/seamless/seamlessDeps';
import { deliverCallback } from '../app/seamless/deliverCallback';
import { DEFAULT_QUEUE_PREFIX, DELIVERY_QUEUE, DeliveryJob } from './deliveryQueue';
import { OperatorSlots } from './operatorSlots';
import { Outage, OutageListener, REDIS_BACKOFF } from './outage';
import { RedisClient } from './redisConnection';

export interface DeliveryWorkerOptions {
  readonly concurrency: number;
  readonly perOperatorConcurrency: number;
  readonly prefix?: string;
  readonly onAttempt?: (kind: string, state: string) => void;
  /** Answers when the queue's node takes commands again (the worker resumes then). */
  readonly probe: () => Promise<unknown>;
  readonly onOutage?: OutageListener;
}

/** A resumed worker that runs this long without an error has recovered (one log line, not one per resume). */
const STABLE_AFTER_MS = 3_000;

export function startDeliveryWorker(
  deps: SeamlessDeps,
  connection: RedisClient,
  logger: Logger,
  options: DeliveryWorkerOptions,
) {
  // Slots are per deployment (the queue prefix names the database), like the queue itself; each lease
  // is one key under the queue's hash tag.
  const prefix = options.prefix ?? DEFAULT_QUEUE_PREFIX;
  const slots = new OperatorSlots(
    connection,
    options.perOperatorConcurrency,
    deps.settings.retryTimeoutMs + 5_000,
    `${prefix}:slots`,
  );
  const worker = new Worker<DeliveryJob>(DELIVERY_QUEUE, deliveryProcessor(deps, slots, logger, options), {
    connection,
    concurrency: options.concurrency,
    prefix,
    // An attempt never runs longer than its HTTP timeout. A worker that dies mid-attempt leaves its job
    // active in Redis until the lock expires: keep the lock short and look for stalled jobs often, so
    // the attempt is retried within seconds rather than a minute.
    lockDuration: deps.settings.retryTimeoutMs + 5_000,
    stalledInterval: Math.min(5_000, deps.settings.retryTimeoutMs + 5_000),
    maxStalledCount: 3,
    removeOnComplete: { count: 0 },
  });
  const backoff = workerBackoff(worker, logger, options);
  worker.on('failed', (job, error) => {
    if (!(error instanceof DelayedError))
      logger.warn({ err: error.message, jobId: job?.id }, 'delivery attempt crashed');
  });
  return {
    worker,
    /** True while paused because Redis keeps failing (health reports it). */
    get backingOff(): boolean {
      return backoff.backingOff;
    },
    async close(deadlineMs: number): Promise<void> {
      backoff.stop();
      const graceful = worker.close();
      const timedOut = await Promise.race([
        graceful.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), deadlineMs).unref()),
      ]);
      // A forced close still waits for BullMQ's connection to be ready: bounded too, for a Redis that is gone.
      if (timedOut)
        await Promise.race([worker.close(true), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    },
  };
}

/** One job: the operator's slot taken (or the job delayed), one attempt, the next one queued or the row parked. */
function deliveryProcessor(deps: SeamlessDeps, slots: OperatorSlots, logger: Logger, options: DeliveryWorkerOptions) {
  return async (job: Job<DeliveryJob>, token?: string): Promise<string> => {
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
      if (result.state === 'retry')
        await deps.queue.enqueue({ id: job.data.deliveryId, attempts: result.attempts, operatorId }, result.delayMs);
      if (result.state === 'parked')
        logger.warn({ deliveryId: job.data.deliveryId, operatorId }, 'delivery parked after its last attempt');
      return result.state;
    } finally {
      await slots.release(operatorId, holder);
    }
  };
}

/** Pauses the worker on Redis errors and resumes it with back-off once the queue's node answers. */
function workerBackoff(worker: Worker<DeliveryJob>, logger: Logger, options: DeliveryWorkerOptions) {
  const outage = new Outage('delivery worker', logger, REDIS_BACKOFF, options.onOutage);
  let backingOff = false;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const later = (run: () => void, delayMs: number) => {
    clearTimeout(timer);
    timer = setTimeout(run, delayMs);
    timer.unref();
  };
  const tryResume = async () => {
    if (stopped) return;
    try {
      await options.probe();
    } catch (error) {
      later(() => void tryResume(), outage.failed(error));
      return;
    }
    backingOff = false;
    await worker.resume();
    later(() => !backingOff && outage.succeeded(), STABLE_AFTER_MS);
  };
  worker.on('error', (error) => {
    const delayMs = outage.failed(error);
    if (backingOff || stopped) return;
    backingOff = true;
    // Jobs in progress finish; no new fetch until the wait is over.
    void worker.pause(true).catch(() => undefined);
    later(() => void tryResume(), delayMs);
  });
  return {
    get backingOff() {
      return backingOff;
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
