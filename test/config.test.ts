// Risk covered: a server that starts on a wrong or half-understood configuration (a typo served as a
// default, a production process signing tokens with a throwaway secret or without an admin), or that
// makes the operator fix bad values one restart at a time (PROTOCOL §9 environment table).
import { Config, ConfigError, DEVELOPMENT_SECRETS_KEY, loadConfig } from '../src/config';

const GOOD_SECRET = 'a-production-jwt-secret-of-more-than-32-chars';
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: GOOD_SECRET,
  SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
  ADMIN_USERNAME: 'ops-admin',
  ADMIN_PASSWORD: 'correct-horse-battery',
  METRICS_TOKEN: 'a-metrics-scrape-token',
};

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    // The message shown at start-up carries every problem.
    for (const problem of problems) expect((error as ConfigError).message).toContain(problem);
    return problems;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

describe('defaults (PROTOCOL §9)', () => {
  let config: Config;
  beforeAll(() => {
    config = loadConfig({});
  });

  test('every documented default', () => {
    expect(config).toMatchObject({
      port: 3000,
      signWindowS: 30,
      sessionTtlS: 14_400,
      roundTtlS: 172_800,
      callbackTimeoutMs: 5_000,
      callbackRetryAttempts: 50,
      callbackRetryDelayMs: 10_000,
      callbackRetryTimeoutMs: 10_000,
      databaseUrl: 'mysql://root@127.0.0.1:3306/casino',
      redis: { kind: 'single', url: 'redis://127.0.0.1:6379' },
      admin: null,
    });
  });

  test('empty values count as unset', () => {
    expect(loadConfig({ PORT: '', SIGN_WINDOW_S: '', DATABASE_URL: '', REDIS_URL: '' })).toMatchObject({
      port: 3000,
      signWindowS: 30,
      databaseUrl: 'mysql://root@127.0.0.1:3306/casino',
      redis: { kind: 'single', url: 'redis://127.0.0.1:6379' },
    });
  });

  test('given values win over the defaults', () => {
    expect(
      loadConfig({
        PORT: '8080',
        SIGN_WINDOW_S: '5',
        SESSION_TTL_S: '60',
        ROUND_TTL_S: '3600',
        CALLBACK_TIMEOUT_MS: '250',
        CALLBACK_RETRY_ATTEMPTS: '3',
        CALLBACK_RETRY_DELAY_MS: '100',
        CALLBACK_RETRY_TIMEOUT_MS: '200',
        DATABASE_URL: 'mariadb://app:pw@db.internal:3307/casino_prod',
        REDIS_URL: 'redis://cache.internal:6380/2',
        ADMIN_USERNAME: 'first.admin',
        ADMIN_PASSWORD: 'twelve-chars',
      }),
    ).toMatchObject({
      port: 8080,
      signWindowS: 5,
      sessionTtlS: 60,
      roundTtlS: 3600,
      callbackTimeoutMs: 250,
      callbackRetryAttempts: 3,
      callbackRetryDelayMs: 100,
      callbackRetryTimeoutMs: 200,
      databaseUrl: 'mariadb://app:pw@db.internal:3307/casino_prod',
      redis: { kind: 'single', url: 'redis://cache.internal:6380/2' },
      admin: { username: 'first.admin', password: 'twelve-chars' },
    });
  });

  test('PORT=0 (any free port, used by tests) is accepted', () => {
    expect(loadConfig({ PORT: '0' }).port).toBe(0);
  });
});

