/**
 * The shared runtime of API and worker processes: pools, Redis connections, the seamless dependencies,
 * and (when asked) the delivery workers and sweepers. One place that opens everything and closes it.
 */
import { Pool } from 'mysql2/promise';
import { Logger } from 'pino';
import { SeamlessDeps } from './app/seamless/seamlessDeps';
import { closeTransport } from './callbacks/httpTransport';
import { OperatorWalletClient } from './callbacks/operatorWallet';
import { Config } from './config';
import { DatabaseHosts } from './db/databaseHosts';
import { DatabaseTarget, parseDatabaseUrl } from './db/databaseUrl';
import { createMysqlPool } from './db/mysqlPool';
import { CallerCache } from './db/callerCache';
import { MysqlCallerStore } from './db/callerStore';
import { Prisma, createFollowingPrismaClient } from './db/prismaClient';
import { MysqlRoundStore } from './db/roundStore';
import { MysqlSeamlessStore } from './db/seamlessStore';
import { BullDeliveryQueue } from './jobs/deliveryQueue';
import { startDeliverySweeper } from './jobs/deliverySweeper';
import { startDeliveryWorker } from './jobs/deliveryWorker';
import { Outage } from './jobs/outage';
import { RedisClient, openRedis } from './jobs/redisConnection';
import { RedisHealthCheck, redisHealth } from './jobs/redisHealth';
import { describeRedisTopology } from './jobs/redisTopology';
import { startRoundCloser } from './jobs/roundCloser';
import { startBillingScheduler } from './jobs/billingScheduler';
import { PrismaGoLiveStore } from './db/goLiveStore';
import { startFeedSequencer } from './jobs/feedSequencerJob';
import { runSequencerPass } from './db/feedSequencer';
import { configureFxRates } from './db/fxRateCache';
import { Metrics } from './observability/metrics';
import { useCallbackUrlPolicy } from './callbacks/callbackUrlPolicy';
import { useSecretsKeyring } from './db/storedSecrets';
import { recordingWallet } from './app/seamless/attemptLog';
import { BatchedAttemptLog } from './db/attemptLogWriter';
import { RedisWalletBreaker } from './jobs/walletBreaker';
import { BullCertificationQueue, startCertificationWorker } from './jobs/certificationJob';
import { PrismaCertificationStore } from './db/certificationStore';

export interface Runtime {
  readonly pool: Pool;
  readonly hosts: DatabaseHosts;
  readonly prisma: Prisma;
  readonly redisHealth: RedisHealthCheck;
  /** The commands connection (login limits share it); whatever the topology. */
  readonly redis: RedisClient;
  readonly seamless: SeamlessDeps;
  readonly deliveryQueue: BullDeliveryQueue;
  readonly callers: CallerCache;
  /** The per-operator circuit breaker (§6.3), shared through Redis. */
  readonly breaker: RedisWalletBreaker;
  /** Certification runs (§11) are queued here and run by the workers. */
  readonly certificationQueue: BullCertificationQueue;
  /** GGR reports' own small pool: on REPORTS_DATABASE_URL (a replica) when set, else on DATABASE_URL. */
  readonly reportsPool: Pool;
  close(deadlineMs: number): Promise<void>;
}

/** Queues of deployments sharing one Redis stay apart: the prefix names the database (hash-tagged for Cluster). */
export function queuePrefix(target: DatabaseTarget): string {
  return `{casino-${target.database}}`;
}

/**
 * Logs a connection's errors once per outage (ioredis emits one at every reconnect attempt) and its return;
 * a single-node client that finds a Cluster node says which variable to set instead.
 */
function watchRedis(client: RedisClient, name: string, logger: Logger): RedisClient {
  const outage = new Outage(`redis connection ${name}`, logger);
  client.on('error', (error: Error) => {
    if (!outage.failing) outage.failed(error);
  });
  client.on('ready', () => outage.succeeded());
  return client;
}

function warnIfClusterNode(client: RedisClient, logger: Logger): void {
  client.once('ready', () => {
    client.info('cluster').then(
      (info) => {
        if (/cluster_enabled:1/.test(info))
          logger.error(
            'REDIS_URL names a node of a Redis Cluster: set REDIS_CLUSTER_NODES instead, or the queue will not work',
          );
      },
      () => undefined,
    );
  });
}

