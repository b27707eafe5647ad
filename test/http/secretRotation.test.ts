// Risk covered: a secret rotation that either locks a caller out at once (no overlap) or never ends
// (PROTOCOL §10). The new secret works at once and the previous one until the overlap ends, in every
// process (the second server here has its own caller cache, told of the change over Redis); a second
// rotation ends the older secret at once; overlapSeconds 0 keeps none; our callbacks are signed with the
// new secret at once; operators/list and providers/list show previousSecretExpiresAt.
import { CALLER_CACHE_TTL_MS } from '../../src/db/callerCache';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TestServer, startSecondServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld } from '../support/world';

let first: TestServer;
let second: TestServer;
let admin: AdminClient;
let world: World;
let wallet: FakeOperatorWallet | undefined;

beforeAll(async () => {
  first = await startTestServer('rotation');
  second = await startSecondServer(first);
  admin = await first.admin();
  world = await buildWorld(admin);
});
afterAll(async () => {
  await second?.close();
  await first?.close();
  await wallet?.stop();
});

/** The same caller, signing with a given secret, calling the second server. */
const onSecond = (client: SignedClient, secretKey: string) =>
  new SignedClient(second.url, client.callerField, client.callerId, secretKey);
const balanceCode = async (client: SignedClient) =>
  (await client.call('/v1/player/balance', { userID: 'rotator01', currency: 'EUR' })).code as number;
const listed = async (path: string, field: string, id: string) =>
  ((await admin.ok(path)) as any)[field].find((c: any) => (c.agentID ?? c.providerID) === id);

test('operator: new secret at once and the previous one until the overlap ends, in the other process too; a second rotation ends the older one', async () => {
  const op = await admin.createOperator('op-rotating', ['EUR']);
  await op.call('/v1/player/create', { userID: 'rotator01', currency: 'EUR' });
  const original = op.secretKey;
  // The second process has the operator cached with its original secret.
  expect(await balanceCode(onSecond(op, original))).toBe(0);

  const startedAt = Date.now();
  const rotated = await admin.ok('/admin/v1/operators/rotate-secret', { agentID: 'op-rotating', overlapSeconds: 120 });
  const expiresAt = Date.parse(rotated.previousSecretExpiresAt);
  expect(expiresAt).toBeGreaterThanOrEqual(startedAt + 119_000);
  expect(expiresAt).toBeLessThanOrEqual(Date.now() + 121_000);
  expect((await listed('/admin/v1/operators/list', 'operators', 'op-rotating')).previousSecretExpiresAt).toBe(
    rotated.previousSecretExpiresAt,
  );

  // The new secret works in the other process as soon as the change notice arrives (Redis pub/sub).
  await until(
    'the second process accepts the new secret',
    async () => (await balanceCode(onSecond(op, rotated.secretKey))) === 0,
  );
  // Sooner than the cache's own expiry: the notice, not the TTL, dropped the cached secret.
  expect(Date.now() - startedAt).toBeLessThan(CALLER_CACHE_TTL_MS);
  expect(await balanceCode(onSecond(op, original))).toBe(0);
  expect(await balanceCode(new SignedClient(first.url, 'agentID', 'op-rotating', original))).toBe(0);

  // A second rotation: the original ends at once everywhere; the first rotated one is now the previous.
  const again = await admin.ok('/admin/v1/operators/rotate-secret', { agentID: 'op-rotating', overlapSeconds: 120 });
  await until(
    'the second process drops the original secret',
    async () => (await balanceCode(onSecond(op, original))) === 3,
  );
  expect(await balanceCode(new SignedClient(first.url, 'agentID', 'op-rotating', original))).toBe(3);
  expect(await balanceCode(onSecond(op, rotated.secretKey))).toBe(0);
  expect(await balanceCode(onSecond(op, again.secretKey))).toBe(0);

  // overlapSeconds 0: the previous secret stops at once, and lists show none.
  const abrupt = await admin.ok('/admin/v1/operators/rotate-secret', { agentID: 'op-rotating', overlapSeconds: 0 });
  expect(abrupt.previousSecretExpiresAt).toBeNull();
  await until(
    'the second process drops every earlier secret',
    async () => (await balanceCode(onSecond(op, again.secretKey))) === 3,
  );
  expect(await balanceCode(onSecond(op, abrupt.secretKey))).toBe(0);
  expect((await listed('/admin/v1/operators/list', 'operators', 'op-rotating')).previousSecretExpiresAt).toBeNull();
});

