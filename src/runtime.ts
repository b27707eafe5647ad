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
import { DatabaseTarget } from './db/databaseUrl';
import { createMysqlPool } from './db/mysqlPool';
import { CallerCache } from './db/callerCache';
import { MysqlCallerStore } from './db/callerStore';
import { Prisma, createPrismaClient } from './db/prismaClient';
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
import { Metrics } from './observability/metrics';

export interface Runtime {
  readonly pool: Pool;
  readonly prisma: Prisma;
  readonly redisHealth: RedisHealthCheck;
  readonly seamless: SeamlessDeps;
  readonly deliveryQueue: BullDeliveryQueue;
  readonly callers: CallerCache;
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
        if (/cluster_enabled:1/.test(info)) logger.error('REDIS_URL names a node of a Redis Cluster: set REDIS_CLUSTER_NODES instead, or the queue will not work');
      },
      () => undefined,
    );
  });
}

export function openRuntime(config: Config, target: DatabaseTarget, logger: Logger, options: { workers: boolean; metrics?: Metrics }): Runtime {
  const pool = createMysqlPool(target, config.dbPoolSize);
  const prisma = createPrismaClient(target, config.prismaPoolSize);
  const onOutage = options.metrics?.outageListener();
  logger.info({ redis: describeRedisTopology(config.redis) }, 'redis topology');
  // Requests fail fast while Redis is down (health, enqueue, publish); the database keeps the record meanwhile.
  const queueConnection = watchRedis(openRedis(config.redis, 'commands'), 'queue', logger);
  if (config.redis.kind === 'single') warnIfClusterNode(queueConnection, logger);
  const prefix = queuePrefix(target);
  const deliveryQueue = new BullDeliveryQueue(queueConnection, logger, prefix, onOutage);
  const callers = new CallerCache(new MysqlCallerStore(pool));
  const seamless: SeamlessDeps = {
    store: new MysqlSeamlessStore(pool),
    wallet: new OperatorWalletClient((id) => callers.callbackTarget(id), options.metrics?.callbackObserver('sync')),
    queue: deliveryQueue,
    settings: {
      callbackTimeoutMs: config.callbackTimeoutMs,
      retryAttempts: config.callbackRetryAttempts,
      retryDelayMs: config.callbackRetryDelayMs,
      retryTimeoutMs: config.callbackRetryTimeoutMs,
    },
  };
  options.metrics?.watch({ pool, deliveryQueue });
  const subscriber = watchRedis(openRedis(config.redis, 'subscriber'), 'subscriber', logger);
  callers.listen(queueConnection, subscriber, logger);
  const roundCloser = startRoundCloser(new MysqlRoundStore(pool), config.roundTtlS, logger);

  let workers: ReturnType<typeof startDeliveryWorker> | null = null;
  let sweeper: ReturnType<typeof startDeliverySweeper> | null = null;
  let workerConnection: RedisClient | null = null;
  if (options.workers) {
    // Workers block on Redis: BullMQ needs retries without limit on their connection.
    workerConnection = watchRedis(openRedis(config.redis, 'blocking'), 'worker', logger);
    // The workers' own wallet client, so their calls are counted as queued attempts.
    const queued: SeamlessDeps = { ...seamless, wallet: new OperatorWalletClient((id) => callers.callbackTarget(id), options.metrics?.callbackObserver('queued')) };
    workers = startDeliveryWorker(queued, workerConnection, logger, {
      concurrency: config.callbackWorkerConcurrency,
      perOperatorConcurrency: config.callbackOperatorConcurrency,
      prefix,
      probe: () => deliveryQueue.probe(),
      onOutage,
    });
    sweeper = startDeliverySweeper(seamless, logger, Math.min(5_000, Math.max(250, Math.floor(config.callbackRetryDelayMs / 2))), onOutage);
  }

  return {
    pool,
    prisma,
    redisHealth: redisHealth({ connections: { queue: queueConnection, worker: workerConnection }, queue: deliveryQueue, worker: workers }),
    seamless,
    deliveryQueue,
    callers,
    async close(deadlineMs: number) {
      await sweeper?.stop();
      await workers?.close(deadlineMs);
      await roundCloser.stop();
      // BullMQ's close waits for its connection to be ready: with Redis unreachable it would wait forever.
      const queueClosed = Promise.race([deliveryQueue.close(), new Promise((resolve) => setTimeout(resolve, Math.min(deadlineMs, 2_000)).unref())]);
      await Promise.allSettled([queueClosed, pool.end(), prisma.$disconnect(), closeTransport()]);
      for (const connection of [queueConnection, workerConnection, subscriber]) connection?.disconnect();
    },
  };
}
