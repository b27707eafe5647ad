/**
 * The Express application: JSON bodies only (64 KiB), the signed platform and provider APIs behind
 * their envelope checks, the admin API behind staff tokens, and the health probe.
 */
import express, { Express } from 'express';
import type { RedisHealthCheck } from '../jobs/redisHealth';
import type { RedisClient } from '../jobs/redisConnection';
import { Pool } from 'mysql2/promise';
import { Logger } from 'pino';
import { Config } from '../config';
import { SeamlessDeps } from '../app/seamless/seamlessDeps';
import { DeliveryQueuePort } from '../app/seamless/seamlessStore';
import { CallerCache } from '../db/callerCache';
import { MysqlHistoryStore } from '../db/historyStore';
import { Prisma } from '../db/prismaClient';
import { MysqlWalletStore } from '../db/walletStore';
import { adminErrorHandler, adminRoutes } from './admin/adminRoutes';
import { healthRoutes } from './health';
import { docsRoutes } from './docs/docsRoutes';
import { backofficeRoutes } from './backoffice/backofficeRoutes';
import { requestObservability } from '../observability/requestObservability';
import { Metrics } from '../observability/metrics';
import { metricsRoutes } from './metricsRoutes';
import { demoRoutes } from '../demo/demoRoutes';
import { errorHandler, unknownPath } from './httpErrors';
import { refuseDeepBodies } from './bodyDepth';
import { transactionRoutes } from './platform/transactionRoutes';
import { walletRoutes } from './platform/walletRoutes';
import { gameRoutes } from './platform/gameRoutes';
import { freeSpinRoutes } from './platform/freeSpinRoutes';
import { providerRoutes } from './provider/providerRoutes';
import { MysqlCatalogueStore } from '../db/catalogueStore';
import { MysqlCampaignStore } from '../db/campaignStore';
import { signedEnvelope } from './signedEnvelope';
import { LoginThrottle } from './admin/loginThrottle';
import { parseDatabaseUrl } from '../db/databaseUrl';
import { assertReadyForWrites } from '../db/databaseHosts';
import { queuePrefix } from '../runtime';

export interface AppDependencies {
  readonly config: Config;
  readonly pool: Pool;
  readonly prisma: Prisma;
  /** The Redis half of /health (src/jobs/redisHealth.ts). */
  readonly redisHealth: RedisHealthCheck;
  /** Commands connection for the login limits. */
  readonly redis: RedisClient;
  readonly logger: Logger;
  readonly seamless: SeamlessDeps;
  readonly deliveryQueue: DeliveryQueuePort;
  readonly callers: CallerCache;
  /** The process's metrics (server.ts shares them with the runtime); a fresh set when not given. */
  readonly metrics?: Metrics;
}

export const BODY_LIMIT_BYTES = 64 * 1024;

export function createApp(deps: AppDependencies): Express {
  const { config, pool, prisma, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  // The client address (login limits, allow-lists) is the socket's unless proxies are trusted: TRUST_PROXY hops.
  app.set('trust proxy', config.trustProxyHops);
  const metrics = deps.metrics ?? new Metrics({ pool });
  metrics.watch({ callers: deps.callers });
  app.use(requestObservability(logger, metrics));
  app.use(express.json({ limit: BODY_LIMIT_BYTES, strict: true, type: ['application/json', 'application/*+json'] }));
  app.use(refuseDeepBodies);

  const callers = deps.callers;
  const ledger = new MysqlWalletStore(pool);
  // Provider calls first: they are most of the traffic (every bet, win and rollback).
  const providerEnvelope = signedEnvelope({
    callerField: 'providerID',
    lookup: (providerId) => callers.findProvider(providerId),
    signWindowS: config.signWindowS,
  });
  app.use(
    providerRoutes({
      ledger,
      seamless: deps.seamless,
      operators: callers,
      jwtSecret: config.jwtSecret,
      envelope: providerEnvelope,
    }),
  );

  const platformEnvelope = signedEnvelope({
    callerField: 'agentID',
    lookup: (agentId) => callers.findOperator(agentId),
    signWindowS: config.signWindowS,
  });
  app.use(walletRoutes(ledger, deps.seamless, platformEnvelope));
  const history = new MysqlHistoryStore(pool);
  app.use(transactionRoutes(history, platformEnvelope));
  app.use(
    gameRoutes({
      store: new MysqlCatalogueStore(pool),
      envelope: platformEnvelope,
      jwtSecret: config.jwtSecret,
      sessionTtlS: config.sessionTtlS,
    }),
  );
  app.use(freeSpinRoutes({ store: new MysqlCampaignStore(pool), envelope: platformEnvelope }));

  // After the money routes: each router mounted before them is matched against every money call.
  app.use(healthRoutes({ databaseReady: () => assertReadyForWrites(pool), redis: deps.redisHealth }));
  app.use(metricsRoutes(metrics, config.metricsToken));
  app.use(docsRoutes({ includeDemo: config.nodeEnv !== 'production' }));
  app.use(backofficeRoutes());
  app.use(demoRoutes({ config, pool, logger }));

  const loginThrottle = new LoginThrottle(deps.redis, queuePrefix(parseDatabaseUrl(config.databaseUrl)));
  app.use(
    adminRoutes({
      prisma,
      jwtSecret: config.jwtSecret,
      deliveryQueue: deps.deliveryQueue,
      retryAttempts: config.callbackRetryAttempts,
      history,
      callers,
      loginThrottle,
      requireTotp: config.adminRequireTotp,
    }),
  );
  app.use('/admin', adminErrorHandler);

  app.use(unknownPath);
  app.use(errorHandler(logger));
  return app;
}
