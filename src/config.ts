/**
 * Configuration from the environment (PROTOCOL §9), validated once at start-up. Each bad value gets a
 * message naming the variable, and start-up stops before anything is served.
 */
import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { isKnownCurrency } from './domain/currencies';
import { passwordProblem } from './domain/passwordPolicy';
import { parseDatabaseUrl } from './db/databaseUrl';
import { RedisTopology, redisTopologyProblems } from './jobs/redisTopology';
import { SECRETS_KEY_BYTES, SecretKeyring, keyringOf } from './domain/secretEnvelope';

const positiveInt = (name: string, fallback: number) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return fallback;
      if (!/^\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a positive integer, got "${raw}"` });
        return z.NEVER;
      }
      return Number(raw);
    });

const urlWithProtocol = (name: string, protocols: string[], fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw === undefined || raw === '' ? fallback : raw;
      try {
        const url = new URL(value);
        if (!protocols.includes(url.protocol)) throw new Error('protocol');
        return value;
      } catch {
        ctx.addIssue({ code: 'custom', message: `${name} must be a ${protocols.join(' or ')}// URL, got "${value}"` });
        return z.NEVER;
      }
    });

/** DATABASE_URL may list several hosts (PROTOCOL §13), which WHATWG URL refuses: parsed by our own parser. */
const databaseUrl = (name: string, fallback: string) =>
  z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw === undefined || raw === '' ? fallback : raw;
      try {
        parseDatabaseUrl(value);
        return value;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `${name}: ${(error as Error).message}, got "${value}"` });
        return z.NEVER;
      }
    });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).optional().default('development'),
  DATABASE_URL: databaseUrl('DATABASE_URL', 'mysql://root@127.0.0.1:3306/casino'),
  REDIS_URL: urlWithProtocol('REDIS_URL', ['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  /** Sentinel failover and Redis Cluster (PROTOCOL §13); read by redisTopology.ts, exclusive with REDIS_URL. */
  REDIS_SENTINELS: z.string().optional(),
  REDIS_SENTINEL_NAME: z.string().optional(),
  REDIS_CLUSTER_NODES: z.string().optional(),
  PORT: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return 3000;
      const port = Number(raw);
      if (!/^\d+$/.test(raw) || port > 65535) {
        ctx.addIssue({ code: 'custom', message: `PORT must be an integer from 0 to 65535, got "${raw}"` });
        return z.NEVER;
      }
      return port;
    }),
  JWT_SECRET: z.string().optional(),
  ADMIN_USERNAME: z.string().optional(),
  ADMIN_PASSWORD: z.string().optional(),
  SIGN_WINDOW_S: positiveInt('SIGN_WINDOW_S', 30),
  SESSION_TTL_S: positiveInt('SESSION_TTL_S', 14_400),
  ROUND_TTL_S: positiveInt('ROUND_TTL_S', 172_800),
  CALLBACK_TIMEOUT_MS: positiveInt('CALLBACK_TIMEOUT_MS', 5_000),
  CALLBACK_RETRY_ATTEMPTS: positiveInt('CALLBACK_RETRY_ATTEMPTS', 50),
  CALLBACK_RETRY_DELAY_MS: positiveInt('CALLBACK_RETRY_DELAY_MS', 10_000),
  CALLBACK_RETRY_TIMEOUT_MS: positiveInt('CALLBACK_RETRY_TIMEOUT_MS', 10_000),
  /** Deliveries one worker process attempts at once, and per operator across all processes. */
  CALLBACK_WORKER_CONCURRENCY: positiveInt('CALLBACK_WORKER_CONCURRENCY', 32),
  CALLBACK_OPERATOR_CONCURRENCY: positiveInt('CALLBACK_OPERATOR_CONCURRENCY', 32),
  // ---- Certification and circuit breaker (PROTOCOL §6.3) ----
  CALLBACK_BREAKER_FAILURES: positiveInt('CALLBACK_BREAKER_FAILURES', 5),
  CALLBACK_BREAKER_OPEN_S: positiveInt('CALLBACK_BREAKER_OPEN_S', 30),
  /** Connections of the hot-path mysql2 pool (money calls). */
  DB_POOL_SIZE: positiveInt('DB_POOL_SIZE', 20),
  /** Connections of Prisma's pool (admin and back-office calls). */
  PRISMA_POOL_SIZE: positiveInt('PRISMA_POOL_SIZE', 5),
  /** How long a caller waits for a free mysql2 connection before a retryable refusal (503, code 1). */
  DB_ACQUIRE_TIMEOUT_MS: positiveInt('DB_ACQUIRE_TIMEOUT_MS', 5_000),
  /** innodb_lock_wait_timeout of every hot-path session: a row lock waited for longer fails the statement. */
  DB_LOCK_WAIT_TIMEOUT_S: positiveInt('DB_LOCK_WAIT_TIMEOUT_S', 10),
  /** Tries of one transaction refused by a deadlock, lock-wait timeout or Galera certification conflict. */
  DB_TRANSACTION_ATTEMPTS: positiveInt('DB_TRANSACTION_ATTEMPTS', 8),
  /** How often, with several DATABASE_URL hosts, the current host is checked for readiness. */
  DB_HOST_CHECK_MS: positiveInt('DB_HOST_CHECK_MS', 1_000),
  /** How long SIGTERM waits for in-flight requests before closing anyway. */
  SHUTDOWN_TIMEOUT_MS: positiveInt('SHUTDOWN_TIMEOUT_MS', 10_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional().default('info'),
  /** Seed the demo world at start-up (src/demo/seedDemo.ts); default on in development only. */
  DEMO_SEED: z
    .enum(['true', 'false', '1', '0', ''], {
      error: (issue) => `DEMO_SEED must be true or false, got "${String(issue.input)}"`,
    })
    .optional(),
  // ---- staff security (PROTOCOL §10)
  ADMIN_REQUIRE_TOTP: z
    .enum(['true', 'false', '1', '0', ''], {
      error: (issue) => `ADMIN_REQUIRE_TOTP must be true or false, got "${String(issue.input)}"`,
    })
    .optional(),
  METRICS_TOKEN: z.string().optional(),
  TRUST_PROXY: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return 0;
      if (!/^\d{1,2}$/.test(raw)) {
        ctx.addIssue({
          code: 'custom',
          message: `TRUST_PROXY must be the number of proxy hops to trust (0 to 99), got "${raw}"`,
        });
        return z.NEVER;
      }
      return Number(raw);
    }),
  // ---- Security (PROTOCOL §10): secrets at rest, callback URLs ----
  SECRETS_KEY: z.string().optional(),
  /** The key being replaced during `npm run secrets:rekey`: opens values, never seals. */
  SECRETS_KEY_PREVIOUS: z.string().optional(),
  /** Comma-separated host names exempt from the private-address rule for callback URLs. */
  CALLBACK_ALLOWED_HOSTS: z.string().optional(),
  // ---- Go-live, credit and fees (§11), FX rates and the feed (§12, §4) ----
  BASE_CURRENCY: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw === undefined || raw === '' ? 'EUR' : raw;
      if (!isKnownCurrency(value)) {
        ctx.addIssue({ code: 'custom', message: `BASE_CURRENCY must be a supported ISO 4217 code, got "${value}"` });
        return z.NEVER;
      }
      return value;
    }),
  DEFAULT_FEE_PERCENT: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      const value = raw === undefined || raw === '' ? '10' : raw;
      if (!/^\d{1,3}(\.\d{1,2})?$/.test(value) || Number(value) > 100) {
        ctx.addIssue({
          code: 'custom',
          message: `DEFAULT_FEE_PERCENT must be 0 to 100 with at most 2 decimals, got "${value}"`,
        });
        return z.NEVER;
      }
      return value;
    }),
  /** How often each worker process looks for ended days not yet billed. */
  BILLING_INTERVAL_MS: positiveInt('BILLING_INTERVAL_MS', 300_000),
  /** How often the feed sequencer numbers and folds new transactions (the feed's and the aggregate's lag). */
  FEED_SEQUENCER_INTERVAL_MS: positiveInt('FEED_SEQUENCER_INTERVAL_MS', 200),
  /** A replica for GGR reports; empty: a small pool of their own on DATABASE_URL. */
  REPORTS_DATABASE_URL: z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return null;
      try {
        parseDatabaseUrl(raw);
        return raw;
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `REPORTS_DATABASE_URL: ${(error as Error).message}, got "${raw}"` });
        return z.NEVER;
      }
    }),
  REPORTS_POOL_SIZE: positiveInt('REPORTS_POOL_SIZE', 4),
});

