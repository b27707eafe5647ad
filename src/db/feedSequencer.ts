/**
 * The feed sequencer (PROTOCOL §4 resumeCursor, §12 reports): gives every stored transaction its place
 * in the reconciliation feed, feed_seq, in the order transactions became visible, and in the same
 * database transaction folds the provider transactions among them into the daily GGR aggregate.
 *
 * Why this order cannot skip: a pass holds the one feed_sequencer row FOR UPDATE (passes of every
 * process run one at a time; on Galera a concurrent pass on another node fails certification and is
 * retried) and numbers, in id order, the committed transactions that have no number yet, continuing
 * from last_seq. A transaction whose commit finishes late is simply not visible to this pass; the next
 * pass numbers it, after everything numbered before. Numbers are assigned only after visibility, and a
 * pass's numbers become visible at once with its COMMIT, so what any reader sees numbered is always a
 * prefix 1..n of the sequence: a client reading "feed_seq > the last one I saw" misses nothing and sees
 * nothing twice.
 *
 * Why the aggregate counts each transaction once, across crashes: a transaction is folded by exactly the
 * pass that numbers it, in that pass's database transaction. A pass that dies (process killed,
 * connection lost, deadlock) rolls back whole: no number kept, nothing folded, and the next pass takes
 * the same rows again. feed_sequencer.ran_at and last_seq tell a report how fresh the aggregate is.
 *
 * The day sets (ggr_day_players, ggr_day_rounds: an operator's distinct players and rounds per day and
 * currency, for the daily statement) are folded by feed_seq range up to day_sets_seq, in the same
 * transaction. Normally that is the range just numbered; after the migration that created them (or behind
 * a process of an older version) the range starts further back, and each pass catches up one batch of the
 * ledger.
 */
import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { TransactionConnection, inMysqlTransaction } from './mysqlPool';
import { assertInvariant } from '../domain/wallet';
import { DAY_SETS, DaySet } from './daySets';

/** Rows numbered and folded per pass: bounded so a pass (and its row locks) stays short. */
export const SEQUENCER_BATCH_SIZE = 2_000;

export interface SequencerPass {
  /** Transactions numbered (and, the provider ones, folded) by this pass. */
  readonly sequenced: number;
  /** feed_sequencer.last_seq after the pass. */
  readonly lastSeq: bigint;
  /** feed_sequencer.day_sets_seq after the pass (below lastSeq while the day sets catch up). */
  readonly daySetsSeq: bigint;
  /** More to do at once: the batch was full, or the day sets are still behind. */
  readonly backlog: boolean;
}

export interface SequencerOptions {
  readonly batchSize?: number;
  /** Tests: runs after the fold, before COMMIT, on the pass's connection (to crash a pass mid-way). */
  readonly beforeCommit?: (connection: TransactionConnection) => Promise<void>;
}

/** One pass: numbers up to batchSize visible transactions without a number and folds them. */
export function runSequencerPass(pool: Pool, options: SequencerOptions = {}): Promise<SequencerPass> {
  const batchSize = options.batchSize ?? SEQUENCER_BATCH_SIZE;
  return inMysqlTransaction(pool, async (connection) => {
    const [heads] = await connection.query<RowDataPacket[]>(
      'SELECT last_seq, day_sets_seq FROM feed_sequencer WHERE id = 1 FOR UPDATE',
    );
    assertInvariant(heads.length === 1, 'feed_sequencer has no row 1 (migration 20261202000000)');
    const lastSeq = BigInt(heads[0]!.last_seq as string);
    const daySetsFrom = BigInt(heads[0]!.day_sets_seq as string);
    assertInvariant(daySetsFrom <= lastSeq, `day_sets_seq ${daySetsFrom} is ahead of last_seq ${lastSeq}`);
    // A plain read (READ COMMITTED): committed rows only; one still being written waits for a later pass.
    const [pending] = await connection.query<RowDataPacket[]>(
      'SELECT id FROM transactions WHERE feed_seq IS NULL ORDER BY id LIMIT ?',
      [batchSize],
    );
    const ids = pending.map((row) => row.id as string);
    const newLast = lastSeq + BigInt(ids.length);
    if (ids.length > 0) {
      await number(connection, ids, lastSeq);
      await foldIntoDailyAggregate(connection, lastSeq, newLast);
    }
    // At most one batch of day sets per pass, so a catch-up over a long ledger keeps each pass short.
    const daySetsTo = daySetsFrom + BigInt(batchSize) < newLast ? daySetsFrom + BigInt(batchSize) : newLast;
    if (daySetsTo > daySetsFrom) await foldIntoDaySets(connection, daySetsFrom, daySetsTo);
    await connection.query('UPDATE feed_sequencer SET last_seq = ?, day_sets_seq = ?, ran_at = NOW(3) WHERE id = 1', [
      newLast,
      daySetsTo,
    ]);
    await options.beforeCommit?.(connection);
    const backlog = ids.length >= batchSize || daySetsTo < newLast;
    return { sequenced: ids.length, lastSeq: newLast, daySetsSeq: daySetsTo, backlog };
  });
}

