// Risk covered: `npm start` that cannot bring up a fresh machine by itself (database missing, not
// migrated, no first admin), processes starting together that race on migrations or the admin,
// a bad setting that is served anyway, and a SIGTERM (deploy, scale-in) that cuts in-flight money
// requests or hangs on idle keep-alive connections (PROTOCOL §9).
import { ChildProcess, execFile, spawn } from 'node:child_process';
import http from 'node:http';
import { freePort } from './support/spawnedServer';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql, { Pool, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../src/db/databaseUrl';
import { AdminClient, HttpAnswer, SignedClient, postJson } from './support/clients';
import { assertLedgerConsistent } from './support/ledgerConsistency';
import { assertionPool, dropDatabase, uniqueDatabaseUrl } from './support/testDatabase';
import { TEST_ADMIN, testEnv } from './support/testServer';
import { sleep } from './support/until';

const ROOT = path.resolve(__dirname, '..');
const MAIN_JS = path.join(ROOT, 'dist/main.js');

interface Spawned {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Exit code, or the signal's name when killed by one. */
  readonly exited: Promise<number | string>;
}

const children: ChildProcess[] = [];
const databases: string[] = [];
const pools: Pool[] = [];

beforeAll(async () => {
  // What `npm start` runs: the compiled build.
  await promisify(execFile)(path.join(ROOT, 'node_modules/.bin/tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    timeout: 120_000,
  });
}, 180_000);

afterAll(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  await Promise.all(
    children.map((child) =>
      child.exitCode === null && child.signalCode === null
        ? new Promise((resolve) => child.once('exit', resolve))
        : undefined,
    ),
  );
  for (const pool of pools) await pool.end();
  for (const url of databases) await dropDatabase(url);
});

function freshDatabase(label: string): string {
  const url = uniqueDatabaseUrl(label);
  databases.push(url);
  return url;
}

function pool(databaseUrl: string): Pool {
  const p = assertionPool(databaseUrl);
  pools.push(p);
  return p;
}

/** `node dist/main.js` with only the given environment (plus PATH/HOME), so nothing leaks in from the shell. */
async function spawnMain(databaseUrl: string, extra: Record<string, string> = {}): Promise<Spawned> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN_JS], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      ...testEnv(databaseUrl, { PORT: String(port), LOG_LEVEL: 'info', ...extra }),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  return { child, port, url: `http://127.0.0.1:${port}`, stdout: () => stdout, stderr: () => stderr, exited };
}

async function waitHealthy(server: Spawned, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(
        `server exited (${server.child.exitCode ?? server.child.signalCode}) during start-up:\n${server.stdout()}\n${server.stderr()}`,
      );
    }
    try {
      const response = await fetch(`${server.url}/health`);
      if (response.status === 200) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new Error(`server not healthy within ${timeoutMs} ms:\n${server.stdout()}\n${server.stderr()}`);
    await sleep(100);
  }
}

/** Resolves with the exit code, or rejects when the process is still running after `ms`. */
async function exitWithin(server: Spawned, ms: number): Promise<number | string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`process still running ${ms} ms later:\n${server.stdout()}\n${server.stderr()}`)),
      ms,
    );
  });
  try {
    return await Promise.race([server.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function logLines(server: Spawned): Array<Record<string, unknown>> {
  return server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function databaseExists(databaseUrl: string): Promise<boolean> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  try {
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [parseDatabaseUrl(databaseUrl).database],
    );
    return rows.length === 1;
  } finally {
    await connection.end();
  }
}

async function migrationCounts(db: Pool): Promise<Array<{ name: string; n: number }>> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT migration_name AS name, COUNT(*) AS n FROM `_prisma_migrations` GROUP BY migration_name ORDER BY migration_name',
  );
  return rows.map((r) => ({ name: r.name as string, n: Number(r.n) }));
}

/** One HTTP request through `agent` (its kept-alive connections), answering status and parsed JSON body. */
function request(agent: http.Agent, method: 'GET' | 'POST', url: string, body?: unknown): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {},
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.once('error', reject);
        res.once('end', () => {
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            /* keep the text */
          }
          resolve({ status: res.statusCode ?? 0, body: parsed });
        });
      },
    );
    req.once('error', reject);
    req.end(payload);
  });
}

async function refusesConnections(url: string): Promise<boolean> {
  try {
    await fetch(`${url}/health`, { signal: AbortSignal.timeout(3_000) });
    return false;
  } catch (error) {
    return /ECONNREFUSED/.test(String((error as { cause?: unknown }).cause ?? error));
  }
}

