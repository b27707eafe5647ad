/**
 * Bulk seeding of the daily GGR aggregate for `npm run bench:reports`: what the sequencer would have
 * folded from N transactions over D days, written with INSERT ... SELECT over MariaDB's sequence
 * tables (seq_1_to_N), one UTC day per statement, each ordered by the primary key so InnoDB appends.
 *
 * The play is synthetic but shaped like the real thing: each round is one bet (one in 40 a free-spin
 * bet of 0), 58 % of rounds win, 2 % are rolled back; each operator has its players, each player one
 * currency; every game is played every day. GBP has no FX rate for the first 3 days (missingRates).
 * The day sets are projected from the per-game sets. The ledger (`transactions`) is not seeded: reports
 * never read it.
 */
import type { Pool, RowDataPacket } from 'mysql2/promise';
import { DAY_PLAYERS, DAY_ROUNDS, insertRecomputedSql } from '../../src/db/daySets';

export interface SeedShape {
  readonly operatorIds: readonly number[];
  readonly providerIds: readonly number[];
  readonly games: number;
  readonly days: number;
  /** `YYYY-MM-DD` of the first day. */
  readonly firstDay: string;
  readonly roundsPerOperatorDay: number;
  readonly playersPerOperator: number;
}

/** code, minor digits, base rate (EUR per unit) on day 1, and the days without a rate. */
const CURRENCIES: readonly [string, number, string, number][] = [
  ['EUR', 2, '1', 0],
  ['USD', 2, '0.9234567', 0],
  ['GBP', 2, '1.1712345', 3],
  ['JPY', 0, '0.0061234', 0],
];

