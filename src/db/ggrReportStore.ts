/**
 * GGR reports over the daily aggregate (ggr_daily, ggr_daily_players, ggr_daily_rounds): one statement
 * groups the sums and counts the distinct players and rounds of each group (sets, since distinct
 * counts cannot be added across days or games). Never the ledger. Each report reads one consistent
 * snapshot (REPEATABLE READ, WITH CONSISTENT SNAPSHOT), so its figures, totals and freshness agree
 * even while the sequencer folds; on a replica (REPORTS_DATABASE_URL) the freshness read there also
 * says how far behind the replica is.
 */
import type { Connection as CoreConnection } from 'mysql2';
import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { ExactFigures, GroupKey } from '../domain/ggr';
import { Freshness, GgrQuery, GgrReportStore, GgrRow, GgrStream, GroupValues } from '../app/reports/ggrReportStore';

interface KeySql {
  /** The aggregate's column the group is on. */
  readonly column: string;
  /** What the outer select shows for it. */
  readonly output: string;
  readonly orderBy: string;
  readonly alias: string;
}

const KEYS: Record<GroupKey, KeySql> = {
  day: { column: 'day', output: "DATE_FORMAT(s.day, '%Y-%m-%d')", orderBy: 's.day', alias: 'k_day' },
  agentID: { column: 'operator_id', output: 'o.agent_id', orderBy: 'o.agent_id', alias: 'k_agent' },
  providerID: { column: 'provider_id', output: 'p.provider_id', orderBy: 'p.provider_id', alias: 'k_provider' },
  gameID: { column: 'game_id', output: 's.game_id', orderBy: 's.game_id', alias: 'k_game' },
  currency: { column: 'currency', output: 's.currency', orderBy: 's.currency', alias: 'k_currency' },
};

/** The rows a query may see: its days, its operator, its studio, live rows unless sandbox is asked for. */
function filterOf(query: GgrQuery): { sql: string; params: unknown[] } {
  const clauses = ['g.day >= ?', 'g.day < ?'];
  const params: unknown[] = [query.from, query.to];
  if (!query.includeSandbox) clauses.push('g.sandbox = FALSE');
  if (query.operatorId !== undefined) {
    clauses.push('g.operator_id = ?');
    params.push(query.operatorId);
  }
  // An unknown id gives NULL, which matches no row: an empty report, not an error.
  if (query.agentId !== undefined) {
    clauses.push('g.operator_id = (SELECT id FROM operators WHERE agent_id = ?)');
    params.push(query.agentId);
  }
  if (query.providerId !== undefined) {
    clauses.push('g.provider_id = (SELECT id FROM providers WHERE provider_id = ?)');
    params.push(query.providerId);
  }
  return { sql: clauses.join(' AND '), params };
}

/**
 * Where a report counts its distinct players and rounds. `groupSets`: ggr_daily_players and
 * ggr_daily_rounds, one row per game and currency, counted DISTINCT for any groupBy and filter. `daySets`:
 * ggr_day_players and ggr_day_rounds, one row per operator, day, currency and player (round), counted
 * without DISTINCT (db/feedSequencer.ts keeps their previous days): a group of one day and currency counts
 * its rows; of one currency over the range, its rows whose prev_day is before the range; of one day in any
 * currency, its rows whose prev_any_day is before that day; over the range in any currency (and the
 * totals), its rows whose prev_any_day is before the range. They know no studio or game, so they serve a
 * live report grouped by day, agentID and currency only, without a providerID filter: the daily statement.
 */
export type CountSource = 'groupSets' | 'daySets';

export function daySetsServe(query: GgrQuery): boolean {
  return (
    !query.includeSandbox &&
    query.providerId === undefined &&
    query.groupBy.every((key) => key === 'day' || key === 'agentID' || key === 'currency')
  );
}

interface Counts {
  readonly players: string;
  readonly rounds: string;
  readonly params: unknown[];
  /** The outer select's figure from a joined subquery's alias. */
  readonly figure: (alias: string) => string;
}