describe('a bad value is refused with a message naming its variable', () => {
  test.each([
    ['PORT', { PORT: 'abc' }],
    ['PORT', { PORT: '65536' }],
    ['PORT', { PORT: '80.5' }],
    ['PORT', { PORT: '-1' }],
    ['SIGN_WINDOW_S', { SIGN_WINDOW_S: '-1' }],
    ['SIGN_WINDOW_S', { SIGN_WINDOW_S: '0' }],
    ['SIGN_WINDOW_S', { SIGN_WINDOW_S: '30s' }],
    ['SESSION_TTL_S', { SESSION_TTL_S: '1e3' }],
    ['ROUND_TTL_S', { ROUND_TTL_S: 'two days' }],
    ['CALLBACK_TIMEOUT_MS', { CALLBACK_TIMEOUT_MS: '0' }],
    ['CALLBACK_RETRY_ATTEMPTS', { CALLBACK_RETRY_ATTEMPTS: '-5' }],
    ['CALLBACK_RETRY_DELAY_MS', { CALLBACK_RETRY_DELAY_MS: '10 000' }],
    ['CALLBACK_RETRY_TIMEOUT_MS', { CALLBACK_RETRY_TIMEOUT_MS: '99999999999999999999' }],
    ['DATABASE_URL', { DATABASE_URL: 'postgres://x' }],
    ['DATABASE_URL', { DATABASE_URL: 'not a url' }],
    ['REDIS_URL', { REDIS_URL: 'http://127.0.0.1:6379' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'first-admin' }],
    ['ADMIN_USERNAME', { ADMIN_PASSWORD: 'a-long-enough-password' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: 'short' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: '12345678901' }],
    ['ADMIN_USERNAME', { ADMIN_USERNAME: 'no spaces allowed', ADMIN_PASSWORD: 'a-long-enough-password' }],
    ['JWT_SECRET', { JWT_SECRET: 'too-short' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: '123456789012' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: 'aaaaaaaaaaaa' }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: ' '.repeat(12) }],
    ['ADMIN_PASSWORD', { ADMIN_USERNAME: 'first-admin-x', ADMIN_PASSWORD: 'first-admin-x' }],
    ['TRUST_PROXY', { TRUST_PROXY: 'yes' }],
    ['ADMIN_REQUIRE_TOTP', { ADMIN_REQUIRE_TOTP: 'maybe' }],
    ['METRICS_TOKEN', { METRICS_TOKEN: 'short' }],
  ] as const)('%s in %j', (variable, env) => {
    const problems = problemsOf(env);
    expect(problems.some((p) => p.includes(variable))).toBe(true);
  });

  test('the offending value is quoted back', () => {
    expect(problemsOf({ PORT: 'abc' }).join('\n')).toContain('"abc"');
  });

  test('an ADMIN_PASSWORD of 12 characters that is not easily guessed is enough; the refusal says why', () => {
    expect(loadConfig({ ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: 'vK8#qp2!Lm4z' }).admin).toEqual({
      username: 'first-admin',
      password: 'vK8#qp2!Lm4z',
    });
    expect(problemsOf({ ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: '123456789012' }).join('\n')).toMatch(
      /ADMIN_PASSWORD is too easy to guess/,
    );
  });
});

describe('several bad values are all reported at once', () => {
  test('bad formats', () => {
    const problems = problemsOf({
      PORT: 'abc',
      SIGN_WINDOW_S: '-1',
      DATABASE_URL: 'postgres://x',
      CALLBACK_TIMEOUT_MS: 'soon',
    });
    for (const variable of ['PORT', 'SIGN_WINDOW_S', 'DATABASE_URL', 'CALLBACK_TIMEOUT_MS']) {
      expect({ variable, reported: problems.some((p) => p.includes(variable)) }).toEqual({ variable, reported: true });
    }
  });

  test('bad rules between variables', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      ADMIN_USERNAME: 'first-admin',
      ADMIN_PASSWORD: 'short',
      JWT_SECRET: '',
    });
    for (const variable of ['JWT_SECRET', 'ADMIN_PASSWORD']) {
      expect({ variable, reported: problems.some((p) => p.includes(variable)) }).toEqual({ variable, reported: true });
    }
  });

  test('a bad format together with a bad rule between variables', () => {
    const problems = problemsOf({ PORT: 'abc', ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: 'short' });
    for (const variable of ['PORT', 'ADMIN_PASSWORD']) {
      expect({ variable, reported: problems.some((p) => p.includes(variable)) }).toEqual({ variable, reported: true });
    }
  });
});

