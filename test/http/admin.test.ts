// Risk covered: a back office that lets the wrong person in or lets a role do too much, a mode switch
// that strands player money, and an audit log that misses a change, lies about its order or leaks a
// secret (PROTOCOL §1 mode switch, §8 admin API).
import jwt from 'jsonwebtoken';
import { AdminClient, HttpAnswer, SignedClient, postJson } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TEST_ADMIN, TEST_JWT_SECRET, TestServer, startTestServer } from '../support/testServer';

let server: TestServer;
let admin: AdminClient;

/** Every secret value the server showed us: none may ever appear in the audit log. */
const secrets: string[] = [TEST_ADMIN.password];

const SUPPORT = { username: 'sue.support', password: 'support-password-1' };
const FINANCE = { username: 'fin.finance', password: 'finance-password-1' };
let support: AdminClient;
let finance: AdminClient;

beforeAll(async () => {
  server = await startTestServer('admin');
  admin = await server.admin();
  for (const [user, role] of [
    [SUPPORT, 'support'],
    [FINANCE, 'finance'],
  ] as const) {
    secrets.push(user.password);
    expect(await admin.ok('/admin/v1/users/create', { ...user, role })).toMatchObject({
      code: 0,
      username: user.username,
      role,
    });
  }
  support = await AdminClient.login(server.url, SUPPORT.username, SUPPORT.password);
  finance = await AdminClient.login(server.url, FINANCE.username, FINANCE.password);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  postJson(server.url + path, body, headers);
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

async function get(path: string, token?: string): Promise<HttpAnswer> {
  const response = await fetch(server.url + path, { headers: token ? bearer(token) : {} });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text */
  }
  return { status: response.status, body };
}

function expectRefusal(answer: HttpAnswer, status: number, code: number): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(answer.body).toEqual({ code, message: expect.any(String) });
}

/** A token built like the server's own, with whatever we change. */
function staffToken(
  overrides: { secret?: string; payload?: Record<string, unknown>; options?: jwt.SignOptions } = {},
): string {
  // ver: the user's token version (0 until its first logout or change).
  return jwt.sign({ role: 'admin', ver: 0, ...overrides.payload }, overrides.secret ?? TEST_JWT_SECRET, {
    algorithm: 'HS256',
    subject: TEST_ADMIN.username,
    audience: 'admin',
    issuer: 'casino-aggregator',
    expiresIn: 600,
    ...overrides.options,
  });
}

async function operatorsList(client: AdminClient = admin): Promise<any[]> {
  return (await client.ok('/admin/v1/operators/list')).operators as any[];
}

async function allAudit(client: AdminClient = admin, limit?: number): Promise<any[]> {
  const entries: any[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await client.ok('/admin/v1/audit/list', {
      ...(limit ? { limit } : {}),
      ...(cursor ? { cursor } : {}),
    });
    entries.push(...page.entries);
    cursor = page.nextCursor;
    if (cursor === null) return entries;
  }
  throw new Error('audit paging did not end');
}

let seq = 0;
const txId = () => `adm-${Date.now()}-${seq++}`;

describe('login', () => {
  test('the right password gives a JWT and the role', async () => {
    const answer = await post('/admin/v1/login', TEST_ADMIN);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 0, role: 'admin', token: expect.any(String) });
    const claims = jwt.verify(answer.body.token, TEST_JWT_SECRET, {
      audience: 'admin',
      issuer: 'casino-aggregator',
    }) as jwt.JwtPayload;
    expect(claims.sub).toBe(TEST_ADMIN.username);
    // Default lifetime 8 hours.
    expect(claims.exp! - claims.iat!).toBe(8 * 60 * 60);
    expect((await post('/admin/v1/login', SUPPORT)).body).toMatchObject({ code: 0, role: 'support' });
    expect((await post('/admin/v1/login', FINANCE)).body).toMatchObject({ code: 0, role: 'finance' });
  });

  test('a wrong password or an unknown user is HTTP 401 code 5, with no token', async () => {
    for (const body of [
      { username: TEST_ADMIN.username, password: 'wrong-password-123' },
      { username: TEST_ADMIN.username, password: TEST_ADMIN.password.toUpperCase() },
      { username: TEST_ADMIN.username, password: '' },
      { username: 'no-such-user', password: TEST_ADMIN.password },
    ]) {
      expectRefusal(await post('/admin/v1/login', body), 401, 5);
    }
  });

  test('a login body that is not username and password strings is HTTP 400 code 2', async () => {
    expectRefusal(await post('/admin/v1/login', { username: TEST_ADMIN.username }), 400, 2);
    expectRefusal(await post('/admin/v1/login', { username: TEST_ADMIN.username, password: 12345678901234 }), 400, 2);
  });
});

