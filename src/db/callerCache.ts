/**
 * A short-lived cache of callers (operators, providers) in front of MysqlCallerStore: every signed
 * request needs its caller's secret, and reading it from MySQL each time cost one of the seven
 * statements of a transfer. Entries live CALLER_CACHE_TTL_MS at most; a change made through the admin
 * API drops the entry at once in this process and, through Redis pub/sub, in every other one (if Redis
 * is unreachable, the TTL is the bound on staleness).
 */
import type { RedisClient } from '../jobs/redisConnection';
import { Logger } from 'pino';
import { OperatorCaller, ProviderCaller } from '../app/callers';
import { WalletMode } from '../domain/walletMode';
import { Credentialed, MysqlCallerStore } from './callerStore';

export const CALLER_CACHE_TTL_MS = 2_000;
const CHANNEL = 'casino:callers:changed';

interface Entry<T> {
  readonly value: Promise<T>;
  readonly expires: number;
}

export type CallerKind = 'operator' | 'provider';

export class CallerCache {
  private readonly entries = new Map<string, Entry<unknown>>();
  private publisher: RedisClient | null = null;

  constructor(
    private readonly store: MysqlCallerStore,
    private readonly ttlMs: number = CALLER_CACHE_TTL_MS,
  ) {}

  private cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value as Promise<T>;
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    value.catch(() => this.entries.delete(key));
    return value;
  }

  findOperator(agentId: string): Promise<Credentialed<OperatorCaller> | null> {
    return this.cached(`operator:${agentId}`, () => this.store.findOperator(agentId));
  }

  findProvider(providerId: string): Promise<Credentialed<ProviderCaller> | null> {
    return this.cached(`provider:${providerId}`, () => this.store.findProvider(providerId));
  }

  operatorById(id: number): Promise<{ mode: WalletMode; enabled: boolean } | null> {
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
    // Entries by numeric id do not know their agentID: drop them all, they are cheap to reload.
    if (kind === 'operator') for (const key of this.entries.keys()) if (key.startsWith('operator#')) this.entries.delete(key);
  }

  /** Listens for changes made by other processes (a dedicated subscriber connection). */
  listen(publisher: RedisClient, subscriber: RedisClient, logger: Logger): void {
    this.publisher = publisher;
    subscriber.subscribe(CHANNEL).catch((error) => logger.warn({ err: (error as Error).message }, 'caller cache: no change notifications'));
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
