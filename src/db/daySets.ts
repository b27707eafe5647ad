/**
 * The two day sets (PROTOCOL §12 reports; migration 20261204000000_ggr_day_sets): an operator's distinct
 * players and rounds per UTC day and currency, whatever the studio or game. Each row keeps `prev_day`, the
 * latest earlier day of the same key in the same currency, and `prev_any_day`, the day of the row before
 * among the key's rows in (day, currency) order (NULL: none). The sequencer folds them incrementally
 * (db/feedSequencer.ts); reports count them without DISTINCT (db/ggrReportStore.ts). `recomputedSql` is
 * their definition as one query, from which seeds write them and tests check what the folds left.
 */
export interface DaySet {
  readonly table: 'ggr_day_players' | 'ggr_day_rounds';
  /** The key's columns, named as in transactions (day and currency come on top). */
  readonly key: readonly string[];
  /** The index on (key, day, currency). */
  readonly byKey: string;
  /** A key column that transactions may leave NULL: those rows are not in the set. */
  readonly nullable?: string;
}

export const DAY_PLAYERS: DaySet = {
  table: 'ggr_day_players',
  key: ['operator_id', 'sandbox', 'user_id'],
  byKey: 'ggr_day_players_player_idx',
};

export const DAY_ROUNDS: DaySet = {
  table: 'ggr_day_rounds',
  key: ['operator_id', 'sandbox', 'provider_id', 'user_id', 'round_id'],
  byKey: 'ggr_day_rounds_round_idx',
  nullable: 'round_id',
};

export const DAY_SETS: readonly DaySet[] = [DAY_PLAYERS, DAY_ROUNDS];

/** Rows that have the key's columns and `currency`: a table or join, which of its rows, and their day. */
export interface DaySetSource {
  readonly from: string;
  readonly where?: string;
  /** An expression of the row's UTC day (default its `day` column). */
  readonly day?: string;
}

/** The set's rows recomputed whole from `source`: key, day, currency, prev_day, prev_any_day. */
export function recomputedSql(set: DaySet, source: DaySetSource): string {
  const key = set.key.join(', ');
  const where = [source.where, set.nullable && `${set.nullable} IS NOT NULL`].filter(Boolean);
  return `SELECT ${key}, day, currency,
                 LAG(day) OVER (PARTITION BY ${key}, currency ORDER BY day) AS prev_day,
                 LAG(day) OVER (PARTITION BY ${key} ORDER BY day, currency) AS prev_any_day
            FROM (SELECT DISTINCT ${key}, ${source.day ?? 'day'} AS day, currency FROM ${source.from}
                   ${where.length ? `WHERE ${where.join(' AND ')}` : ''}) x`;
}

/** Writes the set's rows recomputed from `source` into the set (seeds: the set is expected empty). */
export function insertRecomputedSql(set: DaySet, source: DaySetSource): string {
  return `INSERT INTO ${set.table} (${set.key.join(', ')}, day, currency, prev_day, prev_any_day)
          ${recomputedSql(set, source)}`;
}
