// Risk covered: FX capture at storage (PROTOCOL §12): the rate in force and the exact amount in base currency
// kept on every stored transaction in both wallet modes, digit for digit (never a float, never rounded); a later
// fx/set changing no stored transaction; the latest day on or before; the base currency at 1; sandbox captured;
// the per-process cache dropped in another process by Redis pub/sub; fx/set and fx/list refusals and roles.
import { RowDataPacket } from 'mysql2/promise';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { AdminClient, SignedClient } from '../support/clients';
import { TestServer, startSecondServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let admin: AdminClient;
let world: World;

const dayOffset = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const today = () => dayOffset(0);
let txSeq = 0;
const txId = (label: string) => `fx-${label}-${++txSeq}`;

beforeAll(async () => {
  server = await startTestServer('fxrates');
  admin = await server.admin();
  world = await buildWorld(admin, { currencies: ['EUR', 'USD', 'JPY', 'KWD'] });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

async function listed(operator: SignedClient, transactionID: string) {
  const page = await operator.call('/v1/transactions', { transactionID });
  expect(page.code).toBe(0);
  expect(page.transactions).toHaveLength(1);
  return page.transactions[0];
}

async function deposit(operator: SignedClient, userID: string, currency: string, amount: number): Promise<string> {
  const transactionID = txId('dep');
  await operator.call('/v1/player/create', { userID, currency });
  const answer = await operator.call('/v1/player/wallet/deposit', { userID, currency, amount, transactionID });
  expect(answer.code).toBe(0);
  return transactionID;
}

async function storedCapture(transactionID: string) {
  const [rows] = await server.db.query<RowDataPacket[]>(
    'SELECT fx_rate, amount_base, sandbox FROM transactions WHERE transaction_id = ?',
    [transactionID],
  );
  return rows[0]!;
}

test('a USD amount times a 7-decimal rate, digit for digit; the base currency at 1; no rate: null', async () => {
  await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '0.9234567', KWD: '2.7182818' } });
  const usd = await deposit(world.operator, 'fxuser01', 'USD', 123.45);
  expect(await listed(world.operator, usd)).toMatchObject({
    currency: 'USD',
    amount: 123.45,
    fxRate: '0.9234567',
    amountBase: '114.000729615',
    sandbox: true,
  });
  // The largest kind of amount: 11 digits times 8 significant digits of rate, all 19 kept.
  await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '1.2345678', KWD: '2.7182818' } });
  const big = await deposit(world.operator, 'fxuser01', 'USD', 987654321.99);
  expect(await listed(world.operator, big)).toMatchObject({ fxRate: '1.2345678', amountBase: '1219326223.459685922' });
  // Three minor digits (KWD): 12.345 × 2.7182818 = 33.5571888210, shown without the trailing zero.
  const kwd = await deposit(world.operator, 'fxuser01', 'KWD', 12.345);
  expect(await listed(world.operator, kwd)).toMatchObject({ fxRate: '2.7182818', amountBase: '33.557188821' });
  expect(await storedCapture(kwd)).toMatchObject({ fx_rate: '2.718281800000', amount_base: '33.557188821000000000' });
  const eur = await deposit(world.operator, 'fxuser01', 'EUR', 10.05);
  expect(await listed(world.operator, eur)).toMatchObject({ fxRate: '1', amountBase: '10.05' });
  const jpy = await deposit(world.operator, 'fxuser01', 'JPY', 500);
  expect(await listed(world.operator, jpy)).toMatchObject({ fxRate: null, amountBase: null });
});

test('a later fx/set changes no stored transaction; the transactions stored after it take the new rate', async () => {
  await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '0.9234567' } });
  const before = await deposit(world.operator, 'fxuser02', 'USD', 2.5);
  expect(await listed(world.operator, before)).toMatchObject({ fxRate: '0.9234567', amountBase: '2.30864175' });
  await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '0.95' } });
  await admin.ok('/admin/v1/fx/set', { date: dayOffset(-1), rates: { USD: '0.5' } });
  expect(await listed(world.operator, before)).toMatchObject({ fxRate: '0.9234567', amountBase: '2.30864175' });
  expect(await storedCapture(before)).toMatchObject({ fx_rate: '0.923456700000' });
  const after = await deposit(world.operator, 'fxuser02', 'USD', 2.5);
  expect(await listed(world.operator, after)).toMatchObject({ fxRate: '0.95', amountBase: '2.375' });
  // Replacing the day whole: a currency left out has no rate that day, and the day before's applies.
  await admin.ok('/admin/v1/fx/set', { date: today(), rates: { KWD: '3' } });
  const fallback = await deposit(world.operator, 'fxuser02', 'USD', 2.5);
  expect(await listed(world.operator, fallback)).toMatchObject({ fxRate: '0.5', amountBase: '1.25' });
});