/** The day sets' count that a group of this groupBy takes (the totals always take `in_range`). */
function daySetsCount(groupBy: readonly GroupKey[]): 'per_day_currency' | 'in_currency' | 'in_day' | 'in_range' {
  const perDay = groupBy.includes('day');
  const perCurrency = groupBy.includes('currency');
  if (perDay) return perCurrency ? 'per_day_currency' : 'in_day';
  return perCurrency ? 'in_currency' : 'in_range';
}

function countSubqueries(
  query: GgrQuery,
  groupBy: readonly GroupKey[],
  source: CountSource,
  head: string,
  groupClause: string,
  totalsFirst: string | null,
): Counts {
  const filter = filterOf(query);
  if (source === 'groupSets') {
    return {
      players: `SELECT ${head}COUNT(DISTINCT g.operator_id, g.user_id) AS n
                  FROM ggr_daily_players g WHERE ${filter.sql} ${groupClause}`,
      rounds: `SELECT ${head}COUNT(DISTINCT g.operator_id, g.provider_id, g.user_id, g.round_id) AS n
                 FROM ggr_daily_rounds g WHERE ${filter.sql} ${groupClause}`,
      params: [...filter.params, ...filter.params],
      figure: (alias) => `COALESCE(${alias}.n, 0)`,
    };
  }
  const counted = (table: string) =>
    `SELECT ${head}COUNT(*) AS per_day_currency, SUM(g.prev_day IS NULL OR g.prev_day < ?) AS in_currency,
            SUM(g.prev_any_day IS NULL OR g.prev_any_day < g.day) AS in_day,
            SUM(g.prev_any_day IS NULL OR g.prev_any_day < ?) AS in_range
       FROM ${table} g WHERE ${filter.sql} ${groupClause}`;
  const count = daySetsCount(groupBy);
  return {
    players: counted('ggr_day_players'),
    rounds: counted('ggr_day_rounds'),
    params: [query.from, query.from, ...filter.params, query.from, query.from, ...filter.params],
    figure: (alias) =>
      totalsFirst && count !== 'in_range'
        ? `COALESCE(IF(${totalsFirst} IS NULL, ${alias}.in_range, ${alias}.${count}), 0)`
        : `COALESCE(${alias}.${count}, 0)`,
  };
}

/**
 * The report statement; `groupBy` empty gives the one row of totals. With `rollup` (and a groupBy) the
 * same statement also gives the totals, as its first row (every key NULL: the keys are NOT NULL columns,
 * so only a super-aggregate row has NULLs), computed in the same pass over the operator's rows instead of
 * a second statement reading them again; the intermediate subtotals of a many-key groupBy are left out.
 */
