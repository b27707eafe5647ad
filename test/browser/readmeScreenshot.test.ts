// Risk covered: a README picture that is not what a newcomer sees (PROTOCOL §1 back office): taken over
// test fixtures instead of the demo world `npm start` seeds (src/demo/seedDemo.ts), of a page that had
// not loaded, or a file that is not a whole, decodable PNG of the page's size.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { DEMO_SEAMLESS_AGENT, DEMO_TRANSFER_AGENT } from '../../src/demo/seedDemo';
import { describeBrowser, launchChromium } from '../support/browser';
import { decodePng, distinctColours } from '../support/png';
import { TestServer, startTestServer } from '../support/testServer';

// The README's picture is refreshed only on request (UPDATE_SCREENSHOTS=1), so test runs leave the tree clean.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? path.resolve(__dirname, '../../docs/backoffice.png')
  : path.join(os.tmpdir(), `casino-backoffice-${process.pid}.png`);
const VIEWPORT = { width: 1360, height: 820 };
// What a newcomer signs in as: the demo admin's name (its password is whatever the banner printed).
const ADMIN = { username: 'admin', password: 'readme-demo-admin-password-2026' };

jest.setTimeout(120_000);

describeBrowser('the README screenshot of the back office', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startTestServer('readmeshot', {
      DEMO_SEED: 'true',
      ADMIN_USERNAME: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  test('shows the demo operators and nothing else, and is a whole PNG of the viewport', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    await page.goto(`${server.url}/backoffice`);
    await page.fill('#login-username', ADMIN.username);
    await page.fill('#login-password', ADMIN.password);
    await page.click('#login-submit');
    await page.locator(`tr[data-agent-id="${DEMO_SEAMLESS_AGENT}"]`).waitFor();
    await page.locator(`tr[data-agent-id="${DEMO_TRANSFER_AGENT}"]`).waitFor();
    const agents = await page
      .locator('tr[data-agent-id]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-agent-id')));
    expect(agents.sort()).toEqual([DEMO_SEAMLESS_AGENT, DEMO_TRANSFER_AGENT].sort());
    const text = (await page.textContent('body')) ?? '';
    for (const fixture of [/\bbo-/, /op-world/, /Lucky Star/, /root-admin/]) expect(text).not.toMatch(fixture);
    expect(await page.textContent('#content')).toContain('seamless');
    await page.mouse.move(0, 0);
    await page.screenshot({ path: SCREENSHOT, fullPage: false });
    await context.close();

    const png = decodePng(readFileSync(SCREENSHOT));
    expect([png.width, png.height]).toEqual([VIEWPORT.width, VIEWPORT.height]);
    // A rendered page with a table and text, not a blank or half-painted one.
    expect(distinctColours(png)).toBeGreaterThan(50);
  });
});
