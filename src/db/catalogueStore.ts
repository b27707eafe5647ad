/** Catalogue reads for listing and launching games. */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { CatalogueStore, GameView, LaunchableGame } from '../app/games/catalogue';

function gameView(row: RowDataPacket): GameView {
  return {
    gameID: row.game_id as number,
    name: row.name as string,
    providerID: row.provider_code as string,
    type: row.type as string,
    rtp: Number(row.rtp),
    freeSpins: Boolean(row.free_spins),
    demo: Boolean(row.demo),
  };
}

export class MysqlCatalogueStore implements CatalogueStore {
  constructor(private readonly pool: Pool) {}

  async listGames(filter: { providerId?: string; type?: string; offset: number; limit: number }) {
    const where = ['g.enabled = 1', 'p.enabled = 1'];
    const params: unknown[] = [];
    if (filter.providerId !== undefined) {
      where.push('p.provider_id = ?');
      params.push(filter.providerId);
    }
    if (filter.type !== undefined) {
      where.push('g.type = ?');
      params.push(filter.type);
    }
    const from = `FROM games g JOIN providers p ON p.id = g.provider_id WHERE ${where.join(' AND ')}`;
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT g.game_id, g.name, p.provider_id AS provider_code, g.type, g.rtp, g.free_spins, g.demo ${from}
        ORDER BY g.game_id LIMIT ? OFFSET ?`,
      [...params, filter.limit, filter.offset],
    );
    const [[count]] = await this.pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS total ${from}`, params);
    return { games: rows.map(gameView), total: Number(count?.total ?? 0) };
  }

  async findLaunchableGame(gameId: number): Promise<LaunchableGame | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT g.game_id, g.name, p.provider_id AS provider_code, g.type, g.rtp, g.free_spins, g.demo,
              p.id AS provider_internal_id, p.launch_url_template
         FROM games g JOIN providers p ON p.id = g.provider_id
        WHERE g.game_id = ? AND g.enabled = 1 AND p.enabled = 1`,
      [gameId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      ...gameView(row),
      providerInternalId: row.provider_internal_id as number,
      launchUrlTemplate: (row.launch_url_template as string | null) ?? null,
    };
  }

  async rememberPlayer(operatorId: number, userId: string): Promise<void> {
    await this.pool.query('INSERT IGNORE INTO players (operator_id, user_id, created_at) VALUES (?, ?, ?)', [
      operatorId,
      userId,
      new Date(),
    ]);
  }

  async hasWallet(operatorId: number, userId: string, currency: string): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT 1 FROM wallets WHERE operator_id = ? AND user_id = ? AND currency = ?',
      [operatorId, userId, currency],
    );
    return rows.length > 0;
  }
}