describe('tokens', () => {
  const protectedRead = '/admin/v1/operators/list';

  test("a token built like the server's own works (control for the refusals below)", async () => {
    expect((await post(protectedRead, {}, bearer(staffToken()))).status).toBe(200);
  });

  test('no token, or a malformed Authorization header, is HTTP 401 code 5', async () => {
    expectRefusal(await post(protectedRead, {}), 401, 5);
    expectRefusal(await post(protectedRead, {}, { authorization: staffToken() }), 401, 5);
    expectRefusal(await post(protectedRead, {}, { authorization: 'Bearer' }), 401, 5);
    expectRefusal(
      await post(
        protectedRead,
        {},
        { authorization: `Basic ${Buffer.from('root-admin:root-admin-password').toString('base64')}` },
      ),
      401,
      5,
    );
    expectRefusal(await post(protectedRead, {}, bearer('not.a.jwt')), 401, 5);
    expectRefusal(await get(protectedRead), 401, 5);
  });

  test('a token signed with another secret is HTTP 401 code 5', async () => {
    expectRefusal(
      await post(protectedRead, {}, bearer(staffToken({ secret: 'another-secret-that-is-long-enough-9876543210' }))),
      401,
      5,
    );
  });

  test('an alg "none" token is HTTP 401 code 5', async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      role: 'admin',
      sub: TEST_ADMIN.username,
      aud: 'admin',
      iss: 'casino-aggregator',
      iat: now,
      exp: now + 600,
    };
    for (const alg of ['none', 'None', 'NONE']) {
      const token = `${part({ alg, typ: 'JWT' })}.${part(claims)}.`;
      expectRefusal(await post(protectedRead, {}, bearer(token)), 401, 5);
    }
    // The same claims, HS256-signed with the right secret but with the signature stripped.
    const [header, payload] = staffToken().split('.');
    expectRefusal(await post(protectedRead, {}, bearer(`${header}.${payload}.`)), 401, 5);
  });

  test('an expired token is HTTP 401 code 5', async () => {
    expectRefusal(await post(protectedRead, {}, bearer(staffToken({ options: { expiresIn: -10 } }))), 401, 5);
    const now = Math.floor(Date.now() / 1000);
    const expired = jwt.sign(
      {
        role: 'admin',
        sub: TEST_ADMIN.username,
        aud: 'admin',
        iss: 'casino-aggregator',
        iat: now - 7200,
        exp: now - 3600,
      },
      TEST_JWT_SECRET,
      { algorithm: 'HS256' },
    );
    expectRefusal(await post(protectedRead, {}, bearer(expired)), 401, 5);
  });

  test('a token for another audience or issuer, or for an unknown user, is HTTP 401 code 5', async () => {
    expectRefusal(await post(protectedRead, {}, bearer(staffToken({ options: { audience: 'launch' } }))), 401, 5);
    expectRefusal(await post(protectedRead, {}, bearer(staffToken({ options: { issuer: 'someone-else' } }))), 401, 5);
    expectRefusal(await post(protectedRead, {}, bearer(staffToken({ options: { subject: 'ghost-user' } }))), 401, 5);
  });

  test('the role comes from the user, not from a claim in the token', async () => {
    const forged = staffToken({ options: { subject: SUPPORT.username } });
    expectRefusal(
      await post('/admin/v1/providers/create', { providerID: 'prov-forged', name: 'Forged' }, bearer(forged)),
      403,
      5,
    );
  });

  test('a refused token is refused on every admin write too, before the body is looked at', async () => {
    for (const path of [
      '/admin/v1/users/create',
      '/admin/v1/operators/create',
      '/admin/v1/operators/update',
      '/admin/v1/operators/rotate-secret',
      '/admin/v1/providers/create',
      '/admin/v1/audit/list',
    ]) {
      expectRefusal(await post(path, { nonsense: true }), 401, 5);
      expectRefusal(await post(path, { nonsense: true }, bearer(staffToken({ options: { expiresIn: -10 } }))), 401, 5);
    }
  });
});

