/** Entry point of `npm start`: the API process (the callback workers join it with seamless mode). */
import { loadConfigOrExit } from './config';
import { formatDemoBanner } from './demo/seedDemo';
import { createLogger } from './logger';
import { startServer } from './server';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const server = await startServer(config, logger);
  if (server.demo) process.stdout.write(formatDemoBanner(server.demo));
  // Under `npm start` one Ctrl-C arrives twice (the terminal's, and npm's forwarded copy): a repeat
  // while draining is ignored, instead of killing the process mid-drain with the default action.
  let draining = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (draining) return;
      draining = true;
      logger.info({ signal }, 'shutting down: draining in-flight requests');
      server.close().then(
        () => process.exit(0),
        (error) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((error) => {
  process.stderr.write(`start-up failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
