/**
 * The Redis half of `GET /health` (PROTOCOL §2, §13): red when the queue's Redis cannot take work, in any
 * topology. A PING is not enough: a client pointed at one node of a Redis Cluster answers PING while
 * every queue command gets MOVED, and a Sentinel master that just died answers nothing while ioredis
 * asks for the new one. So: every queue connection ready, the worker not backing off after failures, and
 * a command on the queue's own key (routed to the node that holds its slot) answered.
 */
import { BullDeliveryQueue } from './deliveryQueue';
import { RedisClient, isRedisReady } from './redisConnection';

export interface RedisHealthCheck {
  /** Resolves when the queue's Redis works; rejects with what is wrong. */
  check(): Promise<void>;
}

export function redisHealth(parts: {
  readonly connections: Readonly<Record<string, RedisClient | null>>;
  readonly queue: BullDeliveryQueue;
  readonly worker?: { readonly backingOff: boolean } | null;
}): RedisHealthCheck {
  return {
    async check() {
      const notReady = Object.entries(parts.connections).filter(
        (entry): entry is [string, RedisClient] => entry[1] !== null && !isRedisReady(entry[1]),
      );
      if (notReady.length)
        throw new Error(
          `redis connection not ready: ${notReady.map(([name, client]) => `${name} (${client.status})`).join(', ')}`,
        );
      if (parts.worker?.backingOff) throw new Error('the delivery worker is backing off after redis failures');
      await parts.queue.probe();
    },
  };
}
