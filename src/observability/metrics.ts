/**
 * Prometheus metrics (`GET /metrics`, PROTOCOL §2). One Registry per Metrics object, never prom-client's
 * global one, so a test process can run several apps side by side.
 *
 * Request metrics are recorded by requestObservability; callback deliveries by the observer handed to
 * OperatorWalletClient; everything that is a current state (parked deliveries, queue depth, pool use)
 * is read when scraped. A source that does not answer (database or Redis down) never fails the scrape:
 * its values are reported as unknown and metrics_collect_errors_total counts the failure.
 */
import { Pool } from 'mysql2/promise';
import { RowDataPacket } from 'mysql2';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CallObserver } from '../callbacks/operatorWallet';

/** Scrape-time reads are abandoned after this long, so a hung Redis or a full pool cannot hang /metrics. */
const COLLECT_TIMEOUT_MS = 1_500;

/** The money routes and the operation each one is, for money_operations_total. */
const MONEY_ROUTES: Readonly<Record<string, string>> = {
  '/v1/player/wallet/deposit': 'deposit',
  '/v1/player/wallet/withdraw': 'withdraw',
  '/provider/v1/bet': 'bet',
  '/provider/v1/win': 'win',
  '/provider/v1/rollback': 'rollback',
  '/provider/v1/jackpot': 'jackpot',
};

export type CallAttempt = 'sync' | 'queued';

/** What is read at scrape time; attached once the runtime has opened them. */
export interface MetricsSources {
  readonly pool?: Pool;
  readonly deliveryQueue?: { depth(): Promise<Record<string, number>> };
  readonly callers?: { readonly size: { readonly known: number; readonly unknown: number } };
  /** The circuit breaker states this process holds (§6.3). */
  readonly breaker?: { held(): { operatorId: number; state: string }[] };
}

/**
 * mysql2 keeps its pool state in private queues (lib/base/pool.js); read defensively, a driver upgrade may
 * move them.
 */
interface Mysql2PoolInternals {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  readonly _connectionQueue?: { readonly length: number };
}

const QUEUE_STATES = ['waiting', 'delayed', 'active', 'failed'] as const;

/** What one scrape read from the database and Redis: null when the source failed, undefined when there is none. */
interface Readings {
  readonly parked: number | null | undefined;
  readonly depth: Record<string, number> | null;
}

