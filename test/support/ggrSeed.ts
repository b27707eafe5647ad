/**
 * Rows of the daily GGR aggregate written straight in SQL, so that report tests assert exact answers
 * over figures they chose (the sequencer that folds real transactions is tested on its own).
 */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { DAY_PLAYERS, DAY_ROUNDS, insertRecomputedSql } from '../../src/db/daySets';

export interface GgrSeedRow {
  operatorId: number;
  day: string;
  providerId: number;
  gameId: number;
  currency: string;
  sandbox?: boolean;
  betCount?: number;
  betsMinor?: bigint | number;
  rollbacksMinor?: bigint | number;
  winsMinor?: bigint | number;
  /** Exact decimal strings in base major units. */
  betsBase?: string;
  rollbacksBase?: string;
  winsBase?: string;
  missingRates?: number;
  players?: string[];
  /** [userID, roundID] pairs. */
  rounds?: [string, string][];
}

/**
 * The day sets (ggr_day_players, ggr_day_rounds) as the sequencer would have folded them from the same play:
 * the per-game sets projected onto operator, day and currency, each row with its two previous days.
 */
async function rebuildDaySets(db: Pool): Promise<void> {
  for (const [set, from] of [
    [DAY_PLAYERS, 'ggr_daily_players'],
    [DAY_ROUNDS, 'ggr_daily_rounds'],
  ] as const) {
    await db.query(`DELETE FROM ${set.table}`);
    await db.query(insertRecomputedSql(set, { from }));
  }
}

/** Adds to the group's sums (as a fold would), its player and round sets, and the day sets. */
export async function seedGgrDaily(db: Pool, rows: GgrSeedRow[]): Promise<void> {
  for (const row of rows) {
    const key = [row.operatorId, row.day, row.providerId, row.gameId, row.currency, row.sandbox ?? false];
    await db.query(
      `INSERT INTO ggr_daily (operator_id, day, provider_id, game_id, currency, sandbox, bet_count, bets_minor,
                              rollbacks_minor, wins_minor, bets_base, rollbacks_base, wins_base, missing_rates)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON DUPLICATE KEY UPDATE bet_count = bet_count + VALUES(bet_count), bets_minor = bets_minor + VALUES(bets_minor),
         rollbacks_minor = rollbacks_minor + VALUES(rollbacks_minor), wins_minor = wins_minor + VALUES(wins_minor),
         bets_base = bets_base + VALUES(bets_base), rollbacks_base = rollbacks_base + VALUES(rollbacks_base),
         wins_base = wins_base + VALUES(wins_base), missing_rates = missing_rates + VALUES(missing_rates)`,
      [
        ...key,
        row.betCount ?? 0,
        String(row.betsMinor ?? 0),
        String(row.rollbacksMinor ?? 0),
        String(row.winsMinor ?? 0),
        row.betsBase ?? '0',
        row.rollbacksBase ?? '0',
        row.winsBase ?? '0',
        row.missingRates ?? 0,
      ],
    );
    for (const user of row.players ?? []) {
      await db.query(
        `INSERT IGNORE INTO ggr_daily_players (operator_id, day, provider_id, game_id, currency, sandbox, user_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [...key, user],
      );
    }
    for (const [user, round] of row.rounds ?? []) {
      await db.query(
        `INSERT IGNORE INTO ggr_daily_rounds (operator_id, day, provider_id, game_id, currency, sandbox, user_id, round_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        [...key, user, round],
      );
    }
  }
  await rebuildDaySets(db);
}

export async function clearGgrDaily(db: Pool): Promise<void> {
  for (const table of ['ggr_daily', 'ggr_daily_players', 'ggr_daily_rounds', 'ggr_day_players', 'ggr_day_rounds'])
    await db.query(`DELETE FROM ${table}`);
}

/**
 * What the sequencer records after a pass: how far it folded, and when. `daySetsSeq`: how far the day sets
 * are folded (by default as far as the rest, as after every pass once they have caught up).
 */
export async function setFeedSequencer(
  db: Pool,
  lastSeq: number,
  ranAt: Date | null,
  daySetsSeq: number = lastSeq,
): Promise<void> {
  await db.query('UPDATE feed_sequencer SET last_seq = ?, day_sets_seq = ?, ran_at = ? WHERE id = 1', [
    lastSeq,
    daySetsSeq,
    ranAt,
  ]);
}

export async function operatorIdOf(db: Pool, agentId: string): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT id FROM operators WHERE agent_id = ?', [agentId]);
  if (!rows[0]) throw new Error(`no operator ${agentId}`);
  return Number(rows[0].id);
}

export async function providerIdOf(db: Pool, providerId: string): Promise<number> {
  const [rows] = await db.query<RowDataPacket[]>('SELECT id FROM providers WHERE provider_id = ?', [providerId]);
  if (!rows[0]) throw new Error(`no provider ${providerId}`);
  return Number(rows[0].id);
}
