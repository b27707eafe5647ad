/**
 * Where the browser tests find Chromium: Debian's /usr/bin/chromium, or CHROMIUM_PATH. Without it the
 * browser tests are skipped and `npm test` says so in one line (globalSetup, and the summary line);
 * under CI they run and fail instead, so a CI without Chromium cannot pass by skipping.
 */
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const runBrowserTests = (): boolean => existsSync(CHROMIUM) || Boolean(process.env.CI);
/** The one line `npm test` prints when the browser tests cannot run. */
export const missingChromiumLine = (): string =>
  `Browser tests (test/browser/*) SKIPPED: no Chromium at ${CHROMIUM}; install it with apt-get install -y chromium (or set CHROMIUM_PATH).`;
