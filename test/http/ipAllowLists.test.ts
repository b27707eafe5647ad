// Risk covered: a leaked secret being usable from anywhere (PROTOCOL §10). With allowedIps set, an
// operator's or studio's request from any other address gets code 5 and changes nothing, IPv4 and IPv6
// alike (here 127.0.0.1 and ::1), checked right after the caller is known (before the signature); a
// change to the list applies at once; bad CIDRs are HTTP 400 code 2 naming the entry and change nothing.
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld } from '../support/world';
import { assertLedgerConsistent } from '../support/ledgerConsistency';

let server: TestServer;
let admin: AdminClient;
let world: World;
/** The same server reached over IPv6 loopback (it listens on both). */
let ipv6Url: string;

beforeAll(async () => {
  server = await startTestServer('allowlists');
  admin = await server.admin();
  world = await buildWorld(admin);
  ipv6Url = server.url.replace('127.0.0.1', '[::1]');
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server?.close();
});

const from = (client: SignedClient, baseUrl: string) =>
  new SignedClient(baseUrl, client.callerField, client.callerId, client.secretKey);
const createPlayer = (client: SignedClient, userID: string) =>
  client.call('/v1/player/create', { userID, currency: 'EUR' });
const playerCount = async (userID: string) => {
  const [rows] = await server.db.query<any[]>('SELECT COUNT(*) AS n FROM players WHERE user_id = ?', [userID]);
  return Number(rows[0].n);
};

test('operator: an address outside allowedIps gets code 5 and nothing changes; IPv4 and IPv6; the list applies at once', async () => {
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID: 'op-allow',
    name: 'Allow',
    currencies: ['EUR'],
    allowedIps: ['203.0.113.7/24', '::1'],
  });
  expect(created.operator.allowedIps).toEqual(['203.0.113.0/24', '::1/128']);
  const op = new SignedClient(server.url, 'agentID', 'op-allow', created.secretKey);

  const refused = await createPlayer(op, 'allow0001');
  expect(refused).toEqual({
    code: 5,
    message: 'agentID op-allow does not accept requests from 127.0.0.1 (IP allow-list)',
  });
  expect(await playerCount('allow0001')).toBe(0);
  // Over IPv6 loopback the same operator is admitted.
  expect(await createPlayer(from(op, ipv6Url), 'allow0001')).toMatchObject({ code: 0 });

  // Checked before the signature: a wrong sign from a refused address is still 5.
  const forged = { ...op.body({ userID: 'allow0002', currency: 'EUR' }), sign: '0'.repeat(64) };
  expect((await postJson(`${server.url}/v1/player/create`, forged)).body).toMatchObject({ code: 5 });
  expect((await postJson(`${ipv6Url}/v1/player/create`, forged)).body).toMatchObject({ code: 3 });

  // IPv4 only now: ::1 refused, 127.0.0.1 (also seen as ::ffff:127.0.0.1) admitted, at once.
  expect(
    (await admin.ok('/admin/v1/operators/update', { agentID: 'op-allow', allowedIps: ['127.0.0.0/8'] })).operator
      .allowedIps,
  ).toEqual(['127.0.0.0/8']);
  expect(await createPlayer(from(op, ipv6Url), 'allow0003')).toMatchObject({
    code: 5,
    message: expect.stringContaining('from ::1 '),
  });
  expect(await createPlayer(op, 'allow0003')).toMatchObject({ code: 0 });
  // An empty list admits every address.
  await admin.ok('/admin/v1/operators/update', { agentID: 'op-allow', allowedIps: [] });
  expect(await createPlayer(from(op, ipv6Url), 'allow0004')).toMatchObject({ code: 0 });
  const listed = ((await admin.ok('/admin/v1/operators/list')).operators as any[]).find(
    (o) => o.agentID === 'op-allow',
  );
  expect(listed.allowedIps).toEqual([]);
});