describe('users and roles', () => {
  test('a password under 12 characters is HTTP 400 code 2; 12 not easily guessed is enough; a duplicate is 409', async () => {
    expectRefusal(
      await admin.post('/admin/v1/users/create', { username: 'short.pw', password: '12345678901', role: 'support' }),
      400,
      2,
    );
    expectRefusal(
      await admin.post('/admin/v1/users/create', { username: 'short.pw', password: '123456789012', role: 'support' }),
      400,
      2,
    );
    expect(
      await admin.ok('/admin/v1/users/create', { username: 'exact.pw', password: 'vK8#qp2!Lm4z', role: 'finance' }),
    ).toMatchObject({
      username: 'exact.pw',
      role: 'finance',
    });
    secrets.push('vK8#qp2!Lm4z');
    expect((await post('/admin/v1/login', { username: 'exact.pw', password: 'vK8#qp2!Lm4z' })).body).toMatchObject({
      code: 0,
      role: 'finance',
    });
    expectRefusal(await post('/admin/v1/login', { username: 'short.pw', password: '12345678901' }), 401, 5);
    const duplicate = await admin.post('/admin/v1/users/create', {
      username: 'exact.pw',
      password: 'another-password-1',
      role: 'admin',
    });
    expect(duplicate.status).toBe(409);
    // The duplicate did not change the existing user.
    expect((await post('/admin/v1/login', { username: 'exact.pw', password: 'another-password-1' })).status).toBe(401);
  });

  test('an unknown role or a bad username is HTTP 400 code 2', async () => {
    expectRefusal(
      await admin.post('/admin/v1/users/create', {
        username: 'role.less',
        password: 'long-enough-password',
        role: 'root',
      }),
      400,
      2,
    );
    expectRefusal(
      await admin.post('/admin/v1/users/create', {
        username: 'has space',
        password: 'long-enough-password',
        role: 'support',
      }),
      400,
      2,
    );
  });

  test('support reads operators and the audit log (POST and GET) but may change nothing (403 code 5)', async () => {
    await admin.createOperator('op-roles', ['EUR']);
    expect((await support.ok('/admin/v1/operators/list')).operators).toEqual(
      expect.arrayContaining([expect.objectContaining({ agentID: 'op-roles' })]),
    );
    expect((await support.ok('/admin/v1/audit/list')).entries.length).toBeGreaterThan(0);
    expect(await get('/admin/v1/operators/list', support.token)).toMatchObject({ status: 200, body: { code: 0 } });
    expect(await get('/admin/v1/audit/list', support.token)).toMatchObject({ status: 200, body: { code: 0 } });

    const auditBefore = await allAudit();
    const writes: Array<[string, Record<string, unknown>]> = [
      ['/admin/v1/operators/create', { agentID: 'op-by-support', name: 'Nope', currencies: ['EUR'] }],
      ['/admin/v1/operators/update', { agentID: 'op-roles', name: 'Renamed by support' }],
      ['/admin/v1/operators/rotate-secret', { agentID: 'op-roles' }],
      ['/admin/v1/users/create', { username: 'made.by.support', password: 'long-enough-password', role: 'admin' }],
      ['/admin/v1/providers/create', { providerID: 'prov-by-support', name: 'Nope' }],
    ];
    for (const [path, body] of writes) expectRefusal(await support.post(path, body), 403, 5);

    // Nothing changed and nothing was audited.
    const operators = await operatorsList();
    expect(operators.find((o) => o.agentID === 'op-by-support')).toBeUndefined();
    expect(operators.find((o) => o.agentID === 'op-roles')).toMatchObject({ name: 'Operator op-roles' });
    expect(await allAudit()).toEqual(auditBefore);
    expectRefusal(
      await post('/admin/v1/login', { username: 'made.by.support', password: 'long-enough-password' }),
      401,
      5,
    );
  });

  test('finance gets 403 code 5 on operators/list, audit/list and every write', async () => {
    expectRefusal(await finance.post('/admin/v1/operators/list'), 403, 5);
    expectRefusal(await finance.post('/admin/v1/audit/list'), 403, 5);
    expectRefusal(await get('/admin/v1/operators/list', finance.token), 403, 5);
    expectRefusal(await get('/admin/v1/audit/list', finance.token), 403, 5);
    for (const [path, body] of [
      ['/admin/v1/operators/create', { agentID: 'op-by-finance', name: 'Nope', currencies: ['EUR'] }],
      ['/admin/v1/operators/update', { agentID: 'op-roles', enabled: false }],
      ['/admin/v1/operators/rotate-secret', { agentID: 'op-roles' }],
      ['/admin/v1/users/create', { username: 'made.by.finance', password: 'long-enough-password', role: 'admin' }],
      ['/admin/v1/providers/create', { providerID: 'prov-by-finance', name: 'Nope' }],
    ] as const) {
      expectRefusal(await finance.post(path, body), 403, 5);
    }
    const operators = await operatorsList();
    expect(operators.find((o) => o.agentID === 'op-by-finance')).toBeUndefined();
    expect(operators.find((o) => o.agentID === 'op-roles')).toMatchObject({ enabled: true });
  });

  test('writes are POST only: GET on a write path is not served', async () => {
    for (const path of [
      '/admin/v1/operators/create',
      '/admin/v1/users/create',
      '/admin/v1/providers/create',
      '/admin/v1/operators/rotate-secret',
    ]) {
      const answer = await get(path, admin.token);
      expect([404, 405]).toContain(answer.status);
    }
  });
});

