// Risk covered: the back office's Players view (PROTOCOL §14) in a real browser against a real server:
// staff cannot find an operator's player, see its balances per currency and its transactions, or restrict
// it, lift the restriction and set a maxBet with the change reaching the bet path at once; a support
// user sees the player but no controls; a refused limit is explained on the page and changes nothing.
import { AdminClient } from '../support/clients';
import { backOfficeBrowser, describeBrowser } from '../support/backOfficeBrowser';
import { TEST_ADMIN, TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

jest.setTimeout(120_000);

describeBrowser('Players view in a real browser', () => {
  let server: TestServer;
  let admin: AdminClient;
  let world: World;
  // A 400 for a refused limit is an answer the page expects; the browser logs it.
  const bo = backOfficeBrowser(() => server.url, { expectedErrors: /status of 400/ });
  const { page } = bo;

  beforeAll(async () => {
    server = await startTestServer('boplayers');
    admin = await server.admin();
    world = await buildWorld(admin);
  });
  afterAll(async () => {
    await server?.close();
  });

  async function signIn(username: string, password: string): Promise<void> {
    await bo.signIn('players', { username, password });
    await page.locator('h1', { hasText: 'Players' }).waitFor();
  }

  async function openPlayer(userID: string): Promise<void> {
    await page.locator(`[data-testid="players-operator"] option[value="${world.operator.callerId}"]`).waitFor({
      state: 'attached',
    });
    await page.selectOption('[data-testid="players-operator"]', world.operator.callerId);
    await page.fill('[data-testid="players-user"]', userID);
    await page.click('[data-testid="players-search"] button[type="submit"]');
    await page.click(`[data-testid="players-results"] tr[data-user-id="${userID}"] button`);
    await page.locator(`[data-testid="player-detail"][data-user-id="${userID}"]`).waitFor();
  }

  const bet = (token: string, transactionID: string, amount: number) =>
    world.studio.call('/provider/v1/bet', {
      token,
      transactionID,
      roundID: `r-${transactionID}`,
      gameID: world.gameId,
      amount,
    });

  test('admin: balances per currency, transactions; restrict, lift and maxBet reach the bet path at once', async () => {
    const userID = 'bo-player-1';
    const token = await fundedSession(world, userID, 25.5);
    await world.operator.call('/v1/player/create', { userID, currency: 'JPY' });
    expect(await bet(token, 'bo-bet-1', 1.5)).toMatchObject({ code: 0, balance: 24 });
    await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
    await openPlayer(userID);

    const balances = page.locator('[data-testid="player-balances"]');
    expect(await balances.locator('tr[data-currency="EUR"] td').nth(1).textContent()).toBe('24');
    expect(await balances.locator('tr[data-currency="JPY"] td').nth(1).textContent()).toBe('0');
    const transactions = page.locator('[data-testid="player-transactions"]');
    await transactions.locator('tr[data-transaction-id="bo-bet-1"]').waitFor();
    expect(await transactions.locator('tbody tr').count()).toBe(2); // the deposit and the bet

    await page.selectOption('[data-testid="restrict-form"] select[name="reason"]', 'cool-off');
    await page.click('[data-testid="restrict"]');
    await page
      .locator('[data-testid="player-restriction"]', { hasText: 'restricted: cool-off, until lifted' })
      .waitFor();
    expect(await bet(token, 'bo-bet-2', 1)).toMatchObject({ code: 19 });

    await page.click('[data-testid="unrestrict"]');
    await page.locator('[data-testid="player-restriction"]', { hasText: 'not restricted' }).waitFor();
    expect(await bet(token, 'bo-bet-3', 1)).toMatchObject({ code: 0, balance: 23 });

    await page.selectOption('[data-testid="limit-form"] select[name="currency"]', 'EUR');
    await page.fill('[data-testid="limit-form"] input[name="maxBet"]', '2.5');
    await page.click('[data-testid="set-limit"]');
    await page.locator('[data-testid="player-limits"] tr[data-currency="EUR"]', { hasText: '2.5' }).waitFor();
    expect(await bet(token, 'bo-bet-4', 2.51)).toMatchObject({ code: 19 });
    expect(await bet(token, 'bo-bet-5', 2.5)).toMatchObject({ code: 0, balance: 20.5 });

    // A limit the currency cannot hold is explained and changes nothing.
    await page.fill('[data-testid="limit-form"] input[name="maxBet"]', '1.234');
    await page.click('[data-testid="set-limit"]');
    await page.locator('[data-testid="notice-error"]', { hasText: 'maxBet' }).waitFor();
    expect(await page.locator('[data-testid="player-limits"] tr[data-currency="EUR"] td').nth(1).textContent()).toBe(
      '2.5',
    );

    await page.click('[data-testid="clear-limit"]');
    await page.locator('[data-testid="player-limits"]', { hasText: 'No bet limits.' }).waitFor();
    expect(await bet(token, 'bo-bet-6', 2.51)).toMatchObject({ code: 0 });
  });

  test('support: sees the player and its restriction, but no controls', async () => {
    const userID = 'bo-player-2';
    await fundedSession(world, userID, 3);
    await world.operator.call('/v1/players/restrict', { userID, reason: 'self-exclusion' });
    await admin.ok('/admin/v1/users/create', {
      username: 'bo-support',
      password: 'a-long-support-passphrase-43',
      role: 'support',
    });
    await signIn('bo-support', 'a-long-support-passphrase-43');
    await openPlayer(userID);
    await page.locator('[data-testid="player-restriction"]', { hasText: 'restricted: self-exclusion' }).waitFor();
    expect(await page.locator('[data-testid="restrict-form"]').count()).toBe(0);
    expect(await page.locator('[data-testid="limit-form"]').count()).toBe(0);
  });
});
