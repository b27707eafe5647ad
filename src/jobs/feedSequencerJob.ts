/**
 * Runs the feed sequencer on a timer in this process (db/feedSequencer.ts): every process with workers
 * may run one; their passes take turns on the feed_sequencer row lock, so one runs at a time. A pass
 * that filled its batch is followed by another at once (a backlog after an upgrade or a burst).
 */
import { Logger } from 'pino';

export interface SequencerPassResult {
  readonly sequenced: number;
}

export function startFeedSequencer(
  pass: () => Promise<SequencerPassResult>,
  batchSize: number,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      let again = false;
      try {
        again = (await pass()).sequenced >= batchSize;
      } catch (error) {
        logger.warn({ err: error }, 'feed sequencer pass failed (rolled back whole); retrying on the next tick');
      }
      if (!stopped) schedule(again ? 0 : intervalMs);
    })();
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(tick, delayMs);
    timer.unref();
  };
  schedule(intervalMs);
  return {
    stop: async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
