// Risk covered: a win or rollback acknowledged to the provider (code 0) but never reaching the
// operator's wallet, or reaching it twice, when the process is SIGKILLed, when Redis is down, or when
// only worker processes are left to deliver it (PROTOCOL §6 durable delivery, §9 workers running alone).
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { Pool, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { SpawnedServer, freePort, spawnServer } from '../support/spawnedServer';
import { assertionPool, dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { TEST_ADMIN, testEnv } from '../support/testServer';
import { holdsFor, sleep, until } from '../support/until';
import { buildWorld } from '../support/world';

jest.setTimeout(90_000);

const ENV = {
  CALLBACK_TIMEOUT_MS: '400',
  CALLBACK_RETRY_ATTEMPTS: '50',
  CALLBACK_RETRY_DELAY_MS: '500',
  CALLBACK_RETRY_TIMEOUT_MS: '400',
};
const WORKER_JS = path.resolve(__dirname, '../../dist/worker.js');
const DELIVERY_DEADLINE_MS = 20_000;

const children: ChildProcess[] = [];
const wallets: FakeOperatorWallet[] = [];
const databases: { url: string; db: Pool }[] = [];
const redisPorts: number[] = [];

afterEach(async () => {
  // Every database a test made, checked while its processes may still be delivering (what is owed is stored).
  for (const { db } of databases)
    await assertLedgerConsistent(db, { callbackTimeoutMs: Number(ENV.CALLBACK_TIMEOUT_MS) });
});
afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const wallet of wallets) await wallet.stop();
  for (const port of redisPorts) {
    stopRedis(port);
    rmSync(`/tmp/redis-${port}.log`, { force: true });
    rmSync(`/tmp/redis-${port}.pid`, { force: true });
  }
  // The queues these servers left in the shared Redis (jobs of killed processes included).
  const shared = new Redis('redis://127.0.0.1:6379', { maxRetriesPerRequest: 1 });
  for (const { url, db } of databases) {
    await db.end();
    await dropDatabase(url);
    const keys = await shared.keys(`{casino-${parseDatabaseUrl(url).database}}:*`); // src/runtime.ts queuePrefix
    if (keys.length) await shared.del(...keys);
  }
  shared.disconnect();
});

function database(label: string): { url: string; db: Pool } {
  const url = uniqueDatabaseUrl(label);
  const entry = { url, db: assertionPool(url) };
  databases.push(entry);
  return entry;
}

async function start(url: string, env: Record<string, string> = {}): Promise<SpawnedServer> {
  const server = await spawnServer(url, { ...ENV, ...env });
  children.push(server.child);
  return server;
}

interface Scene {
  admin: AdminClient;
  studio: SignedClient;
  gameId: number;
  agentID: string;
  wallet: FakeOperatorWallet;
  token: string;
  userID: string;
}

/** A seamless operator on a fake wallet holding 1000.00 EUR, a launched player, and one bet of 1.00 placed. */
async function scene(baseUrl: string, agentID: string): Promise<Scene> {
  const admin = await AdminClient.login(baseUrl, TEST_ADMIN.username, TEST_ADMIN.password);
  const world = await buildWorld(admin, { currencies: ['EUR'] });
  const keys = { secret: '', salt: '' };
  const wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  wallet.strictRollbacks = true;
  wallets.push(wallet);
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID,
    name: agentID,
    currencies: ['EUR'],
    callbackUrl: wallet.url,
    callbackScheme: 'hmac',
  });
  keys.secret = created.secretKey;
  keys.salt = created.saltKey;
  const op = new SignedClient(baseUrl, 'agentID', agentID, created.secretKey);
  const userID = `${agentID}-p1`;
  wallet.fund(userID, 'EUR', 100_000n);
  const launch = await op.call('/v1/games/launch', { userID, gameID: world.gameId, currency: 'EUR' });
  expect(launch.code).toBe(0);
  const bet = await world.studio.call('/provider/v1/bet', {
    token: launch.token,
    transactionID: `${agentID}-b1`,
    roundID: `${agentID}-r1`,
    gameID: world.gameId,
    amount: 1,
  });
  expect(bet).toMatchObject({ code: 0, balance: 999 });
  return { admin, studio: world.studio, gameId: world.gameId, agentID, wallet, token: launch.token, userID };
}

