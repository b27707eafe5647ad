// Risk covered: the out-of-the-box demo (DEMO_SEED) that does not come up, duplicates or fails when
// seeded again or by two processes at once, or does not really move money: a spin on the demo studio's
// page must be a bet and a win through the provider API in both wallet modes, visible in the admin
// transaction search; the sandbox operator wallet must behave like a careful operator (signature,
// window, de-duplication, insufficient funds, rollback of an unknown Withdraw); and production must
// seed and serve none of it.
import { openStored } from '../../src/db/storedSecrets';
import { secretContext } from '../../src/domain/secretEnvelope';
import { RowDataPacket } from 'mysql2/promise';
import pino from 'pino';
import { ConfigError, loadConfig } from '../../src/config';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { createPrismaClient } from '../../src/db/prismaClient';
import { createMysqlPool } from '../../src/db/mysqlPool';
import { DEMO_ADMIN, DemoWorld, formatDemoBanner, seedDemo } from '../../src/demo/seedDemo';
import { effectiveRtpPercent, spin as slotSpin } from '../../src/demo/slotMath';
import { signBody } from '../../src/domain/signing';
import { RunningServer, startServer } from '../../src/server';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { TestServer, startTestServer, testEnv } from '../support/testServer';

let server: TestServer;
let port: number;
/**
 * Servers started on the same database; closed at the end (closing one in this process closes the shared
 * callback transport).
 */
const others: RunningServer[] = [];

beforeAll(async () => {
  server = await startTestServer('demo', { DEMO_SEED: 'true', CALLBACK_RETRY_DELAY_MS: '200' });
  port = Number(new URL(server.url).port);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: server.config.callbackTimeoutMs });
});
afterAll(async () => {
  for (const other of others) await other.close();
  await server?.close();
});

async function secretOf(agentId: string): Promise<string> {
  const [rows] = await server.db.query<RowDataPacket[]>('SELECT secret_key FROM operators WHERE agent_id = ?', [
    agentId,
  ]);
  // Stored sealed under SECRETS_KEY (the development key here): opened as the server opens it.
  return openStored(secretContext.operatorSecret(agentId), rows[0]!.secret_key as string);
}

async function operatorClient(agentId: string): Promise<SignedClient> {
  return new SignedClient(server.url, 'agentID', agentId, await secretOf(agentId));
}

async function launch(agentId: string, userID = 'demo-player-1'): Promise<{ url: string; token: string }> {
  const answer = await (
    await operatorClient(agentId)
  ).call('/v1/games/launch', { userID, gameID: 900001, currency: 'EUR' });
  expect(answer).toMatchObject({ code: 0 });
  return answer;
}

async function spin(body: Record<string, unknown>) {
  const answer = await postJson(`${server.url}/demo-studio/api/spin`, body);
  expect(answer.status).toBe(200);
  return answer.body;
}

async function count(sql: string): Promise<number> {
  const [rows] = await server.db.query<RowDataPacket[]>(sql);
  return Number(rows[0]!.n);
}

async function demoCounts() {
  return {
    operators: await count("SELECT COUNT(*) AS n FROM operators WHERE agent_id LIKE 'demo-%'"),
    providers: await count("SELECT COUNT(*) AS n FROM providers WHERE provider_id = 'demo-studio'"),
    games: await count('SELECT COUNT(*) AS n FROM games WHERE game_id BETWEEN 900001 AND 900003'),
    admins: await count('SELECT COUNT(*) AS n FROM admin_users'),
    players: await count('SELECT COUNT(*) AS n FROM players'),
    wallets: await count('SELECT COUNT(*) AS n FROM wallets'),
    deposits: await count("SELECT COUNT(*) AS n FROM transactions WHERE type = 'deposit'"),
  };
}

async function search(admin: AdminClient, agentID: string, roundID: string) {
  return (await admin.ok('/admin/v1/transactions/search', { agentID, roundID })).transactions as any[];
}

