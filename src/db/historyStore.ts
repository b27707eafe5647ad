/**
 * History queries over the ledger table (applied rows only: refusals are not listed), in feed order:
 * only rows the sequencer has numbered are listed, and sequencePending numbers what is visible first.
 */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { sequencePending } from './feedSequencer';
import { minor } from '../domain/money';
import { HistoryEntry, HistoryFilter, HistoryStore } from '../app/history/transactionHistory';
import { TransactionType } from '../app/wallet/walletStore';

export class MysqlHistoryStore implements HistoryStore {
  constructor(private readonly pool: Pool) {}

  sequencePending(): Promise<void> {
    return sequencePending(this.pool);
  }

  async search(filter: HistoryFilter): Promise<HistoryEntry[]> {
    const where: string[] = ["t.status = 'applied'", 't.feed_seq IS NOT NULL'];
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
    if (filter.platformTransactionId !== undefined) add('t.platform_transaction_id = ?', filter.platformTransactionId);
    if (filter.after !== undefined && 'seq' in filter.after) add('t.feed_seq > ?', filter.after.seq);
    // A cursor from before the feed named a row id: resume after that row's feed position.
    if (filter.after !== undefined && 'rowId' in filter.after)
      add('t.feed_seq > COALESCE((SELECT c.feed_seq FROM transactions c WHERE c.id = ?), 0)', filter.after.rowId);
    if (filter.before !== undefined && 'seq' in filter.before) add('t.feed_seq < ?', filter.before.seq);
    if (filter.before !== undefined && 'rowId' in filter.before)
      add('t.feed_seq < COALESCE((SELECT c.feed_seq FROM transactions c WHERE c.id = ?), 0)', filter.before.rowId);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT t.id, t.platform_transaction_id, t.transaction_id, t.type, t.user_id, t.currency, t.amount_minor, t.balance_after_minor, t.created_at,
              t.round_id, t.game_id, t.free_spin_id, t.feed_seq, t.fx_rate, t.amount_base, t.sandbox, o.agent_id, p.provider_id AS provider_code
         FROM transactions t
         JOIN operators o ON o.id = t.operator_id
         LEFT JOIN providers p ON p.id = t.provider_id
        WHERE ${where.join(' AND ')}
        ORDER BY t.feed_seq ${filter.newestFirst ? 'DESC' : 'ASC'}
        LIMIT ?`,
      [...params, filter.limit],
    );
    return rows.map((row) => ({
      feedSeq: BigInt(row.feed_seq as string),
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
      fxRate: (row.fx_rate as string | null) ?? null,
      amountBase: (row.amount_base as string | null) ?? null,
      sandbox: Boolean(row.sandbox),
    }));
  }
}
