/**
 * A short-lived cache of callers (operators, providers) in front of MysqlCallerStore: every signed
 * request needs its caller's secret, and reading it from MySQL each time cost one of the seven
 * statements of a transfer. Entries live CALLER_CACHE_TTL_MS at most; a change made through the admin
 * API drops the entry at once in this process and, through Redis pub/sub, in every other one (if Redis
 * is unreachable, the TTL is the bound on staleness).
 *
 * Anyone can send an `agentID` or `providerID`, signed or not, so what is kept is bounded: an id outside
 * the §2 grammar is answered "unknown" without a read and never kept; callers that exist are kept in one
 * LRU (CALLER_CACHE_MAX_KNOWN) and ids that name nobody in a smaller one (CALLER_CACHE_MAX_UNKNOWN), so
 * a stranger's flood of made-up ids evicts only other made-up ids, never the secrets of real callers.
 */
import type { RedisClient } from '../jobs/redisConnection';
import { Logger } from 'pino';
import { Credentialed, OperatorCaller, ProviderCaller } from '../app/callers';
import { isExternalId } from '../domain/externalIds';
import { OperatorStatus } from '../domain/operatorStatus';
import { WalletMode } from '../domain/walletMode';
import { MysqlCallerStore } from './callerStore';
import { LruMap } from './lruMap';

export const CALLER_CACHE_TTL_MS = 2_000;
/** Operators, studios and their by-id entries: far more than any deployment has callers. */
export const CALLER_CACHE_MAX_KNOWN = 10_000;
/** Ids that named nobody (a mistyped id retried in a loop is still one read per TTL). */
export const CALLER_CACHE_MAX_UNKNOWN = 1_000;
const CHANNEL = 'casino:callers:changed';

interface Entry<T> {
  readonly value: Promise<T>;
  readonly expires: number;
}

export type CallerKind = 'operator' | 'provider';

export interface CallerCacheSize {
  readonly known: number;
  readonly unknown: number;
}

export class CallerCache {
  /** Entries whose load is in flight or found a caller. */
  private readonly entries: LruMap<string, Entry<unknown>>;
  /** Entries whose load found nothing (null). */
  private readonly misses: LruMap<string, Entry<unknown>>;
  private publisher: RedisClient | null = null;

  constructor(
    private readonly store: MysqlCallerStore,
    private readonly ttlMs: number = CALLER_CACHE_TTL_MS,
    limits: { readonly maxKnown: number; readonly maxUnknown: number } = {
      maxKnown: CALLER_CACHE_MAX_KNOWN,
      maxUnknown: CALLER_CACHE_MAX_UNKNOWN,
    },
  ) {
    this.entries = new LruMap(limits.maxKnown);
    this.misses = new LruMap(limits.maxUnknown);
  }

  /** How many entries are held (the /metrics gauge caller_cache_entries). */
  get size(): CallerCacheSize {
    return { known: this.entries.size, unknown: this.misses.size };
  }

  private cached<T>(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const now = Date.now();
    const hit = this.entries.get(key) ?? this.misses.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T | null>;
    const value = load();
    const entry: Entry<T | null> = { value, expires: now + this.ttlMs };
    this.misses.delete(key);
    this.entries.set(key, entry);
    value.then(
      (found) => {
        // A miss moves to its own, smaller LRU (unless a change dropped or replaced the entry meanwhile).
        if (found === null && this.entries.peek(key) === entry) {
          this.entries.delete(key);
          this.misses.set(key, entry);
        }
      },
      () => {
        if (this.entries.peek(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  findOperator(agentId: string): Promise<Credentialed<OperatorCaller> | null> {
    if (!isExternalId(agentId)) return Promise.resolve(null);
    return this.cached(`operator:${agentId}`, () => this.store.findOperator(agentId));
  }

  findProvider(providerId: string): Promise<Credentialed<ProviderCaller> | null> {
    if (!isExternalId(providerId)) return Promise.resolve(null);
    return this.cached(`provider:${providerId}`, () => this.store.findProvider(providerId));
  }

  operatorById(id: number): Promise<{ mode: WalletMode; enabled: boolean; status: OperatorStatus } | null> {
    return this.cached(`operator#${id}`, () => this.store.operatorById(id));
  }

  callbackTarget(id: number): ReturnType<MysqlCallerStore['callbackTarget']> {
    return this.cached(`operator#target:${id}`, () => this.store.callbackTarget(id));
  }

  /** Drops what is cached for this caller here, and tells the other processes to do the same. */
  async changed(kind: CallerKind, id: string): Promise<void> {
    this.forget(kind, id);
    try {
      await this.publisher?.publish(CHANNEL, JSON.stringify({ kind, id }));
    } catch {
      // Redis down: the other processes catch up within the TTL.
    }
  }

  private forget(kind: CallerKind, id: string): void {
    this.entries.delete(`${kind}:${id}`);
    this.misses.delete(`${kind}:${id}`);
    // Entries by numeric id do not know their agentID: drop them all, they are cheap to reload.
    if (kind === 'operator') {
      for (const map of [this.entries, this.misses])
        for (const key of [...map.keys()]) if (key.startsWith('operator#')) map.delete(key);
    }
  }

  /** Listens for changes made by other processes (a dedicated subscriber connection). */
  listen(publisher: RedisClient, subscriber: RedisClient, logger: Logger): void {
    this.publisher = publisher;
    subscriber
      .subscribe(CHANNEL)
      .catch((error) => logger.warn({ err: (error as Error).message }, 'caller cache: no change notifications'));
    subscriber.on('message', (_channel, message: string) => {
      try {
        const { kind, id } = JSON.parse(message) as { kind: CallerKind; id: string };
        this.forget(kind, id);
      } catch {
        /* not ours */
      }
    });
  }
}
