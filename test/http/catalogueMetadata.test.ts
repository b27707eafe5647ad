// Risk covered: catalogue metadata lost or altered between games/upsert and /v1/games/list; filters that
// list the wrong games; a change feed that misses a disabled or blocked game, repeats an unchanged one,
// or scans the whole catalogue; per-operator blocks that leak to other operators or fail to stop a
// launch; country blocks ignored at launch; bad input that changes something (PROTOCOL §14, §4, §8).
import { AdminClient, SignedClient } from '../support/clients';
import { NO_METADATA, expectAdminRefusal, gameRow, startCatalogueServer } from '../support/catalogue';
import { TestServer } from '../support/testServer';
import { until } from '../support/until';
import { assertLedgerConsistent } from '../support/ledgerConsistency';

let server: TestServer;
let admin: AdminClient;
let support: AdminClient;

const TEMPLATE = 'https://studio.example/play?token={token}&game={gameID}';

beforeAll(async () => {
  ({ server, admin, support } = await startCatalogueServer('catalogue-meta', 'meta.support'));
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

/** A game row with a demo mode (the block tests launch demos). */
const game = (gameID: number, providerID: string, extra: Record<string, unknown> = {}) =>
  gameRow(gameID, providerID, { demo: true, ...extra });

/** Every §14 field set to something other than its default. */
const FULL_METADATA = {
  category: 'video-slots',
  thumbnailUrl: 'https://cdn.studio.example/thumbs/game-1.png?size=400x300',
  platforms: ['mobile'],
  volatility: 'high',
  features: ['bonus-buy', 'free-spins', 'jackpot'],
  releaseDate: '2026-02-28',
  blockedCountries: ['GB', 'FR'],
};

async function createProvider(providerID: string): Promise<void> {
  await admin.ok('/admin/v1/providers/create', { providerID, name: `Studio ${providerID}`, launchUrl: TEMPLATE });
}

async function listOne(operator: SignedClient, gameID: number, fields: Record<string, unknown> = {}) {
  const answer = await operator.call('/v1/games/list', { pageSize: 200, ...fields });
  expect(answer.code).toBe(0);
  return (answer.games as any[]).find((g) => g.gameID === gameID);
}

async function auditCount(): Promise<number> {
  const [rows] = await server.db.query<any[]>('SELECT COUNT(*) AS n FROM audit_log');
  return Number(rows[0].n);
}

/** A point in time after every change made so far: what an operator passes as changedSince next. */
async function feedMark(): Promise<string> {
  const mark = new Date(Date.now() + 1);
  await until('the clock to pass the mark', () => Date.now() > mark.getTime() + 1, 1000, 1);
  return mark.toISOString();
}

async function feed(operator: SignedClient, changedSince: string, fields: Record<string, unknown> = {}) {
  const answer = await operator.call('/v1/games/list', { changedSince, pageSize: 200, ...fields });
  expect(answer).toMatchObject({ code: 0, nextChangedSince: expect.any(String) });
  return new Map<number, any>((answer.games as any[]).map((g) => [g.gameID, g]));
}

describe('metadata through games/upsert and /v1/games/list', () => {
  let operator: SignedClient;
  beforeAll(async () => {
    await createProvider('meta-a');
    operator = await admin.createOperator('op-meta', ['EUR']);
  });

  test('every §14 field round-trips through upsert, /v1/games/list and /admin/v1/games/list', async () => {
    await admin.ok('/admin/v1/games/upsert', { games: [game(31001, 'meta-a', FULL_METADATA)] });
    const listed = await listOne(operator, 31001);
    expect(listed).toEqual({
      gameID: 31001,
      name: 'Game 31001',
      providerID: 'meta-a',
      type: 'slot',
      rtp: 96.5,
      freeSpins: false,
      demo: true,
      enabled: true,
      ...FULL_METADATA,
    });
    const staff = (await admin.ok('/admin/v1/games/list')).games.find((g: any) => g.gameID === 31001);
    expect(staff).toMatchObject({ ...FULL_METADATA, enabled: true, providerID: 'meta-a' });

    // Nulls and empty lists round-trip too, and replace what was there.
    const cleared = NO_METADATA;
    await admin.ok('/admin/v1/games/upsert', { games: [game(31001, 'meta-a', cleared)] });
    expect(await listOne(operator, 31001)).toMatchObject(cleared);
  });

  test('a field left out keeps what the game has; a new game gets the defaults', async () => {
    await admin.ok('/admin/v1/games/upsert', { games: [game(31002, 'meta-a', FULL_METADATA)] });
    await admin.ok('/admin/v1/games/upsert', { games: [game(31002, 'meta-a', { name: 'Renamed' })] });
    expect(await listOne(operator, 31002)).toMatchObject({ name: 'Renamed', ...FULL_METADATA });
    await admin.ok('/admin/v1/games/upsert', { games: [game(31003, 'meta-a')] });
    expect(await listOne(operator, 31003)).toMatchObject(NO_METADATA);
  });

  test('the audit records the metadata before and after; an unchanged upsert writes no entry', async () => {
    await admin.ok('/admin/v1/games/upsert', { games: [game(31004, 'meta-a', FULL_METADATA)] });
    await admin.ok('/admin/v1/games/upsert', { games: [game(31004, 'meta-a', { volatility: 'low' })] });
    const [rows] = await server.db.query<any[]>(
      "SELECT `before`, `after` FROM audit_log WHERE action = 'games.update' AND target_id = '31004'",
    );
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0].before)).toMatchObject({ volatility: 'high', features: FULL_METADATA.features });
    expect(JSON.parse(rows[0].after)).toMatchObject({ volatility: 'low', features: FULL_METADATA.features });
    const before = await auditCount();
    await admin.ok('/admin/v1/games/upsert', { games: [game(31004, 'meta-a', { volatility: 'low' })] });
    expect(await auditCount()).toBe(before);
  });

  test('bad metadata is HTTP 400 code 2 and changes nothing, for the whole batch', async () => {
    await admin.ok('/admin/v1/games/upsert', { games: [game(31005, 'meta-a', FULL_METADATA)] });
    const before = await listOne(operator, 31005);
    const auditBefore = await auditCount();
    const bad: Record<string, unknown>[] = [
      { blockedCountries: ['XX'] },
      { blockedCountries: ['de'] },
      { blockedCountries: ['DE', 'DE'] },
      { platforms: ['fridge'] },
      { platforms: [] },
      { volatility: 'extreme' },
      { releaseDate: '2026-02-30' },
      { releaseDate: '2026-02-28T00:00:00Z' },
      { features: ['Bonus Buy'] },
      { category: 'Video Slots' },
      { thumbnailUrl: 'javascript:alert(1)' },
    ];
    for (const fields of bad) {
      const answer = await admin.post('/admin/v1/games/upsert', {
        games: [game(31006, 'meta-a'), game(31005, 'meta-a', { name: 'Changed', ...fields })],
      });
      expectAdminRefusal(answer, 400, 2);
    }
    expect(await listOne(operator, 31005)).toEqual(before);
    expect(await listOne(operator, 31006)).toBeUndefined();
    expect(await auditCount()).toBe(auditBefore);
    expectAdminRefusal(
      await support.post('/admin/v1/games/upsert', { games: [game(31005, 'meta-a', { category: 'x' })] }),
      403,
      5,
    );
  });
});