/** Reports never take the money calls' connections: a pool of their own, on a replica when one is named. */
function openReportsPool(config: Config, target: DatabaseTarget, hosts: DatabaseHosts): Pool {
  const replica = config.reportsDatabaseUrl ? parseDatabaseUrl(config.reportsDatabaseUrl) : null;
  return createMysqlPool(replica ?? target, config.reportsPoolSize, {
    settings: { acquireTimeoutMs: config.dbAcquireTimeoutMs },
    hosts: !replica && hosts.several ? hosts : undefined,
  });
}

/** The money pool, Prisma and the reports pool, all following the current host when there are several. */
function openDatabases(config: Config, target: DatabaseTarget, logger: Logger) {
  // With several hosts both pools follow the current one; a check at once moves off a first host
  // that is not ready, then one every DB_HOST_CHECK_MS (failures seen by transactions check sooner).
  const hosts = DatabaseHosts.forTarget(target);
  const pool = createMysqlPool(target, config.dbPoolSize, {
    settings: {
      acquireTimeoutMs: config.dbAcquireTimeoutMs,
      lockWaitTimeoutS: config.dbLockWaitTimeoutS,
      transactionAttempts: config.dbTransactionAttempts,
    },
    hosts: hosts.several ? hosts : undefined,
  });
  const prisma = createFollowingPrismaClient(target, config.prismaPoolSize, hosts);
  const reportsPool = openReportsPool(config, target, hosts);
  hosts.onSwitch((host, previous) =>
    logger.warn(
      { from: `${previous.host}:${previous.port}`, to: `${host.host}:${host.port}` },
      'database host changed',
    ),
  );
  void hosts.check();
  hosts.start(config.dbHostCheckMs);
  return { hosts, pool, prisma, reportsPool };
}

/** The commands connection (queue, caches' announcements, breaker) and the pub/sub subscriber. */
function openRedisConnections(config: Config, logger: Logger) {
  logger.info({ redis: describeRedisTopology(config.redis) }, 'redis topology');
  // Requests fail fast while Redis is down (health, enqueue, publish); the database keeps the record meanwhile.
  const queueConnection = watchRedis(openRedis(config.redis, 'commands'), 'queue', logger);
  if (config.redis.kind === 'single') warnIfClusterNode(queueConnection, logger);
  const subscriber = watchRedis(openRedis(config.redis, 'subscriber'), 'subscriber', logger);
  return { queueConnection, subscriber };
}

interface WalletParts {
  readonly config: Config;
  readonly logger: Logger;
  readonly callers: CallerCache;
  readonly attemptLog: BatchedAttemptLog;
  readonly metrics?: Metrics;
}

/** The operator wallet client of one path (`sync`: while the provider waits; `queued`: the workers'). */
function operatorWallet(parts: WalletParts, path: 'sync' | 'queued') {
  // The detail of a failed callback (addresses, transport errors) stays here and in callbacks/list.
  const logWalletFailure = (failure: { agentID: string; kind: string; error: string }) =>
    parts.logger.warn(failure, 'operator wallet call failed');
  return recordingWallet(
    new OperatorWalletClient(
      (id) => parts.callers.callbackTarget(id),
      parts.metrics?.callbackObserver(path),
      logWalletFailure,
    ),
    parts.attemptLog,
    path === 'sync' ? 'inline' : 'queue',
  );
}

/** The per-operator circuit breaker (§6.3), shared through Redis. */
function openBreaker(
  config: Config,
  connection: RedisClient,
  prefix: string,
  logger: Logger,
  callers: CallerCache,
  metrics?: Metrics,
): RedisWalletBreaker {
  return new RedisWalletBreaker(
    connection,
    prefix,
    {
      failures: config.callbackBreakerFailures,
      openMs: config.callbackBreakerOpenS * 1000,
      trialLeaseMs: config.callbackTimeoutMs * 2,
    },
    logger,
    async (id) => (await callers.callbackTarget(id))?.agentId ?? null,
    ({ agentId, operatorId, to }) => metrics?.breakerTransitions.inc({ agentID: agentId ?? String(operatorId), to }),
  );
}