test('the demo world exists: a transfer operator, a seamless operator on the sandbox wallet, the studio and its games', async () => {
  const admin = await server.admin();
  const { operators } = await admin.ok('/admin/v1/operators/list');
  const byId = Object.fromEntries(operators.map((o: any) => [o.agentID, o]));
  expect(byId['demo-transfer']).toMatchObject({ mode: 'transfer', callbackUrl: null, currencies: ['EUR', 'USD'] });
  expect(byId['demo-seamless']).toMatchObject({
    mode: 'seamless',
    callbackScheme: 'hmac',
    callbackUrl: `http://localhost:${port}/sandbox/wallet`,
  });
  const games = await (await operatorClient('demo-transfer')).call('/v1/games/list', { providerID: 'demo-studio' });
  expect(games.games.map((g: any) => g.gameID)).toEqual([900001, 900002, 900003]);
  expect(games.games[0]).toMatchObject({ type: 'slot', demo: true, freeSpins: true });
  // The demo lobby has catalogue metadata (PROTOCOL §14).
  expect(games.games[0]).toMatchObject({ category: 'video-slots', volatility: 'low', features: ['free-spins'] });
  expect(games.games[2]).toMatchObject({ platforms: ['desktop'], releaseDate: '2026-12-01', blockedCountries: ['US'] });
  // The funded player, through the platform API like an operator sees it.
  const balance = await (
    await operatorClient('demo-transfer')
  ).call('/v1/player/balance', { userID: 'demo-player-1', currency: 'EUR' });
  expect(balance).toMatchObject({ code: 0, balance: 1000 });
  // The test env sets ADMIN_USERNAME: no demo admin next to it.
  expect(await count("SELECT COUNT(*) AS n FROM admin_users WHERE username = 'admin'")).toBe(0);
});

test('seeding again (a second process on the same database, then two seeds at once) duplicates nothing and keeps the secrets', async () => {
  const before = await demoCounts();
  const secrets = [await secretOf('demo-transfer'), await secretOf('demo-seamless')];
  const second = await startServer(
    loadConfig(testEnv(server.databaseUrl, { DEMO_SEED: 'true' })),
    pino({ level: 'silent' }),
  );
  others.push(second);
  expect(second.demo).toBeDefined();
  expect(second.demo!.transfer.secretKey).toBe(secrets[0]);
  expect(second.demo!.seamless.callbackUrl).toBe(`http://localhost:${second.port}/sandbox/wallet`);
  expect(await demoCounts()).toEqual(before);

  const target = parseDatabaseUrl(server.databaseUrl);
  const pool = createMysqlPool(target, 4);
  const prisma = createPrismaClient(target, 4);
  try {
    const deps = { config: server.config, pool, prisma, logger: pino({ level: 'silent' }) };
    // The same port as the first server: its URLs point back at it afterwards.
    const worlds: DemoWorld[] = await Promise.all([seedDemo(deps, port), seedDemo(deps, port), seedDemo(deps, port)]);
    for (const world of worlds) {
      expect([world.transfer.secretKey, world.seamless.secretKey]).toEqual(secrets);
      expect(world.transfer.launch.url).toMatch(new RegExp(`^http://localhost:${port}/demo-studio/play\\?token=`));
      expect(world.seamless.launch.url).toMatch(new RegExp(`^http://localhost:${port}/demo-studio/play\\?token=`));
    }
  } finally {
    await pool.end();
    await prisma.$disconnect();
  }
  expect(await demoCounts()).toEqual(before);
  const { operators } = await (await server.admin()).ok('/admin/v1/operators/list');
  expect(operators.find((o: any) => o.agentID === 'demo-seamless').callbackUrl).toBe(
    `http://localhost:${port}/sandbox/wallet`,
  );
});

