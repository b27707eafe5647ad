/**
 * The durable-delivery engine (BullMQ). The database row is the record of what must be delivered; the
 * queue only schedules attempts. Each attempt is a job with a deterministic id (`d-<delivery>-<attempt>`),
 * so enqueueing the same attempt twice (the call path and the sweeper) makes one job.
 */
import { Queue } from 'bullmq';
import { Logger } from 'pino';
import { DeliveryQueuePort } from '../app/seamless/seamlessStore';
import { Outage, OutageListener, REDIS_BACKOFF } from './outage';
import { RedisClient } from './redisConnection';

export const DELIVERY_QUEUE = 'callback-deliveries';

export interface DeliveryJob {
  readonly deliveryId: string;
  /** Lets a worker hold the job back for its operator's concurrency without reading the row. */
  readonly operatorId?: number;
}

export function deliveryJobId(deliveryId: string, attempts: number): string {
  return `d-${deliveryId}-${attempts}`;
}

/**
 * The prefix when none is given. Every key of a queue carries its hash tag, so Redis Cluster keeps them in
 * one slot.
 */
export const DEFAULT_QUEUE_PREFIX = '{casino}';

/** A key of the queue itself, for probes that must reach the node holding the queue (its Cluster slot). */
export function queueMetaKey(prefix: string): string {
  return `${prefix}:${DELIVERY_QUEUE}:meta`;
}

export class BullDeliveryQueue implements DeliveryQueuePort {
  readonly queue: Queue<DeliveryJob>;
  /** Enqueue failures: while backing off, enqueue skips Redis and answers false at once. */
  readonly outage: Outage;

  constructor(
    readonly connection: RedisClient,
    logger: Logger,
    readonly prefix: string = DEFAULT_QUEUE_PREFIX,
    listener?: OutageListener,
  ) {
    this.outage = new Outage('delivery enqueue', logger, REDIS_BACKOFF, listener);
    this.queue = new Queue<DeliveryJob>(DELIVERY_QUEUE, {
      connection,
      prefix,
      // Failed jobs are removed too: the database row is the record, and a leftover job id would make
      // the sweeper's re-enqueue of that attempt a silent no-op.
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    // Connection errors are logged per state change by the runtime (watchRedis); one line each here would
    // repeat them at every reconnect attempt.
    this.queue.on('error', () => undefined);
  }

  /**
   * False when the attempt was not queued (Redis failing, or backing off after failures): the row stays
   * pending in the database and the sweeper enqueues it later. A win is never held up by Redis.
   */
  async enqueue(delivery: { id: string; attempts: number; operatorId?: number }, delayMs: number): Promise<boolean> {
    if (!this.outage.mayTry()) return false;
    try {
      await this.queue.add(
        'deliver',
        { deliveryId: delivery.id, operatorId: delivery.operatorId },
        { jobId: deliveryJobId(delivery.id, delivery.attempts), delay: Math.max(0, delayMs) },
      );
      this.outage.succeeded();
      return true;
    } catch (error) {
      this.outage.failed(error);
      return false;
    }
  }

  /** Throws unless the node holding this queue answers a command on one of its keys. */
  async probe(): Promise<void> {
    await this.connection.exists(queueMetaKey(this.prefix));
  }

  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