function withTimeout<T>(work: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} did not answer within ${COLLECT_TIMEOUT_MS} ms`)),
      COLLECT_TIMEOUT_MS,
    );
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

export class Metrics {
  readonly registry = new Registry();
  private sources: MetricsSources = {};
  private reading: Promise<Readings> | undefined;
  private readonly collectErrors: Counter<'source'>;

  readonly httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its answer, by route pattern, HTTP status and answer code',
    labelNames: ['method', 'route', 'status', 'code'] as const,
    // Money calls take milliseconds; seamless calls can wait for an operator up to CALLBACK_TIMEOUT_MS (5 s).
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly moneyOperations = new Counter({
    name: 'money_operations_total',
    help: 'Money calls answered, by operation and answer code (0 is success)',
    labelNames: ['type', 'result'] as const,
    registers: [this.registry],
  });

  readonly callbackDeliveries = new Counter({
    name: 'callback_deliveries_total',
    help: 'Calls to operator wallets, by scheme, kind, result and whether the provider was waiting (sync) or a worker made it (queued)',
    labelNames: ['scheme', 'kind', 'result', 'attempt'] as const,
    registers: [this.registry],
  });

  /** Set when a component starts or stops backing off (src/jobs/outage.ts), never per failed command. */
  readonly backoffActive = new Gauge({
    name: 'backoff_active',
    help: 'Components backing off because their dependency (Redis, the database) keeps failing: 1 while backing off',
    labelNames: ['component'] as const,
    registers: [this.registry],
  });

  readonly outages = new Counter({
    name: 'backoff_outages_total',
    help: 'Times a component started backing off (one per outage, however many commands failed in it)',
    labelNames: ['component'] as const,
    registers: [this.registry],
  });

  /** Every change of an operator's circuit breaker made by this process (§6.3), by the state it went to. */
  readonly breakerTransitions = new Counter({
    name: 'callback_breaker_transitions_total',
    help: "Changes of operators' wallet circuit breakers made by this process, by agentID and the state entered",
    labelNames: ['agentID', 'to'] as const,
    registers: [this.registry],
  });

  constructor(sources: MetricsSources = {}) {
    this.watch(sources);
    this.registerPoolGauge();
    this.collectErrors = this.registerScrapedMetrics();
    this.registerProcessGauges();
    collectDefaultMetrics({ register: this.registry });
  }

  /** The pool's connections: registered before the metrics that query the database (see below). */
  private registerPoolGauge(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- prom-client calls collect() with its own `this`
    const metrics = this;
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections: total open, free (idle), and callers queued waiting for one',
      labelNames: ['pool', 'state'] as const,
      registers: [this.registry],
      // Registered before the metrics that query the database, so a scrape does not count its own query.
      collect() {
        this.reset();
        // The promise Pool wraps the core pool, which holds the state.
        const core = (metrics.sources.pool as unknown as { pool?: Mysql2PoolInternals } | undefined)?.pool;
        if (!core) return;
        const states: [string, { readonly length: number } | undefined][] = [
          ['total', core._allConnections],
          ['free', core._freeConnections],
          ['queued', core._connectionQueue],
        ];
        for (const [state, queue] of states) {
          if (typeof queue?.length === 'number') this.set({ pool: 'mysql2', state }, queue.length);
        }
        // Prisma's pool (admin work) lives inside its MariaDB driver adapter, created on connect and not
        // reachable through the client's public API, so it is not reported.
      },
    });
  }

  /** The metrics read from the database and Redis at scrape time, with the counter of failed reads. */
  private registerScrapedMetrics(): Counter<'source'> {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- prom-client calls collect() with its own `this`
    const metrics = this;
    const collectErrors = new Counter({
      name: 'metrics_collect_errors_total',
      help: 'Scrapes in which a source could not be read (database or redis); its values are then reported as unknown',
      labelNames: ['source'] as const,
      registers: [this.registry],
      async collect() {
        // Waits for this scrape's reads, so a failure shows in the scrape that suffered it.
        await metrics.read();
      },
    });

    new Gauge({
      name: 'callback_deliveries_parked',
      help: 'Deliveries that spent their retry budget and wait for staff (status failed); NaN when the database does not answer',
      registers: [this.registry],
      async collect() {
        const { parked } = await metrics.read();
        // Unknown, not zero: an alert on parked > 0 must not clear because the database is down.
        if (parked !== undefined) this.set(parked ?? Number.NaN);
      },
    });

    new Gauge({
      name: 'callback_queue_depth',
      help: 'Jobs in the callback delivery queue by state; absent when Redis does not answer',
      labelNames: ['state'] as const,
      registers: [this.registry],
      async collect() {
        const { depth } = await metrics.read();
        this.reset();
        if (depth) for (const state of QUEUE_STATES) this.set({ state }, depth[state] ?? 0);
      },
    });
    return collectErrors;
  }

  /** What this process holds in memory: its caller cache and the wallet breakers it knows. */
  private registerProcessGauges(): void {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- prom-client calls collect() with its own `this`
    const metrics = this;
    new Gauge({
      name: 'caller_cache_entries',
      help: "Callers held by this process's caller cache: known (found, or being read) and unknown (ids that named nobody); each kind has a cap",
      labelNames: ['kind'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        const size = metrics.sources.callers?.size;
        if (size) for (const kind of ['known', 'unknown'] as const) this.set({ kind }, size[kind]);
      },
    });

    new Gauge({
      name: 'callback_breaker_open',
      help: 'Operators whose wallet circuit breaker this process holds as open or half-open (1), or closed (0), by operator id and state',
      labelNames: ['operator', 'state'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { operatorId, state } of metrics.sources.breaker?.held() ?? [])
          this.set({ operator: String(operatorId), state }, state === 'closed' ? 0 : 1);
      },
    });
  }

  /**
   * The slow reads of one scrape (database, Redis), started by the first collect() that needs them
   * and shared by the others: prom-client collects all metrics of a scrape in parallel.
   */
  private read(): Promise<Readings> {
    return (this.reading ??= this.readSources().finally(() => {
      this.reading = undefined;
    }));
  }

  private async readSources(): Promise<Readings> {
    const { pool, deliveryQueue } = this.sources;
    const failed = (source: 'database' | 'redis') => {
      this.collectErrors.inc({ source });
      return null;
    };
    const [parked, depth] = await Promise.all([
      pool
        ? withTimeout(
            pool.query<RowDataPacket[]>("SELECT COUNT(*) AS parked FROM callback_deliveries WHERE status = 'failed'"),
            'database',
          ).then(
            ([rows]) => Number(rows[0]?.parked ?? 0),
            () => failed('database'),
          )
        : undefined,
      deliveryQueue ? withTimeout(deliveryQueue.depth(), 'redis').catch(() => failed('redis')) : null,
    ]);
    return { parked, depth };
  }

  /** Attaches what is read at scrape time (the runtime's pool and delivery queue). */
  watch(sources: MetricsSources): void {
    this.sources = { ...this.sources, ...sources };
  }

  /** One finished HTTP request; a money route's answer code also counts as a money operation. */
  observeRequest(request: {
    method: string;
    route: string;
    status: number | string;
    code: string;
    seconds: number;
  }): void {
    this.httpRequestDuration.observe(
      { method: request.method, route: request.route, status: String(request.status), code: request.code },
      request.seconds,
    );
  }

  /** A money route answered with this code (counted once per answer, even when the caller hung up). */
  observeAnswer(route: string, code: number): void {
    const type = MONEY_ROUTES[route];
    if (type) this.moneyOperations.inc({ type, result: String(code) });
  }

  /** For Outage: records each change between working and backing off. */
  outageListener(): (component: string, failing: boolean) => void {
    return (component, failing) => {
      this.backoffActive.set({ component }, failing ? 1 : 0);
      if (failing) this.outages.inc({ component });
    };
  }

  /** The observer for an OperatorWalletClient whose calls are all of one kind of attempt. */
  callbackObserver(attempt: CallAttempt): CallObserver {
    return (scheme, call, reply) =>
      this.callbackDeliveries.inc({ scheme, kind: call.kind, result: reply.outcome, attempt });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
