// Risk covered: support unable to follow a disputed round in the back office (PROTOCOL §14): the round
// page not reachable from a transaction or a callback row, not a URL that names the round, or not
// showing the story (the round, its transactions in order, each callback with every attempt and its
// outcome, HTTP status and operator code).
import { AdminClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { backOfficeBrowser, describeBrowser } from '../support/backOfficeBrowser';
import { buildWorld, seamlessOperator } from '../support/world';

jest.setTimeout(120_000);

describeBrowser('the round page in a real browser', () => {
  let server: TestServer;
  let admin: AdminClient;
  let wallet: FakeOperatorWallet;
  const bo = backOfficeBrowser(() => server.url, { viewport: { width: 1360, height: 900 } });
  const { page, signIn } = bo;
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
  });

  afterAll(async () => {
    await server?.close();
    await wallet?.stop();
  });

  /** A seamless round: two bets, a rollback of the second, a win whose Deposit fails twice before it lands. */
  async function playDisputedRound(): Promise<void> {
    const world = await buildWorld(admin, { currencies: ['EUR'] });
    const seamless = await seamlessOperator(admin, agentID);
    wallet = seamless.wallet;
    const operator = seamless.op;
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
    // The 404 the page expects is logged by the browser; nothing else may be.
    bo.allowErrors(/status of 404/);
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
  });

  test("a transaction row of the player's page in the Players view links to its round", async () => {
    await signIn('players');
    await page.locator(`[data-testid="players-operator"] option[value="${agentID}"]`).waitFor({ state: 'attached' });
    await page.selectOption('[data-testid="players-operator"]', agentID);
    await page.fill('[data-testid="players-user"]', userID);
    await page.click('[data-testid="players-search"] button[type="submit"]');
    await page.click(`[data-testid="players-results"] tr[data-user-id="${userID}"] button`);
    const link = page.locator(
      `[data-testid="player-transactions"] tr[data-transaction-id="${ids.rollback}"] a[data-testid="round-link"]`,
    );
    await link.waitFor({ state: 'visible' });
    // Every transaction of the round has its link, not only the one clicked.
    expect(await page.locator('[data-testid="player-transactions"] a[data-testid="round-link"]').count()).toBe(4);
    await link.click();
    await expectStory();
  });
});
