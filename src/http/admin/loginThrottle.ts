/**
 * Brute-force limits on staff logins (PROTOCOL §10), shared by every process through Redis
 * (rate-limiter-flexible). Two counters: per username (5 failures) and per client address (50
 * failures), each over 15 minutes. The failure that reaches a limit locks the username or address
 * for 15 minutes from that failure; while locked every attempt is answered HTTP 429 with Retry-After
 * without looking at the password, so even the right one is refused.
 *
 * Every attempt takes a point before its password is checked, so a burst of parallel attempts cannot
 * run more password checks than the limit allows. A success gives its point back: all of them for
 * the username (its counter starts again), only its own for the address (one account of the
 * attacker's must not wash out the address's failures on others).
 */
import type { RedisClient } from '../../jobs/redisConnection';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AdminRefusal } from '../../app/admin/adminErrors';
import { ResultCode } from '../../domain/resultCodes';

export const LOGIN_WINDOW_S = 15 * 60;
export const USERNAME_FAILURES = 5;
export const ADDRESS_FAILURES = 50;

export type LockScope = 'user' | 'address';

interface Counter {
  readonly scope: LockScope;
  readonly limit: number;
  readonly limiter: RateLimiterRedis;
}

/** The attempt in progress: report how it ended with succeeded() or failed(). */
export interface LoginAttempt {
  succeeded(): Promise<void>;
  /** The lock-outs this failure started (for the audit log). */
  failed(): Promise<{ scope: LockScope; key: string }[]>;
}

function counter(redis: RedisClient, prefix: string, scope: LockScope, limit: number): Counter {
  const options = { points: limit, duration: LOGIN_WINDOW_S, blockDuration: 0 };
  const limiter = new RateLimiterRedis({
    ...options,
    storeClient: redis,
    keyPrefix: `${prefix}:login-${scope}`,
    // While Redis is unreachable the limits hold per process instead of not at all.
    insuranceLimiter: new RateLimiterMemory(options),
  });
  return { scope, limit, limiter };
}

const tooMany = (scope: LockScope, msBeforeNext: number) =>
  new AdminRefusal(
    'rate-limited',
    ResultCode.CALLER_NOT_ALLOWED,
    `too many failed logins for this ${scope === 'user' ? 'username' : 'address'}: try again later`,
    Math.max(1, Math.ceil(msBeforeNext / 1000)),
  );

export class LoginThrottle {
  private readonly user: Counter;
  private readonly address: Counter;

  /** `prefix` keeps deployments sharing one Redis apart (the queue prefix, hash-tagged for Cluster). */
  constructor(redis: RedisClient, prefix: string) {
    this.user = counter(redis, prefix, 'user', USERNAME_FAILURES);
    this.address = counter(redis, prefix, 'address', ADDRESS_FAILURES);
  }

  /** Takes a point from both counters, or throws HTTP 429 when either is locked. */
  async begin(username: string, address: string): Promise<LoginAttempt> {
    // Usernames are matched case-insensitively by the database: so are their counters.
    const userKey = username.toLowerCase();
    const addressPoints = await this.take(this.address, address);
    let userPoints: number;
    try {
      userPoints = await this.take(this.user, userKey);
    } catch (refusal) {
      await this.address.limiter.reward(address, 1);
      throw refusal;
    }
    return {
      succeeded: async () => {
        await Promise.all([this.user.limiter.delete(userKey), this.address.limiter.reward(address, 1)]);
      },
      failed: async () => {
        const locks: { scope: LockScope; key: string }[] = [];
        for (const [{ scope, limit, limiter }, key, points] of [
          [this.user, userKey, userPoints],
          [this.address, address, addressPoints],
        ] as const) {
          if (points < limit) continue;
          // The lock runs from this failure, the last one, not from the first of the window.
          await limiter.block(key, LOGIN_WINDOW_S);
          locks.push({ scope, key });
        }
        return locks;
      },
    };
  }

  /** Points used so far including this attempt's; throws 429 when the counter is over its limit. */
  private async take(counter: Counter, key: string): Promise<number> {
    try {
      return (await counter.limiter.consume(key, 1)).consumedPoints;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) throw tooMany(counter.scope, rejection.msBeforeNext);
      throw rejection;
    }
  }
}
