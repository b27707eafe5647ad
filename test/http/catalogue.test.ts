// Risk covered: a catalogue that lists or launches what staff disabled (the §14 metadata, feed and
// blocks are in catalogueMetadata.test.ts), a launch URL or token that names the wrong thing, a launch
// that moves money, and session tokens that can be forged, tampered with or replayed by another studio
// (PROTOCOL §4 games/list, games/launch, §5 Sessions, §8 providers/*, games/upsert).
import jwt from 'jsonwebtoken';
import { AdminClient, SignedClient } from '../support/clients';
import {
  NO_METADATA as METADATA_DEFAULTS,
  expectAdminRefusal,
  gameRow,
  startCatalogueServer,
} from '../support/catalogue';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TEST_JWT_SECRET, TestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let admin: AdminClient;
let support: AdminClient;
let world: World;

const TEMPLATE = 'https://studio.example/play?token={token}&game={gameID}&lang={language}&lobby={lobbyUrl}';

beforeAll(async () => {
  ({ server, admin, support } = await startCatalogueServer('catalogue', 'cat.support'));
  world = await buildWorld(admin);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

/** What a listed game without §14 metadata answers (PROTOCOL §14): enabled, as every listed game is. */
const NO_METADATA = { ...METADATA_DEFAULTS, enabled: true };
const game = gameRow;

async function createProvider(providerID: string, launchUrl: string | null = TEMPLATE): Promise<SignedClient> {
  const created = await admin.ok('/admin/v1/providers/create', {
    providerID,
    name: `Studio ${providerID}`,
    ...(launchUrl === null ? {} : { launchUrl }),
  });
  expect(created).toMatchObject({ code: 0, providerID, secretKey: expect.any(String) });
  return new SignedClient(server.url, 'providerID', providerID, created.secretKey as string);
}

async function listAll(
  operator: SignedClient,
  filter: Record<string, unknown> = {},
): Promise<{ games: any[]; total: number }> {
  const games: any[] = [];
  let total = -1;
  for (let page = 1; page < 100; page++) {
    const answer = await operator.call('/v1/games/list', { ...filter, page, pageSize: 200 });
    expect(answer.code).toBe(0);
    total = answer.total;
    games.push(...answer.games);
    if (answer.games.length < 200) break;
  }
  return { games, total };
}

async function auditEntries(): Promise<any[]> {
  const entries: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const page = await admin.ok('/admin/v1/audit/list', cursor ? { cursor } : {});
    entries.push(...page.entries);
    cursor = page.nextCursor;
    if (cursor === null) break;
  }
  return entries;
}

function decodePayload(token: string): Record<string, unknown> {
  const parts = token.split('.');
  expect(parts).toHaveLength(3);
  return JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
}

describe('admin: providers and games/upsert', () => {
  test('providers/create with launchUrl, providers/update and providers/list', async () => {
    await createProvider('prov-admin-1');
    await createProvider('prov-admin-2', null);
    let providers = (await admin.ok('/admin/v1/providers/list')).providers as any[];
    expect(providers.find((p) => p.providerID === 'prov-admin-1')).toMatchObject({
      providerID: 'prov-admin-1',
      name: 'Studio prov-admin-1',
      enabled: true,
      launchUrl: TEMPLATE,
    });
    expect(providers.find((p) => p.providerID === 'prov-admin-2')).toMatchObject({
      providerID: 'prov-admin-2',
      enabled: true,
      launchUrl: null,
    });
    // No secret in the list (previousSecretExpiresAt, PROTOCOL §10, is a date, not a secret).
    expect(JSON.stringify(providers)).not.toMatch(/secretKey|"[0-9a-f]{64}"/i);

    const other = 'https://other.example/launch/{gameID}?t={token}';
    const updated = await admin.ok('/admin/v1/providers/update', {
      providerID: 'prov-admin-2',
      launchUrl: other,
      enabled: false,
    });
    expect(updated.provider).toMatchObject({ providerID: 'prov-admin-2', launchUrl: other, enabled: false });
    providers = (await admin.ok('/admin/v1/providers/list')).providers as any[];
    expect(providers.find((p) => p.providerID === 'prov-admin-2')).toMatchObject({ launchUrl: other, enabled: false });

    // Support reads but does not write.
    expect((await support.post('/admin/v1/providers/list')).status).toBe(200);
    expectAdminRefusal(
      await support.post('/admin/v1/providers/update', { providerID: 'prov-admin-2', enabled: true }),
      403,
      5,
    );
    expectAdminRefusal(
      await support.post('/admin/v1/providers/create', { providerID: 'prov-admin-3', name: 'X' }),
      403,
      5,
    );
    expectAdminRefusal(
      await admin.post('/admin/v1/providers/update', { providerID: 'no-such-prov', enabled: true }),
      404,
      2,
    );

    const audit = await auditEntries();
    const update = audit.find((e) => e.action === 'providers.update' && e.targetId === 'prov-admin-2');
    expect(update).toMatchObject({
      actor: 'root-admin',
      before: { launchUrl: null, enabled: true },
      after: { launchUrl: other, enabled: false },
    });
  });

  test('games/upsert creates and updates, returns the count, and audits each change with before and after', async () => {
    await createProvider('prov-upsert');
    const first = await admin.ok('/admin/v1/games/upsert', {
      games: [
        game(5001, 'prov-upsert', { name: 'Alpha' }),
        game(5002, 'prov-upsert', { name: 'Beta', type: 'live', rtp: 97.1 }),
      ],
    });
    expect(first).toMatchObject({ code: 0, count: 2 });
    const operator = await admin.createOperator('op-upsert', ['EUR']);
    let listed = (await operator.call('/v1/games/list', { providerID: 'prov-upsert' })).games;
    expect(listed).toEqual([
      {
        ...NO_METADATA,
        gameID: 5001,
        name: 'Alpha',
        providerID: 'prov-upsert',
        type: 'slot',
        rtp: 96.5,
        freeSpins: false,
        demo: false,
      },
      {
        ...NO_METADATA,
        gameID: 5002,
        name: 'Beta',
        providerID: 'prov-upsert',
        type: 'live',
        rtp: 97.1,
        freeSpins: false,
        demo: false,
      },
    ]);

    const second = await admin.ok('/admin/v1/games/upsert', {
      games: [
        game(5001, 'prov-upsert', { name: 'Alpha Deluxe', rtp: 95.25, freeSpins: true, demo: true }),
        game(5003, 'prov-upsert', { name: 'Gamma' }),
      ],
    });
    expect(second).toMatchObject({ code: 0, count: 2 });
    listed = (await operator.call('/v1/games/list', { providerID: 'prov-upsert' })).games;
    expect(listed.map((g: any) => [g.gameID, g.name])).toEqual([
      [5001, 'Alpha Deluxe'],
      [5002, 'Beta'],
      [5003, 'Gamma'],
    ]);
    expect(listed[0]).toEqual({
      ...NO_METADATA,
      gameID: 5001,
      name: 'Alpha Deluxe',
      providerID: 'prov-upsert',
      type: 'slot',
      rtp: 95.25,
      freeSpins: true,
      demo: true,
    });

    const audit = await auditEntries();
    const updates = audit.filter((e) => e.action === 'games.update' && e.targetId === '5001');
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatchObject({
      actor: 'root-admin',
      targetType: 'game',
      before: { gameID: 5001, name: 'Alpha', rtp: 96.5, freeSpins: false, demo: false, enabled: true },
      after: { gameID: 5001, name: 'Alpha Deluxe', rtp: 95.25, freeSpins: true, demo: true, enabled: true },
    });
    expect(audit.filter((e) => e.action === 'games.create' && e.targetId === '5003')).toHaveLength(1);
  });

  test('games/upsert moving a game to another provider audits the provider it came from', async () => {
    await createProvider('prov-move-from');
    await createProvider('prov-move-to');
    expect(
      await admin.ok('/admin/v1/games/upsert', { games: [game(5201, 'prov-move-from', { name: 'Mover' })] }),
    ).toMatchObject({ count: 1 });
    expect(
      await admin.ok('/admin/v1/games/upsert', { games: [game(5201, 'prov-move-to', { name: 'Mover' })] }),
    ).toMatchObject({ count: 1 });
    const operator = await admin.createOperator('op-move', ['EUR']);
    expect(
      (await operator.call('/v1/games/list', { providerID: 'prov-move-to' })).games.map((g: any) => g.gameID),
    ).toEqual([5201]);
    expect((await operator.call('/v1/games/list', { providerID: 'prov-move-from' })).games).toEqual([]);
    const update = (await auditEntries()).find((e) => e.action === 'games.update' && e.targetId === '5201');
    expect(update).toMatchObject({
      before: { gameID: 5201, providerID: 'prov-move-from' },
      after: { gameID: 5201, providerID: 'prov-move-to' },
    });
  });

  test('games/upsert refuses an unknown providerID or a duplicate gameID (400, nothing written), and support (403)', async () => {
    await createProvider('prov-refuse');
    const unknown = await admin.post('/admin/v1/games/upsert', {
      games: [game(5101, 'prov-refuse'), game(5102, 'no-such-studio')],
    });
    expectAdminRefusal(unknown, 400, 2);
    const duplicate = await admin.post('/admin/v1/games/upsert', {
      games: [game(5103, 'prov-refuse'), game(5103, 'prov-refuse', { name: 'Twin' })],
    });
    expectAdminRefusal(duplicate, 400, 2);
    expectAdminRefusal(await support.post('/admin/v1/games/upsert', { games: [game(5104, 'prov-refuse')] }), 403, 5);
    expectAdminRefusal(
      await admin.post('/admin/v1/games/upsert', { games: [game(5105, 'prov-refuse', { rtp: 'high' })] }),
      400,
      2,
    );

    const operator = await admin.createOperator('op-refuse', ['EUR']);
    const listed = await operator.call('/v1/games/list', { providerID: 'prov-refuse' });
    expect(listed).toMatchObject({ code: 0, games: [], total: 0 });
    const [rows] = await server.db.query<any[]>('SELECT game_id FROM games WHERE game_id BETWEEN 5100 AND 5199');
    expect(rows).toEqual([]);
  });
});

describe('/v1/games/list', () => {
  let operator: SignedClient;
  beforeAll(async () => {
    operator = await admin.createOperator('op-list', ['EUR']);
    await createProvider('prov-list-a');
    await createProvider('prov-list-b');
    await createProvider('prov-list-off');
    const games = [
      game(6007, 'prov-list-a', { type: 'slot' }),
      game(6001, 'prov-list-a', { type: 'slot' }),
      game(6003, 'prov-list-a', { type: 'table' }),
      game(6002, 'prov-list-b', { type: 'slot', rtp: 94 }),
      game(6005, 'prov-list-b', { type: 'lottery' }),
      game(6004, 'prov-list-a', { type: 'slot', enabled: false }),
      game(6006, 'prov-list-off', { type: 'slot' }),
    ];
    for (let i = 0; i < 12; i++) games.push(game(6100 + i, 'prov-list-b', { type: 'crash' }));
    await admin.ok('/admin/v1/games/upsert', { games });
    await admin.ok('/admin/v1/providers/update', { providerID: 'prov-list-off', enabled: false });
  });

  test('lists only enabled games of enabled providers, ordered by gameID, with the contract fields', async () => {
    const { games, total } = await listAll(operator);
    expect(total).toBe(games.length);
    const ids = games.map((g) => g.gameID);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(ids).not.toContain(6004);
    expect(ids).not.toContain(6006);
    for (const id of [6001, 6002, 6003, 6005, 6007, world.gameId, world.otherGameId]) expect(ids).toContain(id);
    for (const g of games)
      expect(Object.keys(g).sort()).toEqual(
        [...Object.keys(NO_METADATA), 'demo', 'freeSpins', 'gameID', 'name', 'providerID', 'rtp', 'type'].sort(),
      );
    expect(games.find((g) => g.gameID === world.gameId)).toEqual({
      ...NO_METADATA,
      gameID: world.gameId,
      name: 'Book of Tests',
      providerID: world.studio.callerId,
      type: 'slot',
      rtp: 96.5,
      freeSpins: true,
      demo: true,
    });
    expect(games.find((g) => g.gameID === 6002)).toMatchObject({ rtp: 94 });
  });

  test('filters by providerID and type', async () => {
    const a = await operator.call('/v1/games/list', { providerID: 'prov-list-a' });
    expect(a).toMatchObject({ code: 0, total: 3 });
    expect(a.games.map((g: any) => g.gameID)).toEqual([6001, 6003, 6007]);
    const aSlots = await operator.call('/v1/games/list', { providerID: 'prov-list-a', type: 'slot' });
    expect(aSlots).toMatchObject({ code: 0, total: 2 });
    expect(aSlots.games.map((g: any) => g.gameID)).toEqual([6001, 6007]);
    const lottery = await operator.call('/v1/games/list', { type: 'lottery' });
    expect(lottery).toMatchObject({ code: 0, total: 1 });
    expect(lottery.games.map((g: any) => g.gameID)).toEqual([6005]);
    const off = await operator.call('/v1/games/list', { providerID: 'prov-list-off' });
    expect(off).toMatchObject({ code: 0, games: [], total: 0 });
    const none = await operator.call('/v1/games/list', { providerID: 'nobody-here' });
    expect(none).toMatchObject({ code: 0, games: [], total: 0 });
  });

  test('pages with page and pageSize and reports the total', async () => {
    const crash = Array.from({ length: 12 }, (_, i) => 6100 + i);
    const seen: number[] = [];
    for (let page = 1; page <= 3; page++) {
      const answer = await operator.call('/v1/games/list', { type: 'crash', page, pageSize: 5 });
      expect(answer).toMatchObject({ code: 0, total: 12 });
      expect(answer.games).toHaveLength(page < 3 ? 5 : 2);
      seen.push(...answer.games.map((g: any) => g.gameID));
    }
    expect(seen).toEqual(crash);
    const beyond = await operator.call('/v1/games/list', { type: 'crash', page: 4, pageSize: 5 });
    expect(beyond).toMatchObject({ code: 0, games: [], total: 12 });
    const max = await operator.call('/v1/games/list', { type: 'crash', pageSize: 200 });
    expect(max).toMatchObject({ code: 0, total: 12 });
    expect(max.games).toHaveLength(12);
  });

  test('pageSize 0 or 201 and page 0 get code 2', async () => {
    for (const fields of [{ pageSize: 0 }, { pageSize: 201 }, { page: 0 }, { pageSize: 1.5 }]) {
      const answer = await operator.call('/v1/games/list', fields);
      expect(answer.code).toBe(2);
      expect(answer.games).toBeUndefined();
    }
  });
});

describe('/v1/games/launch', () => {
  test('url is the provider template filled with token, gameID, language and lobbyUrl, URL-encoded; token names the session', async () => {
    const token = await fundedSession(world, 'launch001', 50);
    expect(token.split('.')).toHaveLength(3);

    const plain = await world.operator.call('/v1/games/launch', {
      userID: 'launch001',
      gameID: world.gameId,
      currency: 'EUR',
    });
    expect(plain).toMatchObject({ code: 0, url: expect.any(String), token: expect.any(String) });
    expect(plain.url).toBe(
      `https://studio.example/play?token=${encodeURIComponent(plain.token)}&game=${world.gameId}&lang=en&lobby=`,
    );

    const withLobby = await world.operator.call('/v1/games/launch', {
      userID: 'launch001',
      gameID: world.gameId,
      currency: 'EUR',
      language: 'pt-BR',
      lobbyUrl: 'https://casino.example/lobby?from=game&x=a%20b',
    });
    expect(withLobby.code).toBe(0);
    expect(withLobby.url).toBe(
      `https://studio.example/play?token=${encodeURIComponent(withLobby.token)}&game=${world.gameId}&lang=pt-BR&lobby=${encodeURIComponent('https://casino.example/lobby?from=game&x=a%20b')}`,
    );
    const parsed = new URL(withLobby.url);
    expect(parsed.searchParams.get('token')).toBe(withLobby.token);
    expect(parsed.searchParams.get('lobby')).toBe('https://casino.example/lobby?from=game&x=a%20b');
    expect(parsed.searchParams.get('lang')).toBe('pt-BR');

    const payload = decodePayload(withLobby.token);
    const values = Object.values(payload);
    expect(values).toContain(world.operator.callerId);
    expect(values).toContain('launch001');
    expect(values).toContain(world.gameId);
    expect(values).toContain('EUR');
    expect(values).toContain('real');
    expect(typeof payload.exp).toBe('number');
    // Default session lifetime is 4 hours.
    expect(payload.exp as number).toBeGreaterThan(Date.now() / 1000 + 4 * 3600 - 120);
    expect(payload.exp as number).toBeLessThanOrEqual(Date.now() / 1000 + 4 * 3600 + 5);

    // The token opens a session at the studio.
    expect(await world.studio.call('/provider/v1/auth', { token: withLobby.token })).toMatchObject({
      code: 0,
      userID: 'launch001',
      agentID: world.operator.callerId,
      currency: 'EUR',
      balance: 50,
    });
  });

  test("unknown or disabled game and a disabled provider's game get code 8", async () => {
    // Funded: a player whose wallet is empty cannot enter a real-money game (PROTOCOL §4).
    await fundedSession(world, 'launch002', 1);
    const launch = (fields: Record<string, unknown>) =>
      world.operator.call('/v1/games/launch', { userID: 'launch002', currency: 'EUR', ...fields });
    expect((await launch({ gameID: 987654 })).code).toBe(8);

    await createProvider('prov-launch-off');
    await admin.ok('/admin/v1/games/upsert', {
      games: [
        game(7001, world.studio.callerId, { enabled: false, demo: true }),
        game(7002, 'prov-launch-off', { demo: true }),
      ],
    });
    expect((await launch({ gameID: 7001 })).code).toBe(8);
    expect((await launch({ gameID: 7001, demo: true })).code).toBe(8);

    expect((await launch({ gameID: 7002 })).code).toBe(0);
    await admin.ok('/admin/v1/providers/update', { providerID: 'prov-launch-off', enabled: false });
    expect((await launch({ gameID: 7002 })).code).toBe(8);
    expect((await launch({ gameID: 7002, demo: true })).code).toBe(8);
    await admin.ok('/admin/v1/providers/update', { providerID: 'prov-launch-off', enabled: true });
    expect((await launch({ gameID: 7002 })).code).toBe(0);

    // A game that was enabled and is then disabled stops launching.
    await admin.ok('/admin/v1/games/upsert', {
      games: [game(7002, 'prov-launch-off', { demo: true, enabled: false })],
    });
    expect((await launch({ gameID: 7002 })).code).toBe(8);
  });

  test('demo: true on a game without demo gets 8; a demo launch needs no player and its token moves no money (9)', async () => {
    const noDemo = await world.operator.call('/v1/games/launch', {
      gameID: world.otherGameId,
      currency: 'EUR',
      demo: true,
    });
    expect(noDemo.code).toBe(8);

    const demo = await world.operator.call('/v1/games/launch', { gameID: world.gameId, currency: 'EUR', demo: true });
    expect(demo).toMatchObject({ code: 0, url: expect.any(String), token: expect.any(String) });
    expect(demo.token.split('.')).toHaveLength(3);
    expect(Object.values(decodePayload(demo.token))).toContain('demo');

    const g = world.gameId;
    expect((await world.studio.call('/provider/v1/auth', { token: demo.token })).code).toBe(9);
    expect(
      (
        await world.studio.call('/provider/v1/bet', {
          token: demo.token,
          transactionID: 'demo-b1',
          roundID: 'demo-r1',
          gameID: g,
          amount: 1,
        })
      ).code,
    ).toBe(9);

    // A demo launch naming a real player still cannot move that player's money.
    await fundedSession(world, 'launch003', 20);
    const namedDemo = await world.operator.call('/v1/games/launch', {
      userID: 'launch003',
      gameID: g,
      currency: 'EUR',
      demo: true,
    });
    expect(namedDemo.code).toBe(0);
    expect(
      (
        await world.studio.call('/provider/v1/bet', {
          token: namedDemo.token,
          transactionID: 'demo-b2',
          roundID: 'demo-r2',
          gameID: g,
          amount: 1,
        })
      ).code,
    ).toBe(9);
    expect((await world.operator.call('/v1/player/balance', { userID: 'launch003', currency: 'EUR' })).balance).toBe(
      20,
    );
    const [rows] = await server.db.query<any[]>(
      "SELECT COUNT(*) AS n FROM transactions WHERE transaction_id LIKE 'demo-%'",
    );
    expect(Number(rows[0].n)).toBe(0);
    await assertLedgerConsistent(server.db);
  });

  test('player and currency checks: no wallet in that currency 6, currency not enabled 14, no userID without demo 2', async () => {
    await fundedSession(world, 'launch004', 1);
    const launch = (fields: Record<string, unknown>) =>
      world.operator.call('/v1/games/launch', { gameID: world.gameId, ...fields });
    expect((await launch({ userID: 'launch004', currency: 'EUR' })).code).toBe(0);
    // JPY is enabled for the operator but the player has no JPY wallet.
    expect((await launch({ userID: 'launch004', currency: 'JPY' })).code).toBe(6);
    expect((await launch({ userID: 'nobody-at-all', currency: 'EUR' })).code).toBe(6);
    // USD is a currency we support, but not one of this operator's.
    expect((await launch({ userID: 'launch004', currency: 'USD' })).code).toBe(14);
    expect((await launch({ currency: 'EUR' })).code).toBe(2);
    expect((await launch({ userID: 'launch004', currency: 'EUR', device: 'fridge' })).code).toBe(2);
    expect((await launch({ userID: 'launch004', currency: 'EUR', gameID: 'abc' })).code).toBe(2);
  });

  test('a launch touches no money', async () => {
    await fundedSession(world, 'launch005', 33.5);
    const before = await world.operator.call('/v1/transactions', { userID: 'launch005' });
    expect(before.transactions.map((t: any) => t.type)).toEqual(['deposit']);
    for (let i = 0; i < 3; i++) {
      expect(
        (await world.operator.call('/v1/games/launch', { userID: 'launch005', gameID: world.gameId, currency: 'EUR' }))
          .code,
      ).toBe(0);
    }
    expect(
      (
        await world.operator.call('/v1/games/launch', {
          userID: 'launch005',
          gameID: world.gameId,
          currency: 'EUR',
          demo: true,
        })
      ).code,
    ).toBe(0);
    expect(await world.operator.call('/v1/player/balance', { userID: 'launch005', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 33.5,
    });
    const after = await world.operator.call('/v1/transactions', { userID: 'launch005' });
    expect(after.transactions).toEqual(before.transactions);
    await assertLedgerConsistent(server.db);
  });
});

describe('session tokens', () => {
  let token: string;
  let otherStudio: SignedClient;
  beforeAll(async () => {
    token = await fundedSession(world, 'session01', 40);
    otherStudio = (await buildWorld(admin)).studio;
  });

  const bet = (studio: SignedClient, tok: string, transactionID: string) =>
    studio.call('/provider/v1/bet', {
      token: tok,
      transactionID,
      roundID: `round-${transactionID}`,
      gameID: world.gameId,
      amount: 1,
    });

  test('the genuine token works for its own studio', async () => {
    expect((await world.studio.call('/provider/v1/auth', { token })).code).toBe(0);
  });

  test('a token is bound to its game: a bet naming another game of the same studio gets 9', async () => {
    const answer = await world.studio.call('/provider/v1/bet', {
      token,
      transactionID: 'sess-game-1',
      roundID: 'sess-game-r1',
      gameID: world.otherGameId,
      amount: 1,
    });
    expect(answer.code).toBe(9);
    expect((await world.operator.call('/v1/player/balance', { userID: 'session01', currency: 'EUR' })).balance).toBe(
      40,
    );
  });

  test("a token for operator A's player cannot be used by another provider (9)", async () => {
    expect((await otherStudio.call('/provider/v1/auth', { token })).code).toBe(9);
    expect((await otherStudio.call('/provider/v1/balance', { token })).code).toBe(9);
    expect((await bet(otherStudio, token, 'sess-other-1')).code).toBe(9);
    expect((await world.operator.call('/v1/player/balance', { userID: 'session01', currency: 'EUR' })).balance).toBe(
      40,
    );
  });

  test('a token whose payload was changed by one character gets 9', async () => {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const at = Math.floor(payload.length / 2);
    const swapped = payload[at] === 'A' ? 'B' : 'A';
    const tampered = `${header}.${payload.slice(0, at)}${swapped}${payload.slice(at + 1)}.${signature}`;
    expect(tampered).not.toBe(token);
    expect((await world.studio.call('/provider/v1/auth', { token: tampered })).code).toBe(9);
    expect((await bet(world.studio, tampered, 'sess-tamper-1')).code).toBe(9);

    // A meaningful change: the same claims naming another player, with the original signature.
    const claims = decodePayload(token);
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'session02' })).toString('base64url');
    const forged = `${header}.${forgedPayload}.${signature}`;
    expect((await world.studio.call('/provider/v1/auth', { token: forged })).code).toBe(9);
    expect((await bet(world.studio, forged, 'sess-tamper-2')).code).toBe(9);
    expect((await world.operator.call('/v1/player/balance', { userID: 'session01', currency: 'EUR' })).balance).toBe(
      40,
    );
  });

  test('a token signed with another secret, same claims, gets 9', async () => {
    const claims = jwt.decode(token) as jwt.JwtPayload;
    const foreign = jwt.sign(claims, 'another-secret-that-is-long-enough-0123456789', { algorithm: 'HS256' });
    expect(foreign).not.toBe(token);
    // Sanity: the same claims signed with the server's secret are accepted, so only the secret differs.
    const genuine = jwt.sign(claims, TEST_JWT_SECRET, { algorithm: 'HS256' });
    expect((await world.studio.call('/provider/v1/auth', { token: genuine })).code).toBe(0);

    expect((await world.studio.call('/provider/v1/auth', { token: foreign })).code).toBe(9);
    expect((await world.studio.call('/provider/v1/balance', { token: foreign })).code).toBe(9);
    expect((await bet(world.studio, foreign, 'sess-foreign-1')).code).toBe(9);
    expect((await world.studio.call('/provider/v1/auth', { token: 'not-a-jwt' })).code).toBe(9);
    // An unsigned token (alg none) with the genuine claims.
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${token.split('.')[1]}.`;
    expect((await world.studio.call('/provider/v1/auth', { token: unsigned })).code).toBe(9);
    expect((await world.operator.call('/v1/player/balance', { userID: 'session01', currency: 'EUR' })).balance).toBe(
      40,
    );
    await assertLedgerConsistent(server.db);
  });
});
