// Risk covered: the callback queue on a 3-master Redis Cluster (scripts/cluster/redis.sh start): wins
// owed to an operator whose wallet refused the inline Deposit must each be delivered exactly once through
// the queue, with the queue's keys in one slot and no MOVED/CROSSSLOT storm in the logs (PROTOCOL §13).
import { Writable } from 'node:stream';
import { Cluster } from 'ioredis';
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
const NODES = process.env.REDIS_CLUSTER_NODES_RIG ?? '127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003';
const WINS = 100;

test(`${WINS} queued wins on Redis Cluster: each delivered exactly once, the queue in one slot, no MOVED in the logs`, async () => {
  const databaseUrl = uniqueDatabaseUrl('rcluster');
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  const env = {
    REDIS_CLUSTER_NODES: NODES,
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
    for (let i = 1; i <= WINS; i++) {
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
    wallet.setBehaviour({ mode: 'normal' });
    const started = Date.now();
    await until(`all ${WINS} wins credited`, () => wins.every((id) => wallet.applied.has(id)), 60_000, 100);
    const deliveredMs = Date.now() - started;
    await sleep(1_500); // a duplicate attempt would land now
    const okDeposits = wallet.callsOf('deposit').filter((c) => c.answeredStatus === 200 && c.body.transactionID);
    const applied = wins.filter((id) => wallet.applied.has(id)).length;
    expect(wallet.balanceOf('rc-p1', 'EUR')).toBe(100_000n - 100n + BigInt(WINS));
    const duplicates = okDeposits.length - new Set(okDeposits.map((c) => c.body.transactionID)).size;

    // The queue lives in the cluster, in one slot.
    const cluster = new Cluster(
      NODES.split(',').map((n) => ({ host: n.split(':')[0]!, port: Number(n.split(':')[1]) })),
    );
    const prefix = `{casino-${parseDatabaseUrl(databaseUrl).database}}`;
    expect(await cluster.exists(`${prefix}:callback-deliveries:meta`)).toBe(1);
    const keysFound = (await Promise.all(cluster.nodes('master').map((n) => n.keys(`${prefix}:*`)))).flat();
    for (const key of keysFound) await cluster.del(key);
    cluster.disconnect();
    const moved = lines.filter((l) => /MOVED|CROSSSLOT/.test(l)).length;
    expect({ moved, duplicates, applied }).toEqual({ moved: 0, duplicates: 0, applied: WINS });
    process.stdout.write(
      `${JSON.stringify({ suite: 'redis-cluster', wins: WINS, delivered: applied, duplicates, deliveredMs, movedLogLines: moved, warnLines: lines.length })}\n`,
    );
  } finally {
    await server.close();
    await wallet.stop();
    await dropDatabase(databaseUrl);
  }
});
