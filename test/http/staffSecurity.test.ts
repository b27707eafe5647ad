// Risk covered: staff accounts that cannot be stopped, guessed passwords and brute force on the back
// office (PROTOCOL §10). A disabled, demoted or logged-out user, or one whose password changed, keeps
// a working token in some process; `123456789012` or the username accepted as a password; unlimited
// login guesses per username or per address, or limits that each process keeps for itself; a second
// factor that can be skipped or whose code works twice; failed logins missing from the audit log, or
// the guessed password written into it; /metrics open although METRICS_TOKEN is set. Two API servers
// share one database and Redis throughout, as two processes behind a load balancer do, and one test
// adds a real second process (node dist/main.js).
import { RowDataPacket } from 'mysql2/promise';
import { generate } from 'otplib';
import { AdminClient, HttpAnswer, postJson } from '../support/clients';
import { spawnServer } from '../support/spawnedServer';
import { TEST_ADMIN, TestServer, startTestServer } from '../support/testServer';
import { sleep } from '../support/until';

let a: TestServer;
let b: TestServer;
let root: AdminClient;
// TRUST_PROXY=1: each test logs in "from" its own address (X-Forwarded-For), so the per-address limit
// of one test does not reach the others.
const ENV = { TRUST_PROXY: '1' };

beforeAll(async () => {
  a = await startTestServer('staffsec', ENV);
  b = await startTestServer('staffsec', ENV, { shareDatabaseOf: a });
  root = await a.admin();
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

const login = (server: TestServer, body: Record<string, unknown>, address: string) =>
  postJson(`${server.url}/admin/v1/login`, body, { 'x-forwarded-for': address });

async function clientFor(
  server: TestServer,
  username: string,
  password: string,
  address: string,
  otp?: string,
): Promise<AdminClient> {
  const answer = await login(server, { username, password, ...(otp ? { otp } : {}) }, address);
  if (answer.status !== 200) throw new Error(`login failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return new AdminClient(server.url, answer.body.token);
}

async function createUser(
  username: string,
  role: 'admin' | 'support' | 'finance',
  password = `${username}-Pw-7f3k9q`,
): Promise<string> {
  await root.ok('/admin/v1/users/create', { username, password, role });
  return password;
}

function expectRefusal(answer: HttpAnswer, status: number, code: number): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
}

async function auditRows(targetId: string): Promise<{ action: string; after: string | null }[]> {
  const [rows] = await a.db.query<RowDataPacket[]>(
    'SELECT action, `after` FROM audit_log WHERE target_id = ? ORDER BY id',
    [targetId],
  );
  return rows as { action: string; after: string | null }[];
}

describe('password policy', () => {
  test.each([
    ['123456789012', /too easy to guess/],
    ['aaaaaaaaaaaa', /too easy to guess/],
    [' '.repeat(12), /too easy to guess/],
    ['weak.policy.user', /must not be the username/],
    ['short-pw', /at least 12 characters/],
  ])('users/create refuses %j with HTTP 400 code 2 saying why', async (password, why) => {
    const answer = await root.post('/admin/v1/users/create', {
      username: 'weak.policy.user',
      password,
      role: 'support',
    });
    expectRefusal(answer, 400, 2);
    expect(answer.body.message).toMatch(why);
    expect((await root.ok('/admin/v1/users/list')).users.map((u: { username: string }) => u.username)).not.toContain(
      'weak.policy.user',
    );
  });

  test('me/password applies the same rule, refuses a wrong current password, and revokes the old token everywhere', async () => {
    const password = await createUser('pw.changer', 'support');
    const address = '198.51.100.10';
    const onA = await clientFor(a, 'pw.changer', password, address);
    const onB = new AdminClient(b.url, onA.token);
    expectRefusal(
      await onA.post('/admin/v1/me/password', { currentPassword: password, newPassword: '123456789012' }),
      400,
      2,
    );
    expectRefusal(
      await onA.post('/admin/v1/me/password', { currentPassword: password, newPassword: 'pw.changer' }),
      400,
      2,
    );
    expectRefusal(
      await onA.post('/admin/v1/me/password', {
        currentPassword: 'not-my-password-1',
        newPassword: 'a-much-better-Pw-93k',
      }),
      400,
      2,
    );
    await onB.ok('/admin/v1/operators/list'); // nothing above changed anything

    const changed = await onA.ok('/admin/v1/me/password', {
      currentPassword: password,
      newPassword: 'a-much-better-Pw-93k',
    });
    expectRefusal(await onA.post('/admin/v1/operators/list'), 401, 5);
    expectRefusal(await onB.post('/admin/v1/operators/list'), 401, 5);
    await new AdminClient(b.url, changed.token).ok('/admin/v1/operators/list');
    expectRefusal(await login(b, { username: 'pw.changer', password }, address), 401, 5);
    await clientFor(b, 'pw.changer', 'a-much-better-Pw-93k', address);
  });
});

describe('accounts: list, update, logout; revocation at once in every process', () => {
  test('users/list shows every user with role, enabled, totp and createdAt', async () => {
    await createUser('listed.user', 'finance');
    const { users } = await new AdminClient(b.url, root.token).ok('/admin/v1/users/list');
    expect(users).toEqual(
      expect.arrayContaining([
        {
          username: TEST_ADMIN.username,
          role: 'admin',
          enabled: true,
          totp: false,
          createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
        },
        { username: 'listed.user', role: 'finance', enabled: true, totp: false, createdAt: expect.any(String) },
      ]),
    );
  });

  test('disabling a user on one server makes its token 401 on the other at once, and its login fails', async () => {
    const password = await createUser('to.disable', 'support');
    const token = (await clientFor(a, 'to.disable', password, '198.51.100.20')).token;
    await new AdminClient(b.url, token).ok('/admin/v1/operators/list');
    expect((await root.ok('/admin/v1/users/update', { username: 'to.disable', enabled: false })).user).toMatchObject({
      enabled: false,
    });
    expectRefusal(await new AdminClient(b.url, token).post('/admin/v1/operators/list'), 401, 5);
    expectRefusal(await new AdminClient(a.url, token).post('/admin/v1/operators/list'), 401, 5);
    expectRefusal(await login(b, { username: 'to.disable', password }, '198.51.100.20'), 401, 5);
    await root.ok('/admin/v1/users/update', { username: 'to.disable', enabled: true });
    await clientFor(b, 'to.disable', password, '198.51.100.20');
    expectRefusal(await new AdminClient(b.url, token).post('/admin/v1/operators/list'), 401, 5); // old tokens stay dead
  });

  test('a role change revokes the tokens; the new role applies to the next login', async () => {
    const password = await createUser('role.change', 'support');
    const before = await clientFor(a, 'role.change', password, '198.51.100.30');
    await root.ok('/admin/v1/users/update', { username: 'role.change', role: 'finance' });
    expectRefusal(await new AdminClient(b.url, before.token).post('/admin/v1/transactions/search'), 401, 5);
    const after = await clientFor(b, 'role.change', password, '198.51.100.30');
    expectRefusal(await after.post('/admin/v1/operators/list'), 403, 5);
  });

  test('logout on one server revokes the token on both', async () => {
    const password = await createUser('logs.out', 'support');
    const session = await clientFor(a, 'logs.out', password, '198.51.100.40');
    await session.ok('/admin/v1/logout');
    expectRefusal(await new AdminClient(b.url, session.token).post('/admin/v1/operators/list'), 401, 5);
    expectRefusal(await session.post('/admin/v1/operators/list'), 401, 5);
  });

  test('users/update is admin only, 404 for an unknown user, and the last enabled admin cannot be disabled or demoted', async () => {
    const password = await createUser('support.tries', 'support');
    const support = await clientFor(a, 'support.tries', password, '198.51.100.50');
    expectRefusal(await support.post('/admin/v1/users/update', { username: 'support.tries', role: 'admin' }), 403, 5);
    expectRefusal(await root.post('/admin/v1/users/update', { username: 'nobody.here', enabled: false }), 404, 2);
    expectRefusal(await root.post('/admin/v1/users/update', { username: TEST_ADMIN.username, enabled: false }), 409, 2);
    expectRefusal(
      await root.post('/admin/v1/users/update', { username: TEST_ADMIN.username, role: 'support' }),
      409,
      2,
    );
    await root.ok('/admin/v1/operators/list'); // the refusals changed nothing, the token included
  });
});

describe('brute force, shared by both servers through Redis', () => {
  test('5 failures for one username lock it (HTTP 429 code 5, Retry-After) even with the right password, on both servers; audited without the password', async () => {
    const password = await createUser('brute.target', 'support');
    const address = '203.0.113.1';
    for (let i = 0; i < 5; i++) {
      const server = i % 2 ? b : a;
      expectRefusal(await login(server, { username: 'brute.target', password: `guess-number-${i}` }, address), 401, 5);
    }
    for (const server of [a, b]) {
      const locked = await postJson(
        `${server.url}/admin/v1/login`,
        { username: 'brute.target', password },
        { 'x-forwarded-for': `203.0.113.2${server === a ? 1 : 2}` },
      );
      expectRefusal(locked, 429, 5);
      const response = await fetch(`${server.url}/admin/v1/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.30' },
        body: JSON.stringify({ username: 'BRUTE.target', password }),
      });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(890);
      expect(Number(response.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    }
    const audit = await auditRows('brute.target');
    expect(audit.filter((r) => r.action === 'login.failed')).toHaveLength(5);
    expect(audit.filter((r) => r.action === 'login.locked')).toHaveLength(1);
    const [all] = await a.db.query<RowDataPacket[]>('SELECT * FROM audit_log');
    expect(JSON.stringify(all)).not.toContain('guess-number-');
    // Another username is not locked by it.
    await clientFor(b, 'root-admin', TEST_ADMIN.password, '203.0.113.31');
  });

  test('the lock lasts 15 minutes from the last failure, not from the first', async () => {
    const password = await createUser('slow.brute', 'support');
    expectRefusal(await login(a, { username: 'slow.brute', password: 'first-guess-000' }, '203.0.113.40'), 401, 5);
    // Time passing is what is measured here: the lock's end must move with the later failures.
    await sleep(3_000);
    for (let i = 0; i < 4; i++)
      expectRefusal(await login(b, { username: 'slow.brute', password: `later-guess-${i}` }, '203.0.113.40'), 401, 5);
    const response = await fetch(`${a.url}/admin/v1/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.41' },
      body: JSON.stringify({ username: 'slow.brute', password }),
    });
    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(899);
  });

  test('parallel guesses cannot run more than 5 password checks', async () => {
    await createUser('burst.target', 'support');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        login(i % 2 ? a : b, { username: 'burst.target', password: `burst-guess-${i}` }, '203.0.113.50'),
      ),
    );
    expect(answers.filter((x) => x.status === 401)).toHaveLength(5);
    expect(answers.filter((x) => x.status === 429)).toHaveLength(15);
  });

  test('50 failures from one address lock that address for every username; other addresses still log in', async () => {
    const address = '203.0.113.60';
    for (let i = 0; i < 50; i++) {
      expectRefusal(
        await login(i % 2 ? a : b, { username: `nobody-${i}`, password: 'wrong-password-x' }, address),
        401,
        5,
      );
    }
    expectRefusal(await login(a, { username: TEST_ADMIN.username, password: TEST_ADMIN.password }, address), 429, 5);
    expectRefusal(await login(b, { username: TEST_ADMIN.username, password: TEST_ADMIN.password }, address), 429, 5);
    await clientFor(b, TEST_ADMIN.username, TEST_ADMIN.password, '203.0.113.61');
    expect((await auditRows(address)).map((r) => r.action)).toEqual(['login.locked']);
  });

  test('a success resets the username counter (the address counter keeps its failures)', async () => {
    const password = await createUser('sometimes.wrong', 'support');
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++)
        expectRefusal(
          await login(a, { username: 'sometimes.wrong', password: `typo-password-${i}` }, '203.0.113.70'),
          401,
          5,
        );
      await clientFor(b, 'sometimes.wrong', password, '203.0.113.70');
    }
  });
});

describe('TOTP second factor', () => {
  const codeAt = (secret: string, offsetS: number) =>
    generate({ secret, epoch: Math.floor(Date.now() / 1000) + offsetS });

  test('enrol (secret, otpauth URL, our own QR), confirm, then login needs the code; a wrong, missing or replayed code is 401 and counts as a failure', async () => {
    const password = await createUser('totp.user', 'support');
    const address = '192.0.2.10';
    const session = await clientFor(a, 'totp.user', password, address);
    const enrolment = await session.ok('/admin/v1/me/totp/enroll');
    expect(enrolment.secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(enrolment.otpauthUrl).toMatch(/^otpauth:\/\/totp\/.*totp\.user\?.*secret=/);
    expect(enrolment.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect(enrolment.qrSvg).not.toMatch(/https?:\/\/(?!www\.w3\.org)/);
    // Not on until confirmed: login still works without a code.
    await clientFor(b, 'totp.user', password, address);
    expectRefusal(
      await session.post('/admin/v1/me/totp/confirm', {
        code: '000000' === (await codeAt(enrolment.secret, 0)) ? '111111' : '000000',
      }),
      400,
      2,
    );
    await new AdminClient(b.url, session.token).ok('/admin/v1/me/totp/confirm', {
      code: await codeAt(enrolment.secret, 0),
    });
    expect(
      (await root.ok('/admin/v1/users/list')).users.find((u: { username: string }) => u.username === 'totp.user'),
    ).toMatchObject({ totp: true });

    expectRefusal(await login(a, { username: 'totp.user', password }, address), 401, 5);
    expectRefusal(await login(b, { username: 'totp.user', password, otp: '12345' }, address), 401, 5);
    // The next step's code (our clock allows one step of drift), once.
    const next = await codeAt(enrolment.secret, 30);
    const answers = await Promise.all([
      login(a, { username: 'totp.user', password, otp: next }, address),
      login(b, { username: 'totp.user', password, otp: next }, address),
    ]);
    expect(answers.map((x) => x.status).sort()).toEqual([200, 401]);
    expectRefusal(await login(a, { username: 'totp.user', password, otp: next }, address), 401, 5);
    const reasons = (await auditRows('totp.user'))
      .filter((r) => r.action === 'login.failed')
      .map((r) => JSON.parse(r.after!).reason);
    expect(reasons).toEqual(['missing otp', 'wrong otp', 'wrong otp', 'wrong otp']);
    // Wrong codes count toward the username's lock like wrong passwords do.
    for (let i = 0; i < 5; i++)
      expect([401, 429]).toContain(
        (await login(a, { username: 'totp.user', password, otp: '000000x' }, address)).status,
      );
    expectRefusal(
      await login(b, { username: 'totp.user', password, otp: await codeAt(enrolment.secret, 0) }, address),
      429,
      5,
    );
  });

  test('ADMIN_REQUIRE_TOTP: an admin without TOTP can only enrol, confirm (and log out) until it is on', async () => {
    const strict = await startTestServer('staffsec', { ...ENV, ADMIN_REQUIRE_TOTP: 'true' }, { shareDatabaseOf: a });
    try {
      const password = await createUser('strict.admin', 'admin');
      const session = await clientFor(strict, 'strict.admin', password, '192.0.2.20');
      const refused = await session.post('/admin/v1/operators/list');
      expectRefusal(refused, 403, 5);
      expect(refused.body.message).toMatch(/second factor/);
      expectRefusal(await session.post('/admin/v1/users/list'), 403, 5);
      expectRefusal(
        await session.post('/admin/v1/me/password', { currentPassword: password, newPassword: 'another-Strong-pw-1' }),
        403,
        5,
      );
      const { secret } = await session.ok('/admin/v1/me/totp/enroll');
      await session.ok('/admin/v1/me/totp/confirm', { code: await generate({ secret }) });
      await session.ok('/admin/v1/operators/list');
      // Support staff are not admins: the rule does not apply to them.
      const supportPassword = await createUser('strict.support', 'support');
      await (await clientFor(strict, 'strict.support', supportPassword, '192.0.2.21')).ok('/admin/v1/operators/list');
    } finally {
      await strict.close();
    }
  });
});

test('a real second process (node dist/main.js) sees the same locks and revocations', async () => {
  const other = await spawnServer(a.databaseUrl, ENV);
  const otherServer = { url: other.url } as TestServer;
  try {
    const password = await createUser('two.process', 'support');
    const address = '192.0.2.90';
    for (let i = 0; i < 5; i++)
      expectRefusal(
        await login(i % 2 ? otherServer : a, { username: 'two.process', password: `proc-guess-${i}` }, address),
        401,
        5,
      );
    expectRefusal(await login(otherServer, { username: 'two.process', password }, '192.0.2.91'), 429, 5);
    expectRefusal(await login(a, { username: 'two.process', password }, '192.0.2.92'), 429, 5);

    const user = await createUser('proc.logout', 'support');
    const session = await clientFor(a, 'proc.logout', user, '192.0.2.93');
    await new AdminClient(other.url, session.token).ok('/admin/v1/operators/list');
    await new AdminClient(other.url, session.token).ok('/admin/v1/logout');
    expectRefusal(await session.post('/admin/v1/operators/list'), 401, 5);
  } finally {
    other.child.kill('SIGTERM');
    await other.exited;
  }
});

test('METRICS_TOKEN: /metrics answers 401 without the bearer token, 200 with it', async () => {
  const token = 'metrics-scrape-token-0123456789';
  const guarded = await startTestServer('staffsec', { ...ENV, METRICS_TOKEN: token }, { shareDatabaseOf: a });
  try {
    expect((await fetch(`${guarded.url}/metrics`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: 'Bearer wrong-token' } })).status).toBe(
      401,
    );
    expect((await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Basic ${token}` } })).status).toBe(401);
    const ok = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('# TYPE');
    expect((await fetch(`${a.url}/metrics`)).status).toBe(200); // unset outside production: open
  } finally {
    await guarded.close();
  }
});
