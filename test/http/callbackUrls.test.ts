// Risk covered: callback URLs used to reach our own network (PROTOCOL §10). Over real HTTP: each URL of
// the review refused on operators/create and operators/update with HTTP 400 code 2 naming the rule, and
// nothing changed; a name that resolved to a public address when set and to a private one when we
// connect (DNS rebinding) gets no connection; stored URLs that break the rules are reported at start-up
// and not called (their deliveries stay owed, visible with the reason); URL credentials are never shown
// by operators/list or the audit log; redirects are never followed.
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { RowDataPacket } from 'mysql2/promise';
import pino from 'pino';
import { useCallbackResolver } from '../../src/callbacks/callbackUrlPolicy';
import { loadConfig } from '../../src/config';
import { startServer } from '../../src/server';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TestServer, startTestServer, testEnv } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld } from '../support/world';
import { assertLedgerConsistent } from '../support/ledgerConsistency';

let server: TestServer;
let admin: AdminClient;
let world: World;
const stops: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  server = await startTestServer('cburls', {
    CALLBACK_RETRY_DELAY_MS: '200',
    CALLBACK_TIMEOUT_MS: '1000',
    CALLBACK_RETRY_TIMEOUT_MS: '1000',
  });
  admin = await server.admin();
  world = await buildWorld(admin);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: 1_000 });
});
afterAll(async () => {
  useCallbackResolver(null);
  for (const stop of stops) await stop();
  await server?.close();
});

const operatorRow = async (agentID: string) => {
  const [rows] = await server.db.query<RowDataPacket[]>('SELECT callback_url FROM operators WHERE agent_id = ?', [
    agentID,
  ]);
  return rows[0];
};

test('each URL of the review is refused on create and update: HTTP 400, code 2, the rule named, nothing changed', async () => {
  await admin.ok('/admin/v1/operators/create', { agentID: 'op-url-base', name: 'Base', currencies: ['EUR'] });
  const refused: Array<[string, string]> = [
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'private-address'],
    ['http://10.0.0.1', 'private-address'],
    ['http://[::ffff:10.0.0.1]/wallet', 'private-address'],
    ['http://[fd12:3456::1]/wallet', 'private-address'],
    ['http://0.0.0.0:3306', 'private-address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata-host'],
    ['http://user:pa55@127.0.0.1:9/wallet', 'credentials'],
    ['ftp://wallet.example.com/', 'scheme'],
  ];
  let n = 0;
  for (const [callbackUrl, rule] of refused) {
    const created = await admin.post('/admin/v1/operators/create', {
      agentID: `op-url-${++n}`,
      name: 'X',
      currencies: ['EUR'],
      callbackUrl,
    });
    expect({
      callbackUrl,
      status: created.status,
      code: created.body.code,
      names: String(created.body.message).includes(`(rule: ${rule})`),
    }).toEqual({
      callbackUrl,
      status: 400,
      code: 2,
      names: true,
    });
    expect(String(created.body.message)).toMatch(/^callbackUrl: /);
    expect(await operatorRow(`op-url-${n}`)).toBeUndefined();
    const updated = await admin.post('/admin/v1/operators/update', { agentID: 'op-url-base', callbackUrl });
    expect({ callbackUrl, status: updated.status, code: updated.body.code }).toEqual({
      callbackUrl,
      status: 400,
      code: 2,
    });
    expect((await operatorRow('op-url-base'))!.callback_url).toBeNull();
  }
  // The password of the refused URL is not kept anywhere: not in the audit log either.
  const audit = JSON.stringify((await admin.ok('/admin/v1/audit/list')).entries);
  expect(audit).not.toContain('pa55');
  // Loopback is allowed outside production (tests, the sandbox wallet): 0x7f000001 and 2130706433 are 127.0.0.1.
  for (const callbackUrl of ['http://0x7f000001:9/wallet', 'http://2130706433:9/wallet', 'http://[::1]:9/wallet']) {
    const created = await admin.post('/admin/v1/operators/create', {
      agentID: `op-url-${++n}`,
      name: 'X',
      currencies: ['EUR'],
      callbackUrl,
    });
    expect({ callbackUrl, code: created.body.code }).toEqual({ callbackUrl, code: 0 });
  }
});

test('DNS rebinding: a name public when set and private when we connect gets no connection; the bet is 17 and the reason is kept', async () => {
  const answers: Record<string, string[]> = { 'wallet.rebind.test': ['93.184.216.34'] };
  useCallbackResolver(
    async (host) =>
      answers[host] ?? Promise.reject(Object.assign(new Error(`${host} not found`), { code: 'ENOTFOUND' })),
  );
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'op-rebind',
    name: 'Rebind',
    currencies: ['EUR'],
    callbackUrl: 'http://wallet.rebind.test:8080/wallet',
  });
  expect(created.operator.mode).toBe('seamless');
  // Now the name answers with a private address (what a rebinding DNS server does after the check).
  answers['wallet.rebind.test'] = ['10.0.0.1'];
  const op = new SignedClient(server.url, 'agentID', 'op-rebind', created.secretKey);
  const token = (await op.call('/v1/games/launch', { userID: 'rebound1', gameID: world.gameId, currency: 'EUR' }))
    .token as string;
  const started = Date.now();
  const bet = await world.studio.call('/provider/v1/bet', {
    token,
    transactionID: 'rb-bet-1',
    roundID: 'rb-r1',
    gameID: world.gameId,
    amount: 1,
  });
  expect(bet).toMatchObject({ code: 17 });
  // Refused before any connection attempt, not a timeout towards 10.0.0.1.
  expect(Date.now() - started).toBeLessThan(900);
  expect(JSON.stringify(bet)).not.toContain('10.0.0.1');
  // The compensating Rollback is owed: it stays pending, refused the same way (the reason kept), never dropped.
  const rollback = await until('the Rollback attempted', async () => {
    const list = (await admin.ok('/admin/v1/callbacks/list', { agentID: 'op-rebind' })).callbacks as any[];
    return list.find((c) => c.kind === 'rollback' && c.attempts > 0 && c.lastError);
  });
  expect(rollback.status).toBe('pending');
  expect(rollback.lastError).toContain(
    'callback address refused: wallet.rebind.test resolves to 10.0.0.1 is a private address',
  );
  expect(rollback.lastError).toContain('(rule: private-address)');
  useCallbackResolver(null);
});