export function dayOf(firstDay: string, index: number): string {
  return new Date(Date.parse(`${firstDay}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10);
}

async function createLookups(pool: Pool, shape: SeedShape): Promise<void> {
  await pool.query('DROP TABLE IF EXISTS bench_ops, bench_providers, bench_currencies');
  await pool.query('CREATE TABLE bench_ops (idx INT PRIMARY KEY, id INT NOT NULL)');
  await pool.query('CREATE TABLE bench_providers (idx INT PRIMARY KEY, id INT NOT NULL)');
  // minor_rate: base units for one minor unit (rate / 10^digits), so stake_minor × minor_rate is exact.
  await pool.query(
    `CREATE TABLE bench_currencies (idx INT PRIMARY KEY, code CHAR(3) NOT NULL, minor_rate DECIMAL(30, 18) NOT NULL,
                                    days_without_rate INT NOT NULL)`,
  );
  await pool.query('INSERT INTO bench_ops VALUES ?', [shape.operatorIds.map((id, i) => [i + 1, id])]);
  await pool.query('INSERT INTO bench_providers VALUES ?', [shape.providerIds.map((id, i) => [i + 1, id])]);
  for (const [i, [code, digits, rate, missing]] of CURRENCIES.entries()) {
    await pool.query('INSERT INTO bench_currencies VALUES (?, ?, CAST(? AS DECIMAL(30, 18)) / ?, ?)', [
      i,
      code,
      rate,
      10 ** digits,
      missing,
    ]);
  }
}

/**
 * One row per round of day `d` (1-based) for every operator: its game, player, currency and money.
 * The day's rate drifts by 1e-7 a day, so days differ in their conversion.
 */
function roundsOfDay(shape: SeedShape, d: number): string {
  const { games, playersPerOperator: players, roundsPerOperatorDay: rounds } = shape;
  return `
    SELECT bo.id AS operator_id, bp.id AS provider_id, g.game AS game_id, c.code AS currency,
           CONCAT('u', g.player) AS user_id, CONCAT('r', ${d}, '-', g.rn) AS round_id,
           g.stake, IF(g.rb, 0, g.win) AS win, IF(g.rb, g.stake, 0) AS rolled_back,
           1 + (g.win > 0 AND NOT g.rb) + g.rb AS transactions,
           IF(${d} > c.days_without_rate, c.minor_rate * (1 + ${d} * 0.0000001), NULL) AS minor_rate
      FROM (SELECT o.seq AS op, r.seq AS rn,
                   ((r.seq * 7 + o.seq * 13 + ${d}) % ${games}) + 1 AS game,
                   (r.seq * 31 + ${d} * 17 + o.seq) % ${players} AS player,
                   IF(r.seq % 40 = 1, 0, 100 + (r.seq * 37 + ${d} * 11 + o.seq) % 900) AS stake,
                   IF(r.seq % 5 < 3, FLOOR((100 + (r.seq * 37 + ${d} * 11 + o.seq) % 900) * (1 + r.seq % 7) / 4), 0) AS win,
                   (r.seq % 50 = 7) AS rb
              FROM seq_1_to_${shape.operatorIds.length} o CROSS JOIN seq_1_to_${rounds} r) g
      JOIN bench_ops bo ON bo.idx = g.op
      JOIN bench_providers bp ON bp.idx = (g.game - 1) % ${shape.providerIds.length} + 1
      JOIN bench_currencies c ON c.idx = (g.player + g.op) % ${CURRENCIES.length}`;
}

async function seedDay(pool: Pool, shape: SeedShape, d: number): Promise<number> {
  const day = dayOf(shape.firstDay, d - 1);
  const rounds = roundsOfDay(shape, d);
  await pool.query(
    `INSERT INTO ggr_daily_rounds (operator_id, day, provider_id, game_id, currency, sandbox, user_id, round_id)
     SELECT operator_id, ?, provider_id, game_id, currency, FALSE, user_id, round_id FROM (${rounds}) x
      ORDER BY operator_id, provider_id, game_id, currency, user_id, round_id`,
    [day],
  );
  await pool.query(
    `INSERT INTO ggr_daily_players (operator_id, day, provider_id, game_id, currency, sandbox, user_id)
     SELECT DISTINCT operator_id, day, provider_id, game_id, currency, sandbox, user_id FROM ggr_daily_rounds
      WHERE day = ? ORDER BY operator_id, day, provider_id, game_id, currency, sandbox, user_id`,
    [day],
  );
  await pool.query(
    `INSERT INTO ggr_daily (operator_id, day, provider_id, game_id, currency, sandbox, bet_count, bets_minor,
                            rollbacks_minor, wins_minor, bets_base, rollbacks_base, wins_base, missing_rates)
     SELECT operator_id, ?, provider_id, game_id, currency, FALSE, COUNT(*), SUM(stake), SUM(rolled_back), SUM(win),
            COALESCE(SUM(stake * minor_rate), 0), COALESCE(SUM(rolled_back * minor_rate), 0),
            COALESCE(SUM(win * minor_rate), 0), SUM(IF(minor_rate IS NULL, transactions, 0))
       FROM (${rounds}) x
      GROUP BY operator_id, provider_id, game_id, currency
      ORDER BY operator_id, provider_id, game_id, currency`,
    [day],
  );
  const [counted] = await pool.query<RowDataPacket[]>(`SELECT SUM(transactions) AS n FROM (${rounds}) x`);
  return Number(counted[0]!.n);
}

/** The day sets (db/daySets.ts), recomputed from the per-game sets once every day is seeded. */
async function seedDaySets(pool: Pool): Promise<void> {
  await pool.query(insertRecomputedSql(DAY_PLAYERS, { from: 'ggr_daily_players' }));
  await pool.query(insertRecomputedSql(DAY_ROUNDS, { from: 'ggr_daily_rounds' }));
}

/** Seeds every day; returns the number of provider transactions the aggregate now stands for. */
export async function seedAggregate(
  pool: Pool,
  shape: SeedShape,
  progress: (day: number, transactions: number) => void,
): Promise<number> {
  await createLookups(pool, shape);
  let transactions = 0;
  for (let d = 1; d <= shape.days; d++) {
    transactions += await seedDay(pool, shape, d);
    progress(d, transactions);
  }
  await pool.query('DROP TABLE bench_ops, bench_providers, bench_currencies');
  await seedDaySets(pool);
  await pool.query('UPDATE feed_sequencer SET last_seq = ?, day_sets_seq = ?, ran_at = NOW(3) WHERE id = 1', [
    transactions,
    transactions,
  ]);
  await pool.query('ANALYZE TABLE ggr_daily, ggr_daily_players, ggr_daily_rounds, ggr_day_players, ggr_day_rounds');
  return transactions;
}
