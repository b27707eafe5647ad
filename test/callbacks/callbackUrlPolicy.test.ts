// Risk covered: a callback URL that makes us POST to our own network (SSRF, PROTOCOL §10): cloud
// metadata, private ranges, loopback in production (MySQL on 3306, Redis on 6379), the numeric and
// IPv4-mapped spellings of those addresses, names resolving to them, credentials in the URL, http: in
// production. The pure rule, both policies; the HTTP tests (test/http/callbackUrls.test.ts) cover the
// routes, the connect-time check and what happens to stored URLs.
import {
  CallbackUrlPolicy,
  judgeCallbackUrl,
  judgeCallbackUrlSyntax,
  useCallbackResolver,
} from '../../src/callbacks/callbackUrlPolicy';

const production: CallbackUrlPolicy = { production: true, allowedHosts: [] };
const development: CallbackUrlPolicy = { production: false, allowedHosts: [] };

afterEach(() => useCallbackResolver(null));

const ruleOf = async (url: string, policy: CallbackUrlPolicy) => {
  const verdict = await judgeCallbackUrl(url, policy);
  return verdict.ok ? 'accepted' : verdict.rule;
};

test('production: every URL of the review is refused, naming the rule', async () => {
  const cases: Array<[string, string]> = [
    ['http://169.254.169.254/latest/meta-data/', 'https-only'],
    ['https://169.254.169.254/latest/meta-data/', 'private-address'],
    ['https://10.0.0.1/wallet', 'private-address'],
    ['http://127.0.0.1:3306', 'https-only'],
    ['https://127.0.0.1:3306', 'private-address'],
    ['https://localhost:6379', 'private-address'],
    ['https://[::1]:3306', 'private-address'],
    ['https://0x7f000001/', 'private-address'],
    ['https://2130706433/', 'private-address'],
    ['https://0177.0.0.1/', 'private-address'],
    ['https://[::ffff:127.0.0.1]/', 'private-address'],
    ['https://[::ffff:a9fe:a9fe]/', 'private-address'],
    ['https://[fd00::1]/', 'private-address'],
    ['https://[fe80::1]/', 'private-address'],
    ['https://0.0.0.0/', 'private-address'],
    ['https://224.0.0.1/', 'private-address'],
    ['https://192.168.1.10/', 'private-address'],
    ['https://172.16.0.1/', 'private-address'],
    ['https://100.64.0.1/', 'private-address'],
    ['https://metadata.google.internal/computeMetadata/v1/', 'metadata-host'],
    ['https://METADATA.google.internal./', 'metadata-host'],
    ['https://user:pa55@wallet.example.com/cb', 'credentials'],
    ['https://user@wallet.example.com/cb', 'credentials'],
    ['ftp://wallet.example.com/', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['not a url', 'url'],
  ];
  for (const [url, rule] of cases) expect({ url, rule: await ruleOf(url, production) }).toEqual({ url, rule });
  expect(await ruleOf('https://93.184.216.34/wallet', production)).toBe('accepted');
  expect(await ruleOf('https://[2606:4700::1111]/wallet', production)).toBe('accepted');
});

test('outside production loopback is allowed (tests, the sandbox wallet); the other private ranges are not', async () => {
  for (const url of [
    'http://127.0.0.1:3306',
    'http://localhost:6379',
    'http://[::1]:3306',
    'http://0x7f000001/',
    'http://2130706433/',
  ]) {
    expect({ url, rule: await ruleOf(url, development) }).toEqual({ url, rule: 'accepted' });
  }
  for (const url of [
    'http://169.254.169.254/',
    'http://10.0.0.1',
    'http://[::ffff:10.0.0.1]/',
    'http://metadata.google.internal/',
    'http://u:p@127.0.0.1/',
  ]) {
    expect({ url, accepted: (await ruleOf(url, development)) === 'accepted' }).toEqual({ url, accepted: false });
  }
});

test('a name is judged by every address it resolves to; CALLBACK_ALLOWED_HOSTS exempts a host from the address rule only', async () => {
  const hosts: Record<string, string[]> = {
    'wallet.partner.test': ['93.184.216.34'],
    'sneaky.partner.test': ['93.184.216.34', '10.1.2.3'],
    'internal-wallet.corp': ['10.20.30.40'],
  };
  useCallbackResolver(async (host) => hosts[host] ?? Promise.reject(new Error('ENOTFOUND')));
  expect(await ruleOf('https://wallet.partner.test/cb', production)).toBe('accepted');
  const sneaky = await judgeCallbackUrl('https://sneaky.partner.test/cb', production);
  expect(sneaky).toEqual({
    ok: false,
    rule: 'private-address',
    message: expect.stringContaining('sneaky.partner.test resolves to 10.1.2.3 is a private address'),
  });
  expect(await ruleOf('https://internal-wallet.corp/cb', production)).toBe('private-address');
  const exempt: CallbackUrlPolicy = { production: true, allowedHosts: ['internal-wallet.corp'] };
  expect(await ruleOf('https://internal-wallet.corp/cb', exempt)).toBe('accepted');
  expect(await ruleOf('http://internal-wallet.corp/cb', exempt)).toBe('https-only');
  expect(await ruleOf('https://u:p@internal-wallet.corp/cb', exempt)).toBe('credentials');
  // A name that does not resolve (yet) reaches nothing now; every connection is checked again.
  expect(await ruleOf('https://not-yet-live.partner.test/cb', production)).toBe('accepted');
});

test('the message names the rule', () => {
  const verdict = judgeCallbackUrlSyntax('https://169.254.169.254/', production);
  expect(verdict).toEqual({
    ok: false,
    rule: 'private-address',
    message: '169.254.169.254 is a linkLocal address, not a public one (rule: private-address)',
  });
});
