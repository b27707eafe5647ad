// Risk covered: /health answering 200 while the demo world a newcomer is told about is not there yet
// (a script or load balancer that waits for 200 would then find no demo operators). The test holds the
// seeding back with a lock on the demo provider's key, sees 503 `starting`, lets it go, and sees 200
// with the demo operators in place.
import mysql from 'mysql2/promise';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { migrate } from '../../src/db/migrate';
import { DEMO_PROVIDER_ID } from '../../src/demo/demoStudio';
import { RunningServer, startServer } from '../../src/server';
import { freePort } from '../support/spawnedServer';
import { testEnv } from '../support/testServer';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { until } from '../support/until';

const databaseUrl = uniqueDatabaseUrl('healthstart');
jest.setTimeout(60_000);

afterAll(async () => {
  await dropDatabase(databaseUrl);
});

async function health(url: string): Promise<{ status: number; body: Record<string, unknown> } | null> {
  try {
    const response = await fetch(`${url}/health`);
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  } catch {
    return null; // not listening yet
  }
}

test('/health answers 503 "starting" until the demo world is seeded, then 200', async () => {
  await migrate(parseDatabaseUrl(databaseUrl));
  const holder = await mysql.createConnection(databaseUrl);
  let server: RunningServer | undefined;
  try {
    // A locking read of the missing key takes a gap lock: the seeder's insert of the demo studio waits.
    await holder.query('START TRANSACTION');
    await holder.query('SELECT id FROM providers WHERE provider_id = ? FOR UPDATE', [DEMO_PROVIDER_ID]);
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfig(testEnv(databaseUrl, { PORT: String(port), DEMO_SEED: 'true' }));
    const starting = startServer(config, pino({ level: 'silent' }));

    const early = await until('the port open', () => health(url), 30_000, 20);
    expect(early).toMatchObject({ status: 503, body: { status: 'starting', starting: 'seeding the demo world' } });
    // Everything else is fine: only the seeding keeps it from ready.
    expect(early!.body).toMatchObject({ database: { ok: true }, redis: { ok: true } });
    expect((await health(url))!.status).toBe(503);

    await holder.query('ROLLBACK');
    server = await starting;
    expect(server.demo).toBeDefined();
    const ready = await health(url);
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok' } });
    const [rows] = await holder.query('SELECT agent_id FROM operators ORDER BY agent_id');
    expect((rows as { agent_id: string }[]).map((r) => r.agent_id)).toEqual(['demo-seamless', 'demo-transfer']);
  } finally {
    await holder.end();
    await server?.close();
  }
});

test('/health is 200 at once when there is no demo world to seed', async () => {
  const port = await freePort();
  const config = loadConfig(testEnv(databaseUrl, { PORT: String(port), DEMO_SEED: 'false' }));
  const server = await startServer(config, pino({ level: 'silent' }), { workers: false });
  try {
    expect(await health(server.url)).toMatchObject({ status: 200, body: { status: 'ok' } });
  } finally {
    await server.close();
  }
});
