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
import { prismaAdminStores } from '../db/adminStores';
import { MysqlWalletStore } from '../db/walletStore';
import { adminErrorHandler, adminRoutes } from './admin/adminRoutes';
import { StartupState, healthRoutes } from './health';
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
import { roundRoutes } from './platform/roundRoutes';
import { roundAdminRoutes } from './admin/roundAdminRoutes';
import { MysqlRoundStoryStore } from '../db/roundStoryStore';
import { goLiveDefaultsOf, queuePrefix } from '../runtime';
import { PrismaApplicationStore, PrismaGoLiveStore } from '../db/goLiveStore';
import { goLiveRoutes } from './golive/goLiveRoutes';
import { accountRoutes } from './golive/accountRoutes';
import { applyRoutes } from './golive/applyRoutes';
import { WalletBreakerState } from '../app/credit/account';
import { certificationRoutes } from './admin/certificationRoutes';
import { PrismaCertificationStore } from '../db/certificationStore';
import type { CertificationQueuePort } from '../app/certification/certificationRuns';
import { MysqlProtectionStore } from '../db/protectionStore';
import { protectionRoutes } from './platform/protectionRoutes';
import { playerRoutes } from './admin/playerRoutes';
import { fxRoutes } from './admin/fxRoutes';
import { PrismaFxRateStore } from '../db/fxRateStore';
import { fxRatesOf } from '../db/fxRateCache';
import { MysqlGgrReportStore } from '../db/ggrReportStore';
import { reportRoutes } from './reports/reportRoutes';
import { chartLibraryRoutes } from './backoffice/chartLibrary';
import { allowRoles, requireStaff } from './admin/staffAuth';
import type { StaffStore } from '../app/admin/staff';

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
  /** Where certification runs (§11) are queued for the workers. */
  readonly certificationQueue?: CertificationQueuePort;
  /** Where GGR reports read (a replica's pool when REPORTS_DATABASE_URL is set); the money pool when not given. */
  readonly reportsPool?: Pool;
  /** Start-up work after listen (the demo world): /health answers 503 `starting` until it is done. */
  readonly startup?: StartupState;
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

  const { callers, history, rounds, protection, platformEnvelope } = mountSignedRoutes(app, deps);

  // After the money routes: each router mounted before them is matched against every money call.
  app.use(
    healthRoutes({ databaseReady: () => assertReadyForWrites(pool), redis: deps.redisHealth, startup: deps.startup }),
  );
  app.use(metricsRoutes(metrics, config.metricsToken));
  app.use(docsRoutes({ includeDemo: config.nodeEnv !== 'production' }));
  app.use(backofficeRoutes());
  app.use(demoRoutes({ config, pool, logger }));

  const loginThrottle = new LoginThrottle(deps.redis, queuePrefix(parseDatabaseUrl(config.databaseUrl)));
  const adminStores = prismaAdminStores(prisma);
  app.use(
    adminRoutes({
      stores: adminStores,
      jwtSecret: config.jwtSecret,
      deliveryQueue: deps.deliveryQueue,
      retryAttempts: config.callbackRetryAttempts,
      history,
      callers,
      loginThrottle,
      requireTotp: config.adminRequireTotp,
      goLiveDefaults: goLiveDefaultsOf(config),
      walletState: walletStateOf(deps),
    }),
  );
  mountStaffOperations(app, deps, { rounds, history, protection, platformEnvelope, staffSessions: adminStores.staff });
  app.use('/admin', adminErrorHandler);

  app.use(unknownPath);
  app.use(errorHandler(logger));
  return app;
}

/** The signed APIs (PROTOCOL §4, §5, §14): provider calls first, then the operators' calls. */
function mountSignedRoutes(app: Express, deps: AppDependencies) {
  const { config, pool, prisma } = deps;
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
  const rounds = new MysqlRoundStoryStore(pool);
  app.use(roundRoutes({ rounds, history }, platformEnvelope));
  app.use(
    gameRoutes({
      store: new MysqlCatalogueStore(pool),
      envelope: platformEnvelope,
      jwtSecret: config.jwtSecret,
      sessionTtlS: config.sessionTtlS,
      breaker: deps.seamless.breaker,
    }),
  );
  app.use(freeSpinRoutes({ store: new MysqlCampaignStore(pool), envelope: platformEnvelope }));
  // ---- Player protection (PROTOCOL §14): platform calls here, the Players view with the admin API below ----
  const protection = new MysqlProtectionStore(prisma, pool);
  app.use(protectionRoutes(protection, platformEnvelope));
  return { callers, history, rounds, protection, platformEnvelope };
}

