// Risk covered: the back office's catalogue blocks screen (PROTOCOL §14) in a real browser against a real
// server: an admin's blocks of a studio and a game reach the server (that operator no longer lists or
// launches them, another still does), a block survives filtering the game list, each game's country
// blocks are shown, and support sees the blocks without being able to change them.
import { AdminClient, SignedClient } from '../support/clients';
import { backOfficeBrowser, describeBrowser } from '../support/backOfficeBrowser';
import { TEST_ADMIN, TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';

jest.setTimeout(120_000);

describeBrowser('catalogue blocks in a real browser', () => {
  let server: TestServer;
  let admin: AdminClient;
  let blocked: SignedClient;
  let other: SignedClient;
  const bo = backOfficeBrowser(() => server.url);
  const { page } = bo;

  const listed = async (operator: SignedClient) =>
    ((await operator.call('/v1/games/list', { pageSize: 200 })).games as any[]).map((g) => g.gameID);
  const launchCode = async (operator: SignedClient, gameID: number) =>
    (await operator.call('/v1/games/launch', { gameID, currency: 'EUR', demo: true })).code;

  beforeAll(async () => {
    server = await startTestServer('backoffice-blocks');
    admin = await server.admin();
    for (const providerID of ['bo-studio-a', 'bo-studio-b']) {
      await admin.ok('/admin/v1/providers/create', {
        providerID,
        name: `Studio ${providerID}`,
        launchUrl: 'https://studio.example/play?token={token}',
      });
    }
    const game = (gameID: number, providerID: string, extra: Record<string, unknown> = {}) => ({
      gameID,
      providerID,
      name: `Game ${gameID}`,
      type: 'slot',
      rtp: 96,
      freeSpins: false,
      demo: true,
      enabled: true,
      ...extra,
    });
    await admin.ok('/admin/v1/games/upsert', {
      games: [
        game(41001, 'bo-studio-a'),
        game(41002, 'bo-studio-b', { category: 'roulette', blockedCountries: ['DE', 'FR'] }),
        game(41003, 'bo-studio-b', { name: 'Findable Fortune' }),
      ],
    });
    blocked = await admin.createOperator('bo-op-blocked', ['EUR']);
    other = await admin.createOperator('bo-op-other', ['EUR']);
    await admin.ok('/admin/v1/users/create', {
      username: 'bo-blocks-support',
      password: 'support-password-123',
      role: 'support',
    });
  });

  afterAll(async () => {
    await server?.close();
  });

  async function signIn(username: string, password: string): Promise<void> {
    await bo.signIn('blocks', { username, password });
    await page.locator('h1', { hasText: 'Catalogue blocks' }).waitFor();
  }

  test('an admin blocks a studio and a game for one operator; the other operator keeps them', async () => {
    await signIn(TEST_ADMIN.username, TEST_ADMIN.password);
    await page.selectOption('[data-testid="blocks-operator"]', 'bo-op-blocked');
    await page.locator('h2', { hasText: 'Blocked studios for bo-op-blocked' }).waitFor();
    // Country blocks are shown with their game.
    await page.locator('tr[data-game-id="41002"]', { hasText: 'DE, FR' }).waitFor();
    await page.check('input[name="blockedProvider"][value="bo-studio-a"]');
    // Filter to the game by name, block it, clear the filter: the block is kept.
    await page.fill('input[name="gameFilter"]', 'findable');
    expect(await page.locator('tr[data-game-id]').count()).toBe(1);
    await page.check('tr[data-game-id="41003"] input[name="blockedGame"]');
    await page.fill('input[name="gameFilter"]', '');
    await page.getByRole('button', { name: 'Save blocks' }).click();
    await page.locator('[data-testid="notice-success"]', { hasText: '1 studio(s) and 1 game(s)' }).waitFor();

    const operators = (await admin.ok('/admin/v1/operators/list')).operators as any[];
    expect(operators.find((o) => o.agentID === 'bo-op-blocked')).toMatchObject({
      blockedProviders: ['bo-studio-a'],
      blockedGames: [41003],
    });
    expect(operators.find((o) => o.agentID === 'bo-op-other')).toMatchObject({
      blockedProviders: [],
      blockedGames: [],
    });
    expect((await listed(blocked)).filter((id) => id > 41000)).toEqual([41002]);
    expect((await listed(other)).filter((id) => id > 41000)).toEqual([41001, 41002, 41003]);
    expect([
      await launchCode(blocked, 41001),
      await launchCode(blocked, 41003),
      await launchCode(other, 41003),
    ]).toEqual([8, 8, 0]);
    // The page shows the saved state after a reload.
    await page.reload();
    await page.selectOption('[data-testid="blocks-operator"]', 'bo-op-blocked');
    await until('the saved blocks on the page', () =>
      page.isChecked('tr[data-game-id="41003"] input[name="blockedGame"]'),
    );
    expect(await page.isChecked('input[name="blockedProvider"][value="bo-studio-a"]')).toBe(true);
    expect(await page.isChecked('input[name="blockedProvider"][value="bo-studio-b"]')).toBe(false);
  });

  test('support sees the blocks but cannot change them', async () => {
    await admin.ok('/admin/v1/operators/update', { agentID: 'bo-op-blocked', blockedGames: [41002] });
    await signIn('bo-blocks-support', 'support-password-123');
    await page.locator('.alert-info', { hasText: 'Read only' }).waitFor();
    await page.selectOption('[data-testid="blocks-operator"]', 'bo-op-blocked');
    await page.locator('h2', { hasText: 'Blocked games for bo-op-blocked' }).waitFor();
    expect(await page.isChecked('tr[data-game-id="41002"] input[name="blockedGame"]')).toBe(true);
    expect(await page.isDisabled('tr[data-game-id="41002"] input[name="blockedGame"]')).toBe(true);
    expect(await page.getByRole('button', { name: 'Save blocks' }).count()).toBe(0);
  });
});