/** Sends wins one after the other (amounts 0.01, 0.02, ...); each must be acknowledged with code 0. */
async function sendWins(
  s: Scene,
  count: number,
  prefix: string,
  baseUrl?: string,
): Promise<{ platformTransactionID: string; minor: bigint }[]> {
  const studio = baseUrl ? new SignedClient(baseUrl, 'providerID', s.studio.callerId, s.studio.secretKey) : s.studio;
  const sent: { platformTransactionID: string; minor: bigint }[] = [];
  for (let i = 1; i <= count; i++) {
    const answer = await studio.call('/provider/v1/win', {
      token: s.token,
      transactionID: `${prefix}-${i}`,
      roundID: `${s.agentID}-r1`,
      gameID: s.gameId,
      amount: i / 100,
    });
    expect({ i, code: answer.code }).toEqual({ i, code: 0 });
    expect(answer.platformTransactionID).toEqual(expect.any(String));
    sent.push({ platformTransactionID: answer.platformTransactionID, minor: BigInt(i) });
  }
  return sent;
}

async function deliveries(
  db: Pool,
  kind = 'deposit',
): Promise<{ platform_transaction_id: string; status: string; attempts: number }[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    'SELECT platform_transaction_id, status, attempts FROM callback_deliveries WHERE kind = ? ORDER BY id',
    [kind],
  );
  return rows as any;
}

/**
 * Every win credited exactly once: the wallet de-duplicates by transactionID as §6 asks of operators, so
 * "once" shows as: every win applied, no Deposit under any other transactionID, and the balance exact.
 */
function expectCreditedOnce(
  s: Scene,
  wins: { platformTransactionID: string; minor: bigint }[],
  delivered = wins,
): void {
  const deposits = s.wallet.callsOf('deposit');
  expect(delivered.filter((w) => !s.wallet.applied.has(w.platformTransactionID))).toEqual([]);
  const sent = new Set(deposits.map((c) => c.body.transactionID as string));
  expect([...sent].filter((id) => !wins.some((w) => w.platformTransactionID === id))).toEqual([]);
  for (const win of wins) {
    const calls = deposits.filter((c) => c.body.transactionID === win.platformTransactionID);
    expect(calls.every((c) => c.signatureValid && Math.round(Number(c.body.amount) * 100) === Number(win.minor))).toBe(
      true,
    );
  }
  const credited = delivered.reduce((sum, w) => sum + w.minor, 0n);
  expect(s.wallet.balanceOf(s.userID, 'EUR')).toBe(100_000n - 100n + credited);
}

test('SIGKILL while wins are pending (some attempts in flight): a new server on the same database delivers every one within 20 s, each credited once, same transactionID, fresh signature', async () => {
  const { url, db } = database('seamkill');
  const first = await start(url);
  const s = await scene(first.url, 'kill-op');
  s.wallet.setBehaviour({ mode: 'down' });
  const wins = await sendWins(s, 15, 'kill-w');
  const pending = await deliveries(db);
  expect(pending).toHaveLength(15);
  expect(pending.every((d) => d.status === 'pending' && d.attempts >= 1)).toBe(true);
  expect(s.wallet.applied.size).toBe(1); // only the bet

  // The operator now hangs instead of refusing, so that attempts are in flight when the process dies
  // (each hangs for CALLBACK_RETRY_TIMEOUT_MS); a crash rarely picks a quiet moment.
  s.wallet.setBehaviour({ mode: 'hang' });
  await until(
    'attempts in flight',
    () => s.wallet.callsOf('deposit').filter((c) => c.answeredStatus === 0).length >= 3,
    5_000,
  );
  first.child.kill('SIGKILL');
  await first.exited;
  await sleep(1_100); // the next attempts come in a later second than the ones before the kill
  s.wallet.setBehaviour({ mode: 'normal' });
  const second = await start(url);

  // §6 retries every CALLBACK_RETRY_DELAY_MS (500 ms here): after a restart every owed win should arrive
  // within seconds. What did not arrive within the deadline is reported at the end, after the checks
  // that what did arrive was credited exactly once.
  const restartedAt = Date.now();
  await until(
    'all 15 wins credited',
    () => wins.every((w) => s.wallet.applied.has(w.platformTransactionID)),
    DELIVERY_DEADLINE_MS,
  ).catch(() => undefined);
  await sleep(1_000); // a duplicate attempt, if any, would land now
  const delivered = wins.filter((w) => s.wallet.applied.has(w.platformTransactionID));
  const late = wins.filter((w) => !s.wallet.applied.has(w.platformTransactionID));
  expectCreditedOnce(s, wins, delivered);
  for (const win of delivered) {
    const calls = s.wallet.callsOf('deposit').filter((c) => c.body.transactionID === win.platformTransactionID);
    const before = calls.filter((c) => c.answeredStatus === 503);
    const ok = calls.filter((c) => c.answeredStatus === 200);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    // The same transactionID on every attempt (filtered above); timestamp and signature fresh after the restart.
    expect(ok[0]!.body.timestamp).toBeGreaterThan(before[0]!.body.timestamp);
    expect(ok[0]!.body.sign).not.toBe(before[0]!.body.sign);
  }
  const rows = await deliveries(db);
  const stuck = rows.filter((r) => late.some((w) => w.platformTransactionID === r.platform_transaction_id));
  const secondsSinceRestart = Math.round((Date.now() - restartedAt) / 1000);
  expect({ secondsSinceRestart, notDelivered: stuck }).toEqual({ secondsSinceRestart, notDelivered: [] });
  expect(rows.every((d) => d.status === 'delivered')).toBe(true);
  const admin = await AdminClient.login(second.url, TEST_ADMIN.username, TEST_ADMIN.password);
  const listed = (
    await admin.ok('/admin/v1/callbacks/list', { agentID: s.agentID, status: 'delivered' })
  ).callbacks.filter((c: any) => c.kind === 'deposit');
  expect(listed.map((c: any) => c.transactionID).sort()).toEqual(wins.map((w) => w.platformTransactionID).sort());
  expect((await admin.ok('/admin/v1/callbacks/list', { agentID: s.agentID, status: 'pending' })).callbacks).toEqual([]);
  expect((await admin.ok('/admin/v1/callbacks/list', { agentID: s.agentID, status: 'failed' })).callbacks).toEqual([]);
});

