// Risk covered: support unable to follow a disputed round in the back office (PROTOCOL §14): the round page not reachable from a transaction or a callback row, not a URL that names the round, or not showing the story (the round, its transactions in order, each callback with every attempt and its outcome, HTTP status and operator code).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, describeBrowser } from '../support/browser';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TEST_ADMIN, TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { buildWorld } from '../support/world';

jest.setTimeout(120_000);

describeBrowser('the round page in a real browser', () => {
  let server: TestServer;
  let admin: AdminClient;
  let wallet: FakeOperatorWallet;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageErrors: string[] = [];
  const agentID = 'round-page-op';
  const userID = 'disputer01';
  const roundID = 'RD-1';
  const ids = { betA: 'rp-bet-a', betB: 'rp-bet-b', rollback: 'rp-rb', win: 'rp-win' };

  beforeAll(async () => {
    server = await startTestServer('roundpage', {
      CALLBACK_TIMEOUT_MS: '300',
      CALLBACK_RETRY_ATTEMPTS: '5',
      CALLBACK_RETRY_DELAY_MS: '150',
      CALLBACK_RETRY_TIMEOUT_MS: '300',
    });
    admin = await server.admin();
    await playDisputedRound();
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
    await wallet?.stop();
  });

  beforeEach(async () => {
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    pageErrors = [];
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  });

  afterEach(async () => {
    await context?.close();
    expect(pageErrors).toEqual([]);
  });

  /** A seamless round: two bets, a rollback of the second, a win whose Deposit fails twice before it lands. */
  async function playDisputedRound(): Promise<void> {
    const world = await buildWorld(admin, { currencies: ['EUR'] });
    const keys = { secret: '' };
    wallet = await new FakeOperatorWallet(
      () => keys.secret,
      () => '',
    ).start();
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID,
      name: 'Round page operator',
      currencies: ['EUR'],
      callbackUrl: wallet.url,
      callbackScheme: 'hmac',
    });
    keys.secret = created.secretKey;
    const operator = new SignedClient(server.url, 'agentID', agentID, created.secretKey);
    wallet.fund(userID, 'EUR', 10_000n);
    const { token } = await operator.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
    const base = { token, gameID: world.gameId, roundID };
    const studio = (path: string, fields: Record<string, unknown>) =>
      world.studio.call(`/provider/v1/${path}`, { ...base, ...fields });
    expect((await studio('bet', { transactionID: ids.betA, amount: 1 })).code).toBe(0);
    expect((await studio('bet', { transactionID: ids.betB, amount: 2 })).code).toBe(0);
    expect((await studio('rollback', { transactionID: ids.rollback, refTransactionID: ids.betB })).code).toBe(0);
    wallet.setBehaviour({ mode: 'fail', times: 2, status: 500 });
    expect((await studio('win', { transactionID: ids.win, refTransactionID: ids.betA, amount: 3 })).code).toBe(0);
    await until('the Deposit delivered with its three attempts', async () => {
      const answer = await operator.call('/v1/rounds/get', { userID, roundID });
      const deposit = answer.callbacks?.find((c: any) => c.kind === 'deposit');
      return deposit?.status === 'delivered' && deposit.attempts.length === 3;
    });
  }

  async function signIn(section: string): Promise<void> {
    await page.goto(`${server.url}/backoffice#/${section}`);
    await page.fill('#login-username', TEST_ADMIN.username);
    await page.fill('#login-password', TEST_ADMIN.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });
  }

  async function expectStory(): Promise<void> {
    await page.locator('[data-testid="round-summary"]').waitFor({ state: 'visible' });
    expect(page.url()).toMatch(/#\/round$/);
    expect(await page.textContent('h1')).toBe('Round');
    const summary = page.locator('[data-testid="round-summary"]');
    for (const text of [roundID, agentID, userID]) expect(await summary.textContent()).toContain(text);
    expect(await page.textContent('[data-testid="round-status"]')).toBe('open');

    const story = page.locator('[data-testid="round-story"]');
    const transactionIds = await story
      .locator('tr[data-transaction-id]')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-transaction-id')));
    expect(transactionIds).toEqual([ids.betA, ids.betB, ids.rollback, ids.win]);

    const callbacks = story.locator('[data-testid="round-callback"]');
    const kinds = await callbacks.evaluateAll((cards) => cards.map((c) => `${c.dataset.kind}:${c.dataset.status}`));
    expect(kinds).toEqual(['withdraw:delivered', 'withdraw:delivered', 'rollback:delivered', 'deposit:delivered']);
    const deposit = story.locator('[data-testid="round-callback"][data-kind="deposit"]');
    const attempts = deposit.locator('[data-testid="attempt"]');
    expect(await attempts.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-outcome')))).toEqual([
      'failed',
      'failed',
      'ok',
    ]);
    const first = await attempts.nth(0).textContent();
    expect(first).toContain('while the studio waited');
    expect(first).toContain('500');
    expect(first).toContain('HTTP 500');
    const last = await attempts.nth(2).textContent();
    expect(last).toContain('from the queue');
    expect(last).toContain('200');
  }

  test('a transaction row links to its round, whose page tells the story; the URL names the round', async () => {
    await signIn('transactions');
    await page.fill('form[data-testid="transaction-search"] input[name="roundID"]', roundID);
    await page.click('form[data-testid="transaction-search"] button[type="submit"]');
    const link = page.locator(`tr[data-transaction-id="${ids.win}"] a[data-testid="round-link"]`);
    await link.waitFor({ state: 'visible' });
    await link.click();
    await expectStory();
    const query = new URL(page.url()).searchParams;
    expect(Object.fromEntries(query)).toMatchObject({ agentID, userID, roundID });

    // The URL alone opens it again (pasted into a ticket): a fresh page of the same session.
    const url = page.url();
    await page.goto('about:blank');
    await page.goto(url);
    await expectStory();
  });

  test('a callback row links to the round it reports', async () => {
    await signIn('callbacks');
    const deposit = await admin.ok('/admin/v1/callbacks/list', { agentID });
    const row = deposit.callbacks.find((c: any) => c.kind === 'deposit');
    const link = page.locator(`tr[data-callback-id="${row.id}"] a[data-testid="round-link"]`);
    await link.waitFor({ state: 'visible' });
    await link.click();
    await expectStory();
  });

  test('the lookup form finds a round by its identity, and an unknown one is said so', async () => {
    await signIn('round');
    const form = page.locator('form[data-testid="round-lookup"]');
    await form.locator('input[name="agentID"]').fill(agentID);
    await form.locator('input[name="userID"]').fill(userID);
    await form.locator('input[name="roundID"]').fill('no-such-round');
    await form.locator('button[type="submit"]').click();
    await page.locator('[data-testid="notice-error"]').filter({ hasText: 'no round no-such-round' }).waitFor();
    await form.locator('input[name="roundID"]').fill(roundID);
    await form.locator('button[type="submit"]').click();
    await expectStory();
    // The 404 the page expected is logged by the browser; nothing else is.
    pageErrors = pageErrors.filter((text) => !/status of 404/.test(text));
  });
});