test('the overlap ends on time: the previous secret is refused after previousSecretExpiresAt', async () => {
  const op = await admin.createOperator('op-short-overlap', ['EUR']);
  await op.call('/v1/player/create', { userID: 'rotator01', currency: 'EUR' });
  const rotated = await admin.ok('/admin/v1/operators/rotate-secret', {
    agentID: 'op-short-overlap',
    overlapSeconds: 1,
  });
  expect(await balanceCode(op)).toBe(0);
  await until('the previous secret expires', async () => (await balanceCode(op)) === 3, 5_000, 100);
  expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(rotated.previousSecretExpiresAt));
  op.secretKey = rotated.secretKey;
  expect(await balanceCode(op)).toBe(0);
  expect(
    (await listed('/admin/v1/operators/list', 'operators', 'op-short-overlap')).previousSecretExpiresAt,
  ).toBeNull();
});

test('studio: providers/rotate-secret with the same overlap rules, shown in providers/list; unknown is 404, bad overlap 400 code 2', async () => {
  const studio = world.studio;
  const original = studio.secretKey;
  const call = (client: SignedClient) =>
    client.call('/provider/v1/balance', { token: 'not-a-token' }).then((a) => a.code as number);
  expect(await call(onSecond(studio, original))).toBe(9);
  const rotated = await admin.ok('/admin/v1/providers/rotate-secret', { providerID: studio.callerId });
  // Default overlap: one hour.
  expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(3_590_000);
  expect((await listed('/admin/v1/providers/list', 'providers', studio.callerId)).previousSecretExpiresAt).toBe(
    rotated.previousSecretExpiresAt,
  );
  await until(
    'the second process accepts the new studio secret',
    async () => (await call(onSecond(studio, rotated.secretKey))) === 9,
  );
  expect(await call(onSecond(studio, original))).toBe(9);
  await admin.ok('/admin/v1/providers/rotate-secret', { providerID: studio.callerId, overlapSeconds: 0 });
  await until(
    'the second process refuses both earlier studio secrets',
    async () => (await call(onSecond(studio, rotated.secretKey))) === 3,
  );
  expect(await call(onSecond(studio, original))).toBe(3);

  expect((await admin.post('/admin/v1/providers/rotate-secret', { providerID: 'no-such-studio' })).status).toBe(404);
  for (const overlapSeconds of [-1, 1.5, '60', 10 ** 9]) {
    const refused = await admin.post('/admin/v1/providers/rotate-secret', {
      providerID: studio.callerId,
      overlapSeconds,
    });
    expect({ overlapSeconds, status: refused.status, code: refused.body.code }).toEqual({
      overlapSeconds,
      status: 400,
      code: 2,
    });
    const refusedOp = await admin.post('/admin/v1/operators/rotate-secret', {
      agentID: world.operator.callerId,
      overlapSeconds,
    });
    expect({ overlapSeconds, status: refusedOp.status, code: refusedOp.body.code }).toEqual({
      overlapSeconds,
      status: 400,
      code: 2,
    });
  }
  // Support staff may read, not rotate.
  await admin.ok('/admin/v1/users/create', {
    username: 'rot-support',
    password: 'rotation-support-pass-1',
    role: 'support',
  });
  const support = await AdminClient.login(first.url, 'rot-support', 'rotation-support-pass-1');
  expect((await support.post('/admin/v1/providers/rotate-secret', { providerID: studio.callerId })).status).toBe(403);
});

test('our callbacks are signed with the new secret at once (the previous one is only for requests to us)', async () => {
  const keys = { secret: '', salt: '' };
  wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'op-rot-seamless',
    name: 'Rot',
    currencies: ['EUR'],
    callbackUrl: wallet.url,
  });
  Object.assign(keys, { secret: created.secretKey, salt: created.saltKey });
  const op = new SignedClient(first.url, 'agentID', 'op-rot-seamless', created.secretKey);
  wallet.fund('seam-rot', 'EUR', 1_000n);
  const token = (await op.call('/v1/games/launch', { userID: 'seam-rot', gameID: world.gameId, currency: 'EUR' }))
    .token as string;
  const studioOnSecond = () =>
    new SignedClient(second.url, 'providerID', world.studio.callerId, world.studio.secretKey);
  world.studio.secretKey = (
    await admin.ok('/admin/v1/providers/rotate-secret', { providerID: world.studio.callerId, overlapSeconds: 0 })
  ).secretKey;
  await until(
    'studio secret known to the second process',
    async () => (await studioOnSecond().call('/provider/v1/balance', { token })).code === 0,
  );

  const rotated = await admin.ok('/admin/v1/operators/rotate-secret', {
    agentID: 'op-rot-seamless',
    overlapSeconds: 600,
  });
  // The operator's wallet now checks our signature against the new secret only.
  keys.secret = rotated.secretKey;
  await until(
    'the second process signs with the new secret',
    async () => (await studioOnSecond().call('/provider/v1/balance', { token })).code === 0,
  );
  const last = wallet.calls[wallet.calls.length - 1]!;
  expect(last.signatureValid).toBe(true);
  expect(await world.studio.call('/provider/v1/balance', { token })).toMatchObject({ code: 0, balance: 10 });
  expect(wallet.calls[wallet.calls.length - 1]!.signatureValid).toBe(true);
});