interface WorkerParts extends WalletParts {
  readonly pool: Pool;
  readonly prisma: Prisma;
  readonly prefix: string;
  readonly seamless: SeamlessDeps;
  readonly deliveryQueue: BullDeliveryQueue;
  readonly onOutage: ReturnType<Metrics['outageListener']> | undefined;
}

/** Worker processes only: deliveries and their sweeper, certification runs, the feed sequencer, billing. */
function startWorkers(parts: WorkerParts) {
  const { config, logger, pool, prisma, prefix, seamless, deliveryQueue, onOutage } = parts;
  // ---- Go-live (PROTOCOL §11): the daily fees, billed by every worker process (exactly once by key).
  const billing = startBillingScheduler(
    new PrismaGoLiveStore(prisma, goLiveDefaultsOf(config)),
    goLiveDefaultsOf(config),
    config.billingIntervalMs,
    logger,
  );
  const certificationConnection = watchRedis(openRedis(config.redis, 'blocking'), 'certification', logger);
  const certificationWorker = startCertificationWorker(
    {
      store: new PrismaCertificationStore(prisma),
      target: (id) => parts.callers.callbackTarget(id),
      timeoutMs: config.callbackTimeoutMs,
      logger,
    },
    certificationConnection,
    prefix,
  );
  const feedSequencer = startFeedSequencer(() => runSequencerPass(pool), config.feedSequencerIntervalMs, logger);
  // Workers block on Redis: BullMQ needs retries without limit on their connection.
  const workerConnection = watchRedis(openRedis(config.redis, 'blocking'), 'worker', logger);
  // The workers' own wallet client, so their calls are counted as queued attempts.
  const queued: SeamlessDeps = { ...seamless, wallet: operatorWallet(parts, 'queued') };
  const workers = startDeliveryWorker(queued, workerConnection, logger, {
    concurrency: config.callbackWorkerConcurrency,
    perOperatorConcurrency: config.callbackOperatorConcurrency,
    prefix,
    probe: () => deliveryQueue.probe(),
    onOutage,
  });
  const sweeper = startDeliverySweeper(
    seamless,
    logger,
    Math.min(5_000, Math.max(250, Math.floor(config.callbackRetryDelayMs / 2))),
    onOutage,
  );
  return { billing, certificationConnection, certificationWorker, feedSequencer, workerConnection, workers, sweeper };
}

/** What the seamless use cases run with: their store, the wallet client called while the provider waits, the queue. */
function seamlessOf(
  parts: WalletParts,
  pool: Pool,
  deliveryQueue: BullDeliveryQueue,
  breaker: RedisWalletBreaker,
): SeamlessDeps {
  const { config } = parts;
  return {
    store: new MysqlSeamlessStore(pool),
    wallet: operatorWallet(parts, 'sync'),
    queue: deliveryQueue,
    settings: {
      callbackTimeoutMs: config.callbackTimeoutMs,
      retryAttempts: config.callbackRetryAttempts,
      retryDelayMs: config.callbackRetryDelayMs,
      retryTimeoutMs: config.callbackRetryTimeoutMs,
    },
    breaker,
  };
}