export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  /** Which Redis the queue, the leases and the cache notifications use: one node, Sentinel, or Cluster. */
  redis: RedisTopology;
  port: number;
  jwtSecret: string;
  /** True when JWT_SECRET was not given and a random one was made for this process only. */
  jwtSecretIsEphemeral: boolean;
  admin: { username: string; password: string } | null;
  signWindowS: number;
  sessionTtlS: number;
  roundTtlS: number;
  callbackTimeoutMs: number;
  callbackRetryAttempts: number;
  callbackRetryDelayMs: number;
  callbackRetryTimeoutMs: number;
  callbackWorkerConcurrency: number;
  callbackOperatorConcurrency: number;
  // ---- Certification and circuit breaker (PROTOCOL §6.3) ----
  /** Consecutive failed inline calls (Balance, Withdraw) that open an operator's breaker. */
  callbackBreakerFailures: number;
  /** How long an open breaker stays open before one half-open try. */
  callbackBreakerOpenS: number;
  dbPoolSize: number;
  prismaPoolSize: number;
  dbAcquireTimeoutMs: number;
  dbLockWaitTimeoutS: number;
  dbTransactionAttempts: number;
  dbHostCheckMs: number;
  shutdownTimeoutMs: number;
  logLevel: string;
  /** Seed the demo world (demo operators, studio, sandbox wallet players) at start-up. */
  demoSeed: boolean;
  /** Admin-role staff must turn on TOTP before anything else (ADMIN_REQUIRE_TOTP). */
  adminRequireTotp: boolean;
  /** Bearer token `GET /metrics` requires; null: open (outside production only). */
  metricsToken: string | null;
  /** Proxy hops whose X-Forwarded-For is believed for the client address (Express `trust proxy`). */
  trustProxyHops: number;
  // ---- Security (PROTOCOL §10) ----
  /** Seals callers' secrets at rest (SECRETS_KEY; the fixed development key outside production). */
  secretsKeyring: SecretKeyring;
  secretsKeyIsDevelopment: boolean;
  /** Lower-case host names exempt from the callback private-address rule (CALLBACK_ALLOWED_HOSTS). */
  callbackAllowedHosts: string[];
  // ---- Go-live, credit and fees (§11), FX rates and the feed (§12, §4) ----
  /** Currency of prepaid credit, fees, reports and amountBase (BASE_CURRENCY, default EUR); its rate is always 1. */
  baseCurrency: string;
  /** feePercent of operators created without one, as a decimal string (DEFAULT_FEE_PERCENT). */
  defaultFeePercent: string;
  billingIntervalMs: number;
  /** How often the feed sequencer numbers and folds new transactions (FEED_SEQUENCER_INTERVAL_MS). */
  feedSequencerIntervalMs: number;
  /** Where GGR reports read (REPORTS_DATABASE_URL, a replica); null: DATABASE_URL. */
  reportsDatabaseUrl: string | null;
  reportsPoolSize: number;
}

