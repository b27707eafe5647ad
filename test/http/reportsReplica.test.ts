// Risk covered: REPORTS_DATABASE_URL (a read replica for reports) named but not used, so heavy report
// reads still land on the primary beside the bets; or the freshness read from another database than
// the figures (a lagging replica must say how far it has folded, not what the primary has).
import { Pool } from 'mysql2/promise';
import { ConfigError, loadConfig } from '../../src/config';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { migrate } from '../../src/db/migrate';
import { AdminClient, SignedClient } from '../support/clients';
import { operatorIdOf, providerIdOf, seedGgrDaily, setFeedSequencer } from '../support/ggrSeed';
import { assertionPool, dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { TestServer, startTestServer, testEnv } from '../support/testServer';

let replicaUrl: string;
let replica: Pool;
let server: TestServer;
let admin: AdminClient;
let operator: SignedClient;

beforeAll(async () => {
  // The "replica": a database of the same schema whose figures differ from the primary's.
  replicaUrl = uniqueDatabaseUrl('ggrreplica');
  await migrate(parseDatabaseUrl(replicaUrl));
  replica = assertionPool(replicaUrl);
  server = await startTestServer('ggrprimary', { REPORTS_DATABASE_URL: replicaUrl }, { workers: false });
  admin = await server.admin();
  operator = await admin.createOperator('replica-op', ['EUR']);
  await admin.createProvider('replica-studio');
  const operatorId = await operatorIdOf(server.db, 'replica-op');
  const providerId = await providerIdOf(server.db, 'replica-studio');
  const row = (betCount: number) => ({
    operatorId,
    day: '2026-11-01',
    providerId,
    gameId: 1,
    currency: 'EUR',
    betCount,
    betsMinor: betCount * 100,
    betsBase: String(betCount),
  });
  await seedGgrDaily(server.db, [row(1)]);
  await setFeedSequencer(server.db, 600, new Date('2026-11-02T00:00:00Z'));
  await seedGgrDaily(replica, [row(9)]);
  await setFeedSequencer(replica, 500, new Date('2026-11-01T23:59:00Z'));
});

afterAll(async () => {
  await server?.close();
  await replica?.end();
  if (replicaUrl) await dropDatabase(replicaUrl);
});

const NOVEMBER = { from: '2026-11-01', to: '2026-12-01' };

test('operator and staff reports read the replica: its figures and its own freshness', async () => {
  // The operator and its signature were checked on the primary; only the figures come from the replica.
  const answer = await operator.call('/v1/reports/ggr', NOVEMBER);
  expect(answer).toMatchObject({ code: 0, totals: { betCount: 9, bets: 9 } });
  expect(answer.freshness).toEqual({ asOf: '2026-11-01T23:59:00.000Z', lastSeq: '500' });
  const staff = await admin.ok('/admin/v1/reports/ggr', NOVEMBER);
  expect(staff.totals).toMatchObject({ betCount: 9 });
});

test('REPORTS_DATABASE_URL that is not a MySQL URL stops start-up, naming the variable', () => {
  expect(() => loadConfig(testEnv(server.databaseUrl, { REPORTS_DATABASE_URL: 'http://replica:3306/casino' }))).toThrow(
    ConfigError,
  );
  try {
    loadConfig(testEnv(server.databaseUrl, { REPORTS_DATABASE_URL: 'http://replica:3306/casino' }));
  } catch (error) {
    expect((error as ConfigError).problems.join('\n')).toMatch(/REPORTS_DATABASE_URL/);
  }
  const config = loadConfig(testEnv(server.databaseUrl, {}));
  expect(config.reportsDatabaseUrl).toBeNull();
  expect(config.baseCurrency).toBe('EUR');
  expect(() => loadConfig(testEnv(server.databaseUrl, { BASE_CURRENCY: 'XYZ' }))).toThrow(/BASE_CURRENCY/);
});
