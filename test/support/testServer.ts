/** An API server started in this process on a free port, with its own database. */
import { Pool } from 'mysql2/promise';
import pino from 'pino';
import { Config, loadConfig } from '../../src/config';
import { RunningServer, startServer } from '../../src/server';
import { AdminClient } from './clients';
import { assertionPool, dropDatabase, uniqueDatabaseUrl } from './testDatabase';

export const TEST_ADMIN = { username: 'root-admin', password: 'root-admin-password' };
export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';

export interface TestServer {
  readonly url: string;
  readonly config: Config;
  readonly databaseUrl: string;
  /** A separate pool for assertions on what the server stored. */
  readonly db: Pool;
  admin(): Promise<AdminClient>;
  close(): Promise<void>;
}

export function testEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    PORT: '0',
    JWT_SECRET: TEST_JWT_SECRET,
    ADMIN_USERNAME: TEST_ADMIN.username,
    ADMIN_PASSWORD: TEST_ADMIN.password,
    LOG_LEVEL: 'silent',
    ...extra,
  };
}

/**
 * `shareDatabaseOf`: a second server on the database (and Redis) of one already running, as a second
 * API process behind a load balancer would be; its close() leaves the database to the first.
 * `workers: false`: an API process only, without delivery workers and sweepers (nothing changes rows
 * behind the test's back).
 */
export async function startTestServer(
  label: string,
  env: Record<string, string> = {},
  options: { shareDatabaseOf?: TestServer; workers?: boolean } = {},
): Promise<TestServer> {
  const owner = options.shareDatabaseOf === undefined;
  const databaseUrl = options.shareDatabaseOf?.databaseUrl ?? uniqueDatabaseUrl(label);
  const config = loadConfig(testEnv(databaseUrl, env));
  // TEST_LOG_LEVEL=error (say) shows what the server logs while a test runs.
  const server: RunningServer = await startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), {
    workers: options.workers ?? true,
  });
  const db = assertionPool(databaseUrl);
  let adminClient: AdminClient | undefined;
  return {
    url: server.url,
    config,
    databaseUrl,
    db,
    admin: async () => (adminClient ??= await AdminClient.login(server.url, TEST_ADMIN.username, TEST_ADMIN.password)),
    close: async () => {
      await server.close();
      await db.end();
      if (owner) await dropDatabase(databaseUrl);
    },
  };
}

/**
 * Another API server on the database of `first` (as a second process would be: its own pools, caller
 * cache and Redis subscriber). Closing it leaves the database to `first`.
 */
export async function startSecondServer(first: TestServer, env: Record<string, string> = {}): Promise<TestServer> {
  const config = loadConfig(testEnv(first.databaseUrl, env));
  const server: RunningServer = await startServer(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }));
  const db = assertionPool(first.databaseUrl);
  let adminClient: AdminClient | undefined;
  return {
    url: server.url,
    config,
    databaseUrl: first.databaseUrl,
    db,
    admin: async () => (adminClient ??= await AdminClient.login(server.url, TEST_ADMIN.username, TEST_ADMIN.password)),
    close: async () => {
      await server.close();
      await db.end();
    },
  };
}
