/** Catalogue reads for listing, the change feed and launching games (PROTOCOL §4, §14). */
import { Pool, RowDataPacket } from 'mysql2/promise';
import {
  CatalogueFilter,
  CatalogueStore,
  GameView,
  LaunchableGame,
  Platform,
  Volatility,
} from '../app/games/catalogueStore';
import { Minor } from '../domain/money';
import { readRestriction } from './protectionStore';

/** Columns of a game as an operator sees it; `g` is games, `p` its provider. */
const GAME_COLUMNS = `g.game_id, g.name, p.provider_id AS provider_code, g.type, g.rtp, g.free_spins, g.demo,
  g.category, g.thumbnail_url, g.platforms, g.volatility, g.features,
  DATE_FORMAT(g.release_date, '%Y-%m-%d') AS release_date, g.blocked_countries`;

/** A block of the game, or of its studio, for the operator bound to the first `?` (primary-key lookups). */
const BLOCKED_FOR_OPERATOR = `CASE
  WHEN EXISTS (SELECT 1 FROM operator_catalogue_blocks b
                WHERE b.operator_id = ? AND b.kind = 'provider' AND b.target_id = g.provider_id AND b.blocked = 1)
    THEN 'provider'
  WHEN EXISTS (SELECT 1 FROM operator_catalogue_blocks b
                WHERE b.operator_id = ? AND b.kind = 'game' AND b.target_id = g.game_id AND b.blocked = 1)
    THEN 'game'
  END`;

const list = (stored: unknown) =>
  String(stored ?? '')
    .split(',')
    .filter(Boolean);

function gameView(row: RowDataPacket, enabled = true): GameView {
  return {
    gameID: row.game_id as number,
    name: row.name as string,
    providerID: row.provider_code as string,
    type: row.type as string,
    rtp: Number(row.rtp),
    freeSpins: Boolean(row.free_spins),
    demo: Boolean(row.demo),
    category: (row.category as string | null) ?? null,
    thumbnailUrl: (row.thumbnail_url as string | null) ?? null,
    platforms: list(row.platforms) as Platform[],
    volatility: (row.volatility as Volatility | null) ?? null,
    features: list(row.features),
    releaseDate: (row.release_date as string | null) ?? null,
    blockedCountries: list(row.blocked_countries),
    enabled,
  };
}

/** The optional filters of a listing, as SQL conditions on `g` and `p` with their parameters. */
function filterConditions(filter: CatalogueFilter): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, value: unknown) => {
    where.push(condition);
    params.push(value);
  };
  if (filter.providerId !== undefined) add('p.provider_id = ?', filter.providerId);
  if (filter.type !== undefined) add('g.type = ?', filter.type);
  if (filter.category !== undefined) add('g.category = ?', filter.category);
  if (filter.platform !== undefined) add('FIND_IN_SET(?, g.platforms) > 0', filter.platform);
  return { where, params };
}

/**
 * The game ids whose view changed for an operator at or after a time: the game itself (games_changed_idx),
 * its studio blocked or unblocked, the game blocked or unblocked (operator_catalogue_blocks_changed_idx,
 * then games_provider_idx or the primary key). Each branch reads only what changed.
 */
const CHANGED_GAME_IDS = `
  SELECT c.game_id FROM games c WHERE c.changed_at >= ?
  UNION
  SELECT c.game_id FROM operator_catalogue_blocks b FORCE INDEX (operator_catalogue_blocks_changed_idx)
         JOIN games c ON c.provider_id = b.target_id
   WHERE b.operator_id = ? AND b.kind = 'provider' AND b.changed_at >= ?
  UNION
  SELECT b.target_id FROM operator_catalogue_blocks b FORCE INDEX (operator_catalogue_blocks_changed_idx)
   WHERE b.operator_id = ? AND b.kind = 'game' AND b.changed_at >= ?`;

interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * The change feed's two statements (a page, its total), exported so a test can EXPLAIN exactly what runs:
 * the changed ids first (a derived table, read through the change indexes), then each game by primary key.
 */
