/** Runs the round TTL close on a timer in this process (every process may run one; see closeStaleRounds). */
import { Logger } from 'pino';
import { StaleRoundStore, closeStaleRounds, sweepIntervalMs } from '../app/rounds/closeStaleRounds';

export function startRoundCloser(store: StaleRoundStore, roundTtlS: number, logger: Logger): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(async () => {
      try {
        const closed = await closeStaleRounds(store, roundTtlS);
        if (closed) logger.info({ closed, roundTtlS }, 'closed rounds left open past ROUND_TTL_S');
      } catch (error) {
        logger.warn({ err: error }, 'round TTL sweep failed; retrying on the next tick');
      }
    });
  }, sweepIntervalMs(roundTtlS));
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