export function reportSql(
  query: GgrQuery,
  groupBy: readonly GroupKey[],
  options: { limit?: number; rollup?: boolean; counts?: CountSource } = {},
) {
  const { limit, rollup = false, counts: source = 'groupSets' } = options;
  const filter = filterOf(query);
  const withRollup = rollup && groupBy.length > 0;
  const columns = groupBy.map((key) => `g.${KEYS[key].column}`);
  const head = columns.length ? `${columns.join(', ')}, ` : '';
  const groupClause = columns.length ? `GROUP BY ${columns.join(', ')}${withRollup ? ' WITH ROLLUP' : ''}` : '';
  // NULL-safe: the totals row of each subquery meets the others' on its NULL keys.
  const equals = withRollup ? '<=>' : '=';
  const joinOn = (other: string) =>
    groupBy.length
      ? groupBy.map((key) => `${other}.${KEYS[key].column} ${equals} s.${KEYS[key].column}`).join(' AND ')
      : 'TRUE';
  const sKeys = groupBy.map((key) => `s.${KEYS[key].column}`);
  const counts = countSubqueries(query, groupBy, source, head, groupClause, withRollup ? sKeys[0]! : null);
  // Only the groups and the grand total, never a subtotal over the first keys of a many-key groupBy.
  const where =
    withRollup && groupBy.length > 1
      ? `WHERE (${sKeys.map((c) => `${c} IS NULL`).join(' AND ')}) OR (${sKeys.map((c) => `${c} IS NOT NULL`).join(' AND ')})`
      : '';
  const join = withRollup ? 'LEFT JOIN' : 'JOIN';
  const orderBy = [...(withRollup ? [`${sKeys[0]} IS NOT NULL`] : []), ...groupBy.map((key) => KEYS[key].orderBy)];
  const sql = `
    SELECT ${groupBy.map((key) => `${KEYS[key].output} AS ${KEYS[key].alias}, `).join('')}
           s.bet_count, s.bets_minor, s.rollbacks_minor, s.wins_minor, s.bets_base, s.rollbacks_base, s.wins_base,
           s.missing_rates, ${counts.figure('pl')} AS players, ${counts.figure('r')} AS rounds
      FROM (SELECT ${head}COALESCE(SUM(g.bet_count), 0) AS bet_count, COALESCE(SUM(g.bets_minor), 0) AS bets_minor,
                   COALESCE(SUM(g.rollbacks_minor), 0) AS rollbacks_minor, COALESCE(SUM(g.wins_minor), 0) AS wins_minor,
                   COALESCE(SUM(g.bets_base), 0) AS bets_base, COALESCE(SUM(g.rollbacks_base), 0) AS rollbacks_base,
                   COALESCE(SUM(g.wins_base), 0) AS wins_base, COALESCE(SUM(g.missing_rates), 0) AS missing_rates
              FROM ggr_daily g WHERE ${filter.sql} ${groupClause}) s
      LEFT JOIN (${counts.players}) pl ON ${joinOn('pl')}
      LEFT JOIN (${counts.rounds}) r ON ${joinOn('r')}
      ${groupBy.includes('agentID') ? `${join} operators o ON o.id = s.operator_id` : ''}
      ${groupBy.includes('providerID') ? `${join} providers p ON p.id = s.provider_id` : ''}
      ${where}
      ${groupBy.length ? `ORDER BY ${orderBy.join(', ')}` : ''}
      ${limit === undefined ? '' : 'LIMIT ?'}`;
  const params = [...filter.params, ...counts.params];
  if (limit !== undefined) params.push(limit);
  return { sql, params };
}

const ZERO_FIGURES: ExactFigures = {
  betCount: '0',
  betsMinor: '0',
  rollbacksMinor: '0',
  winsMinor: '0',
  betsBase: '0',
  rollbacksBase: '0',
  winsBase: '0',
  missingRates: '0',
  rounds: '0',
  players: '0',
};

function figuresOf(row: RowDataPacket): ExactFigures {
  return {
    betCount: String(row.bet_count),
    betsMinor: String(row.bets_minor),
    rollbacksMinor: String(row.rollbacks_minor),
    winsMinor: String(row.wins_minor),
    betsBase: String(row.bets_base),
    rollbacksBase: String(row.rollbacks_base),
    winsBase: String(row.wins_base),
    missingRates: String(row.missing_rates),
    rounds: String(row.rounds),
    players: String(row.players),
  };
}

function rowOf(row: RowDataPacket, groupBy: readonly GroupKey[]): GgrRow {
  const keys: GroupValues = {};
  for (const key of groupBy) {
    const value = row[KEYS[key].alias] as string | number;
    keys[key] = key === 'gameID' ? Number(value) : String(value);
  }
  return { keys, figures: figuresOf(row) };
}

interface Snapshot {
  readonly freshness: Freshness;
  /** Where this query's players and rounds are counted, in this snapshot. */
  readonly counts: CountSource;
}

/** Opens the report's snapshot; the day sets serve only when folded as far as the aggregate in it. */
async function beginSnapshot(connection: PoolConnection, query: GgrQuery): Promise<Snapshot> {
  await connection.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
  await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  const [rows] = await connection.query<RowDataPacket[]>(
    'SELECT last_seq, day_sets_seq, ran_at FROM feed_sequencer WHERE id = 1',
  );
  const row = rows[0];
  const lastSeq = row ? String(row.last_seq) : '0';
  const current = row !== undefined && String(row.day_sets_seq) === lastSeq;
  return {
    freshness: { asOf: (row?.ran_at as Date | null | undefined) ?? null, lastSeq },
    counts: current && daySetsServe(query) ? 'daySets' : 'groupSets',
  };
}

/**
 * MariaDB's split materialization turns the players and rounds subqueries into LATERAL ones, run again
 * for every group of the sums: for the CSV of all operators by day and game (300,000 groups over 3
 * million round rows) that was more than 20 minutes instead of under one. The report statement runs with
 * it off (SET STATEMENT: that statement only); MySQL has no such optimization and takes the statement as is.
 */
