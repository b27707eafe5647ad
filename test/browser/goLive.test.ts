// Risk covered: the back office for go-live (PROTOCOL §11, §6.3) in a real browser against a real server:
// an application approved without its secrets shown, or shown again after a reload; a rejection without
// its reason; credit top-ups and adjustments that do not reach the history or take an amount the base
// currency cannot hold; a go-live refusal that hides which conditions are unmet; a certification run whose
// checks, failed requests/answers and load figures cannot be seen; the breaker state not shown; support or
// finance offered controls their role may not use.
import { existsSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { CertWallet, WalletFlaw } from '../support/certWallets';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TEST_ADMIN, TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld } from '../support/world';

const CHROMIUM = '/usr/bin/chromium';
const runBrowser = existsSync(CHROMIUM) || Boolean(process.env.CI);
if (!runBrowser)
  console.warn(`SKIPPED test/browser/goLive.test.ts: ${CHROMIUM} is missing (apt-get install -y chromium).`);
const describeBrowser = runBrowser ? describe : describe.skip;

jest.setTimeout(120_000);

describeBrowser('Go-live back office in a real browser', () => {
  let server: TestServer;
  let admin: AdminClient;
  let world: World;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const certWallets: CertWallet[] = [];
  const fakeWallets: FakeOperatorWallet[] = [];

  beforeAll(async () => {
    server = await startTestServer('bogolive', {
      CALLBACK_TIMEOUT_MS: '2000',
      CALLBACK_BREAKER_FAILURES: '2',
      CALLBACK_BREAKER_OPEN_S: '600',
    });
    admin = await server.admin();
    world = await buildWorld(admin, { currencies: ['EUR'] });
    await admin.ok('/admin/v1/users/create', {
      username: 'gl-support',
      password: 'a-long-support-pass-77',
      role: 'support',
    });
    await admin.ok('/admin/v1/users/create', {
      username: 'gl-finance',
      password: 'a-long-finance-pass-77',
      role: 'finance',
    });
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    for (const wallet of certWallets) await wallet.stop();
    for (const wallet of fakeWallets) await wallet.stop();
  });
  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });
  afterEach(async () => {
    await context?.close();
    // Refusals (409 go-live, 400) are answers the page expects; the browser logs them.
    expect(pageErrors.filter((text) => !/status of (400|409)/.test(text))).toEqual([]);
  });

  async function signIn(hash: string, username = TEST_ADMIN.username, password = TEST_ADMIN.password) {
    await page.goto(`${server.url}/backoffice${hash}`);
    await page.fill('#login-username', username);
    await page.fill('#login-password', password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });
  }

  const testId = (id: string) => `[data-testid="${id}"]`;
  const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

  let seq = 0;
  async function certifiedOperator(flaw: WalletFlaw): Promise<{ agentID: string; wallet: CertWallet }> {
    const wallet = await new CertWallet('hmac', flaw).start();
    certWallets.push(wallet);
    const agentID = `gl-cert-${flaw}-${++seq}`;
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID,
      name: `Cert ${seq}`,
      currencies: ['EUR'],
      callbackUrl: wallet.url,
      callbackScheme: 'hmac',
      peakPerSecond: 5,
    });
    wallet.secretKey = created.secretKey;
    wallet.saltKey = created.saltKey;
    wallet.fund('cert-player', 5_000n);
    return { agentID, wallet };
  }

  test('applications: approve shows the secrets once (gone after a reload), reject keeps the reason', async () => {
    const apply = (company: string) =>
      postJson(`${server.url}/v1/onboarding/apply`, {
        company,
        contactEmail: 'ops@example.test',
        walletMode: 'transfer',
        currencies: ['EUR'],
      });
    const approved = (await apply('Approve Me Ltd')).body.applicationID as string;
    const rejected = (await apply('Reject Me Ltd')).body.applicationID as string;
    await signIn('#/applications');
    const row = (id: string) => page.locator(`${testId('applications')} tr[data-application-id="${id}"]`);
    await row(approved).waitFor();

    await row(approved).locator(testId('approve')).click();
    await page.fill(testId('approve-agent-id'), 'gl-approved');
    await page.click(testId('modal-confirm'));
    await page.locator(testId('secrets'), { hasText: 'shown only this once' }).waitFor();
    const secretKey = await text(`${testId('secrets')} code[data-secret="secretKey"]`);
    expect(secretKey).toMatch(/^[0-9a-f]{32,}$/);
    // The key shown is the operator's real key: a signed call with it is accepted.
    const operator = new SignedClient(server.url, 'agentID', 'gl-approved', secretKey);
    expect(await operator.call('/v1/account')).toMatchObject({ code: 0 });
    await page
      .locator(`${testId('applications')} tr[data-application-id="${approved}"]`)
      .waitFor({ state: 'detached' });

    await row(rejected).locator(testId('reject')).click();
    await page.fill(testId('reject-reason'), 'no licence in the target market');
    await page.click(testId('modal-confirm'));
    await row(rejected).waitFor({ state: 'detached' });

    await page.reload();
    await page.locator('h1', { hasText: 'Applications' }).waitFor();
    await page.selectOption(testId('applications-status'), '');
    await row(approved).locator(testId('application-status'), { hasText: 'approved' }).waitFor();
    expect(await page.locator(testId('secrets')).count()).toBe(0);
    expect(await page.content()).not.toContain(secretKey);
    expect(await row(approved).locator(testId('approve')).count()).toBe(0);
    await row(rejected).locator(testId('application-reason'), { hasText: 'no licence in the target market' }).waitFor();
  });

  test('credit and go-live: refused with the reason, top up and adjust reach the history, then live', async () => {
    await admin.createOperator('gl-transfer', ['EUR']);
    await signIn('#/operators');
    await page.locator('tr[data-agent-id="gl-transfer"] a[data-testid="operator-link"]').click();
    await page.locator(testId('operator-status'), { hasText: 'sandbox' }).waitFor();
    expect(await text(testId('breaker-state'))).toContain('none (transfer mode)');
    expect(await text(testId('operator-fee'))).toMatch(/%/);

    await page.click(testId('go-live'));
    await page.locator(testId('go-live-refused')).waitFor();
    const unmet = await page.locator(testId('go-live-unmet')).allTextContents();
    expect(unmet).toHaveLength(1);
    expect(unmet[0]).toMatch(/credit/);

    // An amount the base currency (EUR, 2 digits) cannot hold is refused on the page; nothing is sent.
    await page.fill(testId('topup-amount'), '1.234');
    await page.fill(testId('topup-reference'), 'gl-t-0');
    await page.click(testId('topup-submit'));
    await page.locator(testId('notice-error'), { hasText: 'at most 2 decimals' }).waitFor();

    await page.fill(testId('topup-amount'), '100.5');
    await page.fill(testId('topup-reference'), 'gl-t-1');
    await page.click(testId('topup-submit'));
    await page.locator(testId('credit-balance'), { hasText: '100.50 EUR' }).waitFor();
    await page.fill(testId('adjust-amount'), '-0.25');
    await page.fill(testId('adjust-reference'), 'gl-a-1');
    await page.fill(testId('adjust-reason'), 'bank fee');
    await page.click(testId('adjust-submit'));
    await page.locator(testId('credit-balance'), { hasText: '100.25 EUR' }).waitFor();
    // The same reference again: already applied, nothing moves.
    await page.fill(testId('topup-amount'), '100.5');
    await page.fill(testId('topup-reference'), 'gl-t-1');
    await page.click(testId('topup-submit'));
    await page.locator(testId('notice-repeat')).waitFor();
    const history = page.locator(`${testId('credit-history')} tbody tr`);
    await until('two history rows', async () => (await history.count()) === 2);
    expect(await history.nth(0).getAttribute('data-reference')).toBe('gl-t-1');
    expect(await history.nth(0).locator('td').nth(2).textContent()).toBe('100.50');
    expect(await history.nth(1).locator('td').nth(2).textContent()).toBe('-0.25');
    expect(await history.nth(1).locator('td').nth(3).textContent()).toBe('100.25');
    expect(await history.nth(1).textContent()).toContain('bank fee');
    expect((await admin.ok('/admin/v1/credit/history', { agentID: 'gl-transfer' })).credit).toBe(100.25);

    await page.click(testId('go-live'));
    // The page reloads the operator at once (the success notice goes with the go-live card it replaces).
    await page.locator(testId('operator-status'), { hasText: 'live' }).waitFor();
    expect(await text(testId('operator-live-since'))).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC$/);
  });

  test('certification: a correct wallet passes with its figures and go-live is met; a flawed one shows the failed exchange', async () => {
    const { agentID, wallet } = await certifiedOperator('correct');
    await signIn(`#/operator/${agentID}`);
    await page.locator(testId('operator-status'), { hasText: 'sandbox' }).waitFor();
    expect(await text(testId('breaker-state'))).toBe('closed');
    await page.click(testId('go-live'));
    await page.locator(testId('go-live-refused')).waitFor();
    const unmet = await page.locator(testId('go-live-unmet')).allTextContents();
    expect(unmet).toHaveLength(2);
    expect(unmet.join(' ')).toMatch(/certification/);

    await page.fill(testId('cert-user'), 'cert-player');
    await page.fill(testId('cert-load'), '1');
    await page.fill(testId('cert-rate'), '10');
    await page.click(testId('cert-start'));
    const detail = page.locator(testId('run-detail'));
    await page.locator(`${testId('run-detail')}[data-status="passed"]`).waitFor({ timeout: 60_000 });
    const checks = detail.locator(`${testId('run-checks')} tbody tr`);
    expect(await checks.count()).toBe(12);
    expect(await detail.locator('tr[data-passed="false"]').count()).toBe(0);
    const load = detail.locator('tr[data-phase="load"] td');
    expect(await load.nth(1).textContent()).toBe('passed');
    expect(await load.nth(3).textContent()).toBe('10');
    expect(await load.nth(4).textContent()).toBe('20');
    expect(await load.nth(5).textContent()).toBe('0');
    expect(await load.nth(7).textContent()).toMatch(/^\d+(\.\d+)? ms$/);
    expect(wallet.balances.get('cert-player')).toBe(5_000n);
    await page.locator(`${testId('cert-runs')} tr[data-status="passed"]`).waitFor();

    await page.fill(testId('topup-amount'), '50');
    await page.fill(testId('topup-reference'), 'gl-c-1');
    await page.click(testId('topup-submit'));
    await page.locator(testId('credit-balance'), { hasText: '50.00 EUR' }).waitFor();
    await page.click(testId('go-live'));
    await page.locator(testId('operator-status'), { hasText: 'live' }).waitFor();

    const flawed = await certifiedOperator('accepts-bad-signature');
    await page.goto(`${server.url}/backoffice#/operator/${flawed.agentID}`);
    await page.locator(testId('cert-form')).waitFor();
    await page.fill(testId('cert-user'), 'cert-player');
    await page.fill(testId('cert-load'), '0');
    await page.click(testId('cert-start'));
    await page.locator(`${testId('run-detail')}[data-status="failed"]`).waitFor({ timeout: 60_000 });
    const failed = detail.locator('tr[data-passed="false"]');
    expect(await failed.count()).toBe(1);
    expect(await failed.getAttribute('data-check')).toBe('bad-signature');
    const exchange = failed.locator(testId('exchange')).first();
    const request = JSON.parse((await exchange.locator(testId('exchange-request')).textContent()) ?? '{}');
    expect(request).toMatchObject({ agentID: flawed.agentID, sign: expect.any(String) });
    expect(JSON.parse((await exchange.locator(testId('exchange-answer')).textContent()) ?? 'null')).toMatchObject({
      code: 0,
    });
    expect(await detail.locator('tr[data-phase="load"]').textContent()).toContain('none asked');
  });

  test('breaker: closed, then open after the wallet fails, as the page shows it', async () => {
    const keys = { secret: '' };
    const wallet = await new FakeOperatorWallet(
      () => keys.secret,
      () => '',
    ).start();
    fakeWallets.push(wallet);
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID: 'gl-breaker',
      name: 'Breaker',
      currencies: ['EUR'],
      callbackUrl: wallet.url,
      callbackScheme: 'hmac',
    });
    keys.secret = created.secretKey;
    wallet.fund('brk-player', 'EUR', 100_000n);
    const op = new SignedClient(server.url, 'agentID', 'gl-breaker', created.secretKey);
    const { token } = await op.call('/v1/games/launch', {
      userID: 'brk-player',
      gameID: world.gameId,
      currency: 'EUR',
    });
    await signIn('#/operator/gl-breaker');
    await page.locator(testId('breaker-state'), { hasText: 'closed' }).waitFor();

    wallet.setBehaviour({ mode: 'down' });
    for (let i = 1; i <= 2; i++) {
      const answer = await postJson(
        `${server.url}/provider/v1/bet`,
        world.studio.body({
          token,
          transactionID: `gl-brk-${i}`,
          roundID: `gl-r-${i}`,
          gameID: world.gameId,
          amount: 1,
        }),
      );
      expect(answer.body.code).not.toBe(0);
    }
    await page.click('button:has-text("Refresh")');
    await page.locator(testId('breaker-state'), { hasText: 'open' }).waitFor();
  });

  test('credit history pages by 100, oldest first', async () => {
    await admin.createOperator('gl-pages', ['EUR']);
    for (let i = 1; i <= 101; i++)
      await admin.ok('/admin/v1/credit/topup', { agentID: 'gl-pages', amount: 1, reference: `gl-p-${i}` });
    await signIn('#/operator/gl-pages');
    await page.locator(testId('credit-balance'), { hasText: '101.00 EUR' }).waitFor();
    const rows = page.locator(`${testId('credit-history')} tbody tr`);
    await until('the first page', async () => (await rows.count()) === 100);
    expect(await rows.first().getAttribute('data-reference')).toBe('gl-p-1');
    await page.locator(testId('credit-history')).locator('button', { hasText: 'Next page' }).click();
    await page.locator(`${testId('credit-history')} tr[data-reference="gl-p-101"]`).waitFor();
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td').nth(3).textContent()).toBe('101.00');
  });

  test('roles: support reads everything and changes nothing; finance moves credit only', async () => {
    const { agentID } = await certifiedOperator('correct');
    await admin.ok('/admin/v1/credit/topup', { agentID, amount: 5, reference: 'gl-r-1' });
    await signIn(`#/operator/${agentID}`, 'gl-support', 'a-long-support-pass-77');
    await page.locator(testId('operator-status'), { hasText: 'sandbox' }).waitFor();
    await page.locator(`${testId('credit-history')} tr[data-reference="gl-r-1"]`).waitFor();
    await page.locator(testId('cert-read-only')).waitFor();
    await page.locator(testId('credit-read-only')).waitFor();
    expect(await page.locator(testId('go-live')).count()).toBe(0);
    expect(await page.locator(testId('topup-form')).count()).toBe(0);
    expect(await page.locator(testId('cert-form')).count()).toBe(0);
    await page.goto(`${server.url}/backoffice#/applications`);
    await page.locator('h1', { hasText: 'Applications' }).waitFor();
    expect(await page.locator(testId('approve')).count()).toBe(0);

    await page.click('#sign-out');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    await signIn(`#/operator/${agentID}`, 'gl-finance', 'a-long-finance-pass-77');
    await page.locator(`${testId('credit-history')} tr[data-reference="gl-r-1"]`).waitFor();
    expect(await page.locator('#side-nav a[data-section="applications"]').count()).toBe(0);
    expect(await page.locator(testId('certification')).count()).toBe(0);
    expect(await page.locator(testId('go-live')).count()).toBe(0);
    await page.fill(testId('topup-amount'), '2.5');
    await page.fill(testId('topup-reference'), 'gl-f-1');
    await page.click(testId('topup-submit'));
    await page.locator(testId('credit-balance'), { hasText: '7.50 EUR' }).waitFor();
  });
});