describe('filters: category and platform', () => {
  let operator: SignedClient;
  beforeAll(async () => {
    await createProvider('filter-a');
    await createProvider('filter-b');
    operator = await admin.createOperator('op-filter', ['EUR']);
    await admin.ok('/admin/v1/games/upsert', {
      games: [
        game(32001, 'filter-a', { category: 'roulette', type: 'table', platforms: ['desktop'] }),
        game(32002, 'filter-a', { category: 'roulette', type: 'table', platforms: ['mobile', 'desktop'] }),
        game(32003, 'filter-b', { category: 'roulette', type: 'live', platforms: ['mobile'] }),
        game(32004, 'filter-b', { category: 'crash', type: 'crash', platforms: ['mobile'] }),
        game(32005, 'filter-b', { category: 'roulette', enabled: false }),
      ],
    });
  });

  const ids = async (fields: Record<string, unknown>) => {
    const answer = await operator.call('/v1/games/list', fields);
    expect(answer.code).toBe(0);
    expect(answer.total).toBe(answer.games.length);
    return (answer.games as any[]).map((g) => g.gameID);
  };

  test('category, platform and their combinations with providerID and type', async () => {
    expect(await ids({ category: 'roulette' })).toEqual([32001, 32002, 32003]);
    expect(await ids({ category: 'roulette', platform: 'mobile' })).toEqual([32002, 32003]);
    expect(await ids({ category: 'roulette', platform: 'desktop' })).toEqual([32001, 32002]);
    expect(await ids({ category: 'roulette', providerID: 'filter-b' })).toEqual([32003]);
    expect(await ids({ category: 'roulette', type: 'table', platform: 'mobile' })).toEqual([32002]);
    expect(await ids({ providerID: 'filter-b', platform: 'mobile' })).toEqual([32003, 32004]);
    expect(await ids({ category: 'blackjack' })).toEqual([]);
  });

  test('a bad category, platform or changedSince is code 2 with no games', async () => {
    for (const fields of [
      { category: 'Roulette' },
      { category: '' },
      { platform: 'tablet' },
      { changedSince: 'yesterday' },
      { changedSince: '2026-12-01' },
    ]) {
      const answer = await operator.call('/v1/games/list', fields);
      expect(answer.code).toBe(2);
      expect(answer.games).toBeUndefined();
    }
  });
});

