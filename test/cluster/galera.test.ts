// Risk covered: money acknowledged but not stored, double-applied or negative when two app instances
// write through two Galera nodes at once (PROTOCOL §13); an instance that does not leave a node killed
// under load; migrations racing across nodes; /health green on a node that cannot take writes.
// Runs against scripts/cluster/galera.sh (npm run test:cluster); prints a JSON line of figures per case.
import { RowDataPacket } from 'mysql2/promise';
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { SpawnedServer, spawnServer } from '../support/spawnedServer';
import { until } from '../support/until';
import { World, buildWorld, fundedSession } from '../support/world';
import { aggregateDifferences, daySetsAgainstLedger } from '../support/aggregateOracle';
import {
  clusterUrl,
  conflictCounters,
  dropClusterDatabase,
  galera,
  nodeConnection,
  uniqueClusterDatabase,
} from './galeraRig';
import { TEST_ADMIN } from '../support/testServer';

const database = uniqueClusterDatabase('money');
const servers: SpawnedServer[] = [];
let writerA: SpawnedServer; // first host n1
let writerB: SpawnedServer; // first host n2
let world: World;
const figures: Record<string, unknown>[] = [];

const SERVER_ENV = { LOG_LEVEL: 'warn', DB_HOST_CHECK_MS: '500', DB_POOL_SIZE: '16' };

async function stopServer(server: SpawnedServer): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

beforeAll(async () => {
  // Two instances at once, on two nodes: the start-up migration must be safe across the cluster.
  [writerA, writerB] = await Promise.all([
    spawnServer(clusterUrl(database, [1, 2, 3]), SERVER_ENV),
    spawnServer(clusterUrl(database, [2, 1, 3]), SERVER_ENV),
  ]);
  servers.push(writerA, writerB);
  world = await buildWorld(await AdminClient.login(writerA.url, TEST_ADMIN.username, TEST_ADMIN.password));
}, 180_000);

afterAll(async () => {
  for (const server of servers) await stopServer(server);
  console.log(JSON.stringify({ galeraFigures: figures }, null, 1));
  await dropClusterDatabase(database);
}, 120_000);

function on(server: SpawnedServer, client: SignedClient): SignedClient {
  return new SignedClient(server.url, client.callerField, client.callerId, client.secretKey);
}

/** Runs `tasks` with at most `limit` in flight: genuinely concurrent, without opening thousands of sockets. */
async function boundedAll<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

interface BetOutcome {
  userID: string;
  transactionID: string;
  status: number;
  code: number | undefined;
  balance?: number;
}

async function checkLedgerOnEveryNode(nodes: number[], label: string): Promise<void> {
  for (const node of nodes) {
    const connection = await nodeConnection(node, database);
    try {
      const [wallets] = await connection.query<RowDataPacket[]>(
        `SELECT w.id, w.balance_minor AS balance,
                COALESCE((SELECT SUM(t.delta_minor) FROM transactions t WHERE t.wallet_id = w.id AND t.status = 'applied'), 0) AS ledger
           FROM wallets w`,
      );
      for (const wallet of wallets) {
        expect({ label, node, wallet: wallet.id, balance: String(wallet.balance) }).toEqual({
          label,
          node,
          wallet: wallet.id,
          balance: String(wallet.ledger),
        });
        expect(BigInt(wallet.balance)).toBeGreaterThanOrEqual(0n);
      }
      const [low] = await connection.query<RowDataPacket[]>(
        'SELECT COALESCE(MIN(balance_after_minor), 0) AS low FROM transactions',
      );
      expect(BigInt(low[0]!.low)).toBeGreaterThanOrEqual(0n);
    } finally {
      await connection.end();
    }
  }
}