describe('production and development', () => {
  test('production with everything set starts, with the given secret', () => {
    const config = loadConfig(PRODUCTION);
    expect(config).toMatchObject({
      nodeEnv: 'production',
      jwtSecret: GOOD_SECRET,
      jwtSecretIsEphemeral: false,
      admin: { username: 'ops-admin', password: 'correct-horse-battery' },
    });
  });

  test('production without JWT_SECRET is refused', () => {
    const { JWT_SECRET: _omit, ...env } = PRODUCTION;
    expect(problemsOf(env).some((p) => p.includes('JWT_SECRET'))).toBe(true);
    expect(problemsOf({ ...env, JWT_SECRET: '' }).some((p) => p.includes('JWT_SECRET'))).toBe(true);
  });

  test('production without METRICS_TOKEN is refused; TOTP for admins is on by default there only', () => {
    const { METRICS_TOKEN: _m, ...env } = PRODUCTION;
    expect(problemsOf(env).some((p) => p.includes('METRICS_TOKEN'))).toBe(true);
    expect(loadConfig(PRODUCTION)).toMatchObject({
      adminRequireTotp: true,
      metricsToken: 'a-metrics-scrape-token',
      trustProxyHops: 0,
    });
    expect(loadConfig({ ...PRODUCTION, ADMIN_REQUIRE_TOTP: 'false', TRUST_PROXY: '2' })).toMatchObject({
      adminRequireTotp: false,
      trustProxyHops: 2,
    });
    expect(loadConfig({})).toMatchObject({ adminRequireTotp: false, metricsToken: null });
  });

  test('production without admin credentials is refused', () => {
    const { ADMIN_USERNAME: _u, ADMIN_PASSWORD: _p, ...env } = PRODUCTION;
    const problems = problemsOf(env);
    expect(problems.some((p) => p.includes('ADMIN_USERNAME') && p.includes('ADMIN_PASSWORD'))).toBe(true);
  });

  test('development without JWT_SECRET gets a strong random secret, flagged ephemeral, new for each process', () => {
    const a = loadConfig({ NODE_ENV: 'development' });
    const b = loadConfig({});
    expect(a.nodeEnv).toBe('development');
    expect(b.nodeEnv).toBe('development');
    for (const config of [a, b]) {
      expect(config.jwtSecretIsEphemeral).toBe(true);
      expect(config.jwtSecret.length).toBeGreaterThanOrEqual(32);
    }
    expect(a.jwtSecret).not.toBe(b.jwtSecret);
  });

  test('development with JWT_SECRET uses it and is not ephemeral', () => {
    expect(loadConfig({ JWT_SECRET: GOOD_SECRET })).toMatchObject({
      jwtSecret: GOOD_SECRET,
      jwtSecretIsEphemeral: false,
    });
  });

  test('an unknown NODE_ENV is refused rather than treated as development', () => {
    expect(problemsOf({ NODE_ENV: 'prod' }).some((p) => p.includes('NODE_ENV'))).toBe(true);
  });
});

describe('Redis: one node, Sentinel or Cluster (PROTOCOL §13)', () => {
  test('REDIS_SENTINELS with REDIS_SENTINEL_NAME: the Sentinels (default port 26379), the master name, credentials and index for the master', () => {
    expect(
      loadConfig({
        REDIS_SENTINELS: 'redis://app:pw@s1.internal:26380/3,redis://app:pw@s2.internal/3',
        REDIS_SENTINEL_NAME: 'casino',
      }).redis,
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: 's1.internal', port: 26380 },
        { host: 's2.internal', port: 26379 },
      ],
      name: 'casino',
      db: 3,
      access: { username: 'app', password: 'pw', tls: false },
    });
  });

  test('REDIS_CLUSTER_NODES: the seed nodes (default port 6379), plain host:port or URLs', () => {
    expect(loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7001,127.0.0.1:7002, 127.0.0.1:7003' }).redis).toEqual({
      kind: 'cluster',
      nodes: [
        { host: '127.0.0.1', port: 7001 },
        { host: '127.0.0.1', port: 7002 },
        { host: '127.0.0.1', port: 7003 },
      ],
      access: { tls: false },
    });
    expect(
      loadConfig({ REDIS_CLUSTER_NODES: 'rediss://:secret@c1.internal,rediss://:secret@c2.internal:7000' }).redis,
    ).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'c1.internal', port: 6379 },
        { host: 'c2.internal', port: 7000 },
      ],
      access: { password: 'secret', tls: true },
    });
  });

  test('a /N database index with REDIS_CLUSTER_NODES is refused, naming the index (Cluster has no SELECT)', () => {
    const problems = problemsOf({ REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7001/2,redis://127.0.0.1:7002/2' });
    expect(problems).toEqual([expect.stringContaining('REDIS_CLUSTER_NODES')]);
    expect(problems[0]).toContain('SELECT is not allowed in cluster mode');
    expect(problems[0]).toContain('"/2"');
  });

  test.each([
    [
      'REDIS_URL and REDIS_CLUSTER_NODES',
      { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_CLUSTER_NODES: '127.0.0.1:7001' },
    ],
    [
      'REDIS_URL and REDIS_SENTINELS',
      { REDIS_URL: 'redis://127.0.0.1:6379', REDIS_SENTINELS: '127.0.0.1:27001', REDIS_SENTINEL_NAME: 'casino' },
    ],
    [
      'REDIS_SENTINELS and REDIS_CLUSTER_NODES',
      { REDIS_SENTINELS: '127.0.0.1:27001', REDIS_SENTINEL_NAME: 'casino', REDIS_CLUSTER_NODES: '127.0.0.1:7001' },
    ],
  ] as const)('more than one way at once is refused: %s', (_label, env) => {
    expect(problemsOf(env)).toEqual([
      expect.stringMatching(/^set only one of REDIS_URL, REDIS_SENTINELS .* and REDIS_CLUSTER_NODES/),
    ]);
  });

  test.each([
    ['REDIS_SENTINEL_NAME', { REDIS_SENTINELS: '127.0.0.1:27001' }],
    ['REDIS_SENTINEL_NAME', { REDIS_SENTINELS: '127.0.0.1:27001', REDIS_SENTINEL_NAME: 'has spaces' }],
    ['REDIS_SENTINELS', { REDIS_SENTINEL_NAME: 'casino' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: 'http://127.0.0.1:27001', REDIS_SENTINEL_NAME: 'casino' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: ' , ', REDIS_SENTINEL_NAME: 'casino' }],
    ['REDIS_SENTINELS', { REDIS_SENTINELS: 'redis://127.0.0.1:27001/x', REDIS_SENTINEL_NAME: 'casino' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: '127.0.0.1:notaport' }],
    ['REDIS_CLUSTER_NODES', { REDIS_CLUSTER_NODES: 'redis://:a@127.0.0.1:7001,redis://:b@127.0.0.1:7002' }],
  ] as const)('%s in %j is refused with a message naming it', (variable, env) => {
    expect(problemsOf(env).some((p) => p.includes(variable))).toBe(true);
  });

  test('empty REDIS_SENTINELS / REDIS_CLUSTER_NODES count as unset', () => {
    expect(
      loadConfig({ REDIS_SENTINELS: '', REDIS_CLUSTER_NODES: '', REDIS_URL: 'redis://127.0.0.1:6380' }).redis,
    ).toEqual({ kind: 'single', url: 'redis://127.0.0.1:6380' });
  });

  test('Redis problems are reported together with the others', () => {
    const problems = problemsOf({ PORT: 'abc', REDIS_CLUSTER_NODES: '127.0.0.1:7001/1' });
    expect(problems.some((p) => p.includes('PORT'))).toBe(true);
    expect(problems.some((p) => p.includes('REDIS_CLUSTER_NODES'))).toBe(true);
  });
});