describe('operators', () => {
  test('create returns agentID, secretKey and saltKey; creating it again is 409', async () => {
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID: 'op-adm-1',
      name: 'First',
      currencies: ['EUR', 'USD'],
    });
    expect(created).toMatchObject({
      code: 0,
      agentID: 'op-adm-1',
      secretKey: expect.any(String),
      saltKey: expect.any(String),
    });
    expect(created.secretKey.length).toBeGreaterThanOrEqual(32);
    expect(created.saltKey.length).toBeGreaterThanOrEqual(16);
    secrets.push(created.secretKey, created.saltKey);

    const again = await admin.post('/admin/v1/operators/create', {
      agentID: 'op-adm-1',
      name: 'Again',
      currencies: ['EUR'],
    });
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
    expect(again.body.code).not.toBe(0);
    // The first one is untouched: same name, and its secret still signs.
    expect((await operatorsList()).find((o) => o.agentID === 'op-adm-1')).toMatchObject({
      name: 'First',
      currencies: ['EUR', 'USD'],
    });
    const client = new SignedClient(server.url, 'agentID', 'op-adm-1', created.secretKey);
    expect(await client.call('/v1/player/create', { userID: 'adm00001', currency: 'EUR' })).toMatchObject({ code: 0 });
  });

  test('unknown currency, bad callbackUrl, bad agentID or scheme is HTTP 400 code 2 and creates nothing', async () => {
    const bad: Array<Record<string, unknown>> = [
      { agentID: 'op-bad-1', name: 'Bad', currencies: ['XXX'] },
      { agentID: 'op-bad-2', name: 'Bad', currencies: ['EUR', 'ZZZ'] },
      { agentID: 'op-bad-3', name: 'Bad', currencies: [] },
      { agentID: 'op-bad-4', name: 'Bad', currencies: ['eur'] },
      { agentID: 'op-bad-5', name: 'Bad', currencies: ['EUR'], callbackUrl: 'not a url' },
      { agentID: 'op-bad-6', name: 'Bad', currencies: ['EUR'], callbackUrl: 'ftp://wallet.example.com/' },
      { agentID: 'op-bad-7', name: 'Bad', currencies: ['EUR'], callbackScheme: 'sha1' },
      { agentID: 'op bad 8', name: 'Bad', currencies: ['EUR'] },
      { agentID: 'op-bad-9', currencies: ['EUR'] },
    ];
    for (const body of bad) expectRefusal(await admin.post('/admin/v1/operators/create', body), 400, 2);
    const ids = (await operatorsList()).map((o) => o.agentID);
    for (const body of bad) expect(ids).not.toContain(body.agentID);
  });

  test('list shows every operator with mode transfer or seamless per callbackUrl, and no secrets', async () => {
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID: 'op-adm-seamless',
      name: 'Seamless',
      currencies: ['EUR'],
      callbackUrl: 'https://wallet.example.com/api',
      callbackScheme: 'md5',
    });
    secrets.push(created.secretKey, created.saltKey);
    const list = await admin.ok('/admin/v1/operators/list');
    const byId = new Map<string, any>(list.operators.map((o: any) => [o.agentID, o]));
    expect(byId.get('op-adm-1')).toEqual({
      agentID: 'op-adm-1',
      name: 'First',
      currencies: ['EUR', 'USD'],
      callbackUrl: null,
      callbackScheme: 'hmac',
      enabled: true,
      mode: 'transfer',
      allowedIps: [],
      previousSecretExpiresAt: null,
      blockedProviders: [],
      blockedGames: [],
      // Go-live (PROTOCOL §11): a new operator is in the sandbox with the default fee and no credit.
      status: 'sandbox',
      liveSince: null,
      feePercent: 10,
      creditLimit: 0,
      peakPerSecond: 10,
      // The circuit breaker (PROTOCOL §6.3) exists in seamless mode only.
      wallet: null,
    });
    expect(byId.get('op-adm-seamless')).toMatchObject({
      callbackUrl: 'https://wallet.example.com/api',
      callbackScheme: 'md5',
      mode: 'seamless',
      wallet: { state: 'closed' },
    });
    const text = JSON.stringify(list);
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/secretKey|saltKey/);
    // GET answers the same list.
    expect((await get('/admin/v1/operators/list', admin.token)).body).toEqual(list);
  });

  test('update changes name, currencies and enabled, and answers the operator', async () => {
    const answer = await admin.ok('/admin/v1/operators/update', {
      agentID: 'op-adm-1',
      name: 'First Renamed',
      currencies: ['EUR', 'JPY'],
      enabled: false,
    });
    expect(answer.operator).toEqual({
      agentID: 'op-adm-1',
      name: 'First Renamed',
      currencies: ['EUR', 'JPY'],
      callbackUrl: null,
      callbackScheme: 'hmac',
      enabled: false,
      mode: 'transfer',
      allowedIps: [],
      previousSecretExpiresAt: null,
      blockedProviders: [],
      blockedGames: [],
      status: 'sandbox',
      liveSince: null,
      feePercent: 10,
      creditLimit: 0,
      peakPerSecond: 10,
    });
    expect((await operatorsList()).find((o) => o.agentID === 'op-adm-1')).toEqual({ ...answer.operator, wallet: null });
    // Fields left out are left alone.
    const enabled = await admin.ok('/admin/v1/operators/update', { agentID: 'op-adm-1', enabled: true });
    expect(enabled.operator).toMatchObject({ name: 'First Renamed', currencies: ['EUR', 'JPY'], enabled: true });
  });

  test('update of an unknown operator is 404; bad fields are 400 code 2', async () => {
    const missing = await admin.post('/admin/v1/operators/update', { agentID: 'op-nobody', name: 'X' });
    expect(missing.status).toBe(404);
    expectRefusal(await admin.post('/admin/v1/operators/update', { agentID: 'op-adm-1', currencies: ['XXX'] }), 400, 2);
    expectRefusal(
      await admin.post('/admin/v1/operators/update', { agentID: 'op-adm-1', callbackUrl: 'javascript:alert(1)' }),
      400,
      2,
    );
    expectRefusal(await admin.post('/admin/v1/operators/update', { agentID: 'op-adm-1', enabled: 'no' }), 400, 2);
    expect((await operatorsList()).find((o) => o.agentID === 'op-adm-1')).toMatchObject({
      name: 'First Renamed',
      currencies: ['EUR', 'JPY'],
      enabled: true,
    });
  });

  test('setting callbackUrl switches to seamless; "" and null switch back to transfer', async () => {
    const toSeamless = await admin.ok('/admin/v1/operators/update', {
      agentID: 'op-adm-1',
      callbackUrl: 'http://127.0.0.1:9/wallet',
    });
    expect(toSeamless.operator).toMatchObject({ callbackUrl: 'http://127.0.0.1:9/wallet', mode: 'seamless' });
    const back = await admin.ok('/admin/v1/operators/update', { agentID: 'op-adm-1', callbackUrl: '' });
    expect(back.operator).toMatchObject({ callbackUrl: null, mode: 'transfer' });
    await admin.ok('/admin/v1/operators/update', {
      agentID: 'op-adm-1',
      callbackUrl: 'http://127.0.0.1:9/wallet',
      callbackScheme: 'md5',
    });
    const backNull = await admin.ok('/admin/v1/operators/update', { agentID: 'op-adm-1', callbackUrl: null });
    expect(backNull.operator).toMatchObject({ callbackUrl: null, callbackScheme: 'md5', mode: 'transfer' });
    expect((await operatorsList()).find((o) => o.agentID === 'op-adm-1')).toMatchObject({ mode: 'transfer' });
  });

  test('the switch to seamless is refused (409, code 12, naming the wallets) while a transfer wallet holds money, and allowed at zero', async () => {
    const op = await admin.createOperator('op-adm-switch', ['EUR', 'JPY']);
    secrets.push(op.secretKey);
    await op.call('/v1/player/create', { userID: 'swi00001', currency: 'EUR' });
    await op.call('/v1/player/create', { userID: 'swi00002', currency: 'JPY' });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'swi00001',
        currency: 'EUR',
        amount: 5,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 0, balance: 5 });
    const auditBefore = await allAudit();

    const refused = await admin.post('/admin/v1/operators/update', {
      agentID: 'op-adm-switch',
      callbackUrl: 'http://127.0.0.1:9/wallet',
      name: 'Should not stick',
    });
    expectRefusal(refused, 409, 12);
    expect(refused.body.message).toMatch(/wallet/i);
    expect(refused.body.message).toMatch(/non-zero/i);
    expect(refused.body.message).toMatch(/\b1\b/);

    // Nothing changed: still transfer, same name, the money is where it was, and no audit entry.
    expect((await operatorsList()).find((o) => o.agentID === 'op-adm-switch')).toMatchObject({
      name: 'Operator op-adm-switch',
      callbackUrl: null,
      mode: 'transfer',
    });
    expect(await op.call('/v1/player/balance', { userID: 'swi00001', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 5,
    });
    expect(await allAudit()).toEqual(auditBefore);

    // A second non-zero wallet is counted too.
    await op.call('/v1/player/wallet/deposit', {
      userID: 'swi00002',
      currency: 'JPY',
      amount: 100,
      transactionID: txId(),
    });
    const refusedTwice = await admin.post('/admin/v1/operators/update', {
      agentID: 'op-adm-switch',
      callbackUrl: 'http://127.0.0.1:9/wallet',
    });
    expectRefusal(refusedTwice, 409, 12);
    expect(refusedTwice.body.message).toMatch(/\b2\b/);

    // Withdrawn to zero: the switch goes through.
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'swi00001',
        currency: 'EUR',
        amount: 5,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 0, balance: 0 });
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'swi00002',
        currency: 'JPY',
        amount: 100,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 0, balance: 0 });
    const switched = await admin.ok('/admin/v1/operators/update', {
      agentID: 'op-adm-switch',
      callbackUrl: 'http://127.0.0.1:9/wallet',
    });
    expect(switched.operator).toMatchObject({ mode: 'seamless', callbackUrl: 'http://127.0.0.1:9/wallet' });
    // Seamless now: transfer-only calls are refused with 12.
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'swi00001',
        currency: 'EUR',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 12 });

    // And back to transfer: the wallets are still there, at zero.
    expect(
      (await admin.ok('/admin/v1/operators/update', { agentID: 'op-adm-switch', callbackUrl: '' })).operator,
    ).toMatchObject({ mode: 'transfer' });
    expect(await op.call('/v1/player/balance', { userID: 'swi00001', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 0,
    });
    await assertLedgerConsistent(server.db);
  });

  test('rotate-secret with overlapSeconds 0 returns new keys; the old secret stops working; unknown operator is 404', async () => {
    const op = await admin.createOperator('op-adm-rotate', ['EUR']);
    secrets.push(op.secretKey);
    const rotated = await admin.ok('/admin/v1/operators/rotate-secret', {
      agentID: 'op-adm-rotate',
      overlapSeconds: 0,
    });
    expect(rotated).toMatchObject({ code: 0, secretKey: expect.any(String), saltKey: expect.any(String) });
    expect(rotated.secretKey).not.toBe(op.secretKey);
    secrets.push(rotated.secretKey, rotated.saltKey);
    expect(await op.call('/v1/player/create', { userID: 'rot00001', currency: 'EUR' })).toMatchObject({ code: 3 });
    op.secretKey = rotated.secretKey;
    expect(await op.call('/v1/player/create', { userID: 'rot00001', currency: 'EUR' })).toMatchObject({ code: 0 });
    expect((await admin.post('/admin/v1/operators/rotate-secret', { agentID: 'op-nobody' })).status).toBe(404);
  });
});

