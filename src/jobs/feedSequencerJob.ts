/**
 * Runs the feed sequencer on a timer in this process (db/feedSequencer.ts): every process with workers
 * may run one; their passes take turns on the feed_sequencer row lock, so one runs at a time. A pass
 * that left a backlog (a full batch after a burst, or day sets catching up after an upgrade) is followed
 * by another at once.
 */
import { Logger } from 'pino';

export interface SequencerPassResult {
  /** More is waiting: run the next pass at once. */
  readonly backlog: boolean;
}

export function startFeedSequencer(
  pass: () => Promise<SequencerPassResult>,
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
        again = (await pass()).backlog;
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
