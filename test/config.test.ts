// Risk covered: a server that starts on a wrong or half-understood configuration (a typo served as a
// default, a production process signing tokens with a throwaway secret or without an admin), or that
// makes the operator fix bad values one restart at a time (PROTOCOL §9 environment table).
import { Config, ConfigError, loadConfig } from '../src/config';

const GOOD_SECRET = 'a-production-jwt-secret-of-more-than-32-chars';
const PRODUCTION = { NODE_ENV: 'production', JWT_SECRET: GOOD_SECRET, ADMIN_USERNAME: 'ops-admin', ADMIN_PASSWORD: 'correct-horse-battery', METRICS_TOKEN: 'a-metrics-scrape-token' };

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
      redisUrl: 'redis://127.0.0.1:6379',
      admin: null,
    });
  });

  test('empty values count as unset', () => {
    expect(loadConfig({ PORT: '', SIGN_WINDOW_S: '', DATABASE_URL: '', REDIS_URL: '' })).toMatchObject({
      port: 3000,
      signWindowS: 30,
      databaseUrl: 'mysql://root@127.0.0.1:3306/casino',
      redisUrl: 'redis://127.0.0.1:6379',
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
      redisUrl: 'redis://cache.internal:6380/2',
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
    expect(problemsOf({ ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: '123456789012' }).join('\n')).toMatch(/ADMIN_PASSWORD is too easy to guess/);
  });
});

describe('several bad values are all reported at once', () => {
  test('bad formats', () => {
    const problems = problemsOf({ PORT: 'abc', SIGN_WINDOW_S: '-1', DATABASE_URL: 'postgres://x', CALLBACK_TIMEOUT_MS: 'soon' });
    for (const variable of ['PORT', 'SIGN_WINDOW_S', 'DATABASE_URL', 'CALLBACK_TIMEOUT_MS']) {
      expect({ variable, reported: problems.some((p) => p.includes(variable)) }).toEqual({ variable, reported: true });
    }
  });

  test('bad rules between variables', () => {
    const problems = problemsOf({ NODE_ENV: 'production', ADMIN_USERNAME: 'first-admin', ADMIN_PASSWORD: 'short', JWT_SECRET: '' });
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
    expect(loadConfig(PRODUCTION)).toMatchObject({ adminRequireTotp: true, metricsToken: 'a-metrics-scrape-token', trustProxyHops: 0 });
    expect(loadConfig({ ...PRODUCTION, ADMIN_REQUIRE_TOTP: 'false', TRUST_PROXY: '2' })).toMatchObject({ adminRequireTotp: false, trustProxyHops: 2 });
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
    expect(loadConfig({ JWT_SECRET: GOOD_SECRET })).toMatchObject({ jwtSecret: GOOD_SECRET, jwtSecretIsEphemeral: false });
  });

  test('an unknown NODE_ENV is refused rather than treated as development', () => {
    expect(problemsOf({ NODE_ENV: 'prod' }).some((p) => p.includes('NODE_ENV'))).toBe(true);
  });
});
