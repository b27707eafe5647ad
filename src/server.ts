/**
 * Start-up and shutdown of one API process (PROTOCOL §9): create and migrate the database, create the
 * first admin, serve (then seed the demo world when DEMO_SEED is on); on SIGTERM stop accepting, let
 * in-flight requests finish (with a deadline), then close the pools. Tests start servers through this
 * same function.
 */
import { retryOnWriteConflict } from './db/writeConflict';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Logger } from 'pino';
import { sealLegacyAudit } from './app/admin/audit';
import { ensureBootstrapAdmin } from './app/admin/staff';
import { Config } from './config';
import { prismaAdminStores } from './db/adminStores';
import { parseDatabaseUrl } from './db/databaseUrl';
import { migrate } from './db/migrate';
import { DemoWorld, seedDemo } from './demo/seedDemo';
import { createApp } from './http/app';
import { StartupState } from './http/health';
import { Metrics } from './observability/metrics';
import { openRuntime } from './runtime';
import { applySecurityAtStartup } from './securityStartup';

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  /** The demo world, when DEMO_SEED is on and seeding worked (main.ts prints how to use it). */
  readonly demo?: DemoWorld;
  close(): Promise<void>;
}

export async function startServer(
  config: Config,
  logger: Logger,
  options: { workers: boolean } = { workers: true },
): Promise<RunningServer> {
  const target = parseDatabaseUrl(config.databaseUrl);
  await migrateAndReport(target, logger);

  const metrics = new Metrics();
  const runtime = openRuntime(config, target, logger, { workers: options.workers, metrics });
  const { pool, prisma, redis, redisHealth } = runtime;
  const admin = prismaAdminStores(prisma);
  // Start-up writes may meet another instance's on another Galera node: each step is retried whole.
  await retryOnWriteConflict(() => applySecurityAtStartup(config, pool, logger));
  // Entries written before the audit chain existed are hashed once, before anything new is appended.
  await retryOnWriteConflict(() => sealLegacyAudit(admin.audit));

  if (
    config.admin &&
    (await retryOnWriteConflict(() =>
      ensureBootstrapAdmin(admin.staff, config.admin!.username, config.admin!.password),
    ))
  ) {
    logger.info({ username: config.admin.username }, 'created the first admin from ADMIN_USERNAME');
  }
  if (config.jwtSecretIsEphemeral) {
    logger.warn('JWT_SECRET is not set: using a random secret for this process only (tokens die with it)');
  }

  // Not ready (503 `starting` on /health) until the demo world a newcomer is told about exists.
  const startup: StartupState = { pending: config.demoSeed ? 'seeding the demo world' : null };
  const app = createApp({
    startup,
    config,
    pool,
    prisma,
    redis,
    redisHealth,
    logger,
    seamless: runtime.seamless,
    deliveryQueue: runtime.deliveryQueue,
    callers: runtime.callers,
    metrics,
    certificationQueue: runtime.certificationQueue,
    reportsPool: runtime.reportsPool,
  });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(config.port, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  // Keep-alive longer than typical load balancers' idle timeout, so they close first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 30_000;
  const port = (server.address() as AddressInfo).port;
  logger.info({ port }, 'listening');

  const close = drainOnClose(server, runtime, config, logger);

  // After listen: the demo's URLs carry the real port (PORT=0 picks one). A failure leaves the APIs up.
  let demo: DemoWorld | undefined;
  if (config.demoSeed) {
    try {
      demo = await seedDemo({ config, pool, prisma, logger }, port);
    } catch (error) {
      logger.error({ err: error }, 'demo: seeding the demo world failed (the APIs are served anyway)');
    }
    startup.pending = null;
  }

  return { port, url: `http://127.0.0.1:${port}`, demo, close };
}

async function migrateAndReport(target: ReturnType<typeof parseDatabaseUrl>, logger: Logger): Promise<void> {
  const report = await migrate(target);
  if (report.createdDatabase) logger.info({ database: target.database }, 'created the database');
  if (report.applied.length) logger.info({ migrations: report.applied }, 'applied migrations');
  if (report.unknownInDatabase.length) {
    logger.warn({ migrations: report.unknownInDatabase }, 'the database has migrations this build does not know');
  }
}

/** The SIGTERM drain: stop accepting, let in-flight requests finish until the deadline, then close the pools. */
function drainOnClose(
  server: Server,
  runtime: ReturnType<typeof openRuntime>,
  config: Config,
  logger: Logger,
): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () =>
    (closing ??= (async () => {
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      // Connections busy at SIGTERM turn idle as their responses finish; close each one then, instead of
      // letting keep-alive hold the process until the deadline.
      server.closeIdleConnections();
      const closer = setInterval(() => server.closeIdleConnections(), 50);
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, config.shutdownTimeoutMs).unref());
      await Promise.race([drained, deadline]);
      clearInterval(closer);
      server.closeAllConnections();
      await runtime.close(config.shutdownTimeoutMs);
      logger.info('stopped');
    })());
}