/** Numbers the rows last+1, last+2, ... in id order; every one of them must still be without a number. */
async function number(connection: TransactionConnection, ids: readonly string[], lastSeq: bigint): Promise<void> {
  // One round trip: the variable (deferred) and the UPDATE that counts up from it, row by row in id order.
  connection.defer('SET @feed_seq := ?', [lastSeq]);
  const [updated] = await connection.query<ResultSetHeader>(
    // By primary key only: a scan of the feed_seq index's NULL entries would wait on rows still being inserted.
    'UPDATE transactions FORCE INDEX (PRIMARY) SET feed_seq = (@feed_seq := @feed_seq + 1) WHERE id IN (?) AND feed_seq IS NULL ORDER BY id',
    [ids.map((id) => BigInt(id))],
  );
  assertInvariant(
    updated.affectedRows === ids.length,
    `sequencer numbered ${updated.affectedRows} of ${ids.length} rows: another pass ran without the feed_sequencer lock`,
  );
}

/**
 * GGR counts provider transactions applied (PROTOCOL §12): bets add (a free-spin bet counts in bet_count
 * with 0 money), rollbacks are the stakes given back, wins and jackpots are wins. Base sums are exact
 * DECIMAL sums over the rows that had a rate; missing_rates counts the others, whose local sums are kept.
 * Read by the feed_seq index: a pass's range is always a narrow range of it (the optimizer, judging by the
 * origin column's statistics, could otherwise take the idempotency key and read every provider row).
 */
const PROVIDER_ROWS = `FROM transactions t FORCE INDEX (transactions_feed_seq_key)
  WHERE t.feed_seq > ? AND t.feed_seq <= ? AND t.origin = 'provider' AND t.status = 'applied'
    AND t.type IN ('bet', 'win', 'rollback', 'jackpot')`;
const GROUP_KEY = 't.operator_id, DATE(t.created_at), t.provider_id, COALESCE(t.game_id, 0), t.currency, t.sandbox';
const STAKE = "t.type = 'bet' AND t.free_spin_id IS NULL";
const WIN = "t.type IN ('win', 'jackpot')";
const ROLLBACK = "t.type = 'rollback'";

async function foldIntoDailyAggregate(connection: TransactionConnection, after: bigint, upTo: bigint): Promise<void> {
  const range = [after, upTo];
  await connection.query(
    `INSERT INTO ggr_daily (operator_id, day, provider_id, game_id, currency, sandbox, bet_count, bets_minor,
       rollbacks_minor, wins_minor, bets_base, rollbacks_base, wins_base, missing_rates)
     SELECT ${GROUP_KEY},
            SUM(t.type = 'bet'),
            SUM(IF(${STAKE}, t.amount_minor, 0)),
            SUM(IF(${ROLLBACK}, t.amount_minor, 0)),
            SUM(IF(${WIN}, t.amount_minor, 0)),
            COALESCE(SUM(IF(${STAKE}, t.amount_base, 0)), 0),
            COALESCE(SUM(IF(${ROLLBACK}, t.amount_base, 0)), 0),
            COALESCE(SUM(IF(${WIN}, t.amount_base, 0)), 0),
            SUM(t.fx_rate IS NULL)
       ${PROVIDER_ROWS}
      GROUP BY ${GROUP_KEY}
     ON DUPLICATE KEY UPDATE
       bet_count = bet_count + VALUES(bet_count),
       bets_minor = bets_minor + VALUES(bets_minor),
       rollbacks_minor = rollbacks_minor + VALUES(rollbacks_minor),
       wins_minor = wins_minor + VALUES(wins_minor),
       bets_base = bets_base + VALUES(bets_base),
       rollbacks_base = rollbacks_base + VALUES(rollbacks_base),
       wins_base = wins_base + VALUES(wins_base),
       missing_rates = missing_rates + VALUES(missing_rates)`,
    range,
  );
  // Players and rounds are sets (distinct counts do not add up across passes): one row each, kept once.
  await connection.query(
    `INSERT INTO ggr_daily_players (operator_id, day, provider_id, game_id, currency, sandbox, user_id)
     SELECT DISTINCT ${GROUP_KEY}, t.user_id ${PROVIDER_ROWS}
     ON DUPLICATE KEY UPDATE user_id = VALUES(user_id)`,
    range,
  );
  await connection.query(
    `INSERT INTO ggr_daily_rounds (operator_id, day, provider_id, game_id, currency, sandbox, user_id, round_id)
     SELECT DISTINCT ${GROUP_KEY}, t.user_id, t.round_id ${PROVIDER_ROWS} AND t.round_id IS NOT NULL
     ON DUPLICATE KEY UPDATE round_id = VALUES(round_id)`,
    range,
  );
}

async function foldIntoDaySets(connection: TransactionConnection, after: bigint, upTo: bigint): Promise<void> {
  for (const set of DAY_SETS) await foldIntoDaySet(connection, set, after, upTo);
}

