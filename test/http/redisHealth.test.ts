// Risk covered: a process that says it is healthy while its callback queue cannot work (a Redis that
// answers PING but refuses every queue command, as a Cluster node does for slots it does not hold), a
// worker that then spins logging an error per failed fetch (48,292 MOVED lines in 12 s were seen), and a
// Redis Cluster configured with a database index it cannot SELECT (PROTOCOL §2 health, §13 Redis).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { RunningServer, startServer } from '../../src/server';
import { MAIN_JS, freePort } from '../support/spawnedServer';
import { OwnRedis, startOwnRedis } from '../support/redisServer';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { testEnv } from '../support/testServer';
import { sleep, until } from '../support/until';

jest.setTimeout(60_000);

interface Started {
  readonly server: RunningServer;
  readonly logLines: () => Record<string, unknown>[];
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
}, 60_000);

/** A server in this process whose warnings and errors are kept, to count what it logs. */
async function startLogged(label: string, env: Record<string, string>): Promise<Started> {
  const databaseUrl = uniqueDatabaseUrl(label);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  const server = await startServer(
    loadConfig(testEnv(databaseUrl, { SHUTDOWN_TIMEOUT_MS: '1000', ...env })),
    pino({ level: 'warn' }, sink),
  );
  cleanups.push(async () => {
    await server.close();
    await dropDatabase(databaseUrl);
  });
  return { server, logLines: () => lines };
}

async function health(url: string): Promise<{ status: number; body: any }> {
  const answer = await fetch(`${url}/health`);
  return { status: answer.status, body: await answer.json() };
}

test('REDIS_URL at a port nobody listens on: /health is 503 with the Redis probe failing and the database fine', async () => {
  const port = await freePort();
  const { server } = await startLogged('rhclosed', { REDIS_URL: `redis://127.0.0.1:${port}` });
  const answer = await health(server.url);
  expect(answer).toMatchObject({
    status: 503,
    body: { status: 'unavailable', database: { ok: true }, redis: { ok: false, error: expect.any(String) } },
  });
});

describe('a Redis that answers PING but refuses every queue command (a Cluster node holding no slot)', () => {
  let redis: OwnRedis;
  let started: Started;
  beforeAll(async () => {
    const nodesFile = `/tmp/test-redis-${await freePort()}-nodes.conf`;
    redis = await startOwnRedis(['--cluster-enabled', 'yes', '--cluster-config-file', nodesFile]);
    cleanups.push(async () => {
      await redis.stop();
      rmSync(nodesFile, { force: true });
    });
    started = await startLogged('rhnoslot', { REDIS_URL: redis.url });
  });

  test('/health is 503, naming the failure, although PING answers', async () => {
    const answer = await health(started.server.url);
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ database: { ok: true }, redis: { ok: false } });
    expect(answer.body.redis.error).toMatch(/CLUSTERDOWN|MOVED|backing off|not ready/);
  });

  test('the worker backs off instead of spinning: a handful of log lines in 3 s, not one per failed fetch', async () => {
    await until(
      'the worker to meet the failure',
      () => started.logLines().some((l) => l.component === 'delivery worker'),
      5_000,
    );
    const before = started.logLines().length;
    await sleep(3_000);
    const during = started.logLines().slice(before);
    // One line when the outage starts (already logged above), none per retry while it lasts.
    expect({ linesIn3s: during.length, sample: during.slice(0, 3) }).toEqual({ linesIn3s: 0, sample: [] });
    const all = started.logLines();
    expect(all.length).toBeLessThan(10);
    expect(all.some((l) => String(l.msg).includes('REDIS_URL names a node of a Redis Cluster'))).toBe(true);
  });
});

test('REDIS_CLUSTER_NODES with a /N database index: the process refuses to start (exit 78), naming the variable and the index', async () => {
  const child = spawn(process.execPath, [MAIN_JS], {
    env: {
      ...process.env,
      ...testEnv(uniqueDatabaseUrl('rhindex'), {
        REDIS_CLUSTER_NODES: 'redis://127.0.0.1:7001/2,redis://127.0.0.1:7002/2',
      }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  expect({ code, stderr }).toEqual({ code: 78, stderr: expect.stringContaining('REDIS_CLUSTER_NODES') });
  expect(stderr).toContain('SELECT is not allowed in cluster mode');
  expect(stderr).toContain('"/2"');
});