describe('the change feed (changedSince)', () => {
  let operator: SignedClient;
  let other: SignedClient;
  beforeAll(async () => {
    await createProvider('feed-a');
    await createProvider('feed-b');
    operator = await admin.createOperator('op-feed', ['EUR']);
    other = await admin.createOperator('op-feed-other', ['EUR']);
    const games = [33001, 33002, 33003, 33004, 33005].map((id) => game(id, 'feed-a', { category: 'slots' }));
    games.push(game(33101, 'feed-b'), game(33102, 'feed-b'));
    await admin.ok('/admin/v1/games/upsert', { games });
  });

  test('a changed game appears, a disabled one with enabled: false, an unchanged or re-sent one not at all', async () => {
    const since = await feedMark();
    expect((await feed(operator, since)).size).toBe(0);
    await admin.ok('/admin/v1/games/upsert', {
      games: [
        game(33001, 'feed-a', { category: 'slots', name: 'New name' }),
        game(33002, 'feed-a', { category: 'slots', enabled: false }),
        game(33003, 'feed-a', { category: 'slots' }), // sent again, unchanged
        game(33006, 'feed-a', { category: 'slots' }), // added
      ],
    });
    const changed = await feed(operator, since);
    expect([...changed.keys()]).toEqual([33001, 33002, 33006]);
    expect(changed.get(33001)).toMatchObject({ name: 'New name', enabled: true, category: 'slots' });
    expect(changed.get(33002)).toMatchObject({ enabled: false, providerID: 'feed-a' });
    expect(changed.get(33006)).toMatchObject({ enabled: true });
    // The disabled game stays out of the plain listing.
    expect(await listOne(operator, 33002)).toBeUndefined();
    // Filters apply to the feed as to the listing; a later mark sees nothing.
    expect([...(await feed(operator, since, { category: 'other' })).keys()]).toEqual([]);
    const page = await operator.call('/v1/games/list', { changedSince: since, pageSize: 2, page: 2 });
    expect(page).toMatchObject({ code: 0, total: 3 });
    expect(page.games.map((g: any) => g.gameID)).toEqual([33006]);
    expect((await feed(operator, await feedMark())).size).toBe(0);
  });

  test('nextChangedSince overlaps the call, so a change committed during a poll is not missed', async () => {
    const before = Date.now();
    const answer = await operator.call('/v1/games/list', { changedSince: new Date().toISOString() });
    const next = Date.parse(answer.nextChangedSince);
    expect(next).toBeLessThan(before);
    expect(next).toBeGreaterThan(before - 120_000);
  });

  test("a studio disabled or enabled puts all its games in every operator's feed", async () => {
    const since = await feedMark();
    await admin.ok('/admin/v1/providers/update', { providerID: 'feed-b', enabled: false });
    for (const client of [operator, other]) {
      const changed = await feed(client, since);
      expect([...changed.keys()]).toEqual([33101, 33102]);
      expect([...changed.values()].map((g) => g.enabled)).toEqual([false, false]);
    }
    const again = await feedMark();
    await admin.ok('/admin/v1/providers/update', { providerID: 'feed-b', enabled: true });
    expect([...(await feed(operator, again)).values()].map((g) => [g.gameID, g.enabled])).toEqual([
      [33101, true],
      [33102, true],
    ]);
    // A studio update that does not change enabled is no catalogue change.
    const quiet = await feedMark();
    await admin.ok('/admin/v1/providers/update', { providerID: 'feed-b', name: 'Renamed studio' });
    expect((await feed(operator, quiet)).size).toBe(0);
  });

  test("a block appears in that operator's feed only, as enabled: false, and its lifting as enabled: true", async () => {
    const since = await feedMark();
    await admin.ok('/admin/v1/operators/update', {
      agentID: 'op-feed',
      blockedProviders: ['feed-b'],
      blockedGames: [33004],
    });
    const changed = await feed(operator, since);
    expect([...changed.values()].map((g) => [g.gameID, g.enabled])).toEqual([
      [33004, false],
      [33101, false],
      [33102, false],
    ]);
    expect((await feed(other, since)).size).toBe(0);
    // The same lists sent again are no change.
    const quiet = await feedMark();
    await admin.ok('/admin/v1/operators/update', {
      agentID: 'op-feed',
      blockedProviders: ['feed-b'],
      blockedGames: [33004],
    });
    expect((await feed(operator, quiet)).size).toBe(0);
    const lifted = await feedMark();
    await admin.ok('/admin/v1/operators/update', { agentID: 'op-feed', blockedGames: [] });
    expect([...(await feed(operator, lifted)).values()].map((g) => [g.gameID, g.enabled])).toEqual([[33004, true]]);
    await admin.ok('/admin/v1/operators/update', { agentID: 'op-feed', blockedProviders: [] });
  });
});