function redisServer(port: number): void {
  const result = spawnSync('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--daemonize',
    'yes',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    '/tmp',
    '--pidfile',
    `/tmp/redis-${port}.pid`,
    '--logfile',
    `/tmp/redis-${port}.log`,
  ]);
  if (result.status !== 0) throw new Error(`redis-server on ${port} did not start: ${result.stderr}`);
}

function redisPing(port: number): boolean {
  const result = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', timeout: 2_000 });
  return result.status === 0 && result.stdout.trim() === 'PONG';
}

function stopRedis(port: number): void {
  spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave'], { timeout: 5_000 });
}

test('Redis stopped while wins arrive: they are accepted (code 0) and all delivered, once each, after Redis is back (the sweeper re-enqueues from the database)', async () => {
  // A Redis of our own: the shared one on 6379 serves other test files running at the same time.
  const port = await freePort();
  redisPorts.push(port);
  redisServer(port);
  await until('our Redis answering', () => redisPing(port), 5_000);
  const redisUrl = `redis://127.0.0.1:${port}`;

  const { url, db } = database('seamredis');
  const server = await start(url, { REDIS_URL: redisUrl });
  const s = await scene(server.url, 'redis-op');

  stopRedis(port);
  await until('our Redis stopped', () => !redisPing(port), 5_000);
  expect((await fetch(`${server.url}/health`)).status).toBe(503);

  // The operator answers: the win is delivered while the provider waits, Redis or not.
  const direct = await sendWins(s, 1, 'redis-direct');
  expect(s.wallet.applied.has(direct[0]!.platformTransactionID)).toBe(true);

  // The operator is down too: the wins must be stored, acknowledged, and owed.
  s.wallet.setBehaviour({ mode: 'down' });
  const wins = await sendWins(s, 10, 'redis-w');
  expect((await deliveries(db)).filter((d) => d.status === 'pending')).toHaveLength(10);
  // Sweeps run meanwhile and cannot enqueue: nothing may be lost by that.
  await holdsFor(
    'all 10 still pending',
    async () => (await deliveries(db)).filter((d) => d.status === 'pending').length === 10,
    1_500,
    250,
  );

  redisServer(port);
  await until('our Redis back', () => redisPing(port), 5_000);
  s.wallet.setBehaviour({ mode: 'normal' });
  await until('health back to 200', async () => (await fetch(`${server.url}/health`)).status === 200, 10_000);

  await until(
    'all 10 wins credited',
    () => wins.every((w) => s.wallet.applied.has(w.platformTransactionID)),
    DELIVERY_DEADLINE_MS,
  );
  await until(
    'all deliveries marked delivered',
    async () => (await deliveries(db)).every((d) => d.status === 'delivered'),
    5_000,
  );
  // A duplicate attempt, if any, would land in this window: each win stays credited exactly once.
  await holdsFor('each win credited once', () => (expectCreditedOnce(s, [...direct, ...wins]), true), 1_000);
});