test('the rate in force is the latest day on or before the UTC day: a day set ahead is not used yet', async () => {
  await admin.ok('/admin/v1/fx/set', { date: dayOffset(-3), rates: { KWD: '3.25' } });
  await admin.ok('/admin/v1/fx/set', { date: dayOffset(1), rates: { KWD: '9.5' } });
  await admin.ok('/admin/v1/fx/set', { date: today(), rates: {} });
  const kwd = await deposit(world.operator, 'fxuser03', 'KWD', 1.001);
  expect(await listed(world.operator, kwd)).toMatchObject({ fxRate: '3.25', amountBase: '3.25325' });
});

test('provider transactions capture it in transfer mode, sandbox included; a live operator stores sandbox false', async () => {
  await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '0.9234567' } });
  const token = await fundedSession(world, 'fxuser04', 200, { currency: 'USD' });
  const bet = await world.studio.call('/provider/v1/bet', {
    token,
    transactionID: 'fx-bet-1',
    roundID: 'fx-round-1',
    gameID: world.gameId,
    amount: 123.45,
  });
  expect(bet.code).toBe(0);
  expect(await listed(world.operator, 'fx-bet-1')).toMatchObject({
    type: 'bet',
    fxRate: '0.9234567',
    amountBase: '114.000729615',
    sandbox: true,
  });
  await server.db.query("UPDATE operators SET status = 'live' WHERE agent_id = ?", [world.operator.callerId]);
  const win = await world.studio.call('/provider/v1/win', {
    token,
    transactionID: 'fx-win-1',
    refTransactionID: 'fx-bet-1',
    roundID: 'fx-round-1',
    gameID: world.gameId,
    amount: 2.5,
    roundClosed: true,
  });
  expect(win.code).toBe(0);
  expect(await listed(world.operator, 'fx-win-1')).toMatchObject({ amountBase: '2.30864175', sandbox: false });
  await server.db.query("UPDATE operators SET status = 'sandbox' WHERE agent_id = ?", [world.operator.callerId]);
});

test('seamless mode: the bet and the win mirrored from the operator wallet capture the rate too', async () => {
  let secret = '';
  const wallet = await new FakeOperatorWallet(
    () => secret,
    () => '',
  ).start();
  try {
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID: 'fx-seamless',
      name: 'FX seamless',
      currencies: ['USD'],
      callbackUrl: wallet.url,
      callbackScheme: 'hmac',
    });
    secret = created.secretKey;
    const operator = new SignedClient(server.url, 'agentID', 'fx-seamless', secret);
    wallet.fund('fxseam01', 'USD', 100_000n);
    await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '0.9234567' } });
    const launch = await operator.call('/v1/games/launch', {
      userID: 'fxseam01',
      gameID: world.gameId,
      currency: 'USD',
    });
    const common = { token: launch.token, roundID: 'fx-sr-1', gameID: world.gameId };
    expect(
      (await world.studio.call('/provider/v1/bet', { ...common, transactionID: 'fx-sb-1', amount: 123.45 })).code,
    ).toBe(0);
    const win = { ...common, transactionID: 'fx-sw-1', refTransactionID: 'fx-sb-1', amount: 2.5, roundClosed: true };
    expect((await world.studio.call('/provider/v1/win', win)).code).toBe(0);
    expect(await listed(operator, 'fx-sb-1')).toMatchObject({ fxRate: '0.9234567', amountBase: '114.000729615' });
    expect(await listed(operator, 'fx-sw-1')).toMatchObject({ fxRate: '0.9234567', amountBase: '2.30864175' });
    const search = await admin.ok('/admin/v1/transactions/search', { agentID: 'fx-seamless' });
    expect(search.transactions.map((t: { amountBase: string }) => t.amountBase)).toEqual([
      '114.000729615',
      '2.30864175',
    ]);
    expect(search.transactions[0]).toMatchObject({ balanceAfter: null, sandbox: true, fxRate: '0.9234567' });
  } finally {
    await wallet.stop();
  }
});

test('fx/set in one process drops the cached rates of another (Redis pub/sub), well within the TTL', async () => {
  const second = await startSecondServer(server);
  try {
    const operator = new SignedClient(second.url, 'agentID', world.operator.callerId, world.operator.secretKey);
    await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '0.8' } });
    const warm = await deposit(operator, 'fxuser05', 'USD', 1);
    expect(await listed(world.operator, warm)).toMatchObject({ fxRate: '0.8' });
    const setAt = Date.now();
    await admin.ok('/admin/v1/fx/set', { date: today(), rates: { USD: '0.7' } });
    await until('the second process to store with the new rate', async () => {
      const id = await deposit(operator, 'fxuser05', 'USD', 1);
      return (await listed(world.operator, id)).fxRate === '0.7';
    });
    // The cache's TTL is 5 s: seeing the change sooner proves the notification, not the expiry.
    expect(Date.now() - setAt).toBeLessThan(4_000);
  } finally {
    await second.close();
  }
});