describe('per-operator blocks of studios and games', () => {
  let blocked: SignedClient;
  let free: SignedClient;
  beforeAll(async () => {
    await createProvider('block-a');
    await createProvider('block-b');
    await admin.ok('/admin/v1/games/upsert', {
      games: [game(34001, 'block-a'), game(34002, 'block-a'), game(34003, 'block-b'), game(34004, 'block-b')],
    });
    blocked = await admin.createOperator('op-blocked', ['EUR'], {
      blockedProviders: ['block-a'],
      blockedGames: [34004],
    });
    free = await admin.createOperator('op-free', ['EUR']);
  });

  const listedIds = async (operator: SignedClient) => {
    const answer = await operator.call('/v1/games/list', { pageSize: 200 });
    return (answer.games as any[]).map((g) => g.gameID).filter((id) => id >= 34001 && id <= 34004);
  };
  const launch = (operator: SignedClient, gameID: number) =>
    operator.call('/v1/games/launch', { gameID, currency: 'EUR', demo: true });

  test('a blocked studio or game is neither listed nor launchable for that operator, and is for another', async () => {
    expect(await listedIds(blocked)).toEqual([34003]);
    expect(await listedIds(free)).toEqual([34001, 34002, 34003, 34004]);
    const total = async (operator: SignedClient) =>
      (await operator.call('/v1/games/list', { providerID: 'block-a' })).total;
    expect([await total(blocked), await total(free)]).toEqual([0, 2]);
    for (const id of [34001, 34002, 34004]) {
      const refused = await launch(blocked, id);
      expect(refused.code).toBe(8);
      expect(refused.message).toMatch(/blocked for operator op-blocked/);
      expect(refused.token).toBeUndefined();
      expect((await launch(free, id)).code).toBe(0);
    }
    expect((await launch(blocked, 34003)).code).toBe(0);
    // Real-money launches are refused the same way, before any player check.
    await blocked.call('/v1/player/create', { userID: 'blocked-player', currency: 'EUR' });
    const real = await blocked.call('/v1/games/launch', { userID: 'blocked-player', gameID: 34001, currency: 'EUR' });
    expect(real.code).toBe(8);
  });

  test('operators/list shows the blocks; update replaces a list, the other stays; all audited', async () => {
    const shown = async () =>
      (await admin.ok('/admin/v1/operators/list')).operators.find((o: any) => o.agentID === 'op-blocked');
    expect(await shown()).toMatchObject({ blockedProviders: ['block-a'], blockedGames: [34004] });
    const updated = await admin.ok('/admin/v1/operators/update', {
      agentID: 'op-blocked',
      blockedGames: [34003, 34001],
    });
    expect(updated.operator).toMatchObject({ blockedProviders: ['block-a'], blockedGames: [34001, 34003] });
    expect(await listedIds(blocked)).toEqual([34004]);
    const [rows] = await server.db.query<any[]>(
      "SELECT `before`, `after` FROM audit_log WHERE action = 'operators.update' AND target_id = 'op-blocked' ORDER BY id DESC LIMIT 1",
    );
    expect(JSON.parse(rows[0].before)).toMatchObject({ blockedProviders: ['block-a'], blockedGames: [34004] });
    expect(JSON.parse(rows[0].after)).toMatchObject({ blockedProviders: ['block-a'], blockedGames: [34001, 34003] });
    const [created] = await server.db.query<any[]>(
      "SELECT `after` FROM audit_log WHERE action = 'operators.create' AND target_id = 'op-blocked'",
    );
    expect(JSON.parse(created[0].after)).toMatchObject({ blockedProviders: ['block-a'], blockedGames: [34004] });

    await admin.ok('/admin/v1/operators/update', { agentID: 'op-blocked', blockedProviders: [], blockedGames: [] });
    expect(await listedIds(blocked)).toEqual([34001, 34002, 34003, 34004]);
    expect(await shown()).toMatchObject({ blockedProviders: [], blockedGames: [] });
  });

  test('unknown or malformed blocks are HTTP 400 code 2 and change nothing; support may not block (403)', async () => {
    await admin.ok('/admin/v1/operators/update', { agentID: 'op-blocked', blockedGames: [34002] });
    const auditBefore = await auditCount();
    for (const fields of [
      { blockedProviders: ['no-such-studio'] },
      { blockedGames: [34003, 999999] },
      { blockedGames: [34003, 34003] },
      { blockedGames: ['34003'] },
      { blockedProviders: ['block-b'], blockedGames: [-1] },
      { blockedProviders: ['block-b', 'nope'], name: 'Renamed' },
    ]) {
      expectAdminRefusal(await admin.post('/admin/v1/operators/update', { agentID: 'op-blocked', ...fields }), 400, 2);
    }
    expectAdminRefusal(
      await support.post('/admin/v1/operators/update', { agentID: 'op-blocked', blockedGames: [] }),
      403,
      5,
    );
    expectAdminRefusal(
      await admin.post('/admin/v1/operators/create', {
        agentID: 'op-never',
        name: 'Never',
        currencies: ['EUR'],
        blockedProviders: ['no-such-studio'],
      }),
      400,
      2,
    );
    expect(await auditCount()).toBe(auditBefore);
    const operators = (await admin.ok('/admin/v1/operators/list')).operators as any[];
    expect(operators.find((o) => o.agentID === 'op-never')).toBeUndefined();
    expect(operators.find((o) => o.agentID === 'op-blocked')).toMatchObject({
      name: 'Operator op-blocked',
      blockedProviders: [],
      blockedGames: [34002],
    });
  });
});

