/**
 * The durable-delivery engine (BullMQ). The database row is the record of what must be delivered; the
 * queue only schedules attempts. Each attempt is a job with a deterministic id (`d-<delivery>-<attempt>`),
 * so enqueueing the same attempt twice (the call path and the sweeper) makes one job.
 */
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { Logger } from 'pino';
import { DeliveryQueuePort } from '../app/seamless/seamlessStore';

export const DELIVERY_QUEUE = 'callback-deliveries';

export interface DeliveryJob {
  readonly deliveryId: string;
  /** Lets a worker hold the job back for its operator's concurrency without reading the row. */
  readonly operatorId?: number;
}

export function deliveryJobId(deliveryId: string, attempts: number): string {
  return `d-${deliveryId}-${attempts}`;
}

export class BullDeliveryQueue implements DeliveryQueuePort {
  readonly queue: Queue<DeliveryJob>;

  constructor(
    connection: Redis,
    private readonly logger: Logger,
    prefix?: string,
  ) {
    this.queue = new Queue<DeliveryJob>(DELIVERY_QUEUE, {
      connection,
      ...(prefix ? { prefix } : {}),
      // Failed jobs are removed too: the database row is the record, and a leftover job id would make
      // the sweeper's re-enqueue of that attempt a silent no-op.
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    this.queue.on('error', (error) => logger.warn({ err: error.message }, 'delivery queue error'));
  }

  async enqueue(delivery: { id: string; attempts: number; operatorId?: number }, delayMs: number): Promise<void> {
    try {
      await this.queue.add('deliver', { deliveryId: delivery.id, operatorId: delivery.operatorId }, { jobId: deliveryJobId(delivery.id, delivery.attempts), delay: Math.max(0, delayMs) });
    } catch (error) {
      // Redis is down: the row stays pending in the database and the sweeper enqueues it later.
      this.logger.warn({ err: (error as Error).message, deliveryId: delivery.id }, 'could not enqueue a delivery; the sweeper will');
    }
  }

  async depth(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'delayed', 'active', 'failed');
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