test('workers running alone: with the API process gone, a worker-only process (node dist/worker.js) delivers the queued wins, once each, and stops cleanly on SIGTERM', async () => {
  const { url, db } = database('seamworker');
  const api = await start(url);
  const s = await scene(api.url, 'worker-op');

  const worker = spawn(process.execPath, [WORKER_JS], {
    env: { ...process.env, ...testEnv(url, { ...ENV, LOG_LEVEL: 'info' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(worker);
  let output = '';
  worker.stdout?.on('data', (chunk) => (output += chunk));
  worker.stderr?.on('data', (chunk) => (output += chunk));
  const workerExited = new Promise<number | string>((resolve) =>
    worker.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  await until(
    'the worker process running',
    () => output.includes('delivery workers running') || worker.exitCode !== null,
    30_000,
  );
  expect(worker.exitCode).toBeNull();

  s.wallet.setBehaviour({ mode: 'down' });
  const wins = await sendWins(s, 5, 'worker-w');
  expect((await deliveries(db)).filter((d) => d.status === 'pending')).toHaveLength(5);
  api.child.kill('SIGKILL');
  await api.exited;
  await expect(fetch(`${api.url}/health`)).rejects.toThrow(); // the API process is gone

  s.wallet.setBehaviour({ mode: 'normal' });
  await until(
    'all 5 wins credited by the worker process',
    () => wins.every((w) => s.wallet.applied.has(w.platformTransactionID)),
    DELIVERY_DEADLINE_MS,
  );
  await until(
    'all deliveries marked delivered',
    async () => (await deliveries(db)).every((d) => d.status === 'delivered'),
    5_000,
  );
  await holdsFor('each win credited once', () => (expectCreditedOnce(s, wins), true), 800);

  worker.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  const exit = await Promise.race([
    workerExited,
    new Promise<string>((resolve) => (timer = setTimeout(() => resolve('still running'), 15_000))),
  ]);
  clearTimeout(timer);
  expect({ exit, output: exit === 0 ? '' : output.slice(-2_000) }).toEqual({ exit: 0, output: '' });
});

test('SIGKILL while a bet waits for its Withdraw (which the operator applied): after restart the bet is 17, its retry stays 17, and the compensating Rollback gives the money back once', async () => {
  const { url, db } = database('sdcrashbet');
  // A long call timeout keeps the first process waiting on the Withdraw until it is killed.
  const first = await start(url, { CALLBACK_TIMEOUT_MS: '20000' });
  const s = await scene(first.url, 'sd-crashbet');
  const startBalance = s.wallet.balanceOf(s.userID, 'EUR');
  s.wallet.setBehaviour({ mode: 'hang', kinds: ['withdraw'], apply: true }); // debits, never answers
  const bet = {
    token: s.token,
    transactionID: `${s.agentID}-b2`,
    roundID: `${s.agentID}-r2`,
    gameID: s.gameId,
    amount: 2.5,
  };
  const inFlight = s.studio.call('/provider/v1/bet', bet).catch(() => 'connection lost');
  await until('the Withdraw to reach the operator', () => s.wallet.callsOf('withdraw').length === 2, 10_000);
  expect(s.wallet.balanceOf(s.userID, 'EUR')).toBe(startBalance - 250n);
  first.child.kill('SIGKILL');
  await first.exited;
  expect(await inFlight).toBe('connection lost');

  s.wallet.setBehaviour({ mode: 'normal' });
  // Same database, short call timeout: the sweeper finds the attempt still `sending` after 2 × 300 ms + 5 s.
  const second = await start(url, { CALLBACK_TIMEOUT_MS: '300', CALLBACK_RETRY_DELAY_MS: '200' });
  const studio = new SignedClient(second.url, 'providerID', s.studio.callerId, s.studio.secretKey);
  await until(
    'the orphaned Withdraw to be resolved as 17',
    async () => {
      const [rows] = await db.query<RowDataPacket[]>(
        'SELECT status, result_code FROM transactions WHERE transaction_id = ?',
        [bet.transactionID],
      );
      return rows[0]?.result_code === 17;
    },
    DELIVERY_DEADLINE_MS,
  );
  await until(
    'the compensating Rollback to be delivered',
    async () => (await deliveries(db, 'rollback')).some((d) => d.status === 'delivered'),
    DELIVERY_DEADLINE_MS,
  );
  expect(s.wallet.balanceOf(s.userID, 'EUR')).toBe(startBalance);
  const rollbacks = s.wallet.callsOf('rollback');
  expect(new Set(rollbacks.map((c) => c.body.transactionID)).size).toBe(1);
  expect(rollbacks.every((c) => c.signatureValid)).toBe(true);

  // The provider's retry of that bet: 17 again, and no new Withdraw.
  const withdrawsBefore = s.wallet.callsOf('withdraw').length;
  expect(await studio.call('/provider/v1/bet', bet)).toMatchObject({ code: 17 });
  expect(s.wallet.callsOf('withdraw').length).toBe(withdrawsBefore);
  expect(s.wallet.balanceOf(s.userID, 'EUR')).toBe(startBalance);
});