describe('SECRETS_KEY and CALLBACK_ALLOWED_HOSTS (PROTOCOL §10)', () => {
  test('production refuses to start without SECRETS_KEY; outside production the public development key is used', () => {
    const { SECRETS_KEY: _omitted, ...withoutKey } = PRODUCTION;
    expect(problemsOf(withoutKey).some((p) => p.includes('SECRETS_KEY is required'))).toBe(true);
    const development = loadConfig({});
    expect(development.secretsKeyIsDevelopment).toBe(true);
    expect(development.secretsKeyring.current.key).toEqual(DEVELOPMENT_SECRETS_KEY);
    const production = loadConfig(PRODUCTION);
    expect(production.secretsKeyIsDevelopment).toBe(false);
    expect(production.secretsKeyring.current.key).toEqual(Buffer.alloc(32, 7));
  });

  test('a SECRETS_KEY that is not 32 bytes of base64 is refused, naming the variable', () => {
    for (const bad of [
      'short',
      Buffer.alloc(16).toString('base64'),
      Buffer.alloc(33).toString('base64'),
      'not base64 at all!!',
    ]) {
      expect(problemsOf({ SECRETS_KEY: bad }).some((p) => p.startsWith('SECRETS_KEY must be 32 bytes'))).toBe(true);
    }
    expect(
      problemsOf({ SECRETS_KEY_PREVIOUS: 'short' }).some((p) => p.startsWith('SECRETS_KEY_PREVIOUS must be 32 bytes')),
    ).toBe(true);
    const ring = loadConfig({
      SECRETS_KEY: Buffer.alloc(32, 2).toString('base64'),
      SECRETS_KEY_PREVIOUS: Buffer.alloc(32, 3).toString('base64'),
    }).secretsKeyring;
    expect(ring.decryptOnly.map((k) => k.key)).toEqual([Buffer.alloc(32, 3)]);
  });

  test('CALLBACK_ALLOWED_HOSTS is a comma-separated list of host names, lower-cased', () => {
    expect(loadConfig({ CALLBACK_ALLOWED_HOSTS: ' Wallet.Internal ,, pay.local' }).callbackAllowedHosts).toEqual([
      'wallet.internal',
      'pay.local',
    ]);
    expect(loadConfig({}).callbackAllowedHosts).toEqual([]);
  });
});