describe('country blocks at launch', () => {
  let operator: SignedClient;
  beforeAll(async () => {
    await createProvider('country-a');
    await admin.ok('/admin/v1/games/upsert', {
      games: [game(35001, 'country-a', { blockedCountries: ['DE', 'US'] }), game(35002, 'country-a')],
    });
    operator = await admin.createOperator('op-country', ['EUR']);
    await operator.call('/v1/player/create', { userID: 'country-player', currency: 'EUR' });
    // Funded: a real-money launch with a zero balance is code 7 (PROTOCOL §4).
    await operator.call('/v1/player/wallet/deposit', {
      userID: 'country-player',
      currency: 'EUR',
      amount: 10,
      transactionID: 'country-fund-1',
    });
  });

  const launch = (fields: Record<string, unknown>) =>
    operator.call('/v1/games/launch', { userID: 'country-player', currency: 'EUR', ...fields });

  test('a game blocked in the launch country gets code 8 naming it; elsewhere, or with no country, it launches', async () => {
    for (const country of ['DE', 'US']) {
      const refused = await launch({ gameID: 35001, country });
      expect(refused.code).toBe(8);
      expect(refused.message).toContain(country);
      expect(refused.token).toBeUndefined();
      expect((await launch({ gameID: 35001, country, demo: true })).code).toBe(8);
    }
    expect((await launch({ gameID: 35001, country: 'AT' })).code).toBe(0);
    expect((await launch({ gameID: 35001 })).code).toBe(0);
    expect((await launch({ gameID: 35002, country: 'DE' })).code).toBe(0);
    // Still listed: the listing does not know the player's country.
    expect(await listOne(operator, 35001)).toMatchObject({ blockedCountries: ['DE', 'US'] });
  });

  test('an unknown or lower-case country code is code 2 and launches nothing', async () => {
    for (const country of ['XX', 'de', 'DEU', 'UK', '', 49]) {
      const answer = await launch({ gameID: 35002, country });
      expect(answer.code).toBe(2);
      expect(answer.message).toMatch(/country/);
      expect(answer.token).toBeUndefined();
    }
  });

  test('lifting a country block takes effect at the next launch', async () => {
    await admin.ok('/admin/v1/games/upsert', { games: [game(35001, 'country-a', { blockedCountries: ['US'] })] });
    expect((await launch({ gameID: 35001, country: 'DE' })).code).toBe(0);
    expect((await launch({ gameID: 35001, country: 'US' })).code).toBe(8);
  });
});