/** Rounds, players, go-live, certification, FX rates and reports (PROTOCOL §11, §12, §14). */
function mountStaffOperations(
  app: Express,
  deps: AppDependencies,
  shared: {
    rounds: MysqlRoundStoryStore;
    history: MysqlHistoryStore;
    protection: MysqlProtectionStore;
    platformEnvelope: express.RequestHandler;
    staffSessions: StaffStore;
  },
): void {
  const { config, prisma, pool } = deps;
  const staff = requireStaff(config.jwtSecret, shared.staffSessions, { requireTotp: config.adminRequireTotp });
  app.use(roundAdminRoutes({ staff, rounds: shared.rounds, history: shared.history }));
  app.use(playerRoutes({ staff, protection: shared.protection, views: shared.protection }));
  const breaker = deps.seamless.breaker;
  mountGoLive(
    app,
    { ...deps, walletState: breaker ? (id) => breaker.state(id) : undefined },
    shared.platformEnvelope,
    staff,
  );
  mountCertification(app, deps, staff);
  // GGR reports (PROTOCOL §12) and the chart library their back-office page draws with.
  app.use(
    reportRoutes({
      store: new MysqlGgrReportStore(deps.reportsPool ?? pool),
      baseCurrency: config.baseCurrency,
      platformEnvelope: shared.platformEnvelope,
      staff,
      staffRoles: allowRoles('admin', 'finance', 'support'),
    }),
  );
  app.use(chartLibraryRoutes());
  // FX rates (PROTOCOL §12): set and listed by staff; a change drops every process's cached rates.
  app.use(
    fxRoutes({
      staff,
      store: new PrismaFxRateStore(prisma),
      cache: fxRatesOf(pool),
      baseCurrency: config.baseCurrency,
    }),
  );
}

/**
 * Go-live (PROTOCOL §11): `/v1/account`, the public application form, and the admin API of go-live,
 * credit, billing and applications. `walletState` is the circuit breaker's (§6.3) when it reports one.
 */
function mountGoLive(
  app: Express,
  deps: AppDependencies & { walletState?: (operatorId: number) => Promise<WalletBreakerState> },
  platformEnvelope: express.RequestHandler,
  staff: express.RequestHandler,
): void {
  const defaults = goLiveDefaultsOf(deps.config);
  const store = new PrismaGoLiveStore(deps.prisma, defaults);
  const applications = new PrismaApplicationStore(deps.prisma, defaults);
  app.use(
    accountRoutes({ store, envelope: platformEnvelope, settings: { ...defaults, walletState: deps.walletState } }),
  );
  app.use(
    applyRoutes({
      store: applications,
      redis: deps.redis,
      keyPrefix: queuePrefix(parseDatabaseUrl(deps.config.databaseUrl)),
    }),
  );
  app.use(
    goLiveRoutes({
      staff,
      credit: store,
      billing: store,
      goLive: store,
      applications,
      settings: defaults,
      callers: deps.callers,
    }),
  );
}

// ---- Certification and circuit breaker (PROTOCOL §6.3, §11) ----
/** An operator's breaker state for operators/list; null in transfer mode. */
function walletStateOf(deps: AppDependencies) {
  return async (agentId: string) => {
    const found = await deps.callers.findOperator(agentId);
    if (!found || found.caller.mode !== 'seamless' || !deps.seamless.breaker) return null;
    return deps.seamless.breaker.state(found.caller.id);
  };
}

function mountCertification(app: Express, deps: AppDependencies, staff: express.RequestHandler): void {
  if (!deps.certificationQueue) return;
  app.use(
    certificationRoutes({
      staff,
      store: new PrismaCertificationStore(deps.prisma),
      queue: deps.certificationQueue,
    }),
  );
}
