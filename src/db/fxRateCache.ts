/**
 * The FX rates in force, held per process so that storing a transaction pays no query for its rate
 * (PROTOCOL §12: the rate captured at storage). What is held is, per currency, the rate in force on the
 * day of the load and every later day already set (rates may be set ahead), so the day turning at
 * midnight needs no reload. fx/set drops it here at once and, through Redis pub/sub, in every other
 * process (as the caller cache does); the next transaction stored loads it again. If Redis is
 * unreachable, FX_CACHE_TTL_MS bounds the staleness: an expired table keeps serving while one query
 * refreshes it in the background, so no money call waits for that query.
 */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { Logger } from 'pino';
import type { RedisClient } from '../jobs/redisConnection';
import { DatedRate, amountInBase, rateInForce, utcDay } from '../domain/fx';
import { Minor } from '../domain/money';

export const FX_CACHE_TTL_MS = 5_000;
export const DEFAULT_BASE_CURRENCY = 'EUR';
const CHANNEL = 'casino:fx:changed';

/** What a stored transaction keeps: the rate in force and the exact amount in base currency (null: no rate). */
export interface FxCapture {
  readonly rate: string | null;
  readonly amountBase: string | null;
}

/** What the ledger scope asks when it stores a transaction. */
export interface FxRateSource {
  capture(currency: string, amount: Minor, at: Date): Promise<FxCapture>;
}

interface RateTable {
  /** The day the table was loaded for: it answers that day and any later one. */
  readonly fromDay: string;
  readonly byCurrency: ReadonlyMap<string, readonly DatedRate[]>;
  readonly loadedAt: number;
}

export class FxRateCache implements FxRateSource {
  private table: Promise<RateTable> | null = null;
  private refreshing = false;
  /** Bumped by every change: a load that started before it is not kept. */
  private generation = 0;
  private publisher: RedisClient | null = null;

  constructor(
    private readonly pool: Pool,
    readonly baseCurrency: string = DEFAULT_BASE_CURRENCY,
    private readonly ttlMs: number = FX_CACHE_TTL_MS,
  ) {}

  async capture(currency: string, amount: Minor, at: Date): Promise<FxCapture> {
    const rate = await this.rateOn(currency, utcDay(at));
    return rate === null
      ? { rate: null, amountBase: null }
      : { rate, amountBase: amountInBase(amount, currency, rate) };
  }

  /** The rate in force on `day` for `currency`: 1 for the base currency, null when none is known. */
  async rateOn(currency: string, day: string): Promise<string | null> {
    if (currency === this.baseCurrency) return '1';
    let table = await this.current(day);
    // A day before the table's (a clock set back): read for that day, without keeping it.
    if (day < table.fromDay) table = await this.load(day);
    return rateInForce(table.byCurrency.get(currency) ?? [], day);
  }

  private current(day: string): Promise<RateTable> {
    if (this.table === null) return this.install(day);
    const table = this.table;
    void table.then(
      (held) => {
        if (Date.now() - held.loadedAt > this.ttlMs && !this.refreshing && this.table === table) {
          this.refreshing = true;
          void this.install(day)
            .catch(() => undefined)
            .finally(() => (this.refreshing = false));
        }
      },
      () => undefined,
    );
    return table;
  }

  private install(day: string): Promise<RateTable> {
    const generation = this.generation;
    const loading = this.load(day);
    if (this.table === null) this.table = loading;
    loading.then(
      () => {
        if (this.generation === generation) this.table = loading;
      },
      () => {
        if (this.table === loading) this.table = null;
      },
    );
    return loading;
  }

  private async load(day: string): Promise<RateTable> {
    // Per currency: the latest day on or before `day`, and every day after it.
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT f.currency, DATE_FORMAT(f.day, '%Y-%m-%d') AS day, f.rate
         FROM fx_rates f
        WHERE f.day >= COALESCE((SELECT MAX(g.day) FROM fx_rates g WHERE g.currency = f.currency AND g.day <= ?), ?)
        ORDER BY f.currency, f.day`,
      [day, day],
    );
    const byCurrency = new Map<string, DatedRate[]>();
    for (const row of rows) {
      const list = byCurrency.get(row.currency as string) ?? [];
      list.push({ day: row.day as string, rate: row.rate as string });
      byCurrency.set(row.currency as string, list);
    }
    return { fromDay: day, byCurrency, loadedAt: Date.now() };
  }

  /** Rates were set: dropped here at once, and in every other process through Redis. */
  async changed(): Promise<void> {
    this.forget();
    try {
      await this.publisher?.publish(CHANNEL, 'changed');
    } catch {
      // Redis down: the other processes catch up within the TTL.
    }
  }

  private forget(): void {
    this.generation++;
    this.table = null;
  }

  listen(publisher: RedisClient, subscriber: RedisClient, logger: Logger): void {
    this.publisher = publisher;
    subscriber
      .subscribe(CHANNEL)
      .catch((error) => logger.warn({ err: (error as Error).message }, 'fx rate cache: no change notifications'));
    subscriber.on('message', (channel: string) => {
      if (channel === CHANNEL) this.forget();
    });
  }
}

const caches = new WeakMap<Pool, FxRateCache>();

/** The process's rates for this pool's database (every store over the pool shares one cache). */
export function fxRatesOf(pool: Pool): FxRateCache {
  let cache = caches.get(pool);
  if (!cache) {
    cache = new FxRateCache(pool);
    caches.set(pool, cache);
  }
  return cache;
}

/** Set once at start-up (openRuntime), before the first transaction: BASE_CURRENCY and the TTL. */
export function configureFxRates(pool: Pool, baseCurrency: string, ttlMs: number = FX_CACHE_TTL_MS): FxRateCache {
  const cache = new FxRateCache(pool, baseCurrency, ttlMs);
  caches.set(pool, cache);
  return cache;
}
