/**
 * Per-operator concurrency of deliveries, shared by every worker process: a Redis sorted set of leases
 * per operator (one key, so it works on Redis Cluster too). A lease expires on its own, so a worker that
 * dies holding one does not block its operator for longer than the lease.
 */
import type { RedisClient } from './redisConnection';

const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[3]) - tonumber(ARGV[4]))
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return 1`;

export class OperatorSlots {
  constructor(
    private readonly redis: RedisClient,
    private readonly limit: number,
    private readonly leaseMs: number,
    private readonly prefix = 'casino:slots',
  ) {}

  private key(operatorId: number): string {
    return `${this.prefix}:{op${operatorId}}`;
  }

  async acquire(operatorId: number, holder: string): Promise<boolean> {
    const result = await this.redis.eval(
      ACQUIRE,
      1,
      this.key(operatorId),
      this.limit,
      holder,
      Date.now(),
      this.leaseMs,
    );
    return result === 1;
  }

  async release(operatorId: number, holder: string): Promise<void> {
    await this.redis.zrem(this.key(operatorId), holder);
  }
}
