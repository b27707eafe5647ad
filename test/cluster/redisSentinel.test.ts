// Risk covered: a Sentinel failover (the master killed with kill -9 mid-burst, scripts/cluster/redis.sh
// rig): every win acknowledged before, during and after it is delivered exactly once, the app follows the
// new master by itself, and /health is 503 while the queue cannot work and 200 after (PROTOCOL §13).
import { Writable } from 'node:stream';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { startServer } from '../../src/server';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { TEST_ADMIN, testEnv } from '../support/testServer';
import { sleep, until } from '../support/until';
import { buildWorld } from '../support/world';

jest.setTimeout(120_000);
const SENTINELS = '127.0.0.1:27001,127.0.0.1:27002,127.0.0.1:27003';
const RIG_DIR = `${process.env.CLUSTER_DIR ?? '/tmp/casino-cluster'}/redis`;
const WINS = 60;

function masterPort(): number {
  return Number(
    execFileSync('redis-cli', ['-p', '27001', 'sentinel', 'get-master-addr-by-name', 'casino'], {
      encoding: 'utf8',
    }).split('\n')[1],
  );
}

test(`${WINS} queued wins across a Sentinel failover (kill -9 of the master mid-burst): each delivered exactly once, /health 503 then 200`, async () => {
  const databaseUrl = uniqueDatabaseUrl('rsentinel');
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  const env = {
    REDIS_SENTINELS: SENTINELS,
    REDIS_SENTINEL_NAME: 'casino',
    CALLBACK_TIMEOUT_MS: '400',
    CALLBACK_RETRY_DELAY_MS: '500',
    CALLBACK_RETRY_TIMEOUT_MS: '400',
    SHUTDOWN_TIMEOUT_MS: '2000',
  };
  const server = await startServer(loadConfig(testEnv(databaseUrl, env)), pino({ level: 'warn' }, sink));
  const wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  const keys = { secret: '', salt: '' };
  try {
    await until('/health 200 on the cluster', async () => (await fetch(`${server.url}/health`)).status === 200, 15_000);
    const admin = await AdminClient.login(server.url, TEST_ADMIN.username, TEST_ADMIN.password);
    const world = await buildWorld(admin, { currencies: ['EUR'] });
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID: 'rc-op',
      name: 'rc-op',
      currencies: ['EUR'],
      callbackUrl: wallet.url,
      callbackScheme: 'hmac',
    });
    keys.secret = created.secretKey;
    keys.salt = created.saltKey;
    const op = new SignedClient(server.url, 'agentID', 'rc-op', created.secretKey);
    wallet.fund('rc-p1', 'EUR', 100_000n);
    const launch = await op.call('/v1/games/launch', { userID: 'rc-p1', gameID: world.gameId, currency: 'EUR' });
    expect(launch.code).toBe(0);
    expect(
      await world.studio.call('/provider/v1/bet', {
        token: launch.token,
        transactionID: 'rc-b1',
        roundID: 'rc-r1',
        gameID: world.gameId,
        amount: 1,
      }),
    ).toMatchObject({ code: 0 });

    wallet.setBehaviour({ mode: 'down' }); // the inline Deposit fails: every win goes to the queue
    const wins: string[] = [];
    const oldMaster = masterPort();
    let killedAt = 0;
    let healthRed = false;
    for (let i = 1; i <= WINS; i++) {
      if (i === WINS / 2) {
        process.kill(Number(readFileSync(`${RIG_DIR}/data-${oldMaster}.pid`, 'utf8')), 'SIGKILL');
        killedAt = Date.now();
        healthRed =
          (await until(
            '/health 503 after the kill',
            async () => (await fetch(`${server.url}/health`)).status === 503,
            5_000,
          )) === true;
      }
      const answer = await world.studio.call('/provider/v1/win', {
        token: launch.token,
        transactionID: `rc-w${i}`,
        roundID: 'rc-r1',
        gameID: world.gameId,
        amount: 0.01,
      });
      expect({ i, code: answer.code }).toEqual({ i, code: 0 });
      wins.push(answer.platformTransactionID);
    }
    await until(
      '/health 200 on the new master',
      async () => (await fetch(`${server.url}/health`)).status === 200,
      30_000,
      100,
    );
    const failoverMs = Date.now() - killedAt;
    const newMaster = masterPort();
    expect(newMaster).not.toBe(oldMaster);
    wallet.setBehaviour({ mode: 'normal' });
    const started = Date.now();
    await until(`all ${WINS} wins credited`, () => wins.every((id) => wallet.applied.has(id)), 60_000, 100);
    const deliveredMs = Date.now() - started;
    await sleep(1_500); // a duplicate attempt would land now
    const okDeposits = wallet.callsOf('deposit').filter((c) => c.answeredStatus === 200 && c.body.transactionID);
    const applied = wins.filter((id) => wallet.applied.has(id)).length;
    expect(wallet.balanceOf('rc-p1', 'EUR')).toBe(100_000n - 100n + BigInt(WINS));
    const duplicates = okDeposits.length - new Set(okDeposits.map((c) => c.body.transactionID)).size;

    const redis = new Redis({
      sentinels: SENTINELS.split(',').map((n) => ({ host: '127.0.0.1', port: Number(n.split(':')[1]) })),
      name: 'casino',
    });
    const prefix = `{casino-${parseDatabaseUrl(databaseUrl).database}}`;
    const leftover = await redis.keys(`${prefix}:*`);
    if (leftover.length) await redis.del(...leftover);
    redis.disconnect();
    expect({ duplicates, applied, healthRed }).toEqual({ duplicates: 0, applied: WINS, healthRed: true });
    process.stdout.write(
      `${JSON.stringify({ suite: 'redis-sentinel', wins: WINS, delivered: applied, duplicates, failoverMs, oldMaster, newMaster, deliveredMs, warnLines: lines.length })}\n`,
    );
  } finally {
    await server.close();
    await wallet.stop();
    await dropDatabase(databaseUrl);
    execFileSync(path.resolve(__dirname, '../../scripts/cluster/redis.sh'), ['start']); // the killed node back, as a replica
  }
});