describe('providers', () => {
  test('create returns providerID and secretKey; a duplicate is 409; bad input is 400 code 2', async () => {
    const created = await admin.ok('/admin/v1/providers/create', { providerID: 'prov-adm-1', name: 'Studio One' });
    expect(created).toMatchObject({ code: 0, providerID: 'prov-adm-1', secretKey: expect.any(String) });
    expect(created.secretKey.length).toBeGreaterThanOrEqual(32);
    secrets.push(created.secretKey);
    const again = await admin.post('/admin/v1/providers/create', { providerID: 'prov-adm-1', name: 'Studio Again' });
    expect(again.status).toBe(409);
    expect(again.body.code).not.toBe(0);
    expectRefusal(await admin.post('/admin/v1/providers/create', { providerID: 'bad id', name: 'X' }), 400, 2);
    expectRefusal(await admin.post('/admin/v1/providers/create', { providerID: 'prov-adm-2' }), 400, 2);
  });
});

describe('audit log', () => {
  test('every change lands with actor, action, target, before/after and createdAt, newest first', async () => {
    const started = Date.now();
    await admin.ok('/admin/v1/users/create', {
      username: 'audit.user',
      password: 'audit-user-password',
      role: 'support',
    });
    secrets.push('audit-user-password');
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID: 'op-audit',
      name: 'Audited',
      currencies: ['EUR'],
    });
    secrets.push(created.secretKey, created.saltKey);
    await admin.ok('/admin/v1/operators/update', { agentID: 'op-audit', name: 'Audited Renamed', enabled: false });
    await admin.ok('/admin/v1/operators/update', { agentID: 'op-audit', callbackUrl: 'https://wallet.example.com/cb' });
    const rotated = await admin.ok('/admin/v1/operators/rotate-secret', { agentID: 'op-audit' });
    secrets.push(rotated.secretKey, rotated.saltKey);
    const provider = await admin.ok('/admin/v1/providers/create', { providerID: 'prov-audit', name: 'Audited Studio' });
    secrets.push(provider.secretKey);

    const latest = (await admin.ok('/admin/v1/audit/list', { limit: 6 })).entries as any[];
    expect(latest).toHaveLength(6);
    for (const entry of latest) {
      expect(entry).toMatchObject({ actor: TEST_ADMIN.username, createdAt: expect.any(String) });
      expect(new Date(entry.createdAt).toISOString()).toBe(entry.createdAt);
      expect(new Date(entry.createdAt).getTime()).toBeGreaterThanOrEqual(started - 1000);
      expect(new Date(entry.createdAt).getTime()).toBeLessThanOrEqual(Date.now() + 1000);
    }
    // Newest first: the reverse of the order we made the changes in.
    expect(latest.map((e) => [e.targetType, e.targetId])).toEqual([
      ['provider', 'prov-audit'],
      ['operator', 'op-audit'],
      ['operator', 'op-audit'],
      ['operator', 'op-audit'],
      ['operator', 'op-audit'],
      ['user', 'audit.user'],
    ]);
    const [prov, rotate, switched, update, create, user] = latest;
    expect(user).toMatchObject({
      action: expect.stringMatching(/user/),
      after: { username: 'audit.user', role: 'support' },
    });
    expect(create).toMatchObject({
      action: expect.stringMatching(/create/),
      after: { agentID: 'op-audit', name: 'Audited', enabled: true, mode: 'transfer' },
    });
    expect(update).toMatchObject({
      before: { name: 'Audited', enabled: true },
      after: { name: 'Audited Renamed', enabled: false },
    });
    expect(switched).toMatchObject({
      action: expect.stringMatching(/seamless/),
      before: { mode: 'transfer', callbackUrl: null },
      after: { mode: 'seamless', callbackUrl: 'https://wallet.example.com/cb' },
    });
    expect(rotate.action).toMatch(/rotate/);
    expect(prov).toMatchObject({
      action: expect.stringMatching(/create/),
      after: { providerID: 'prov-audit', name: 'Audited Studio' },
    });
    expect(new Set(latest.map((e) => e.action)).size).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < latest.length; i++) {
      expect(new Date(latest[i - 1].createdAt).getTime()).toBeGreaterThanOrEqual(
        new Date(latest[i].createdAt).getTime(),
      );
    }
  });

  test('the changes made by other tests in this file are all in the log too', async () => {
    const entries = await allAudit();
    const has = (targetType: string, targetId: string) =>
      entries.some((e) => e.targetType === targetType && e.targetId === targetId);
    for (const [type, id] of [
      ['user', TEST_ADMIN.username],
      ['user', SUPPORT.username],
      ['user', FINANCE.username],
      ['user', 'exact.pw'],
      ['operator', 'op-adm-1'],
      ['operator', 'op-adm-seamless'],
      ['operator', 'op-adm-switch'],
      ['operator', 'op-adm-rotate'],
      ['provider', 'prov-adm-1'],
    ]) {
      expect({ type, id, found: has(type!, id!) }).toEqual({ type, id, found: true });
    }
    // op-adm-1: create, 2 updates, 4 mode switches = 7 entries (the refused updates left none).
    expect(entries.filter((e) => e.targetId === 'op-adm-1')).toHaveLength(7);
    // Refused attempts (403, 400, 404, 409) are not changes and left nothing.
    // (A login as a user that does not exist is a failed login, audited as one.)
    for (const id of [
      'op-by-support',
      'op-by-finance',
      'prov-by-support',
      'made.by.support',
      'short.pw',
      'op-bad-1',
      'op-nobody',
    ]) {
      expect(entries.filter((e) => e.targetId === id && e.action !== 'login.failed')).toEqual([]);
    }
  });

  test('cursor paging walks the whole log once, newest first, and ends with nextCursor null', async () => {
    const full = await admin.ok('/admin/v1/audit/list', { limit: 500 });
    expect(full.nextCursor).toBeNull();
    const all = full.entries as any[];
    expect(all.length).toBeGreaterThan(10);
    const ids = all.map((e) => BigInt(e.id));
    for (let i = 1; i < ids.length; i++) expect(ids[i - 1]! > ids[i]!).toBe(true);

    const paged = await allAudit(admin, 3);
    expect(paged).toEqual(all);

    // The same walk over GET with a query string.
    const viaGet: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const answer = await get(
        `/admin/v1/audit/list?limit=4${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        support.token,
      );
      expect(answer.status).toBe(200);
      expect(answer.body.entries.length).toBeLessThanOrEqual(4);
      viaGet.push(...answer.body.entries);
      cursor = answer.body.nextCursor;
      pages++;
    } while (cursor !== null && pages < 1000);
    expect(pages).toBe(Math.ceil(all.length / 4));
    expect(viaGet).toEqual(all);

    // An exact multiple: the last page is full and still says null.
    const exact = await admin.ok('/admin/v1/audit/list', { limit: all.length });
    expect(exact.entries).toHaveLength(all.length);
    expect(exact.nextCursor).toBeNull();
    const oneShort = await admin.ok('/admin/v1/audit/list', { limit: all.length - 1 });
    expect(oneShort.nextCursor).toEqual(expect.any(String));
    const last = await admin.ok('/admin/v1/audit/list', { limit: 5, cursor: oneShort.nextCursor });
    expect(last.entries).toEqual([all[all.length - 1]]);
    expect(last.nextCursor).toBeNull();
  });

  test('a forged cursor or a limit out of range is HTTP 400 code 2', async () => {
    expectRefusal(await admin.post('/admin/v1/audit/list', { cursor: 'bm90LWEtY3Vyc29y' }), 400, 2);
    expectRefusal(await admin.post('/admin/v1/audit/list', { limit: 0 }), 400, 2);
    expectRefusal(await admin.post('/admin/v1/audit/list', { limit: 'ten' }), 400, 2);
    expectRefusal(await get('/admin/v1/audit/list?limit=0', admin.token), 400, 2);
  });

  test('no secretKey, saltKey or password value appears anywhere in the audit log', async () => {
    const entries = await allAudit();
    const text = JSON.stringify(entries);
    expect(secrets.length).toBeGreaterThanOrEqual(15);
    for (const secret of secrets) {
      expect({ secret, leaked: text.includes(secret) }).toEqual({ secret, leaked: false });
    }
    // Nor any password hash.
    expect(text).not.toMatch(/scrypt\$/);
  });
});