test('on a database that does not exist, the process creates it, migrates, creates the first admin and serves', async () => {
  const databaseUrl = freshDatabase('startfresh');
  expect(await databaseExists(databaseUrl)).toBe(false);

  const server = await spawnMain(databaseUrl);
  await waitHealthy(server);

  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', database: { ok: true }, redis: { ok: true } });

  const login = await postJson(`${server.url}/admin/v1/login`, TEST_ADMIN);
  expect(login.status).toBe(200);
  expect(login.body).toMatchObject({ code: 0, role: 'admin', token: expect.any(String) });
  // And that token works on the admin API.
  const admin = new AdminClient(server.url, login.body.token);
  expect((await admin.post('/admin/v1/operators/list')).status).toBe(200);

  const db = pool(databaseUrl);
  const migrations = await migrationCounts(db);
  expect(migrations.length).toBeGreaterThanOrEqual(1);
  expect(migrations.every((m) => m.n === 1)).toBe(true);
  const [admins] = await db.query<RowDataPacket[]>('SELECT username, role FROM admin_users');
  expect(admins).toEqual([{ username: TEST_ADMIN.username, role: 'admin' }]);

  const messages = logLines(server).map((l) => l.msg);
  expect(messages).toEqual(
    expect.arrayContaining([
      'created the database',
      'applied migrations',
      'created the first admin from ADMIN_USERNAME',
      'listening',
    ]),
  );
  // The password never reaches the logs.
  expect(server.stdout() + server.stderr()).not.toContain(TEST_ADMIN.password);

  server.child.kill('SIGTERM');
  expect(await exitWithin(server, 15_000)).toBe(0);
});

test('two processes started at once on the same fresh database both come up; migrations and the admin happen once', async () => {
  const databaseUrl = freshDatabase('starttwo');
  const [a, b] = await Promise.all([spawnMain(databaseUrl), spawnMain(databaseUrl)]);
  expect(a.port).not.toBe(b.port);
  await Promise.all([waitHealthy(a), waitHealthy(b)]);

  for (const server of [a, b]) {
    const login = await postJson(`${server.url}/admin/v1/login`, TEST_ADMIN);
    expect({ port: server.port, status: login.status, code: login.body.code }).toEqual({
      port: server.port,
      status: 200,
      code: 0,
    });
  }

  const db = pool(databaseUrl);
  const migrations = await migrationCounts(db);
  expect(migrations.length).toBeGreaterThanOrEqual(1);
  for (const migration of migrations) expect(migration).toEqual({ name: migration.name, n: 1 });
  const [admins] = await db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM admin_users WHERE username = ?', [
    TEST_ADMIN.username,
  ]);
  expect(Number(admins[0]!.n)).toBe(1);
  const [bootstraps] = await db.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'users.bootstrap'",
  );
  expect(Number(bootstraps[0]!.n)).toBe(1);
  // Exactly one of them applied the migrations.
  const appliedBy = [a, b].filter((s) => logLines(s).some((l) => l.msg === 'applied migrations'));
  expect(appliedBy).toHaveLength(1);

  a.child.kill('SIGTERM');
  b.child.kill('SIGTERM');
  expect(await Promise.all([exitWithin(a, 15_000), exitWithin(b, 15_000)])).toEqual([0, 0]);
});

describe('a bad setting stops the process before it touches anything', () => {
  test.each([
    ['PORT', { PORT: 'abc' }],
    ['SIGN_WINDOW_S', { SIGN_WINDOW_S: '-1' }],
    ['ADMIN_PASSWORD', { ADMIN_PASSWORD: 'short' }],
  ])('%s', async (variable, env) => {
    const databaseUrl = freshDatabase('startbad');
    const server = await spawnMain(databaseUrl, env);
    const code = await exitWithin(server, 10_000);
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');
    expect(server.stderr()).toContain(variable);
    expect(await databaseExists(databaseUrl)).toBe(false);
  });

  test('a database that cannot be reached makes it exit non-zero, saying so', async () => {
    const port = await freePort(); // nothing listens there
    const server = await spawnMain(`mysql://root@127.0.0.1:${port}/casino_t_unreachable`);
    const code = await exitWithin(server, 20_000);
    expect(code).not.toBe(0);
    expect(typeof code).toBe('number');
    expect(server.stderr()).toMatch(/ECONNREFUSED|connect/i);
    expect(await refusesConnections(server.url)).toBe(true);
  });
});