test('studio: providers/update allowedIps; a bet from elsewhere is 5 and moves nothing', async () => {
  const token = (await world.operator.call('/v1/player/create', { userID: 'allowbet1', currency: 'EUR' }),
  await world.operator.call('/v1/player/wallet/deposit', {
    userID: 'allowbet1',
    currency: 'EUR',
    amount: 10,
    transactionID: 'allow-fund-1',
  }),
  await world.operator.call('/v1/games/launch', { userID: 'allowbet1', gameID: world.gameId, currency: 'EUR' }))
    .token as string;
  const updated = await admin.ok('/admin/v1/providers/update', {
    providerID: world.studio.callerId,
    allowedIps: ['10.0.0.0/8', '2001:db8::/32'],
  });
  expect(updated.provider.allowedIps).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  const bet = { token, transactionID: 'allow-bet-1', roundID: 'allow-r1', gameID: world.gameId, amount: 1 };
  expect(await world.studio.call('/provider/v1/bet', bet)).toMatchObject({ code: 5 });
  expect(await from(world.studio, ipv6Url).call('/provider/v1/bet', bet)).toMatchObject({ code: 5 });
  expect(await world.operator.call('/v1/player/balance', { userID: 'allowbet1', currency: 'EUR' })).toMatchObject({
    code: 0,
    balance: 10,
  });
  await admin.ok('/admin/v1/providers/update', {
    providerID: world.studio.callerId,
    allowedIps: ['::1/128', '127.0.0.1'],
  });
  expect(await world.studio.call('/provider/v1/bet', bet)).toMatchObject({ code: 0, balance: 9 });
  expect(
    ((await admin.ok('/admin/v1/providers/list')).providers as any[]).find(
      (p) => p.providerID === world.studio.callerId,
    ).allowedIps,
  ).toEqual(['::1/128', '127.0.0.1/32']);
  await admin.ok('/admin/v1/providers/update', { providerID: world.studio.callerId, allowedIps: [] });
});

test('bad entries are HTTP 400 code 2 naming the entry, and change nothing', async () => {
  await admin.ok('/admin/v1/operators/create', {
    agentID: 'op-allow-bad',
    name: 'Bad',
    currencies: ['EUR'],
    allowedIps: ['198.51.100.0/24'],
  });
  for (const entry of ['10.0.0.0/33', '::1/129', 'not-an-ip', '', '10.0.0.0/8/8', '1.2.3']) {
    for (const [path, body] of [
      ['/admin/v1/operators/update', { agentID: 'op-allow-bad', allowedIps: [entry] }],
      [
        '/admin/v1/operators/create',
        { agentID: 'op-allow-new', name: 'N', currencies: ['EUR'], allowedIps: ['127.0.0.1', entry] },
      ],
      ['/admin/v1/providers/update', { providerID: world.studio.callerId, allowedIps: [entry] }],
    ] as const) {
      const answer = await admin.post(path, body);
      expect({
        entry,
        path,
        status: answer.status,
        code: answer.body.code,
        named: String(answer.body.message).includes(`"${entry}"`),
      }).toEqual({ entry, path, status: 400, code: 2, named: true });
    }
  }
  expect(
    (await admin.post('/admin/v1/operators/update', { agentID: 'op-allow-bad', allowedIps: '10.0.0.0/8' })).status,
  ).toBe(400);
  expect(
    (
      await admin.post('/admin/v1/operators/update', {
        agentID: 'op-allow-bad',
        allowedIps: Array(101).fill('10.0.0.1'),
      })
    ).status,
  ).toBe(400);
  const operators = (await admin.ok('/admin/v1/operators/list')).operators as any[];
  expect(operators.find((o) => o.agentID === 'op-allow-bad').allowedIps).toEqual(['198.51.100.0/24']);
  expect(operators.find((o) => o.agentID === 'op-allow-new')).toBeUndefined();
  expect(
    ((await admin.ok('/admin/v1/providers/list')).providers as any[]).find(
      (p) => p.providerID === world.studio.callerId,
    ).allowedIps,
  ).toEqual([]);
});
