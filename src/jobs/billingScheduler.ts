/**
 * The daily billing job (PROTOCOL §11) on a timer in every worker process. Any number of processes
 * may run it at once: each bill's primary key (operator, day) is the claim, so a day is billed once.
 */
import { Logger } from 'pino';
import { BillingSettings, billEndedDays } from '../app/billing/billing';
import { BillingStore } from '../app/billing/billingStore';

export function startBillingScheduler(
  store: BillingStore,
  settings: BillingSettings,
  intervalMs: number,
  logger: Logger,
): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = running.then(async () => {
      try {
        const result = await billEndedDays(store, new Date(), settings);
        if (result.billed) logger.info({ billed: result.billed }, 'billed ended days');
        for (const refused of result.refused) logger.warn(refused, 'day not billed');
      } catch (error) {
        logger.warn({ err: error }, 'billing pass failed; retrying on the next tick');
      }
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