/**
 * The development key: fixed and public (it is in this file), so a development database survives
 * restarts; production refuses to start without SECRETS_KEY.
 */
export const DEVELOPMENT_SECRETS_KEY = createHash('sha256')
  .update('casino-aggregator development SECRETS_KEY (public, never for production)')
  .digest();
export const DEVELOPMENT_SECRETS_KEYRING = keyringOf(DEVELOPMENT_SECRETS_KEY);

/** A SECRETS_KEY value: 32 bytes in base64 (or base64url). */
export function parseSecretsKey(name: string, raw: string, problems: string[]): Buffer | null {
  const key = /^[A-Za-z0-9+/_-]+={0,2}$/.test(raw.trim()) ? Buffer.from(raw.trim(), 'base64') : Buffer.alloc(0);
  if (key.length !== SECRETS_KEY_BYTES) {
    problems.push(`${name} must be ${SECRETS_KEY_BYTES} bytes in base64 (for example: openssl rand -base64 32)`);
    return null;
  }
  return key;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The rules between the credential variables (JWT, first admin, metrics token). */
function credentialProblems(e: z.infer<typeof envSchema>, production: boolean): string[] {
  const problems: string[] = [];
  if (production && !e.JWT_SECRET) problems.push('JWT_SECRET is required when NODE_ENV=production');
  if (e.JWT_SECRET !== undefined && e.JWT_SECRET.length > 0 && e.JWT_SECRET.length < 32) {
    problems.push('JWT_SECRET must be at least 32 characters');
  }
  const hasUser = Boolean(e.ADMIN_USERNAME);
  const hasPassword = Boolean(e.ADMIN_PASSWORD);
  if (hasUser !== hasPassword) problems.push('ADMIN_USERNAME and ADMIN_PASSWORD must be set together');
  if (production && !hasUser) problems.push('ADMIN_USERNAME and ADMIN_PASSWORD are required when NODE_ENV=production');
  if (e.ADMIN_USERNAME && !/^[A-Za-z0-9_.@-]{3,64}$/.test(e.ADMIN_USERNAME)) {
    problems.push('ADMIN_USERNAME must be 3 to 64 characters of [A-Za-z0-9_.@-]');
  }
  // The same rule as users/create, in every environment: a weak first admin is refused, not warned about.
  const adminPasswordProblem = e.ADMIN_PASSWORD ? passwordProblem(e.ADMIN_PASSWORD, e.ADMIN_USERNAME ?? '') : null;
  if (adminPasswordProblem) problems.push(`ADMIN_PASSWORD ${adminPasswordProblem}`);
  if (production && !e.METRICS_TOKEN) problems.push('METRICS_TOKEN is required when NODE_ENV=production');
  if (e.METRICS_TOKEN && e.METRICS_TOKEN.length < 16) problems.push('METRICS_TOKEN must be at least 16 characters');
  return problems;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: string[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ` : '') + issue.message);
  // The rules between variables read the raw values, so every problem is reported in one go.
  const e = parsed.success
    ? parsed.data
    : ({ ...env, NODE_ENV: env.NODE_ENV ?? 'development' } as unknown as z.infer<typeof envSchema>);
  const production = e.NODE_ENV === 'production';
  problems.push(...credentialProblems(e, production));
  const flag = (raw: string | undefined) =>
    raw === undefined || raw === '' ? undefined : raw === 'true' || raw === '1';
  const demoSeedRaw =
    e.DEMO_SEED === undefined || e.DEMO_SEED === '' ? undefined : e.DEMO_SEED === 'true' || e.DEMO_SEED === '1';
  if (production && demoSeedRaw)
    problems.push('DEMO_SEED cannot be on when NODE_ENV=production (the demo prints secrets)');
  if (production && !e.SECRETS_KEY)
    problems.push('SECRETS_KEY is required when NODE_ENV=production (32 bytes, base64: openssl rand -base64 32)');
  const secretsKey = e.SECRETS_KEY ? parseSecretsKey('SECRETS_KEY', e.SECRETS_KEY, problems) : DEVELOPMENT_SECRETS_KEY;
  const previousSecretsKey = e.SECRETS_KEY_PREVIOUS
    ? parseSecretsKey('SECRETS_KEY_PREVIOUS', e.SECRETS_KEY_PREVIOUS, problems)
    : null;
  const redis = redisTopologyProblems(env);
  problems.push(...redis.problems);
  if (problems.length || !parsed.success || !redis.topology) throw new ConfigError(problems);

  return {
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL,
    redis: redis.topology,
    port: e.PORT,
    jwtSecret: e.JWT_SECRET || randomBytes(48).toString('base64url'),
    jwtSecretIsEphemeral: !e.JWT_SECRET,
    admin: e.ADMIN_USERNAME && e.ADMIN_PASSWORD ? { username: e.ADMIN_USERNAME, password: e.ADMIN_PASSWORD } : null,
    signWindowS: e.SIGN_WINDOW_S,
    sessionTtlS: e.SESSION_TTL_S,
    roundTtlS: e.ROUND_TTL_S,
    callbackTimeoutMs: e.CALLBACK_TIMEOUT_MS,
    callbackRetryAttempts: e.CALLBACK_RETRY_ATTEMPTS,
    callbackRetryDelayMs: e.CALLBACK_RETRY_DELAY_MS,
    callbackRetryTimeoutMs: e.CALLBACK_RETRY_TIMEOUT_MS,
    callbackWorkerConcurrency: e.CALLBACK_WORKER_CONCURRENCY,
    callbackOperatorConcurrency: e.CALLBACK_OPERATOR_CONCURRENCY,
    callbackBreakerFailures: e.CALLBACK_BREAKER_FAILURES,
    callbackBreakerOpenS: e.CALLBACK_BREAKER_OPEN_S,
    dbPoolSize: e.DB_POOL_SIZE,
    prismaPoolSize: e.PRISMA_POOL_SIZE,
    dbAcquireTimeoutMs: e.DB_ACQUIRE_TIMEOUT_MS,
    dbLockWaitTimeoutS: e.DB_LOCK_WAIT_TIMEOUT_S,
    dbTransactionAttempts: e.DB_TRANSACTION_ATTEMPTS,
    dbHostCheckMs: e.DB_HOST_CHECK_MS,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    demoSeed: demoSeedRaw ?? e.NODE_ENV === 'development',
    adminRequireTotp: flag(e.ADMIN_REQUIRE_TOTP) ?? production,
    metricsToken: e.METRICS_TOKEN || null,
    trustProxyHops: e.TRUST_PROXY,
    secretsKeyring: keyringOf(secretsKey!, previousSecretsKey ? [previousSecretsKey] : []),
    secretsKeyIsDevelopment: !e.SECRETS_KEY,
    callbackAllowedHosts: (e.CALLBACK_ALLOWED_HOSTS ?? '')
      .split(',')
      .map((host) => host.trim().toLowerCase())
      .filter(Boolean),
    baseCurrency: e.BASE_CURRENCY,
    defaultFeePercent: e.DEFAULT_FEE_PERCENT,
    billingIntervalMs: e.BILLING_INTERVAL_MS,
    feedSequencerIntervalMs: e.FEED_SEQUENCER_INTERVAL_MS,
    reportsDatabaseUrl: e.REPORTS_DATABASE_URL,
    reportsPoolSize: e.REPORTS_POOL_SIZE,
  };
}

/** For entry points: the configuration, or the list of problems on stderr and exit 78 (EX_CONFIG). */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78);
    }
    throw error;
  }
}