export function openRuntime(
  config: Config,
  target: DatabaseTarget,
  logger: Logger,
  options: { workers: boolean; metrics?: Metrics },
): Runtime {
  // Before any worker starts: how secrets open and which callback addresses may be called.
  useSecretsKeyring(config.secretsKeyring);
  useCallbackUrlPolicy({ production: config.nodeEnv === 'production', allowedHosts: config.callbackAllowedHosts });
  const { hosts, pool, prisma, reportsPool } = openDatabases(config, target, logger);
  const metrics = options.metrics;
  const onOutage = metrics?.outageListener();
  const { queueConnection, subscriber } = openRedisConnections(config, logger);
  const prefix = queuePrefix(target);
  const deliveryQueue = new BullDeliveryQueue(queueConnection, logger, prefix, onOutage);
  const callers = new CallerCache(new MysqlCallerStore(pool));
  // Before any store is used: every transaction stored over this pool captures its rate from this cache.
  const fxRates = configureFxRates(pool, config.baseCurrency);
  // Every delivery call is kept as an attempt (rounds/get), written in batches off the money path.
  const attemptLog = new BatchedAttemptLog(pool, (error, lost) =>
    logger.warn({ err: (error as Error).message, lost }, 'delivery attempts not recorded'),
  );
  const breaker = openBreaker(config, queueConnection, prefix, logger, callers, metrics);
  const walletParts: WalletParts = { config, logger, callers, attemptLog, metrics };
  const seamless = seamlessOf(walletParts, pool, deliveryQueue, breaker);
  metrics?.watch({ pool, deliveryQueue, breaker });
  callers.listen(queueConnection, subscriber, logger);
  breaker.listen(subscriber);
  fxRates.listen(queueConnection, subscriber, logger);
  const roundCloser = startRoundCloser(new MysqlRoundStore(pool), config.roundTtlS, logger);
  const certificationQueue = new BullCertificationQueue(queueConnection, prefix);
  const started = options.workers
    ? startWorkers({ ...walletParts, pool, prisma, prefix, seamless, deliveryQueue, onOutage })
    : null;

  return {
    pool,
    hosts,
    prisma,
    redis: queueConnection,
    redisHealth: redisHealth({
      connections: { queue: queueConnection, worker: started?.workerConnection ?? null },
      queue: deliveryQueue,
      worker: started?.workers ?? null,
    }),
    seamless,
    deliveryQueue,
    callers,
    breaker,
    certificationQueue,
    reportsPool,
    close: (deadlineMs: number) =>
      closeRuntime(deadlineMs, {
        hosts,
        started,
        certificationQueue,
        roundCloser,
        attemptLog,
        deliveryQueue,
        pools: [pool, reportsPool],
        prisma,
        connections: [queueConnection, subscriber],
      }),
  };
}

/** Stops in order: workers and sweepers first, then what they write through, then pools and connections. */
async function closeRuntime(
  deadlineMs: number,
  parts: {
    hosts: DatabaseHosts;
    started: ReturnType<typeof startWorkers> | null;
    certificationQueue: BullCertificationQueue;
    roundCloser: ReturnType<typeof startRoundCloser>;
    attemptLog: BatchedAttemptLog;
    deliveryQueue: BullDeliveryQueue;
    pools: Pool[];
    prisma: Prisma;
    connections: RedisClient[];
  },
): Promise<void> {
  const { started } = parts;
  parts.hosts.stop();
  // A run in progress is abandoned: it stays `running` until BullMQ hands its job to another worker.
  await Promise.race([
    Promise.allSettled([started?.certificationWorker.close(true), parts.certificationQueue.close()]),
    new Promise((resolve) => setTimeout(resolve, Math.min(deadlineMs, 2_000)).unref()),
  ]);
  await started?.sweeper.stop();
  await started?.workers.close(deadlineMs);
  await parts.roundCloser.stop();
  await parts.attemptLog.close();
  await started?.billing.stop();
  await started?.feedSequencer.stop();
  // BullMQ's close waits for its connection to be ready: with Redis unreachable it would wait forever.
  const queueClosed = Promise.race([
    parts.deliveryQueue.close(),
    new Promise((resolve) => setTimeout(resolve, Math.min(deadlineMs, 2_000)).unref()),
  ]);
  await Promise.allSettled([
    queueClosed,
    ...parts.pools.map((pool) => pool.end()),
    parts.prisma.$disconnect(),
    closeTransport(),
  ]);
  const [queueConnection, subscriber] = parts.connections;
  for (const connection of [queueConnection, started?.workerConnection, subscriber, started?.certificationConnection])
    connection?.disconnect();
}

/** BASE_CURRENCY and DEFAULT_FEE_PERCENT as the go-live use cases read them (PROTOCOL §11). */
export function goLiveDefaultsOf(config: Config): { baseCurrency: string; defaultFeePercent: string } {
  return { baseCurrency: config.baseCurrency, defaultFeePercent: config.defaultFeePercent };
}
