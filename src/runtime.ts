/**
 * The shared runtime of API and worker processes: pools, Redis connections, the seamless dependencies,
 * and (when asked) the delivery workers and sweepers. One place that opens everything and closes it.
 */
import { Redis } from 'ioredis';
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
import { startRoundCloser } from './jobs/roundCloser';
import { Metrics } from './observability/metrics';
import { useCallbackUrlPolicy } from './callbacks/callbackUrlPolicy';
import { useSecretsKeyring } from './db/storedSecrets';

export interface Runtime {
  readonly pool: Pool;
  readonly prisma: Prisma;
  readonly redis: Redis;
  readonly seamless: SeamlessDeps;
  readonly deliveryQueue: BullDeliveryQueue;
  readonly callers: CallerCache;
  close(deadlineMs: number): Promise<void>;
}

/** Queues of deployments sharing one Redis stay apart: the prefix names the database (hash-tagged for Cluster). */
export function queuePrefix(target: DatabaseTarget): string {
  return `{casino-${target.database}}`;
}

export function openRuntime(config: Config, target: DatabaseTarget, logger: Logger, options: { workers: boolean; metrics?: Metrics }): Runtime {
  // Before any worker starts: how secrets open and which callback addresses may be called.
  useSecretsKeyring(config.secretsKeyring);
  useCallbackUrlPolicy({ production: config.nodeEnv === 'production', allowedHosts: config.callbackAllowedHosts });
  const pool = createMysqlPool(target, config.dbPoolSize);
  const prisma = createPrismaClient(target, config.prismaPoolSize);
  const redisLog = (name: string) => (error: Error) => logger.warn({ err: error.message, connection: name }, 'redis connection error');
  // Requests fail fast while Redis is down (health, enqueue); the database keeps the record meanwhile.
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', redisLog('main'));
  const queueConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  queueConnection.on('error', redisLog('queue'));
  const prefix = queuePrefix(target);
  const deliveryQueue = new BullDeliveryQueue(queueConnection, logger, prefix);
  const callers = new CallerCache(new MysqlCallerStore(pool));
  // The detail of a failed callback (addresses, transport errors) stays here and in callbacks/list.
  const logWalletFailure = (failure: { agentID: string; kind: string; error: string }) => logger.warn(failure, 'operator wallet call failed');
  const seamless: SeamlessDeps = {
    store: new MysqlSeamlessStore(pool),
    wallet: new OperatorWalletClient((id) => callers.callbackTarget(id), options.metrics?.callbackObserver('sync'), logWalletFailure),
    queue: deliveryQueue,
    settings: {
      callbackTimeoutMs: config.callbackTimeoutMs,
      retryAttempts: config.callbackRetryAttempts,
      retryDelayMs: config.callbackRetryDelayMs,
      retryTimeoutMs: config.callbackRetryTimeoutMs,
    },
  };
  options.metrics?.watch({ pool, deliveryQueue });
  const subscriber = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
  subscriber.on('error', redisLog('subscriber'));
  callers.listen(redis, subscriber, logger);
  const roundCloser = startRoundCloser(new MysqlRoundStore(pool), config.roundTtlS, logger);

  let workers: ReturnType<typeof startDeliveryWorker> | null = null;
  let sweeper: ReturnType<typeof startDeliverySweeper> | null = null;
  let workerConnection: Redis | null = null;
  if (options.workers) {
    // Workers block on Redis: BullMQ needs retries without limit on their connection.
    workerConnection = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    workerConnection.on('error', redisLog('worker'));
    // The workers' own wallet client, so their calls are counted as queued attempts.
    const queued: SeamlessDeps = { ...seamless, wallet: new OperatorWalletClient((id) => callers.callbackTarget(id), options.metrics?.callbackObserver('queued'), logWalletFailure) };
    workers = startDeliveryWorker(queued, workerConnection, logger, {
      concurrency: config.callbackWorkerConcurrency,
      perOperatorConcurrency: config.callbackOperatorConcurrency,
      prefix,
    });
    sweeper = startDeliverySweeper(seamless, logger, Math.min(5_000, Math.max(250, Math.floor(config.callbackRetryDelayMs / 2))));
  }

  return {
    pool,
    prisma,
    redis,
    seamless,
    deliveryQueue,
    callers,
    async close(deadlineMs: number) {
      await sweeper?.stop();
      await workers?.close(deadlineMs);
      await roundCloser.stop();
      await Promise.allSettled([deliveryQueue.close(), pool.end(), prisma.$disconnect(), closeTransport()]);
      for (const connection of [redis, queueConnection, workerConnection, subscriber]) connection?.disconnect();
    },
  };
}