const MARIADB_PREFIX = "SET STATEMENT optimizer_switch = 'split_materialized=off' FOR ";

export class MysqlGgrReportStore implements GgrReportStore {
  private mariadb: Promise<boolean> | null = null;

  /** `pool`: the reports pool (a replica's when REPORTS_DATABASE_URL is set). */
  constructor(private readonly pool: Pool) {}

  /** The report statement as this server should run it (the server is asked once per process). */
  private async statement(connection: PoolConnection, sql: string): Promise<string> {
    this.mariadb ??= connection
      .query<RowDataPacket[]>('SELECT VERSION() AS version')
      .then(([rows]) => /mariadb/i.test(String(rows[0]?.version)));
    const mariadb = await this.mariadb.catch((error: unknown) => {
      this.mariadb = null;
      throw error;
    });
    return mariadb ? MARIADB_PREFIX + sql : sql;
  }

  async read(query: GgrQuery, maxRows: number) {
    const connection = await this.pool.getConnection();
    try {
      const { freshness, counts } = await beginSnapshot(connection, query);
      try {
        const { groupBy } = query;
        if (groupBy.length === 0) {
          // No groups: the one row of totals is both the report's row and its totals.
          const total = reportSql(query, [], { counts });
          const [totals] = await connection.query<RowDataPacket[]>(
            await this.statement(connection, total.sql),
            total.params,
          );
          return { freshness, rows: totals.map((row) => rowOf(row, groupBy)), totals: figuresOf(totals[0]!) };
        }
        // One statement for the groups and the totals (WITH ROLLUP): the totals row comes first, so it
        // is never cut off by the limit, which counts it.
        const grouped = reportSql(query, groupBy, { limit: maxRows + 2, rollup: true, counts });
        const [rows] = await connection.query<RowDataPacket[]>(
          await this.statement(connection, grouped.sql),
          grouped.params,
        );
        const first = rows[0];
        const totalsRow = first && first[KEYS[groupBy[0]!].alias] === null ? first : undefined;
        const groups = totalsRow ? rows.slice(1) : rows;
        return {
          freshness,
          rows: groups.map((row) => rowOf(row, groupBy)),
          // ROLLUP gives no totals row over no rows at all: an empty report's totals are zero.
          totals: totalsRow ? figuresOf(totalsRow) : ZERO_FIGURES,
        };
      } finally {
        await connection.query('COMMIT');
      }
    } finally {
      connection.release();
    }
  }

  /**
   * Rows streamed from the server as they are consumed (mysql2's row stream pauses the socket when
   * the consumer lags), so a report of any size holds a few hundred rows at a time.
   */
  async stream(query: GgrQuery): Promise<GgrStream> {
    const connection = await this.pool.getConnection();
    let settled = false;
    // A half-read result set leaves the connection unusable: destroyed, never returned to the pool.
    const settle = async (clean: boolean) => {
      if (settled) return;
      settled = true;
      if (!clean) return connection.destroy();
      try {
        await connection.query('COMMIT');
        connection.release();
      } catch {
        connection.destroy();
      }
    };
    let freshness: Freshness;
    let report: { sql: string; params: unknown[] };
    try {
      const snapshot = await beginSnapshot(connection, query);
      freshness = snapshot.freshness;
      const statement = reportSql(query, query.groupBy, { counts: snapshot.counts });
      report = { sql: await this.statement(connection, statement.sql), params: statement.params };
    } catch (error) {
      await settle(false);
      throw error;
    }
    const { sql, params } = report;
    // The promise wrapper's `connection` is the callback connection underneath, whose queries stream.
    const core = connection.connection as unknown as CoreConnection;
    const source = core.query(sql, params).stream({ highWaterMark: 256 });
    async function* rows(): AsyncGenerator<GgrRow> {
      let clean = false;
      try {
        for await (const raw of source) yield rowOf(raw as RowDataPacket, query.groupBy);
        clean = true;
      } finally {
        await settle(clean);
      }
    }
    return {
      freshness,
      rows: rows(),
      abort: () => {
        source.destroy();
        void settle(false);
      },
    };
  }
}