export function changedGamesQuery(filter: CatalogueFilter & { since: Date }): { page: Statement; count: Statement } {
  const { where, params } = filterConditions(filter);
  const { since, operatorId } = filter;
  // STRAIGHT_JOIN keeps the changed ids first: left to itself, the optimizer starts from the few
  // providers and walks every game of each (the whole catalogue) to meet the changed set.
  const from = `FROM (${CHANGED_GAME_IDS}) changed
    STRAIGHT_JOIN games g ON g.game_id = changed.game_id STRAIGHT_JOIN providers p ON p.id = g.provider_id
    ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
  const all = [since, operatorId, since, operatorId, since, ...params];
  return {
    page: {
      sql: `SELECT ${GAME_COLUMNS}, g.enabled AS game_enabled, p.enabled AS provider_enabled,
                   ${BLOCKED_FOR_OPERATOR} AS blocked_for
              ${from} ORDER BY g.game_id LIMIT ? OFFSET ?`,
      params: [operatorId, operatorId, ...all, filter.limit, filter.offset],
    },
    count: { sql: `SELECT COUNT(*) AS total ${from}`, params: all },
  };
}

export class MysqlCatalogueStore implements CatalogueStore {
  constructor(private readonly pool: Pool) {}

  async listGames(filter: CatalogueFilter) {
    const { where, params } = filterConditions(filter);
    const from = `FROM games g JOIN providers p ON p.id = g.provider_id
      WHERE g.enabled = 1 AND p.enabled = 1 AND (${BLOCKED_FOR_OPERATOR}) IS NULL
      ${where.map((c) => `AND ${c}`).join(' ')}`;
    const all = [filter.operatorId, filter.operatorId, ...params];
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${GAME_COLUMNS} ${from} ORDER BY g.game_id LIMIT ? OFFSET ?`,
      [...all, filter.limit, filter.offset],
    );
    const [[count]] = await this.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS total ${from}`, all);
    return { games: rows.map((row) => gameView(row)), total: Number(count?.total ?? 0) };
  }

  async listChangedGames(filter: CatalogueFilter & { since: Date }) {
    const query = changedGamesQuery(filter);
    const [rows] = await this.pool.query<RowDataPacket[]>(query.page.sql, query.page.params);
    const [[count]] = await this.pool.query<RowDataPacket[]>(query.count.sql, query.count.params);
    const games = rows.map((row) =>
      gameView(row, Boolean(row.game_enabled) && Boolean(row.provider_enabled) && row.blocked_for === null),
    );
    return { games, total: Number(count?.total ?? 0) };
  }

  async findLaunchableGame(gameId: number, operatorId: number): Promise<LaunchableGame | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${GAME_COLUMNS}, p.id AS provider_internal_id, p.launch_url_template,
              ${BLOCKED_FOR_OPERATOR} AS blocked_for
         FROM games g JOIN providers p ON p.id = g.provider_id
        WHERE g.game_id = ? AND g.enabled = 1 AND p.enabled = 1`,
      [operatorId, operatorId, gameId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ...gameView(row),
      providerInternalId: row.provider_internal_id as number,
      launchUrlTemplate: (row.launch_url_template as string | null) ?? null,
      blockedFor: (row.blocked_for as 'provider' | 'game' | null) ?? null,
    };
  }

  async rememberPlayer(operatorId: number, userId: string): Promise<void> {
    await this.pool.query('INSERT IGNORE INTO players (operator_id, user_id, created_at) VALUES (?, ?, ?)', [
      operatorId,
      userId,
      new Date(),
    ]);
  }

  // ---- launch gates (PROTOCOL §4 zero-balance rule, §11 prepaid credit) ----

  async walletBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT balance_minor FROM wallets WHERE operator_id = ? AND user_id = ? AND currency = ?',
      [operatorId, userId, currency],
    );
    return rows[0] ? (BigInt(rows[0].balance_minor as string | number) as Minor) : null;
  }

  async hasFreeSpinsFor(operatorId: number, userId: string, gameId: number, currency: string): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT 1 FROM free_spin_campaigns c
         JOIN free_spin_players p ON p.campaign_id = c.id AND p.user_id = ?
         JOIN free_spin_games g ON g.campaign_id = c.id AND g.game_id = ?
        WHERE c.operator_id = ? AND c.currency = ? AND c.cancelled_at IS NULL AND c.expires_at > ?
          AND p.spins_used < c.spins
        LIMIT 1`,
      [userId, gameId, operatorId, currency, new Date()],
    );
    return rows.length > 0;
  }

  async creditStanding(operatorId: number): Promise<{ balanceMinor: bigint; creditLimitMinor: bigint }> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT o.credit_limit_minor, COALESCE(c.balance_minor, 0) AS balance_minor
         FROM operators o LEFT JOIN operator_credit c ON c.operator_id = o.id WHERE o.id = ?`,
      [operatorId],
    );
    const row = rows[0];
    return {
      balanceMinor: BigInt((row?.balance_minor as string | number | undefined) ?? 0),
      creditLimitMinor: BigInt((row?.credit_limit_minor as string | number | undefined) ?? 0),
    };
  }

  playerRestriction(operatorId: number, userId: string) {
    return readRestriction(this.pool, operatorId, userId);
  }
}
