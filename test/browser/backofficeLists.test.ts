// Risk covered: a back office a newcomer cannot read: transaction rows that wrap to several lines with
// ids cut anywhere, amounts without their currency's digits, oldest first with no way to see the latest;
// callback rows that hide what is known of the attempts and do not lead to the transaction; columns
// without a header; a refused mode switch that throws away the URL typed; banners of a past action left
// standing; agent ids and URLs broken mid-word; and a currency refusal that does not say what is
// supported. Each is checked in Debian's chromium against a real server.
import { AdminClient, SignedClient } from '../support/clients';
import { backOfficeBrowser, describeBrowser } from '../support/backOfficeBrowser';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { buildWorld } from '../support/world';

jest.setTimeout(120_000);

const LONG_TX = 'deposit-2026-12-03-0001-a1b2c3d4e5f6a7b8c9d0';
const LONG_AGENT = 'casino-with-a-rather-long-agent-identifier';
/** Run in the page: the character before each line break inside an element. */
const LINE_ENDS = `(el) => {
  const range = document.createRange();
  const ends = [];
  let lastTop = null;
  let previous = '';
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.textContent.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const top = range.getBoundingClientRect().top;
      if (lastTop !== null && top > lastTop + 2) ends.push(previous);
      lastTop = top;
      previous = node.textContent[i];
    }
  }
  return ends;
}`;

