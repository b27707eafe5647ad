/** Round maintenance in SQL: the TTL close and the count the mode-switch guard needs. */
import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { StaleRoundStore } from '../app/rounds/closeStaleRounds';

export class MysqlRoundStore implements StaleRoundStore {
  constructor(private readonly pool: Pool) {}

  async closeRoundsOpenedBefore(cutoff: Date, reason: string, limit: number): Promise<number> {
    const [result] = await this.pool.query<ResultSetHeader>(
      `UPDATE rounds SET status = 'closed', close_reason = ?, closed_at = ?
        WHERE status = 'open' AND opened_at < ? LIMIT ?`,
      [reason, new Date(), cutoff, limit],
    );
    return result.affectedRows;
  }

  async countOpenRounds(operatorId: number): Promise<number> {
    const [[row]] = await this.pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM rounds WHERE operator_id = ? AND status = 'open'",
      [operatorId],
    );
    return Number(row?.n ?? 0);
  }
}