describe('SIGTERM', () => {
  test('with an idle keep-alive connection open, the process still exits 0 promptly and stops listening', async () => {
    const databaseUrl = freshDatabase('stopidle');
    // A long drain deadline: an exit within a few seconds proves the idle connection did not hold it up.
    const server = await spawnMain(databaseUrl, { SHUTDOWN_TIMEOUT_MS: '30000' });
    await waitHealthy(server);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // (Wrapped in an object: a promise resolved with a promise would wait for it.)
      const { socketClosed } = await new Promise<{ socketClosed: Promise<void> }>((resolve, reject) => {
        http
          .get(`${server.url}/health`, { agent }, (res) => {
            const socketClosed = new Promise<void>((done) => res.socket.once('close', () => done()));
            expect(res.statusCode).toBe(200);
            expect(res.headers.connection).toBe('keep-alive');
            res.resume();
            res.once('end', () => resolve({ socketClosed }));
          })
          .once('error', reject);
      });
      expect(agent.freeSockets[Object.keys(agent.freeSockets)[0] ?? '']?.length).toBe(1); // the connection is idle, open

      const sent = Date.now();
      server.child.kill('SIGTERM');
      expect(await exitWithin(server, 5_000)).toBe(0);
      expect(Date.now() - sent).toBeLessThan(5_000);
      await socketClosed; // the server closed our idle connection
      expect(await refusesConnections(server.url)).toBe(true);
      expect(logLines(server).map((l) => l.msg)).toEqual(
        expect.arrayContaining(['shutting down: draining in-flight requests', 'stopped']),
      );
    } finally {
      agent.destroy();
    }
  });

  test('requests in flight when SIGTERM arrives are answered 200 and stored, none gets a 5xx, and the process then exits promptly', async () => {
    const databaseUrl = freshDatabase('stopdrain');
    // The drain deadline is long, so a prompt exit means the drain itself finished, not the deadline.
    const server = await spawnMain(databaseUrl, { SHUTDOWN_TIMEOUT_MS: '20000', LOG_LEVEL: 'warn' });
    await waitHealthy(server);
    const admin = await AdminClient.login(server.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const op: SignedClient = await admin.createOperator('op-drain', ['EUR']);
    expect(await op.call('/v1/player/create', { userID: 'drain01', currency: 'EUR' })).toMatchObject({ code: 0 });

    // Connections opened and accepted beforehand (as a load balancer's pool would be), so the deposits
    // below are really sent to the process, not waiting in its accept queue.
    const COUNT = 24;
    const agent = new http.Agent({ keepAlive: true, maxSockets: COUNT });
    try {
      await Promise.all(Array.from({ length: COUNT }, () => request(agent, 'GET', `${server.url}/health`)));
      expect(Object.values(agent.freeSockets).flat()).toHaveLength(COUNT);

      // All on one wallet: they queue on its row lock, so most are still running when SIGTERM lands.
      let sigtermAt = Number.POSITIVE_INFINITY;
      let firstAnswered!: () => void;
      const first = new Promise<void>((resolve) => (firstAnswered = resolve));
      type Outcome = { transactionID: string; answer?: HttpAnswer; error?: string; at: number };
      const requests: Promise<Outcome>[] = Array.from({ length: COUNT }, async (_, i) => {
        const transactionID = `drain-${i}`;
        const body = op.body({ userID: 'drain01', currency: 'EUR', amount: 1.25, transactionID });
        try {
          const answer = await request(agent, 'POST', `${server.url}/v1/player/wallet/deposit`, body);
          firstAnswered();
          return { transactionID, answer, at: Date.now() };
        } catch (error) {
          firstAnswered();
          return { transactionID, error: String((error as { code?: string }).code ?? error), at: Date.now() };
        }
      });
      await first;
      sigtermAt = Date.now();
      server.child.kill('SIGTERM');
      const outcomes = await Promise.all(requests);
      const exitCode = await exitWithin(server, 30_000);
      const exitedAfterMs = Date.now() - sigtermAt;

      const answered = outcomes.filter((o) => o.answer);
      const failedToConnect = outcomes.filter((o) => o.error);
      // Every request got either a full 200 answer or a connection error: no 5xx, no half answers.
      for (const outcome of answered) {
        expect({ id: outcome.transactionID, status: outcome.answer!.status, code: outcome.answer!.body.code }).toEqual({
          id: outcome.transactionID,
          status: 200,
          code: 0,
        });
      }
      for (const outcome of failedToConnect)
        expect(outcome.error).toMatch(/ECONNREFUSED|ECONNRESET|EPIPE|socket hang up/i);
      // Not vacuous: requests were really in flight at SIGTERM, and were still answered after it.
      expect(answered.filter((o) => o.at >= sigtermAt).length).toBeGreaterThan(0);

      const db = pool(databaseUrl);
      const [rows] = await db.query<RowDataPacket[]>(
        "SELECT transaction_id AS id, status FROM transactions WHERE type = 'deposit' AND user_id = 'drain01'",
      );
      const stored = new Map(rows.map((r) => [r.id as string, r.status as string]));
      // Answered code 0 means stored; a connection cut means it never ran (else money moved unanswered).
      for (const outcome of outcomes) {
        expect({
          id: outcome.transactionID,
          answered: Boolean(outcome.answer),
          stored: stored.get(outcome.transactionID) ?? null,
        }).toEqual({
          id: outcome.transactionID,
          answered: Boolean(outcome.answer),
          stored: outcome.answer ? 'applied' : null,
        });
      }
      await assertLedgerConsistent(db);
      const [[wallet]] = await db.query<RowDataPacket[]>(
        "SELECT balance_minor AS balance FROM wallets WHERE user_id = 'drain01'",
      );
      expect(BigInt(wallet!.balance)).toBe(BigInt(answered.length) * 125n);
      const balances = answered.map((o) => o.answer!.body.balance as number).sort((x, y) => x - y);
      expect(balances).toEqual(balances.map((_, i) => (i + 1) * 1.25));

      // Once the in-flight requests are answered there is nothing left to wait for: the process exits 0
      // at once, instead of holding the finished keep-alive connections open until SHUTDOWN_TIMEOUT_MS.
      expect(exitCode).toBe(0);
      expect(exitedAfterMs).toBeLessThan(5_000);
      expect(await refusesConnections(server.url)).toBe(true);
    } finally {
      agent.destroy();
    }
  });
});
