/** History queries over the ledger table (applied rows only: refusals are not listed). */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { minor } from '../domain/money';
import { HistoryEntry, HistoryFilter, HistoryStore } from '../app/history/transactionHistory';
import { TransactionType } from '../app/wallet/walletStore';

export class MysqlHistoryStore implements HistoryStore {
  constructor(private readonly pool: Pool) {}

  async search(filter: HistoryFilter): Promise<HistoryEntry[]> {
    const where: string[] = ["t.status = 'applied'"];
    const params: unknown[] = [];
    const add = (clause: string, value: unknown) => {
      where.push(clause);
      params.push(value);
    };
    if (filter.operatorId !== undefined) add('t.operator_id = ?', filter.operatorId);
    if (filter.userId !== undefined) add('t.user_id = ?', filter.userId);
    if (filter.providerId !== undefined) add('t.provider_id = ?', filter.providerId);
    if (filter.roundId !== undefined) add('t.round_id = ?', filter.roundId);
    if (filter.transactionId !== undefined) add('t.transaction_id = ?', filter.transactionId);
    if (filter.from !== undefined) add('t.created_at >= ?', filter.from);
    if (filter.to !== undefined) add('t.created_at < ?', filter.to);
    if (filter.afterId !== undefined) add('t.id > ?', filter.afterId);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT t.id, t.platform_transaction_id, t.transaction_id, t.type, t.user_id, t.currency, t.amount_minor, t.balance_after_minor, t.created_at,
              t.round_id, t.game_id, t.free_spin_id, o.agent_id, p.provider_id AS provider_code
         FROM transactions t
         JOIN operators o ON o.id = t.operator_id
         LEFT JOIN providers p ON p.id = t.provider_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.id
        LIMIT ?`,
      [...params, filter.limit],
    );
    return rows.map((row) => ({
      rowId: String(row.id),
      platformTransactionId: row.platform_transaction_id as string,
      transactionId: row.transaction_id as string,
      agentId: row.agent_id as string,
      type: row.type as TransactionType,
      userId: row.user_id as string,
      currency: row.currency as string,
      amount: minor(row.amount_minor as string),
      balanceAfter: row.balance_after_minor === null ? null : minor(row.balance_after_minor as string),
      roundId: (row.round_id as string | null) ?? null,
      gameId: (row.game_id as number | null) ?? null,
      providerId: (row.provider_code as string | null) ?? null,
      freeSpinId: (row.free_spin_id as string | null) ?? null,
      createdAt: row.created_at as Date,
    }));
  }
}