test('the launch URL opens the demo studio page: self-contained HTML', async () => {
  const { url } = await launch('demo-transfer');
  expect(url).toMatch(
    new RegExp(
      `^http://localhost:${port}/demo-studio/play\\?token=[^&]+&game=900001&lang=en&lobby=&currency=EUR&mode=real$`,
    ),
  );
  const page = await fetch(url.replace('localhost', '127.0.0.1'));
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const html = await page.text();
  expect(html).toContain('Demo Fruits');
  expect(html).toContain('SPIN');
  expect(html).not.toMatch(/(src|href)=["']?(https?:)?\/\//); // nothing from a CDN
  expect(html).not.toContain(await secretOf('demo-transfer'));
});

test('transfer mode: a spin is a bet and a win on our wallet, listed in the admin transaction search', async () => {
  const admin = await server.admin();
  const operator = await operatorClient('demo-transfer');
  const { token } = await launch('demo-transfer');
  const before = (await operator.call('/v1/player/balance', { userID: 'demo-player-1', currency: 'EUR' }))
    .balance as number;

  const result = await spin({ token, game: 900001, bet: 2, currency: 'EUR' });
  expect(result).toMatchObject({ code: 0, currency: 'EUR', bet: 2 });
  expect(result.reels).toHaveLength(3);
  expect(result.win).toBe(2 * result.multiplier);
  const expected = Math.round((before - 2 + result.win) * 100) / 100;
  expect(result.balance).toBe(expected);
  expect((await operator.call('/v1/player/balance', { userID: 'demo-player-1', currency: 'EUR' })).balance).toBe(
    expected,
  );

  const listed = await search(admin, 'demo-transfer', result.roundID);
  expect(listed.map((t) => [t.type, t.amount, t.userID, t.gameID, t.providerID])).toEqual([
    ['bet', 2, 'demo-player-1', 900001, 'demo-studio'],
    ['win', result.win, 'demo-player-1', 900001, 'demo-studio'],
  ]);
  expect(listed[1].balanceAfter).toBe(expected);

  // The page's minimal call ({token, bet}): the studio finds the game and currency itself.
  expect(await spin({ token, bet: 0.5 })).toMatchObject({ code: 0, currency: 'EUR', bet: 0.5 });
  // A bet over the balance: the provider API's code 7 reaches the page, with the balance.
  const refused = await spin({ token, game: 900001, bet: 100000, currency: 'EUR' });
  expect(refused).toMatchObject({ code: 7 });
  expect(typeof refused.balance).toBe('number');
  // A forged token: code 9 from the provider API.
  expect(await spin({ token: `${token}x`, game: 900001, bet: 1, currency: 'EUR' })).toMatchObject({ code: 9 });
});

test('seamless mode: a spin is a Withdraw and a Deposit on the sandbox wallet, delivered and listed', async () => {
  const admin = await server.admin();
  const { token } = await launch('demo-seamless');
  const sandboxBalance = async () => {
    const [rows] = await server.db.query<RowDataPacket[]>(
      "SELECT balance_minor FROM sandbox_balances WHERE agent_id = 'demo-seamless' AND user_id = 'demo-player-1' AND currency = 'EUR'",
    );
    return rows[0] ? BigInt(rows[0].balance_minor as string) : null;
  };
  const balance = await postJson(`${server.url}/demo-studio/api/balance`, { token });
  expect(balance.body).toMatchObject({ code: 0, balance: 1000, currency: 'EUR', exponent: 2 });
  expect(await sandboxBalance()).toBe(100000n);

  const result = await spin({ token, game: 900001, bet: 1.5, currency: 'EUR' });
  expect(result).toMatchObject({ code: 0, currency: 'EUR' });
  const expectedMinor = 100000n - 150n + BigInt(Math.round(result.win * 100));
  expect(await sandboxBalance()).toBe(expectedMinor);
  expect(result.balance).toBe(Number(expectedMinor) / 100);

  const listed = await search(admin, 'demo-seamless', result.roundID);
  expect(listed.map((t) => [t.type, t.amount, t.balanceAfter])).toEqual([
    ['bet', 1.5, null],
    ['win', result.win, null],
  ]);
  // The sandbox applied exactly our Withdraw and Deposit, by their platformTransactionIDs.
  const [applied] = await server.db.query<RowDataPacket[]>(
    "SELECT kind, transaction_id, amount_minor FROM sandbox_transactions WHERE agent_id = 'demo-seamless' AND transaction_id IN (?, ?) ORDER BY id",
    [listed[0].platformTransactionID, listed[1].platformTransactionID],
  );
  expect(applied.map((r) => [r.kind, r.transaction_id, String(r.amount_minor)])).toEqual([
    ['withdraw', listed[0].platformTransactionID, '150'],
    ['deposit', listed[1].platformTransactionID, String(Math.round(result.win * 100))],
  ]);
  const { callbacks } = await admin.ok('/admin/v1/callbacks/list', { agentID: 'demo-seamless' });
  const mine = callbacks.filter((c: any) =>
    [listed[0].platformTransactionID, listed[1].platformTransactionID].includes(c.transactionID),
  );
  expect(mine.map((c: any) => [c.kind, c.status]).sort()).toEqual(expect.arrayContaining([['deposit', 'delivered']]));
  expect(mine.every((c: any) => c.status === 'delivered')).toBe(true);

  // Insufficient funds at the operator's wallet: code 7 reaches the page, and nothing moved.
  const refused = await spin({ token, game: 900001, bet: 5000, currency: 'EUR' });
  expect(refused).toMatchObject({ code: 7, balance: Number(expectedMinor) / 100 });
  expect(await sandboxBalance()).toBe(expectedMinor);
});

describe('the sandbox wallet as an operator would answer', () => {
  const call = async (path: string, fields: Record<string, unknown>, secret?: string, timestamp?: number) =>
    (
      await postJson(
        `${server.url}/sandbox/wallet/${path}`,
        signBody(secret ?? (await secretOf('demo-seamless')), { agentID: 'demo-seamless', ...fields }, timestamp),
      )
    ).body;
  const money = (transactionID: string, amount: number, extra: Record<string, unknown> = {}) => ({
    userID: 'sandbox-user-1',
    currency: 'EUR',
    amount,
    transactionID,
    refTransactionID: null,
    roundID: 'r1',
    gameID: 900001,
    freeSpinID: null,
    ...extra,
  });

  test('a new player starts with 1000.00; a bad signature is code 3, an old timestamp 4, an unknown operator 5', async () => {
    expect(await call('Balance', { userID: 'sandbox-user-1', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 1000,
    });
    expect(await call('Balance', { userID: 'sandbox-user-1', currency: 'JPY' })).toMatchObject({
      code: 0,
      balance: 1000,
    });
    expect(await call('Deposit', money('bad-sign', 5), 'not-the-secret')).toMatchObject({ code: 3 });
    expect(await call('Deposit', money('old', 5), undefined, Math.floor(Date.now() / 1000) - 3600)).toMatchObject({
      code: 4,
    });
    const unknown = await postJson(
      `${server.url}/sandbox/wallet/Balance`,
      signBody('x', { agentID: 'nobody', userID: 'sandbox-user-1', currency: 'EUR' }),
    );
    expect(unknown.body).toMatchObject({ code: 5 });
    expect(await call('Deposit', money('bad-amount', 1.234))).toMatchObject({ code: 2 });
    expect((await postJson(`${server.url}/sandbox/wallet/Transfer`, {})).status).toBe(404);
    expect(await call('Balance', { userID: 'sandbox-user-1', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 1000,
    });
  });

  test('a repeated transactionID is code 11 with the original balance; 13 with other content', async () => {
    const first = await call('Deposit', money('dep-1', 2.5));
    expect(first).toMatchObject({ code: 0, balance: 1002.5 });
    expect(first.platformTransactionID).toEqual(expect.any(String));
    expect(await call('Withdraw', money('wd-1', 1))).toMatchObject({ code: 0, balance: 1001.5 });
    expect(await call('Deposit', money('dep-1', 2.5))).toEqual({
      code: 11,
      message: expect.any(String),
      balance: 1002.5,
      platformTransactionID: first.platformTransactionID,
    });
    expect(await call('Deposit', money('dep-1', 3))).toMatchObject({ code: 13 });
    // Ten identical deliveries at once apply once.
    const burst = await Promise.all(Array.from({ length: 10 }, () => call('Deposit', money('dep-burst', 1))));
    expect(burst.filter((a) => a.code === 0)).toHaveLength(1);
    expect(burst.filter((a) => a.code === 11)).toHaveLength(9);
    expect(await call('Balance', { userID: 'sandbox-user-1', currency: 'EUR' })).toMatchObject({ balance: 1002.5 });
  });

  test('Withdraw over the balance is 7; Rollback gives a Withdraw back once; a Rollback of an unknown Withdraw credits nothing and refuses it later', async () => {
    expect(await call('Withdraw', money('wd-big', 5000))).toMatchObject({ code: 7, balance: 1002.5 });
    expect(await call('Withdraw', money('wd-2', 2.5))).toMatchObject({ code: 0, balance: 1000 });
    expect(await call('Rollback', money('rb-2', 2.5, { refTransactionID: 'wd-2' }))).toMatchObject({
      code: 0,
      balance: 1002.5,
    });
    expect(await call('Rollback', money('rb-2', 2.5, { refTransactionID: 'wd-2' }))).toMatchObject({
      code: 11,
      balance: 1002.5,
    });
    expect(await call('Rollback', money('rb-2b', 2.5, { refTransactionID: 'wd-2' }))).toMatchObject({
      code: 11,
      balance: 1002.5,
    });
    // The Withdraw refused with 7 was never applied: its Rollback gives nothing back.
    expect(await call('Rollback', money('rb-big', 5000, { refTransactionID: 'wd-big' }))).toMatchObject({
      code: 0,
      balance: 1002.5,
    });
    expect(await call('Rollback', money('rb-ghost', 7, { refTransactionID: 'wd-ghost' }))).toMatchObject({
      code: 0,
      balance: 1002.5,
    });
    expect(await call('Withdraw', money('wd-ghost', 7))).toMatchObject({ code: 10, balance: 1002.5 });
  });
});

test('without ADMIN_USERNAME/ADMIN_PASSWORD the demo admin gets a random password, printed once; no known default works', async () => {
  const target = parseDatabaseUrl(server.databaseUrl);
  const pool = createMysqlPool(target, 2);
  const prisma = createPrismaClient(target, 2);
  const seed = () =>
    seedDemo({ config: { ...server.config, admin: null }, pool, prisma, logger: pino({ level: 'silent' }) }, port);
  let password: string;
  try {
    const world = await seed();
    expect(world.admin.username).toBe(DEMO_ADMIN.username);
    password = world.admin.password!;
    expect(password).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(formatDemoBanner(world)).toContain(password);
    // A restart cannot show it again (only its hash is stored) and does not change it.
    const again = await seed();
    expect(again.admin.password).toBeNull();
    expect(formatDemoBanner(again)).not.toContain(password);
  } finally {
    await pool.end();
    await prisma.$disconnect();
  }
  expect(
    (await postJson(`${server.url}/admin/v1/login`, { username: 'admin', password: 'demo-admin-pass' })).status,
  ).toBe(401);
  const demoAdmin = await AdminClient.login(server.url, 'admin', password);
  expect((await demoAdmin.ok('/admin/v1/operators/list')).operators.length).toBeGreaterThanOrEqual(2);
});

test('the demo slot: the table returns the catalogue RTP, and a loss never shows a winning line', () => {
  expect(effectiveRtpPercent(96)).toBe(96);
  expect(effectiveRtpPercent(95.5)).toBe(95.5);
  for (let i = 0; i < 20_000; i++) {
    const { reels, multiplier } = slotSpin(96);
    const cherries = reels.filter((s) => s === 'cherry').length;
    const threeOfAKind = reels[0] === reels[1] && reels[1] === reels[2];
    if (multiplier === 0) expect(threeOfAKind || cherries >= 2).toBe(false);
    else if (multiplier === 1) expect([cherries, threeOfAKind]).toEqual([2, false]);
    else expect(threeOfAKind).toBe(true);
  }
});

test('production: nothing seeded, no sandbox wallet, no demo studio', async () => {
  expect(loadConfig({ NODE_ENV: 'test' }).demoSeed).toBe(false);
  expect(loadConfig({}).demoSeed).toBe(true);
  expect(loadConfig({ DEMO_SEED: 'false' }).demoSeed).toBe(false);
  const production = {
    NODE_ENV: 'production',
    JWT_SECRET: 'x'.repeat(40),
    ADMIN_USERNAME: 'boss',
    ADMIN_PASSWORD: 'long-enough-password',
    SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
    METRICS_TOKEN: 'a-metrics-scrape-token',
  };
  expect(loadConfig(production).demoSeed).toBe(false);
  expect(() => loadConfig({ ...production, DEMO_SEED: 'true' })).toThrow(ConfigError);
  expect(() => loadConfig({ DEMO_SEED: 'maybe' })).toThrow(/DEMO_SEED/);

  const prod = await startTestServer('demoprod', {
    NODE_ENV: 'production',
    SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'),
    METRICS_TOKEN: 'a-metrics-scrape-token',
  });
  try {
    const [rows] = await prod.db.query<RowDataPacket[]>(
      `SELECT (SELECT COUNT(*) FROM operators) AS operators, (SELECT COUNT(*) FROM providers) AS providers,
              (SELECT COUNT(*) FROM games) AS games, (SELECT COUNT(*) FROM players) AS players, (SELECT COUNT(*) FROM admin_users) AS admins`,
    );
    expect(Object.fromEntries(Object.entries(rows[0]!).map(([k, v]) => [k, Number(v)]))).toEqual({
      operators: 0,
      providers: 0,
      games: 0,
      players: 0,
      admins: 1,
    });
    expect((await postJson(`${prod.url}/sandbox/wallet/Balance`, { agentID: 'x' })).status).toBe(404);
    expect((await fetch(`${prod.url}/demo-studio/play?token=x&game=1`)).status).toBe(404);
    expect((await postJson(`${prod.url}/demo-studio/api/spin`, { token: 'x', bet: 1 })).status).toBe(404);
  } finally {
    await prod.close();
  }
});
