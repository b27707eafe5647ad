/** Chromium for the browser tests (test/browser/*), found as test/support/chromium.ts says. */
import type { Browser } from 'playwright-core';
import { CHROMIUM, runBrowserTests } from './chromium';

export { CHROMIUM } from './chromium';

export const describeBrowser: jest.Describe = runBrowserTests() ? describe : describe.skip;

/** Headless chromium with the switches every browser test uses, and `extraArgs`. */
export async function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
