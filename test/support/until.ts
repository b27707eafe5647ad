/** Polling for what a test waits on: a delivery made, a row written, a server up. */

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves with the probe's first truthy value; throws, naming `what`, after `timeoutMs`. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 8_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * For "nothing more happens" (no second attempt, no retry of a parked delivery): the probe must stay
 * true for the whole window, checked every `everyMs`; throws, naming `what`, the moment it turns false.
 * There is no event to wait for when the thing must not happen, so the window is a time; a breach
 * fails at once instead of at the end.
 */
export async function holdsFor(
  what: string,
  probe: () => Promise<boolean> | boolean,
  windowMs: number,
  everyMs = 50,
): Promise<void> {
  const end = Date.now() + windowMs;
  for (;;) {
    if (!(await probe())) throw new Error(`no longer true within ${windowMs} ms: ${what}`);
    if (Date.now() >= end) return;
    await sleep(Math.min(everyMs, Math.max(0, end - Date.now())));
  }
}
