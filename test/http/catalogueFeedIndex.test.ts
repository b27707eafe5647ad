// Risk covered: a change feed (`/v1/games/list` with `changedSince`, PROTOCOL §14) that reads the whole
// catalogue on every poll: with 10,000 games, a call answering one changed game must read a handful of
// rows (InnoDB handler counters of the very store code that serves it) and use the change indexes
// (EXPLAIN of its exact statements), while the plain listing, for contrast, does read them all.
import { Pool, RowDataPacket } from 'mysql2/promise';
import { changedGamesQuery, MysqlCatalogueStore } from '../../src/db/catalogueStore';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { createMysqlPool } from '../../src/db/mysqlPool';
import { AdminClient, SignedClient } from '../support/clients';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';

const CATALOGUE_SIZE = 10_000;
const FIRST_BULK_ID = 100_001;
/** "A handful": index dives and the few rows of the answer, far from the 10,000 a scan reads. */
const MAX_FEED_ROW_READS = 60;

let server: TestServer;
let admin: AdminClient;
let operator: SignedClient;
let operatorId: number;
/** One connection, so the session's handler counters count exactly our statements. */
let session: Pool;
let since: Date;

beforeAll(async () => {
  server = await startTestServer('catalogue-feed-index');
  admin = await server.admin();
  for (const providerID of ['bulk-studio', 'bulk-blocked']) {
    await admin.ok('/admin/v1/providers/create', {
      providerID,
      name: providerID,
      launchUrl: 'https://studio.example/play?token={token}',
    });
  }
  // The catalogue is set up in SQL (10,000 audited upserts would only slow the test), long unchanged.
  await server.db.query(
    `INSERT INTO games (game_id, provider_id, name, type, rtp, category, features, blocked_countries, changed_at)
     SELECT ${FIRST_BULK_ID - 1} + s.seq, p.id, CONCAT('Bulk ', s.seq), 'slot', 96.00, 'video-slots',
            'free-spins', '', '2026-01-01 00:00:00'
       FROM seq_1_to_${CATALOGUE_SIZE} s JOIN providers p ON p.provider_id = 'bulk-studio'`,
  );
  await admin.ok('/admin/v1/games/upsert', {
    games: [1, 2, 3].map((i) => ({
      gameID: 200_000 + i,
      providerID: 'bulk-blocked',
      name: `Blocked ${i}`,
      type: 'slot',
      rtp: 95,
      freeSpins: false,
      demo: true,
      enabled: true,
    })),
  });
  // Blocks made before the mark: the feed's block branches have rows to skip.
  operator = await admin.createOperator('op-bulk', ['EUR'], {
    blockedProviders: ['bulk-blocked'],
    blockedGames: [FIRST_BULK_ID + 5],
  });
  await server.db.query("UPDATE games SET changed_at = '2026-01-01' WHERE provider_id <> 0");
  await server.db.query("UPDATE operator_catalogue_blocks SET changed_at = '2026-01-01' WHERE operator_id <> 0");
  const [[row]] = await server.db.query<RowDataPacket[]>("SELECT id FROM operators WHERE agent_id = 'op-bulk'");
  operatorId = row!.id as number;
  await server.db.query('ANALYZE TABLE games, operator_catalogue_blocks');

  since = new Date();
  await until('the clock to pass the mark', () => Date.now() > since.getTime() + 1, 1000, 1);
  await admin.ok('/admin/v1/games/upsert', {
    games: [
      {
        gameID: FIRST_BULK_ID + 4321,
        providerID: 'bulk-studio',
        name: 'Bulk 4322, renamed',
        type: 'slot',
        rtp: 96,
        freeSpins: false,
        demo: false,
        enabled: true,
      },
    ],
  });
  session = createMysqlPool(parseDatabaseUrl(server.databaseUrl), 1);
}, 120_000);
afterAll(async () => {
  await session?.end();
  await server.close();
});

async function rowReads(): Promise<number> {
  const [rows] = await session.query<RowDataPacket[]>("SHOW SESSION STATUS LIKE 'Handler_read%'");
  return rows.reduce((sum, r) => sum + Number(r.Value), 0);
}

async function readsOf(work: () => Promise<unknown>): Promise<number> {
  const before = await rowReads();
  await work();
  return (await rowReads()) - before;
}

const filter = () => ({ operatorId, offset: 0, limit: 50, since });

test('over HTTP, the feed of 10,000 games answers the one that changed', async () => {
  const [[count]] = await server.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM games');
  expect(Number(count!.n)).toBeGreaterThanOrEqual(CATALOGUE_SIZE);
  const answer = await operator.call('/v1/games/list', { changedSince: since.toISOString() });
  expect(answer).toMatchObject({ code: 0, total: 1 });
  expect(answer.games).toEqual([
    expect.objectContaining({ gameID: FIRST_BULK_ID + 4321, name: 'Bulk 4322, renamed', enabled: true }),
  ]);
});

test('a feed call for one changed game reads a handful of rows; the plain listing reads the catalogue', async () => {
  const store = new MysqlCatalogueStore(session);
  let answer: Awaited<ReturnType<MysqlCatalogueStore['listChangedGames']>> | undefined;
  const feedReads = await readsOf(async () => {
    answer = await store.listChangedGames(filter());
  });
  expect(answer?.total).toBe(1);
  expect(answer?.games.map((g) => g.gameID)).toEqual([FIRST_BULK_ID + 4321]);
  expect(feedReads).toBeLessThanOrEqual(MAX_FEED_ROW_READS);
  // The measurement can fail: the listing, which must count every listed game, reads them all.
  const listReads = await readsOf(() => store.listGames({ operatorId, offset: 0, limit: 50 }));
  expect(listReads).toBeGreaterThan(CATALOGUE_SIZE);
  process.stdout.write(`catalogue feed: ${feedReads} handler row reads; plain listing: ${listReads}\n`);
});

test('EXPLAIN: the games and blocks of the feed statements are read through the change indexes, never scanned', async () => {
  const query = changedGamesQuery(filter());
  for (const statement of [query.page, query.count]) {
    const [plan] = await session.query<RowDataPacket[]>(`EXPLAIN ${statement.sql}`, statement.params);
    const steps = plan.map((step) => ({ table: String(step.table), type: step.type, key: step.key, rows: step.rows }));
    // c and g are games, b the blocks; p (providers, a few rows) and the derived tables may be read whole.
    const onGamesOrBlocks = steps.filter((step) => ['c', 'g', 'b'].includes(step.table));
    expect(onGamesOrBlocks.length).toBeGreaterThanOrEqual(4);
    for (const step of onGamesOrBlocks) expect(['range', 'ref', 'eq_ref']).toContain(step.type);
    const changed = steps.find((step) => step.table === 'c' && step.key === 'games_changed_idx');
    expect(changed).toMatchObject({ type: 'range' });
    expect(Number(changed!.rows)).toBeLessThanOrEqual(10);
    expect(
      steps
        .filter((step) => step.table === 'b')
        .map((step) => String(step.key))
        .sort(),
    ).toEqual([
      ...(statement === query.page ? ['PRIMARY', 'PRIMARY'] : []),
      'operator_catalogue_blocks_changed_idx',
      'operator_catalogue_blocks_changed_idx',
    ]);
    expect(steps.find((step) => step.table === 'g')).toMatchObject({ type: 'eq_ref', key: 'PRIMARY' });
  }
});