/** Players funded through A; bets alternate between A and B; then every figure is checked on every node. */
async function betStorm(label: string, players: number, bets: number, fundEach: number) {
  const users = Array.from({ length: players }, (_, i) => `${label}${String(i).padStart(4, '0')}`);
  const tokens = new Map<string, string>();
  for (const user of users) tokens.set(user, await fundedSession(world, user, fundEach));
  const studios = [on(writerA, world.studio), on(writerB, world.studio)];
  const before = await conflictCounters([1, 2]);
  const started = Date.now();
  const outcomes = await boundedAll(
    Array.from({ length: bets }, (_, i) => async (): Promise<BetOutcome> => {
      const userID = users[i % players]!;
      const transactionID = `${label}-bet-${i}`;
      const studio = studios[i % 2]!;
      const answer = await postJson(
        `${studio.baseUrl}/provider/v1/bet`,
        studio.body({
          token: tokens.get(userID),
          transactionID,
          roundID: `${label}-r-${i}`,
          gameID: world.gameId,
          amount: 1,
        }),
      );
      return { userID, transactionID, status: answer.status, code: answer.body?.code, balance: answer.body?.balance };
    }),
    64,
  );
  const elapsedMs = Date.now() - started;
  const after = await conflictCounters([1, 2]);

  const acknowledged = outcomes.filter((o) => o.status === 200 && o.code === 0);
  const connection = await nodeConnection(3, database);
  const [rows] = await connection.query<RowDataPacket[]>(
    "SELECT transaction_id, COUNT(*) AS n FROM transactions WHERE type = 'bet' AND status = 'applied' AND transaction_id LIKE ? GROUP BY transaction_id",
    [`${label}-bet-%`],
  );
  await connection.end();
  const stored = new Map(rows.map((row) => [row.transaction_id as string, Number(row.n)]));
  const missing = acknowledged.filter((o) => !stored.has(o.transactionID));
  const ackedIds = new Set(acknowledged.map((o) => o.transactionID));
  const storedNotAcknowledged = [...stored.keys()].filter((id) => !ackedIds.has(id));
  const doubleApplied = [...stored.values()].filter((n) => n > 1).length;
  // Per player, each acknowledged bet saw the one before it: balances-after are distinct.
  const repeatedBalances = users.reduce((sum, user) => {
    const balances = acknowledged.filter((o) => o.userID === user).map((o) => o.balance);
    return sum + balances.length - new Set(balances).size;
  }, 0);
  const summary = {
    case: label,
    players,
    bets,
    fundEach,
    acknowledged: acknowledged.length,
    stored: stored.size,
    acknowledgedAndMissing: missing.length,
    storedButNotAcknowledged: storedNotAcknowledged.length,
    doubleApplied,
    repeatedBalances,
    insufficientFunds: outcomes.filter((o) => o.code === 7).length,
    busy503: outcomes.filter((o) => o.status === 503).length,
    otherAnswers: outcomes
      .filter((o) => !(o.status === 200 && (o.code === 0 || o.code === 7)) && o.status !== 503)
      .map((o) => `${o.status}/${o.code}`),
    certFailures: after.certFailures - before.certFailures,
    bfAborts: after.bfAborts - before.bfAborts,
    elapsedMs,
  };
  figures.push(summary);
  console.log(JSON.stringify(summary));
  expect(missing).toEqual([]);
  expect(storedNotAcknowledged).toEqual([]);
  expect(doubleApplied).toBe(0);
  expect(repeatedBalances).toBe(0);
  expect(summary.otherAnswers).toEqual([]);
  // Every bet got a final answer (0 or 7) or a retryable 503; with enough funds for all, none is short.
  expect(acknowledged.length + summary.insufficientFunds + summary.busy503).toBe(bets);
  expect(acknowledged.length).toBeLessThanOrEqual(players * fundEach);
  await checkLedgerOnEveryNode([1, 2, 3], label);
  return summary;
}

describe('two instances writing through two nodes', () => {
  test('both started at once on different nodes and migrated once', async () => {
    const connection = await nodeConnection(3, database);
    const [rows] = await connection.query<RowDataPacket[]>(
      'SELECT migration_name, COUNT(*) AS n, SUM(finished_at IS NULL) AS unfinished FROM _prisma_migrations GROUP BY migration_name',
    );
    await connection.end();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows)
      expect({ name: row.migration_name, n: Number(row.n), unfinished: Number(row.unfinished) }).toEqual({
        name: row.migration_name,
        n: 1,
        unfinished: 0,
      });
  });

  test('200 bets on one player (100.00): every acknowledged bet stored once, none beyond the funds', async () => {
    await betStorm('one200', 1, 200, 100);
  }, 300_000);

  test('200 bets over 50 players', async () => {
    await betStorm('many200', 50, 200, 3);
  }, 300_000);

  test('2,000 bets on one player (1000.00)', async () => {
    await betStorm('one2000', 1, 2000, 1000);
  }, 600_000);

  test('2,000 bets over 50 players', async () => {
    await betStorm('many2000', 50, 2000, 30);
  }, 600_000);

  // Both instances ran their feed sequencers through their own nodes during the storms: passes on two nodes
  // conflict at certification and are retried whole, so nothing may be numbered or folded twice, or missed.
  test("the two nodes' sequencers: every transaction numbered once in a gapless feed, folded once", async () => {
    const connection = await nodeConnection(3, database);
    try {
      await until('the sequencers to number and fold everything', async () => {
        const [rows] = await connection.query<RowDataPacket[]>(
          `SELECT (SELECT COUNT(*) FROM transactions WHERE feed_seq IS NULL) AS pending,
                  (SELECT last_seq = day_sets_seq FROM feed_sequencer) AS folded`,
        );
        return Number(rows[0]!.pending) === 0 && Number(rows[0]!.folded) === 1;
      });
      const [feed] = await connection.query<RowDataPacket[]>(
        `SELECT COUNT(*) AS stored, COUNT(DISTINCT feed_seq) AS numbered, MIN(feed_seq) AS first, MAX(feed_seq) AS last,
                (SELECT last_seq FROM feed_sequencer) AS lastSeq
           FROM transactions`,
      );
      const summary = Object.fromEntries(Object.entries(feed[0]!).map(([key, value]) => [key, Number(value)]));
      figures.push({ case: 'feed and aggregate', ...summary });
      expect(summary.stored).toBeGreaterThan(4000);
      expect(summary).toEqual({ stored: summary.stored, numbered: summary.stored, first: 1, ...lastOf(summary) });
      expect(await aggregateDifferences(connection)).toEqual([]);
      const daySets = await daySetsAgainstLedger(connection);
      expect(daySets.players.actual).toEqual(daySets.players.expected);
      expect(daySets.rounds.actual).toEqual(daySets.rounds.expected);
    } finally {
      await connection.end();
    }
  }, 120_000);
});