/** `a` comes before `b` in the key's (day, currency) order. */
const before = (a: string, b: string) =>
  `(${a}.day < ${b}.day OR (${a}.day = ${b}.day AND ${a}.currency < ${b}.currency))`;

/**
 * Adds the range's (key, day, currency) rows and keeps both previous days exact, whatever order days arrive
 * in (a transaction of 23:59:59 may commit after one of 00:00:01): (1) a new row is inserted with what the
 * set already holds before it; (2) every row of a key of the range that comes after one of the range's rows
 * moves its previous days up to the latest such row's day (prev_day: the same currency's only). A row
 * already there is left as it is by (1) and mended by (2) if a new row came before it, so folding a range
 * twice changes nothing. The pass runs READ COMMITTED (inMysqlTransaction): under REPEATABLE READ the
 * subqueries' next-key locks on the table being inserted into make a large fold quadratic (a catch-up of
 * 104,000 rounds: 160 s instead of 1.6 s). The set's index on (key, day, currency) is forced, and the
 * range's rows joined first (STRAIGHT_JOIN): misled by statistics not yet updated after a large fold, the
 * optimizer took the primary key's (operator_id, sandbox) prefix and read the operator's every day for each
 * row (a catch-up ran minutes instead of a second).
 */
async function foldIntoDaySet(connection: TransactionConnection, set: DaySet, after: bigint, upTo: bigint) {
  const range = [after, upTo];
  const columns = (alias: string) => [...set.key, 'currency'].map((column) => `${alias}.${column}`).join(', ');
  const sameKey = (a: string, b: string) => set.key.map((column) => `${a}.${column} = ${b}.${column}`).join(' AND ');
  const batch = `SELECT DISTINCT ${columns('t')}, DATE(t.created_at) AS day
    ${PROVIDER_ROWS}${set.nullable ? ` AND t.${set.nullable} IS NOT NULL` : ''}`;
  const earlier = `FROM ${set.table} p FORCE INDEX (${set.byKey}) WHERE ${sameKey('p', 'b')}`;
  // The index read backwards from the row's place, stopping at the first match: MAX(day) read every earlier
  // day of the key, which grows with a player's history (a year of daily play: 365 entries per fold).
  const latestFirst = 'ORDER BY p.day DESC, p.currency DESC LIMIT 1';
  await connection.query(
    `INSERT INTO ${set.table} (${set.key.join(', ')}, currency, day, prev_day, prev_any_day)
     SELECT ${columns('b')}, b.day,
            (SELECT p.day ${earlier} AND p.currency = b.currency AND p.day < b.day ${latestFirst}),
            (SELECT p.day ${earlier} AND ${before('p', 'b')} ${latestFirst})
       FROM (${batch}) b
     ON DUPLICATE KEY UPDATE day = VALUES(day)`,
    range,
  );
  await connection.query(
    `UPDATE (SELECT ${columns('p')}, p.day, MAX(b.day) AS prev_any, MAX(IF(b.currency = p.currency, b.day, NULL)) AS prev
               FROM (${batch}) b STRAIGHT_JOIN ${set.table} p FORCE INDEX (${set.byKey}) ON ${sameKey('p', 'b')} AND ${before('b', 'p')}
              GROUP BY ${columns('p')}, p.day) x
       STRAIGHT_JOIN ${set.table} r ON ${sameKey('r', 'x')} AND r.currency = x.currency AND r.day = x.day
        SET r.prev_any_day = GREATEST(COALESCE(r.prev_any_day, x.prev_any), x.prev_any),
            r.prev_day = IF(x.prev IS NULL, r.prev_day, GREATEST(COALESCE(r.prev_day, x.prev), x.prev))
      WHERE r.prev_any_day IS NULL OR r.prev_any_day < x.prev_any
         OR (x.prev IS NOT NULL AND (r.prev_day IS NULL OR r.prev_day < x.prev))`,
    range,
  );
}

/** Passes until nothing visible is left without a number (bounded: a backlog beyond it waits for the job). */
export async function sequencePending(pool: Pool, maxPasses = 10): Promise<void> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT 1 FROM transactions WHERE feed_seq IS NULL LIMIT 1');
  if (rows.length === 0) return;
  for (let pass = 0; pass < maxPasses; pass++) {
    const done = await runSequencerPass(pool);
    if (done.sequenced < SEQUENCER_BATCH_SIZE) return;
  }
}

/** How fresh the feed and the aggregate are: everything numbered up to lastSeq is folded, as of ranAt. */
export async function sequencerFreshness(pool: Pool): Promise<{ lastSeq: bigint; ranAt: Date | null }> {
  const [rows] = await pool.query<RowDataPacket[]>('SELECT last_seq, ran_at FROM feed_sequencer WHERE id = 1');
  return { lastSeq: BigInt(rows[0]!.last_seq as string), ranAt: (rows[0]!.ran_at as Date | null) ?? null };
}