test('fx/list answers days in [from, to) with normalised rates; fx/set is audited', async () => {
  await admin.ok('/admin/v1/fx/set', { date: '2026-01-05', rates: { USD: '0.920000', JPY: '0.0061234' } });
  await admin.ok('/admin/v1/fx/set', { date: '2026-01-06', rates: { USD: '0.93' } });
  await admin.ok('/admin/v1/fx/set', { date: '2026-01-07', rates: { USD: '0.94' } });
  const listedDays = await admin.ok('/admin/v1/fx/list', { from: '2026-01-05', to: '2026-01-07' });
  expect(listedDays).toMatchObject({
    baseCurrency: 'EUR',
    more: false,
    days: [
      { date: '2026-01-05', rates: { JPY: '0.0061234', USD: '0.92' } },
      { date: '2026-01-06', rates: { USD: '0.93' } },
    ],
  });
  const viaGet = await fetch(`${server.url}/admin/v1/fx/list?from=2026-01-07&to=2026-01-08`, {
    headers: { authorization: `Bearer ${admin.token}` },
  });
  expect(((await viaGet.json()) as { days: unknown }).days).toEqual([{ date: '2026-01-07', rates: { USD: '0.94' } }]);
  const [audit] = await server.db.query<RowDataPacket[]>(
    "SELECT actor, target_id, after FROM audit_log WHERE action = 'fx.set' AND target_id = '2026-01-05'",
  );
  expect(audit[0]).toMatchObject({ actor: 'root-admin', target_id: '2026-01-05' });
  expect(JSON.parse(audit[0]!.after as string)).toEqual({ USD: '0.92', JPY: '0.0061234' });
});

test.each([
  [{ date: '2026-02-30', rates: { USD: '1' } }, 'date'],
  [{ date: '2026-1-5', rates: { USD: '1' } }, 'date'],
  [{ date: '2026-01-05', rates: { USD: '0.1234567890123' } }, 'rates.USD'],
  [{ date: '2026-01-05', rates: { USD: '0' } }, 'rates.USD'],
  [{ date: '2026-01-05', rates: { USD: '-1' } }, 'rates.USD'],
  [{ date: '2026-01-05', rates: { USD: '1e3' } }, 'rates.USD'],
  [{ date: '2026-01-05', rates: { USD: 0.92 } }, 'rates.USD'],
  [{ date: '2026-01-05', rates: { USD: '1234567890123' } }, 'rates.USD'],
  [{ date: '2026-01-05', rates: { XXY: '1' } }, 'rates.XXY'],
  [{ date: '2026-01-05', rates: { EUR: '1.1' } }, 'rates.EUR'],
  [{ date: '2026-01-05' }, 'rates'],
])('fx/set refuses %j with HTTP 400 code 2 naming %s', async (body, field) => {
  const answer = await admin.post('/admin/v1/fx/set', body);
  expect(answer.status).toBe(400);
  expect(answer.body.code).toBe(2);
  expect(answer.body.message).toContain(field);
});

test('fx/list refuses a bad range; roles: finance sets, support only lists', async () => {
  const reversed = await admin.post('/admin/v1/fx/list', { from: '2026-01-07', to: '2026-01-05' });
  expect(reversed).toMatchObject({ status: 400, body: { code: 2 } });
  for (const role of ['finance', 'support']) {
    await admin.ok('/admin/v1/users/create', {
      username: `fx-${role}`,
      password: `a long ${role} passphrase 42`,
      role,
    });
  }
  const finance = await AdminClient.login(server.url, 'fx-finance', 'a long finance passphrase 42');
  const support = await AdminClient.login(server.url, 'fx-support', 'a long support passphrase 42');
  expect((await finance.post('/admin/v1/fx/set', { date: '2026-01-09', rates: { USD: '0.9' } })).status).toBe(200);
  expect((await support.post('/admin/v1/fx/set', { date: '2026-01-09', rates: { USD: '0.9' } })).status).toBe(403);
  expect((await support.post('/admin/v1/fx/list', {})).status).toBe(200);
  expect((await new AdminClient(server.url, 'not-a-token').post('/admin/v1/fx/list', {})).status).toBe(401);
});