describeBrowser('back-office lists in a real browser', () => {
  let server: TestServer;
  let admin: AdminClient;
  const bo = backOfficeBrowser(() => server.url, {
    onContext: (context) => context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url }),
    expectedErrors: /status of (400|409)/,
  });
  const { page } = bo;

  beforeAll(async () => {
    server = await startTestServer('bolists', {
      CALLBACK_TIMEOUT_MS: '300',
      CALLBACK_RETRY_ATTEMPTS: '2',
      CALLBACK_RETRY_DELAY_MS: '50',
      CALLBACK_RETRY_TIMEOUT_MS: '300',
    });
    admin = await server.admin();
  });
  afterAll(async () => {
    await server?.close();
  });

  const signIn = (section = ''): Promise<void> => bo.signIn(section);

  /** Every header cell of every table on the page has a title. */
  async function headersOf(): Promise<string[]> {
    return page.locator('#content th').evaluateAll((cells) => cells.map((c) => (c.textContent ?? '').trim()));
  }

  test('transactions: one line per row, short ids with copy, digits of each currency, newest first or oldest', async () => {
    const operator = await admin.createOperator('bo-lists', ['EUR', 'JPY', 'KWD']);
    const deposits: [string, number, string][] = [
      [LONG_TX, 1234.5, 'EUR'],
      ['dep-jpy', 1500, 'JPY'],
      ['dep-kwd', 1.234, 'KWD'],
    ];
    for (const [transactionID, amount, currency] of deposits) {
      expect((await operator.call('/v1/player/create', { userID: `u${currency}`, currency })).code).toBe(0);
      const answer = await operator.call('/v1/player/wallet/deposit', {
        userID: `u${currency}`,
        currency,
        amount,
        transactionID,
      });
      expect(answer.code).toBe(0);
    }

    await signIn('transactions');
    await page.fill('[data-testid="transaction-search"] input[name="agentID"]', 'bo-lists');
    await page.click('[data-testid="transaction-search"] button[type="submit"]');
    await page.locator('p.muted', { hasText: 'Page 1 · 3 transactions' }).waitFor();
    const ids = () =>
      page
        .locator('tr[data-transaction-id]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-transaction-id')));
    expect(await ids()).toEqual(['dep-kwd', 'dep-jpy', LONG_TX]);

    const amountOf = (id: string) => page.locator(`tr[data-transaction-id="${id}"] td`).nth(4).textContent();
    expect(await amountOf(LONG_TX)).toBe('1,234.50');
    expect(await amountOf('dep-jpy')).toBe('1,500');
    expect(await amountOf('dep-kwd')).toBe('1.234');

    // One line per row: every row is as tall as a one-line row, and 3 rows take far less than 2,100 px / 12.
    const heights = await page
      .locator('tr[data-transaction-id]')
      .evaluateAll((rows) => rows.map((r) => r.getBoundingClientRect().height));
    expect(Math.max(...heights)).toBeLessThan(44);
    expect(await headersOf()).not.toContain('');

    // The long id is shown short; the copy button copies it whole.
    const idCell = page.locator(`tr[data-transaction-id="${LONG_TX}"] td`).nth(7);
    const shown = (await idCell.locator('.mono').textContent()) ?? '';
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.length).toBeLessThan(LONG_TX.length);
    await idCell.getByRole('button', { name: /Copy transaction ID/ }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(LONG_TX);

    await page.selectOption('[data-testid="transaction-search"] select[name="order"]', 'oldest');
    await page.click('[data-testid="transaction-search"] button[type="submit"]');
    await until('oldest first', async () => ((await ids()).join() === [LONG_TX, 'dep-jpy', 'dep-kwd'].join() ? 1 : 0));
  });

  test('callbacks: the stored attempts, a header on every column, and a link to the transaction', async () => {
    const wallet = await new FakeOperatorWallet(
      () => secret,
      () => salt,
    ).start();
    let secret = '';
    let salt = '';
    try {
      const world = await buildWorld(admin);
      const created = await admin.ok('/admin/v1/operators/create', {
        agentID: 'bo-cb',
        name: 'Seamless casino',
        currencies: ['EUR'],
        callbackUrl: wallet.url,
        callbackScheme: 'hmac',
      });
      secret = created.secretKey;
      salt = created.saltKey;
      const operator = new SignedClient(server.url, 'agentID', 'bo-cb', secret);
      wallet.fund('bocb01', 'EUR', 10_000n);
      const launch = await operator.call('/v1/games/launch', {
        userID: 'bocb01',
        gameID: world.gameId,
        currency: 'EUR',
      });
      const round = { token: launch.token, roundID: 'bocb-r1', gameID: world.gameId };
      expect(
        (await world.studio.call('/provider/v1/bet', { ...round, transactionID: 'bocb-b1', amount: 2.5 })).code,
      ).toBe(0);
      wallet.setBehaviour({ mode: 'down' });
      const win = await world.studio.call('/provider/v1/win', {
        ...round,
        transactionID: 'bocb-w1',
        refTransactionID: 'bocb-b1',
        amount: 10,
        roundClosed: true,
      });
      expect(win.code).toBe(0);
      const parked = await until(
        'the delivery parked',
        async () => (await admin.ok('/admin/v1/callbacks/list', { agentID: 'bo-cb', status: 'failed' })).callbacks[0],
        20_000,
        100,
      );
      expect(parked).toMatchObject({ lastError: 'HTTP 503', deliveredAt: null });
      expect(parked.attempts).toBeGreaterThan(1);
      expect(parked.maxAttempts).toBe(parked.attempts);
      expect(typeof parked.lastAttemptAt).toBe('string');

      await signIn('callbacks');
      const row = page.locator(`tr[data-callback-id="${parked.id}"]`);
      await row.waitFor();
      expect(await row.getByTestId('attempts').textContent()).toBe(`${parked.attempts} of ${parked.attempts}`);
      expect(await row.getByTestId('http-status').textContent()).toBe('HTTP 503');
      expect(await row.textContent()).toContain('last attempt ');
      const delivered = page.locator('tr[data-status="delivered"]').first();
      expect(await delivered.textContent()).toMatch(/delivered \d{4}-\d{2}-\d{2} /);
      const headers = await headersOf();
      expect(headers).not.toContain('');
      expect(headers).toEqual(expect.arrayContaining(['Attempts', 'Last error', 'Transaction', 'Retry']));

      await row.getByTestId('transaction-link').click();
      await page.locator('h1', { hasText: 'Transactions' }).waitFor();
      expect(await page.inputValue('[data-testid="transaction-search"] input[name="platformTransactionID"]')).toBe(
        parked.transactionID,
      );
      const found = page.locator(`tr[data-platform-id="${parked.transactionID}"]`);
      await found.waitFor();
      expect(await page.locator('tr[data-transaction-id]').count()).toBe(1);
      expect(await found.getAttribute('data-transaction-id')).toBe('bocb-w1');
    } finally {
      await wallet.stop();
    }
  });

  test('operators: refusals in plain words; banners cleared between actions; ids and URLs whole', async () => {
    const url = 'https://wallet.a-rather-long-operator-domain.example/seamless/callbacks/v1/endpoint';
    await admin.ok('/admin/v1/operators/create', { agentID: LONG_AGENT, name: 'Long', currencies: ['EUR'] });
    await admin.ok('/admin/v1/operators/update', { agentID: LONG_AGENT, callbackUrl: url });
    await signIn('operators');
    await page.setViewportSize({ width: 900, height: 820 });

    await page.getByRole('button', { name: 'New operator' }).click();
    await page.fill('[data-testid="operator-create"] input[name="agentID"]', 'bo-bad-currency');
    await page.fill('[data-testid="operator-create"] input[name="name"]', 'Bad currency');
    await page.fill('[data-testid="operator-create"] input[name="currencies"]', 'EUR, XYZ');
    await page.click('[data-testid="operator-create"] button[type="submit"]');
    const problem = page.locator('[data-testid="operator-create"] [role="alert"]');
    await problem.waitFor();
    const text = (await problem.textContent()) ?? '';
    expect(text).toContain('XYZ is not a currency we support');
    expect(text).toMatch(/Supported currencies: AED, .*EUR, .*JPY, .*USD/);

    // A success banner, then a new action: the old banner is gone before the next one is shown.
    const row = page.locator(`tr[data-agent-id="${LONG_AGENT}"]`);
    await page.locator('[data-testid="operator-create"]').getByRole('button', { name: 'Cancel' }).click();
    await row.getByRole('button', { name: 'Disable' }).click();
    await page
      .getByTestId('notice-success')
      .filter({ hasText: `${LONG_AGENT} disabled` })
      .waitFor();
    await row.getByRole('button', { name: 'Switch to transfer…' }).click();
    expect(await page.getByTestId('notice-success').count()).toBe(0);
    await page.locator('#modal').getByRole('button', { name: 'Cancel' }).click();

    // The agent id is one line box; the URL breaks only after a separator, never inside a word.
    expect(
      await row
        .locator('td')
        .first()
        .locator('.ident')
        .evaluate((el) => el.getClientRects().length),
    ).toBe(1);
    // The characters after which the URL's lines end (measured a character at a time in the page).
    const breaks = (await page.evaluate(
      `(${LINE_ENDS})(document.querySelector('tr[data-agent-id="${LONG_AGENT}"] .url'))`,
    )) as string[];
    expect(breaks.length).toBeGreaterThan(0); // the narrow page does wrap it
    for (const character of breaks) expect('/?&=.').toContain(character);
  });
});
