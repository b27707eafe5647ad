/**
 * What the feed sequencer's folds must add up to, recomputed from the ledger in SQL: the daily aggregate's
 * sums group by group, and the day sets (ggr_day_players, ggr_day_rounds) by their definition
 * (db/daySets.ts recomputedSql over the ledger), row for row, whatever order the days were folded in.
 */
import { Connection, Pool, RowDataPacket } from 'mysql2/promise';
import { DAY_PLAYERS, DAY_ROUNDS, DaySet, recomputedSql } from '../../src/db/daySets';

/** A pool or one connection (a Galera node's). */
type Queryable = Pool | Connection;

/** The provider transactions the GGR counts. */
const GGR_ROWS = {
  from: 'transactions',
  where: "origin = 'provider' AND status = 'applied' AND type IN ('bet', 'win', 'rollback', 'jackpot')",
  day: 'DATE(created_at)',
};

type Row = Record<string, string | null>;

const asStrings = (rows: RowDataPacket[]): Row[] =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])));

const shown = (set: DaySet) =>
  `${set.key.join(', ')}, DATE_FORMAT(day, '%Y-%m-%d') AS day, currency,
   DATE_FORMAT(prev_day, '%Y-%m-%d') AS prev_day, DATE_FORMAT(prev_any_day, '%Y-%m-%d') AS prev_any_day`;

async function compare(db: Queryable, set: DaySet) {
  const order = `ORDER BY ${set.key.join(', ')}, day, currency`;
  const [expected] = await db.query<RowDataPacket[]>(
    `SELECT ${shown(set)} FROM (${recomputedSql(set, GGR_ROWS)}) r ${order}`,
  );
  const [actual] = await db.query<RowDataPacket[]>(`SELECT ${shown(set)} FROM ${set.table} ${order}`);
  return { expected: asStrings(expected), actual: asStrings(actual) };
}

/** Both day sets as the ledger says they must be, and as they are. */
export async function daySetsAgainstLedger(db: Queryable) {
  return { players: await compare(db, DAY_PLAYERS), rounds: await compare(db, DAY_ROUNDS) };
}

/** The aggregate recomputed from the ledger in one statement: what the folds must add up to. */
export async function aggregateDifferences(db: Queryable): Promise<RowDataPacket[]> {
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT COALESCE(l.operator_id, g.operator_id) AS operator_id, l.n AS ledger_bets, g.bet_count AS folded_bets
       FROM (SELECT operator_id, DATE(created_at) AS day, provider_id, COALESCE(game_id, 0) AS game_id, currency, sandbox,
                    SUM(type = 'bet') AS n,
                    SUM(IF(type = 'bet' AND free_spin_id IS NULL, amount_minor, 0)) AS bets_minor,
                    SUM(IF(type = 'rollback', amount_minor, 0)) AS rollbacks_minor,
                    SUM(IF(type IN ('win', 'jackpot'), amount_minor, 0)) AS wins_minor,
                    COALESCE(SUM(IF(type = 'bet' AND free_spin_id IS NULL, amount_base, 0)), 0) AS bets_base,
                    COALESCE(SUM(IF(type = 'rollback', amount_base, 0)), 0) AS rollbacks_base,
                    COALESCE(SUM(IF(type IN ('win', 'jackpot'), amount_base, 0)), 0) AS wins_base,
                    SUM(fx_rate IS NULL) AS missing_rates
               FROM transactions
              WHERE origin = 'provider' AND status = 'applied' AND type IN ('bet', 'win', 'rollback', 'jackpot')
              GROUP BY 1, 2, 3, 4, 5, 6) l
       LEFT JOIN ggr_daily g USING (operator_id, day, provider_id, game_id, currency, sandbox)
      WHERE g.operator_id IS NULL OR NOT (l.n <=> g.bet_count AND l.bets_minor <=> g.bets_minor
            AND l.rollbacks_minor <=> g.rollbacks_minor AND l.wins_minor <=> g.wins_minor AND l.bets_base <=> g.bets_base
            AND l.rollbacks_base <=> g.rollbacks_base AND l.wins_base <=> g.wins_base
            AND l.missing_rates <=> g.missing_rates)
     UNION ALL
     SELECT g.operator_id, NULL, g.bet_count FROM ggr_daily g
      WHERE NOT EXISTS (SELECT 1 FROM transactions t WHERE t.operator_id = g.operator_id AND DATE(t.created_at) = g.day
                          AND t.provider_id = g.provider_id AND COALESCE(t.game_id, 0) = g.game_id
                          AND t.currency = g.currency AND t.sandbox = g.sandbox AND t.origin = 'provider')`,
  );
  return rows;
}
