/**
 * Chromium for the browser tests (test/browser/*): Debian's /usr/bin/chromium, or CHROMIUM_PATH. When it
 * is missing the browser tests are skipped and globalSetup says so in one line (under CI they run and
 * fail instead, so a CI without Chromium cannot pass by skipping).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const chromiumPresent = (): boolean => existsSync(CHROMIUM);
export const runBrowserTests = (): boolean => chromiumPresent() || Boolean(process.env.CI);
/** The one line `npm test` prints when the browser tests cannot run. */
export const missingChromiumLine = (): string =>
  `Browser tests (test/browser/*) SKIPPED: no Chromium at ${CHROMIUM}; install it with apt-get install -y chromium (or set CHROMIUM_PATH).`;

export const describeBrowser: jest.Describe = runBrowserTests() ? describe : describe.skip;

export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
  });
}
