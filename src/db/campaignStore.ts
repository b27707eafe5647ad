/** Free-spin campaigns in SQL. The per-player spin counter is only ever changed under a row lock. */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { CampaignDefinition, CampaignStore, StoredCampaign } from '../app/freeSpins/campaigns';
import { minor } from '../domain/money';
import { MysqlErrno, inMysqlTransaction, mysqlErrno } from './mysqlPool';

export class MysqlCampaignStore implements CampaignStore {
  constructor(private readonly pool: Pool) {}

  async findCampaign(operatorId: number, freeSpinId: string): Promise<StoredCampaign | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT id, request_hash, currency, bet_amount_minor, spins, expires_at, cancelled_at
         FROM free_spin_campaigns WHERE operator_id = ? AND free_spin_id = ?`,
      [operatorId, freeSpinId],
    );
    const row = rows[0];
    if (!row) return null;
    const [players] = await this.pool.query<RowDataPacket[]>(
      'SELECT user_id, spins_used, total_win_minor FROM free_spin_players WHERE campaign_id = ? ORDER BY user_id',
      [row.id],
    );
    const spins = row.spins as number;
    return {
      id: row.id as number,
      requestHash: row.request_hash as Buffer,
      currency: row.currency as string,
      betAmount: minor(row.bet_amount_minor as string),
      spins,
      expiresAt: row.expires_at as Date,
      cancelledAt: (row.cancelled_at as Date | null) ?? null,
      allSpinsUsed: players.length > 0 && players.every((p) => (p.spins_used as number) >= spins),
      players: players.map((p) => ({
        userId: p.user_id as string,
        spinsUsed: p.spins_used as number,
        totalWin: minor(p.total_win_minor as string),
      })),
    };
  }

  async freeSpinGames(gameIds: readonly number[]): Promise<number[]> {
    if (gameIds.length === 0) return [];
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT g.game_id FROM games g JOIN providers p ON p.id = g.provider_id
        WHERE g.game_id IN (?) AND g.enabled = 1 AND g.free_spins = 1 AND p.enabled = 1`,
      [gameIds],
    );
    return rows.map((r) => r.game_id as number);
  }

  async insertCampaign(operatorId: number, d: CampaignDefinition, hash: Buffer): Promise<boolean> {
    try {
      await inMysqlTransaction(this.pool, async (connection) => {
        const [result] = await connection.query<import('mysql2').ResultSetHeader>(
          `INSERT INTO free_spin_campaigns (operator_id, free_spin_id, request_hash, currency, bet_amount_minor, spins, expires_at, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          [operatorId, d.freeSpinId, hash, d.currency, d.betAmount, d.spins, d.expiresAt, new Date()],
        );
        const campaignId = result.insertId;
        const users = [...new Set(d.userIds)];
        const games = [...new Set(d.gameIds)];
        await connection.query(
          'INSERT INTO free_spin_players (campaign_id, user_id, spins_used, total_win_minor) VALUES ?',
          [users.map((u) => [campaignId, u, 0, 0])],
        );
        await connection.query('INSERT INTO free_spin_games (campaign_id, game_id) VALUES ?', [
          games.map((g) => [campaignId, g]),
        ]);
      });
      return true;
    } catch (error) {
      if (mysqlErrno(error) === MysqlErrno.DUPLICATE_ENTRY) return false;
      throw error;
    }
  }

  async cancelCampaign(campaignId: number, at: Date): Promise<void> {
    await this.pool.query('UPDATE free_spin_campaigns SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL', [
      at,
      campaignId,
    ]);
  }
}
