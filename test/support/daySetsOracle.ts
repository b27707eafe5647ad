/**
 * The day sets (ggr_day_players, ggr_day_rounds) recomputed from the ledger in SQL: each key's UTC days
 * with the previous day of the same key (LAG), over the provider transactions the GGR counts. What the
 * sequencer's incremental folds must have left, row for row, whatever order the days were folded in.
 */
import { Pool, RowDataPacket } from 'mysql2/promise';

const PROVIDER_ROWS = `FROM transactions WHERE origin = 'provider' AND status = 'applied'
  AND type IN ('bet', 'win', 'rollback', 'jackpot')`;

const SETS = {
  players: { table: 'ggr_day_players', key: ['operator_id', 'sandbox', 'user_id'], only: '' },
  rounds: {
    table: 'ggr_day_rounds',
    key: ['operator_id', 'sandbox', 'provider_id', 'user_id', 'round_id'],
    only: ' AND round_id IS NOT NULL',
  },
};

type Row = Record<string, string | null>;

const asStrings = (rows: RowDataPacket[]): Row[] =>
  rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v === null ? null : String(v)])));

async function compare(db: Pool, set: (typeof SETS)[keyof typeof SETS]) {
  const key = set.key.join(', ');
  const order = `ORDER BY ${key}, day`;
  const [expected] = await db.query<RowDataPacket[]>(
    `SELECT ${key}, DATE_FORMAT(day, '%Y-%m-%d') AS day,
            DATE_FORMAT(LAG(day) OVER (PARTITION BY ${key} ORDER BY day), '%Y-%m-%d') AS prev_day
       FROM (SELECT DISTINCT ${key}, DATE(created_at) AS day ${PROVIDER_ROWS}${set.only}) x ${order}`,
  );
  const [actual] = await db.query<RowDataPacket[]>(
    `SELECT ${key}, DATE_FORMAT(day, '%Y-%m-%d') AS day, DATE_FORMAT(prev_day, '%Y-%m-%d') AS prev_day
       FROM ${set.table} ${order}`,
  );
  return { expected: asStrings(expected), actual: asStrings(actual) };
}

/** Both day sets as the ledger says they must be, and as they are. */
export async function daySetsAgainstLedger(db: Pool) {
  return { players: await compare(db, SETS.players), rounds: await compare(db, SETS.rounds) };
}
