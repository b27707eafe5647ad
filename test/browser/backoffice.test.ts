// Risk covered: the back-office page in a real browser (Debian's chromium driven by playwright-core)
// against a real server: staff cannot sign in with a wrong password, the mode-switch guard's refusal
// reaches the staff member and nothing switches, a switch back and forth works, secrets are shown once
// and work, values from the API are rendered as text (no HTML injection), roles only see what they may
// do, a parked seamless delivery is retried from the page until it is delivered, a second factor is
// enrolled from a QR code we render and then needed to sign in, and staff changes (disable, role, own
// password, sign-out) take effect on the server at once.
import type { Page } from 'playwright-core';
import { AdminClient, SignedClient } from '../support/clients';
import { backOfficeBrowser, describeBrowser } from '../support/backOfficeBrowser';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TEST_ADMIN, TestServer, startTestServer } from '../support/testServer';
import { buildWorld } from '../support/world';
import { until } from '../support/until';
import { generate } from 'otplib';
jest.setTimeout(120_000);

describeBrowser('back office in a real browser', () => {
  let server: TestServer;
  let admin: AdminClient;
  // A 401 on a wrong password, 400 on a refused new password or a bad entry (shown in its dialog) and 409 refusals are
  // answers the page expects; the browser logs them.
  // Anything else the page logs as an error (a CSP violation, a script error) fails the test at the end.
  const bo = backOfficeBrowser(() => server.url, {
    args: ['--disable-quic', '--disable-component-update'],
    expectedErrors: /status of (400|401|409)/,
  });
  const { page } = bo;

  beforeAll(async () => {
    server = await startTestServer('backoffice', {
      CALLBACK_TIMEOUT_MS: '300',
      CALLBACK_RETRY_ATTEMPTS: '1',
      CALLBACK_RETRY_DELAY_MS: '100',
      CALLBACK_RETRY_TIMEOUT_MS: '300',
    });
    admin = await server.admin();
  });

  afterAll(async () => {
    await server?.close();
  });

  const signIn = (username = TEST_ADMIN.username, password = TEST_ADMIN.password, section = ''): Promise<void> =>
    bo.signIn(section, { username, password });

  const operatorRow = (agentID: string) => page.locator(`tr[data-agent-id="${agentID}"]`);

  async function expectText(
    locator: ReturnType<Page['locator']>,
    text: string | RegExp,
    timeout = 15_000,
  ): Promise<void> {
    await locator.filter({ hasText: text }).first().waitFor({ state: 'visible', timeout });
  }

  test('serves the page and its assets with a strict content policy', async () => {
    const response = await fetch(`${server.url}/backoffice`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await response.text()).toContain('/backoffice/app.js');
    const script = await fetch(`${server.url}/backoffice/app.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${server.url}/backoffice/styles.css`)).headers.get('content-type')).toMatch(/text\/css/);
    expect((await fetch(`${server.url}/backoffice/nope.js`)).status).toBe(404);
  });

  test('sign-in: a wrong password is refused on the page; the right one shows the role; sign out', async () => {
    await page.goto(`${server.url}/backoffice`);
    await page.fill('#login-username', TEST_ADMIN.username);
    await page.fill('#login-password', 'not-the-password');
    await page.click('#login-submit');
    await expectText(page.locator('#login-error'), 'Wrong username or password');
    expect(await page.locator('#app-view').isHidden()).toBe(true);
    expect(await page.evaluate('sessionStorage.length')).toBe(0);

    await page.fill('#login-password', TEST_ADMIN.password);
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });
    expect(await page.textContent('#session-role')).toBe('admin');
    expect(await page.textContent('#session-user')).toBe(TEST_ADMIN.username);
    await expectText(page.locator('h1'), 'Operators');
    expect(await page.locator('#side-nav a').allTextContents()).toEqual([
      'Operators',
      'Providers',
      'Games',
      'Transactions',
      'Callbacks',
      'Audit log',
      'Staff',
      'Applications',
      'Catalogue blocks',
      'Operator go-live',
      'Players',
      'Reports',
      'Round',
      'My account',
    ]);

    // The session survives a reload (sessionStorage), and signing out ends it.
    await page.reload();
    await page.locator('#app-view').waitFor({ state: 'visible' });
    const pageToken = JSON.parse((await page.evaluate('sessionStorage.getItem("backoffice.session")')) as string)
      .token as string;
    await page.click('#sign-out');
    await page.locator('#login-view').waitFor({ state: 'visible' });
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // Signing out revoked the user's tokens on the server, not only in the tab (the test's own client included).
    expect((await new AdminClient(server.url, pageToken).post('/admin/v1/operators/list')).status).toBe(401);
    expect((await admin.post('/admin/v1/operators/list')).status).toBe(401);
    admin = await AdminClient.login(server.url, TEST_ADMIN.username, TEST_ADMIN.password);
  });

  test('mode switch: the guard refuses while a wallet holds money, then seamless, then transfer again', async () => {
    const operator = await admin.createOperator('bo-mode', ['EUR']);
    expect((await operator.call('/v1/player/create', { userID: 'bomode01', currency: 'EUR' })).code).toBe(0);
    expect(
      (
        await operator.call('/v1/player/wallet/deposit', {
          userID: 'bomode01',
          currency: 'EUR',
          amount: 25,
          transactionID: 'bo-dep-1',
        })
      ).code,
    ).toBe(0);

    await signIn();
    const row = operatorRow('bo-mode');
    await expectText(row.getByTestId('mode'), 'transfer');

    await row.getByRole('button', { name: 'Switch to seamless…' }).click();
    await page.fill('#modal input[name="callbackUrl"]', 'https://wallet.bo-mode.example/callbacks');
    await page.getByTestId('modal-confirm').click();
    const refusal = page.getByTestId('refusal');
    await refusal.waitFor({ state: 'visible' });
    expect(await refusal.textContent()).toContain('Mode switch refused');
    expect(await refusal.textContent()).toContain(
      'cannot switch to seamless mode: 1 transfer wallet(s) hold a non-zero balance',
    );
    // The refusal is said inside the dialog, which stays open with the URL typed, ready for another try.
    expect(await page.locator('#modal').isVisible()).toBe(true);
    expect(await page.inputValue('#modal input[name="callbackUrl"]')).toBe('https://wallet.bo-mode.example/callbacks');
    await page.locator('#modal').getByRole('button', { name: 'Cancel' }).click();
    expect(await page.locator('#modal').isVisible()).toBe(false);
    await expectText(row.getByTestId('mode'), 'transfer');
    expect((await admin.ok('/admin/v1/operators/list')).operators.find((o: any) => o.agentID === 'bo-mode').mode).toBe(
      'transfer',
    );

    expect(
      (
        await operator.call('/v1/player/wallet/withdraw', {
          userID: 'bomode01',
          currency: 'EUR',
          amount: 25,
          transactionID: 'bo-wd-1',
        })
      ).code,
    ).toBe(0);
    await row.getByRole('button', { name: 'Switch to seamless…' }).click();
    await page.fill('#modal input[name="callbackUrl"]', 'https://wallet.bo-mode.example/callbacks');
    await page.selectOption('#modal select[name="callbackScheme"]', 'md5');
    await page.getByTestId('modal-confirm').click();
    await expectText(row.getByTestId('mode'), 'seamless');
    await expectText(row, 'https://wallet.bo-mode.example/callbacks');
    await expectText(row, 'scheme md5');
    await expectText(page.getByTestId('notice-success'), 'bo-mode is now in seamless mode');
    expect(
      (await admin.ok('/admin/v1/operators/list')).operators.find((o: any) => o.agentID === 'bo-mode'),
    ).toMatchObject({
      mode: 'seamless',
      callbackUrl: 'https://wallet.bo-mode.example/callbacks',
      callbackScheme: 'md5',
    });

    await row.getByRole('button', { name: 'Switch to transfer…' }).click();
    await page.getByTestId('modal-confirm').click();
    await expectText(row.getByTestId('mode'), 'transfer');
    expect(
      (await admin.ok('/admin/v1/operators/list')).operators.find((o: any) => o.agentID === 'bo-mode'),
    ).toMatchObject({ mode: 'transfer', callbackUrl: null });

    // The audit log shows both switches, newest first.
    await page.click('#side-nav a[data-section="audit"]');
    await expectText(page.locator('tr[data-audit-id]').first(), 'operators.switch-to-transfer');
    await expectText(page.locator('tr[data-audit-id]').nth(1), 'operators.switch-to-seamless');

    // Transaction search finds the deposit and the withdraw of this operator.
    await page.click('#side-nav a[data-section="transactions"]');
    await page.fill('[data-testid="transaction-search"] input[name="agentID"]', 'bo-mode');
    await page.click('[data-testid="transaction-search"] button[type="submit"]');
    await expectText(page.locator('p.muted'), 'Page 1 · 2 transactions');
    expect(
      await page
        .locator('tr[data-transaction-id]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-transaction-id'))),
    ).toEqual(['bo-wd-1', 'bo-dep-1']);
    // Oldest first on request.
    await page.selectOption('[data-testid="transaction-search"] select[name="order"]', 'oldest');
    await page.click('[data-testid="transaction-search"] button[type="submit"]');
    await until('oldest first', async () =>
      (
        await page
          .locator('tr[data-transaction-id]')
          .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-transaction-id')))
      ).join() === 'bo-dep-1,bo-wd-1'
        ? true
        : undefined,
    );
  });

  test('create an operator on the page: secrets shown once and working; rotate; names are shown as text', async () => {
    await admin.ok('/admin/v1/operators/create', {
      agentID: 'bo-html',
      name: '<img src=x onerror="window.__pwned=1">Evil & Co',
      currencies: ['EUR'],
    });
    await signIn();
    await page.getByRole('button', { name: 'New operator' }).click();
    const form = page.getByTestId('operator-create');
    await form.locator('input[name="agentID"]').fill('bo-new');
    await form.locator('input[name="name"]').fill('Brand New Casino');
    await form.locator('input[name="currencies"]').fill('eur, usd');
    await form.getByRole('button', { name: 'Create operator' }).click();
    const secrets = page.getByTestId('secrets');
    await secrets.waitFor({ state: 'visible' });
    const secretKey = (await secrets.locator('[data-secret="secretKey"]').textContent()) ?? '';
    expect(secretKey).toMatch(/^[0-9a-f]{64}$/);
    expect(await secrets.locator('[data-secret="saltKey"]').textContent()).toMatch(/^[0-9a-f]{32}$/);
    await expectText(operatorRow('bo-new'), 'EUR, USD');
    // The secret shown works for a signed call.
    const created = new SignedClient(server.url, 'agentID', 'bo-new', secretKey);
    expect((await created.call('/v1/player/create', { userID: 'bonew001', currency: 'EUR' })).code).toBe(0);

    await secrets.getByRole('button', { name: /dismiss/ }).click();
    expect(await page.getByTestId('secrets').count()).toBe(0);

    // Rotating with the default overlap: new secrets shown once, the old one still works, the row says until when.
    await operatorRow('bo-new').getByRole('button', { name: 'Rotate secret…' }).click();
    await page.getByTestId('modal-confirm').click();
    await page.getByTestId('secrets').waitFor({ state: 'visible' });
    const overlapped = (await page.locator('[data-secret="secretKey"]').textContent()) ?? '';
    expect(overlapped).toMatch(/^[0-9a-f]{64}$/);
    expect((await created.call('/v1/player/create', { userID: 'bonew003', currency: 'EUR' })).code).toBe(0);
    await expectText(operatorRow('bo-new'), 'previous secret accepted until');
    await page
      .getByTestId('secrets')
      .getByRole('button', { name: /dismiss/ })
      .click();

    // Rotating with overlap 0: the old one stops working at once.
    await operatorRow('bo-new').getByRole('button', { name: 'Rotate secret…' }).click();
    await page.locator('dialog input[name="overlapSeconds"]').fill('0');
    await page.getByTestId('modal-confirm').click();
    await page.getByTestId('secrets').waitFor({ state: 'visible' });
    const rotated = (await page.locator('[data-secret="secretKey"]').textContent()) ?? '';
    expect(rotated).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated).not.toBe(secretKey);
    expect((await created.call('/v1/player/create', { userID: 'bonew002', currency: 'EUR' })).code).not.toBe(0);
    created.secretKey = rotated;
    expect((await created.call('/v1/player/create', { userID: 'bonew002', currency: 'EUR' })).code).toBe(0);
    await page
      .getByTestId('secrets')
      .getByRole('button', { name: /dismiss/ })
      .click();

    // The IP allow-list: a bad entry is refused in the dialog; a good one is shown in the row.
    await operatorRow('bo-new').getByRole('button', { name: 'IP allow-list…' }).click();
    await page.locator('dialog textarea[name="allowedIps"]').fill('10.0.0.0/33');
    await page.getByTestId('modal-confirm').click();
    await expectText(page.locator('dialog'), '10.0.0.0/33');
    await page.locator('dialog textarea[name="allowedIps"]').fill('127.0.0.1\n::1');
    await page.getByTestId('modal-confirm').click();
    await expectText(operatorRow('bo-new'), 'IPs: 127.0.0.1/32, ::1/128');

    // Disable and enable again.
    await operatorRow('bo-new').getByRole('button', { name: 'Disable' }).click();
    await expectText(operatorRow('bo-new'), 'disabled');
    await operatorRow('bo-new').getByRole('button', { name: 'Enable' }).click();
    await expectText(operatorRow('bo-new'), 'enabled');

    // A name full of markup is text on the page, never HTML.
    const evil = operatorRow('bo-html');
    expect(await evil.locator('td').nth(1).textContent()).toBe('<img src=x onerror="window.__pwned=1">Evil & Co');
    expect(await page.locator('#content img').count()).toBe(0);
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  test('providers and games: create a provider (secret once) and save a game for it', async () => {
    await signIn(undefined, undefined, 'providers');
    await page.getByRole('button', { name: 'New provider' }).click();
    await page.fill('input[name="providerID"]', 'bo-studio');
    await page.fill('input[name="name"]', 'Back Office Studio');
    await page.fill('input[name="launchUrl"]', 'https://studio.example/play?token={token}&game={gameID}');
    await page.getByRole('button', { name: 'Create provider' }).click();
    await page.getByTestId('secrets').waitFor({ state: 'visible' });
    expect(await page.locator('[data-secret="secretKey"]').textContent()).toMatch(/^[0-9a-f]{64}$/);
    await expectText(
      page.locator('tr[data-provider-id="bo-studio"]'),
      'https://studio.example/play?token={token}&game={gameID}',
    );

    await page.click('#side-nav a[data-section="games"]');
    await page.locator('select[name="providerID"] option[value="bo-studio"]').waitFor({ state: 'attached' });
    await page.fill('input[name="gameID"]', '4242');
    await page.selectOption('select[name="providerID"]', 'bo-studio');
    await page.fill('input[name="name"]', 'Back Office Slots');
    await page.fill('input[name="rtp"]', '96.1');
    await page.check('input[name="demo"]');
    await page.getByRole('button', { name: 'Save game' }).click();
    await expectText(page.getByTestId('notice-success'), 'Game 4242 (Back Office Slots) was created or updated');
    // The catalogue (admin games/list) shows it too.
    await expectText(page.locator('tr[data-game-id="4242"]'), 'Back Office Slots');
    const [rows] = await server.db.query(
      'SELECT g.name, g.rtp, g.demo, g.free_spins AS freeSpins, p.provider_id AS providerId FROM games g JOIN providers p ON p.id = g.provider_id WHERE g.game_id = 4242',
    );
    expect((rows as any[])[0]).toMatchObject({ name: 'Back Office Slots', providerId: 'bo-studio' });
  });

  test('roles: support reads and retries but changes nothing; finance sees transactions and reports only', async () => {
    await admin.ok('/admin/v1/users/create', {
      username: 'bo-support',
      password: 'support-password-123',
      role: 'support',
    });
    await admin.ok('/admin/v1/users/create', {
      username: 'bo-finance',
      password: 'finance-password-123',
      role: 'finance',
    });

    await signIn('bo-support', 'support-password-123');
    expect(await page.textContent('#session-role')).toBe('support');
    await page.locator('tr[data-agent-id]').first().waitFor();
    expect(await page.getByRole('button', { name: 'New operator' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Switch to/ }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /Rotate/ }).count()).toBe(0);
    await expectText(page.locator('.alert-info'), 'Read only');
    await page.click('#side-nav a[data-section="games"]');
    expect(await page.getByRole('button', { name: 'Save game' }).isDisabled()).toBe(true);
    expect(await page.locator('input[name="gameID"]').isDisabled()).toBe(true);
    await page.click('#sign-out');

    await signIn('bo-finance', 'finance-password-123', 'operators');
    expect(await page.textContent('#session-role')).toBe('finance');
    expect(await page.locator('#side-nav a').allTextContents()).toEqual([
      'Transactions',
      'Operator go-live',
      'Reports',
      'Round',
      'My account',
    ]);
    await expectText(page.locator('h1'), 'Transactions');
    expect(page.url()).toMatch(/#\/transactions$/);
  });

  test('second factor: enrol on the page with the QR code shown, then sign in with a code', async () => {
    const password = 'totp-browser-Pw-81z';
    await admin.ok('/admin/v1/users/create', { username: 'bo-totp', password, role: 'support' });
    await signIn('bo-totp', password, 'account');
    await expectText(page.locator('[data-testid="totp-status"]'), 'Off');
    await page.click('#totp-enroll');
    const qr = page.locator('#totp-qr');
    await qr.waitFor({ state: 'visible' });
    // The image really rendered (the content policy allows our own data: image, nothing from elsewhere).
    expect(
      await qr.evaluate(
        (img) =>
          (img as unknown as { complete: boolean; naturalWidth: number }).complete &&
          (img as unknown as { naturalWidth: number }).naturalWidth > 0,
      ),
    ).toBe(true);
    const secret = (await page.textContent('#totp-secret'))!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    await page.fill('#totp-code', await generate({ secret }));
    await page.click('#totp-confirm');
    await expectText(page.locator('[data-testid="totp-status"]'), 'On');
    await page.click('#sign-out');
    await page.locator('#login-view').waitFor({ state: 'visible' });

    // Without a code: refused, and the page asks for one.
    await page.fill('#login-username', 'bo-totp');
    await page.fill('#login-password', password);
    await page.click('#login-submit');
    await expectText(page.locator('#login-error'), 'Enter the 6-digit code');
    expect(await page.locator('#app-view').isHidden()).toBe(true);
    // With the next step's code (the one just confirmed cannot be used twice).
    await page.fill('#login-password', password);
    await page.fill('#login-otp', await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 30 }));
    await page.click('#login-submit');
    await page.locator('#app-view').waitFor({ state: 'visible' });
    expect(await page.textContent('#session-user')).toBe('bo-totp');
  });

  test('staff: an admin disables a user and changes a role on the page; that user is signed out at once; own password change', async () => {
    await admin.ok('/admin/v1/users/create', {
      username: 'bo-victim',
      password: 'victim-browser-Pw-55q',
      role: 'support',
    });
    const victim = await AdminClient.login(server.url, 'bo-victim', 'victim-browser-Pw-55q');
    await admin.ok('/admin/v1/users/create', { username: 'bo-boss', password: 'boss-browser-Pw-12k', role: 'admin' });
    await signIn('bo-boss', 'boss-browser-Pw-12k', 'users');
    const row = page.locator('tr[data-username="bo-victim"]');
    await row.waitFor();
    await row.getByRole('button', { name: 'Disable' }).click();
    await row.getByRole('button', { name: 'Enable' }).waitFor();
    expect((await victim.post('/admin/v1/operators/list')).status).toBe(401);
    await row.locator('[data-testid="user-role"]').selectOption('finance');
    await until(
      'the role change to be saved',
      async () =>
        (await admin.ok('/admin/v1/users/list')).users.find((u: { username: string }) => u.username === 'bo-victim')
          ?.role === 'finance',
    );

    await page.click('#side-nav a[data-section="account"]');
    await page.fill('input[name="currentPassword"]', 'boss-browser-Pw-12k');
    await page.fill('input[name="newPassword"]', '123456789012');
    await page.click('#password-form button[type="submit"]');
    await expectText(page.locator('#password-form .alert-error'), 'too easy to guess');
    await page.fill('input[name="newPassword"]', 'boss-browser-new-Pw-77');
    await page.click('#password-form button[type="submit"]');
    await expectText(page.locator('.alert-success'), 'Password changed');
    // The page carries on with the fresh token.
    await page.click('#side-nav a[data-section="users"]');
    await page.locator('tr[data-username="bo-victim"]').waitFor();
    await AdminClient.login(server.url, 'bo-boss', 'boss-browser-new-Pw-77');
  });

  test('retry: a parked delivery is retried from the page and becomes delivered', async () => {
    let secret = '';
    let salt = '';
    const wallet = await new FakeOperatorWallet(
      () => secret,
      () => salt,
    ).start();
    try {
      const world = await buildWorld(admin);
      const created = await admin.ok('/admin/v1/operators/create', {
        agentID: 'bo-seam',
        name: 'Seamless casino',
        currencies: ['EUR'],
        callbackUrl: wallet.url,
        callbackScheme: 'hmac',
      });
      secret = created.secretKey;
      salt = created.saltKey;
      const operator = new SignedClient(server.url, 'agentID', 'bo-seam', secret);
      wallet.fund('boseam01', 'EUR', 10_000n);
      const launch = await operator.call('/v1/games/launch', {
        userID: 'boseam01',
        gameID: world.gameId,
        currency: 'EUR',
      });
      expect(launch.code).toBe(0);
      const bet = await world.studio.call('/provider/v1/bet', {
        token: launch.token,
        transactionID: 'bo-b1',
        roundID: 'bo-r1',
        gameID: world.gameId,
        amount: 2.5,
      });
      expect(bet.code).toBe(0);

      wallet.setBehaviour({ mode: 'down' });
      const win = await world.studio.call('/provider/v1/win', {
        token: launch.token,
        transactionID: 'bo-w1',
        refTransactionID: 'bo-b1',
        roundID: 'bo-r1',
        gameID: world.gameId,
        amount: 10,
        roundClosed: true,
      });
      expect(win.code).toBe(0);
      const parked = await until(
        'the delivery parked',
        async () => {
          const list = await admin.ok('/admin/v1/callbacks/list', { agentID: 'bo-seam', status: 'failed' });
          return list.callbacks[0] as { id: string; kind: string; attempts: number; lastError: string } | undefined;
        },
        20_000,
        100,
      );
      expect(parked).toMatchObject({ kind: 'deposit', transactionID: win.platformTransactionID });

      await signIn(undefined, undefined, 'callbacks');
      await page.fill('[data-testid="callback-filters"] input[name="agentID"]', 'bo-seam');
      await page.click('[data-testid="callback-filters"] button[type="submit"]');
      const row = page.locator(`tr[data-callback-id="${parked.id}"]`);
      await expectText(row.getByTestId('callback-status'), 'failed (parked)');
      await expectText(row, parked.lastError);
      expect(await row.getByTestId('attempts').textContent()).toMatch(new RegExp(`^${parked.attempts} of \\d+$`));
      // The Withdraw of the bet is listed as delivered, without a Retry button.
      await expectText(page.locator('tr[data-status="delivered"]').first(), 'withdraw');
      expect(await page.locator('tr[data-status="delivered"]').getByRole('button', { name: 'Retry' }).count()).toBe(0);

      // While the delivery is owed, a switch back to transfer is refused with the guard's message.
      await page.click('#side-nav a[data-section="operators"]');
      await operatorRow('bo-seam').getByRole('button', { name: 'Switch to transfer…' }).click();
      await page.getByTestId('modal-confirm').click();
      await expectText(
        page.getByTestId('refusal'),
        'cannot switch to transfer mode: 1 seamless deliveries are still pending',
      );
      await page.locator('#modal').getByRole('button', { name: 'Cancel' }).click();
      await expectText(operatorRow('bo-seam').getByTestId('mode'), 'seamless');

      wallet.setBehaviour({ mode: 'normal' });
      await page.click('#side-nav a[data-section="callbacks"]');
      await page.fill('[data-testid="callback-filters"] input[name="agentID"]', 'bo-seam');
      await page.click('[data-testid="callback-filters"] button[type="submit"]');
      await row.getByRole('button', { name: 'Retry' }).click();
      await expectText(page.getByTestId('notice-success'), `Callback ${parked.id}`);
      await expectText(row.getByTestId('callback-status'), 'delivered', 30_000);
      expect(await row.getByRole('button', { name: 'Retry' }).count()).toBe(0);

      expect(wallet.balanceOf('boseam01', 'EUR')).toBe(10_000n - 250n + 1_000n);
      expect(wallet.callsOf('deposit').filter((c) => c.answeredStatus === 200)).toHaveLength(1);
      const audit = await admin.ok('/admin/v1/audit/list');
      expect(audit.entries[0]).toMatchObject({
        actor: TEST_ADMIN.username,
        action: 'callbacks.retry',
        targetId: parked.id,
      });
    } finally {
      await wallet.stop();
    }
  });
});