/** A gapless feed 1..n ends at n, and the sequencer's head says so. */
const lastOf = (summary: Record<string, number>) => ({ last: summary.stored, lastSeq: summary.stored });

describe('a node killed under a deposit burst', () => {
  test('nothing acknowledged is lost and the instance moves to another host by itself', async () => {
    const operator = on(writerA, world.operator);
    await operator.call('/v1/player/create', { userID: 'burst0001', currency: 'EUR' });
    const outcomes: { transactionID: string; status: number; code?: number; at: number }[] = [];
    let stop = false;
    let killedAt = 0;
    let seq = 0;
    const depositor = async () => {
      while (!stop) {
        const transactionID = `burst-${seq++}`;
        let answer;
        try {
          answer = await postJson(
            `${operator.baseUrl}/v1/player/wallet/deposit`,
            operator.body({ userID: 'burst0001', currency: 'EUR', amount: 1, transactionID }),
          );
        } catch {
          answer = { status: 0, body: {} };
        }
        outcomes.push({ transactionID, status: answer.status, code: answer.body?.code, at: Date.now() });
      }
    };
    const burst = Promise.all(Array.from({ length: 8 }, depositor));
    await until('deposits flowing', () => outcomes.filter((o) => o.code === 0).length >= 100, 30_000);
    killedAt = Date.now();
    await galera('kill', '1');
    // Flowing again: 100 acknowledged deposits after the kill.
    await until(
      'deposits acknowledged after the kill',
      () => outcomes.filter((o) => o.code === 0 && o.at > killedAt).length >= 100,
      60_000,
      100,
    );
    stop = true;
    await burst;

    const acknowledged = outcomes.filter((o) => o.status === 200 && o.code === 0);
    const firstAfter = acknowledged.find((o) => o.at > killedAt)!;
    const failedDuring = outcomes.filter((o) => !(o.status === 200 && o.code === 0));
    const connection = await nodeConnection(2, database);
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT transaction_id FROM transactions WHERE user_id = 'burst0001' AND status = 'applied'",
    );
    await connection.end();
    const stored = new Set(rows.map((row) => row.transaction_id as string));
    const missing = acknowledged.filter((o) => !stored.has(o.transactionID));
    const summary = {
      case: 'kill-9 of n1 under deposits through an instance whose first host is n1',
      requests: outcomes.length,
      acknowledged: acknowledged.length,
      stored: stored.size,
      acknowledgedAndMissing: missing.length,
      notAcknowledged: failedDuring.length,
      notAcknowledgedByAnswer: failedDuring.reduce<Record<string, number>>(
        (m, o) => ({ ...m, [`${o.status}/${o.code}`]: (m[`${o.status}/${o.code}`] ?? 0) + 1 }),
        {},
      ),
      failoverMs: firstAfter.at - killedAt,
    };
    figures.push(summary);
    console.log(JSON.stringify(summary));
    expect(missing).toEqual([]);
    // Answers that were not 0 said nothing was applied or were 5xx: none of them may be stored unless retried.
    for (const o of failedDuring) expect([0, 500, 503]).toContain(o.status);
    await checkLedgerOnEveryNode([2, 3], 'after kill');
    await galera('restart', '1');
    await checkLedgerOnEveryNode([1, 2, 3], 'after rejoin');
  }, 300_000);
});

describe('health on a node that lost quorum', () => {
  test('503 while the node is isolated from the cluster, 200 again once it is back', async () => {
    const onlyN3 = await spawnServer(clusterUrl(database, [3]), SERVER_ENV);
    servers.push(onlyN3);
    const health = async () => (await fetch(`${onlyN3.url}/health`)).status;
    expect(await health()).toBe(200);
    const n3 = await nodeConnection(3);
    await n3.query('SET SESSION wsrep_sync_wait = 0');
    await n3.query("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=1'");
    const isolatedAt = Date.now();
    try {
      await until('health 503 on the isolated node', async () => (await health()) === 503, 30_000, 200);
      const body = (await (await fetch(`${onlyN3.url}/health`)).json()) as any;
      expect(body.database.ok).toBe(false);
      figures.push({ case: 'health after isolation', msTo503: Date.now() - isolatedAt, database: body.database });
    } finally {
      await n3.query("SET GLOBAL wsrep_provider_options = 'gmcast.isolate=0'");
      await n3.end();
    }
    const rejoinedAt = Date.now();
    await until('health 200 after rejoining', async () => (await health()) === 200, 60_000, 200);
    figures.push({ case: 'health after rejoin', msTo200: Date.now() - rejoinedAt });
    await stopServer(onlyN3);
  }, 180_000);
});