test('stored URLs that break the rules are reported at start-up and not called; deliveries stay pending with the reason; credentials never shown', async () => {
  const keys = { secret: '', salt: '' };
  const wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  stops.push(() => wallet.stop());
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'op-legacy-url',
    name: 'Legacy',
    currencies: ['EUR'],
    callbackUrl: wallet.url,
  });
  Object.assign(keys, { secret: created.secretKey, salt: created.saltKey });
  await admin.ok('/admin/v1/operators/create', { agentID: 'op-legacy-meta', name: 'Meta', currencies: ['EUR'] });
  // Rows from before the rules: credentials in the URL, and the metadata service.
  const withCredentials = wallet.url.replace('http://', 'http://user:pa55@');
  await server.db.query('UPDATE operators SET callback_url = ? WHERE agent_id = ?', [withCredentials, 'op-legacy-url']);
  await server.db.query(
    "UPDATE operators SET callback_url = 'http://169.254.169.254/latest' WHERE agent_id = 'op-legacy-meta'",
  );
  await server.db.query(
    "INSERT INTO audit_log (actor, action, target_type, target_id, `before`, `after`, created_at) VALUES ('old', 'operators.update', 'operator', 'op-legacy-url', NULL, ?, NOW(3))",
    [JSON.stringify({ callbackUrl: withCredentials })],
  );

  // A process starting now reports both (agentID and rule), without the password.
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const second = await startServer(
    loadConfig(testEnv(server.databaseUrl, { CALLBACK_RETRY_DELAY_MS: '200' })),
    pino({ level: 'warn' }, sink),
  );
  stops.push(() => second.close());
  const reports = lines
    .map((line) => JSON.parse(line))
    .filter(
      (entry) => /breaks the callback URL rules/.test(entry.msg) && String(entry.agentID).startsWith('op-legacy'),
    );
  expect(reports.map((r) => [r.agentID, r.rule])).toEqual([
    ['op-legacy-url', 'credentials'],
    ['op-legacy-meta', 'private-address'],
  ]);
  expect(lines.join('')).not.toContain('pa55');

  // Not called: a win's Deposit stays pending with the reason, the wallet sees nothing.
  const op = new SignedClient(second.url, 'agentID', 'op-legacy-url', created.secretKey);
  const token = (await op.call('/v1/games/launch', { userID: 'legacy-u', gameID: world.gameId, currency: 'EUR' }))
    .token as string;
  const studio = new SignedClient(second.url, 'providerID', world.studio.callerId, world.studio.secretKey);
  expect(await studio.call('/provider/v1/balance', { token })).toMatchObject({ code: 17 });
  expect(
    await studio.call('/provider/v1/jackpot', {
      token,
      transactionID: 'legacy-jp',
      roundID: 'legacy-r',
      gameID: world.gameId,
      amount: 5,
      jackpotID: 'jp1',
    }),
  ).toMatchObject({ code: 0 });
  const deposit = await until('the jackpot Deposit attempted', async () => {
    const list = (await admin.ok('/admin/v1/callbacks/list', { agentID: 'op-legacy-url' })).callbacks as any[];
    return list.find((c) => c.kind === 'deposit' && c.lastError);
  });
  expect(deposit.status).toBe('pending');
  expect(deposit.lastError).toContain('(rule: credentials)');
  expect(wallet.calls).toHaveLength(0);

  // Shown without the password, in the list and in old audit entries alike.
  const listed = ((await admin.ok('/admin/v1/operators/list')).operators as any[]).find(
    (o) => o.agentID === 'op-legacy-url',
  );
  expect(listed.callbackUrl).toBe(wallet.url.replace('http://', 'http://[redacted]@'));
  const audit = JSON.stringify((await admin.ok('/admin/v1/audit/list')).entries);
  expect(audit).not.toContain('pa55');
  expect(audit).toContain('[redacted]@127.0.0.1');

  // Staff mend the URL; the owed Deposit then arrives.
  await admin.ok('/admin/v1/operators/update', { agentID: 'op-legacy-url', callbackUrl: wallet.url });
  await until('the Deposit delivered after the fix', () => wallet.callsOf('deposit').length > 0, 15_000);
});

test('redirects are never followed: a 302 is a failed call, its target never hears from us', async () => {
  let targetHits = 0;
  const target = createServer((_req, res) => {
    targetHits += 1;
    res.end('{}');
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  const redirector = createServer((_req, res) => {
    res.writeHead(302, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/wallet` }).end();
  });
  await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
  stops.push(
    () => new Promise((r) => target.close(r)),
    () => new Promise((r) => redirector.close(r)),
  );
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'op-redirect',
    name: 'Redirect',
    currencies: ['EUR'],
    callbackUrl: `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/wallet`,
  });
  const op = new SignedClient(server.url, 'agentID', 'op-redirect', created.secretKey);
  expect(await op.call('/v1/player/balance', { userID: 'redir01', currency: 'EUR' })).toMatchObject({ code: 17 });
  expect(targetHits).toBe(0);
});
