// Risk covered: in production, callback URLs reaching our own hosts (PROTOCOL §10): MySQL on
// 127.0.0.1:3306, Redis on localhost:6379, [::1], the numeric spellings of 127.0.0.1, and plain http:.
// A server started with NODE_ENV=production refuses each over real HTTP with code 2 naming the rule.
// (Own file: the callback policy is per process, and this one is production's.)
import { TestServer, startTestServer } from '../support/testServer';
import { AdminClient } from '../support/clients';

let server: TestServer;
let admin: AdminClient;

beforeAll(async () => {
  server = await startTestServer('cburlsprod', {
    NODE_ENV: 'production',
    SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
    // Other production requirements of §10, so this file keeps testing URLs only.
    METRICS_TOKEN: 'metrics-token-for-the-production-url-test',
    ADMIN_REQUIRE_TOTP: 'false',
  });
  admin = await server.admin();
});
afterAll(async () => {
  await server?.close();
});

test('production: loopback in any spelling and http: are refused with the rule named; a public https URL is accepted', async () => {
  const refused: Array<[string, string]> = [
    ['http://127.0.0.1:3306', 'https-only'],
    ['http://localhost:6379', 'https-only'],
    ['https://127.0.0.1:3306', 'private-address'],
    ['https://localhost:6379', 'private-address'],
    ['https://[::1]:3306', 'private-address'],
    ['https://0x7f000001/', 'private-address'],
    ['https://2130706433/', 'private-address'],
    ['https://169.254.169.254/latest/meta-data/', 'private-address'],
    ['https://user:pa55@93.184.216.34/wallet', 'credentials'],
  ];
  let n = 0;
  for (const [callbackUrl, rule] of refused) {
    const answer = await admin.post('/admin/v1/operators/create', {
      agentID: `op-prod-${++n}`,
      name: 'P',
      currencies: ['EUR'],
      callbackUrl,
    });
    expect({
      callbackUrl,
      status: answer.status,
      code: answer.body.code,
      rule: /\(rule: ([a-z-]+)\)/.exec(answer.body.message)?.[1],
    }).toEqual({
      callbackUrl,
      status: 400,
      code: 2,
      rule,
    });
  }
  const ids = ((await admin.ok('/admin/v1/operators/list')).operators as any[]).map((o) => o.agentID);
  expect(ids.filter((id) => id.startsWith('op-prod-'))).toEqual([]);
  expect(
    (
      await admin.ok('/admin/v1/operators/create', {
        agentID: 'op-prod-ok',
        name: 'P',
        currencies: ['EUR'],
        callbackUrl: 'https://93.184.216.34/wallet',
      })
    ).operator.mode,
  ).toBe('seamless');
});
