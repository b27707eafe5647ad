/**
 * Entry point of a worker-only process (`npm run worker`): callback delivery workers and sweepers,
 * nothing served. Run as many as needed beside the API processes; they share the queue and the database.
 */
import { loadConfigOrExit } from './config';
import { parseDatabaseUrl } from './db/databaseUrl';
import { migrate } from './db/migrate';
import { createLogger } from './logger';
import { openRuntime } from './runtime';
import { applySecurityAtStartup } from './securityStartup';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel).child({ role: 'worker' });
  const target = parseDatabaseUrl(config.databaseUrl);
  await migrate(target);
  const runtime = openRuntime(config, target, logger, { workers: true });
  await applySecurityAtStartup(config, runtime.pool, logger);
  logger.info('delivery workers running');
  // A repeated signal (npm forwards the terminal's Ctrl-C a second time) does not cut the stop short.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info({ signal }, 'stopping workers: finishing attempts in progress');
      runtime.close(config.shutdownTimeoutMs).then(
        () => process.exit(0),
        () => process.exit(1),
      );
    });
  }
}

main().catch((error) => {
  process.stderr.write(
    `worker start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
