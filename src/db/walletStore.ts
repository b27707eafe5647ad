/**
 * The money hot path in raw SQL over mysql2 (see mysqlPool.ts for why not Prisma). Locking story:
 * a transfer locks exactly one wallet row with SELECT ... FOR UPDATE, writes it, inserts one ledger
 * row and commits; one row lock per transaction means no lock-order deadlocks between transfers.
 */
import { Pool, PoolConnection, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { Minor, minor } from '../domain/money';
import { assertInvariant } from '../domain/wallet';
import {
  DuplicateTransactionIdError,
  LockedWallet,
  NewTransaction,
  StoredTransaction,
  TransactionOrigin,
  WalletStore,
  WalletTransactionScope,
} from '../app/wallet/walletStore';
import { MysqlErrno, inMysqlTransaction, mysqlErrno } from './mysqlPool';

interface TransactionRow extends RowDataPacket {
  id: string;
  request_hash: Buffer;
  type: StoredTransaction['type'];
  status: StoredTransaction['status'];
  result_code: number;
  wallet_id: string | null;
  balance_after_minor: string | null;
}

export class MysqlWalletStore implements WalletStore {
  constructor(private readonly pool: Pool) {}

  async findTransaction(origin: TransactionOrigin, originId: number, transactionId: string): Promise<StoredTransaction | null> {
    const [rows] = await this.pool.query<TransactionRow[]>(
      `SELECT id, request_hash, type, status, result_code, wallet_id, balance_after_minor
         FROM transactions WHERE origin = ? AND origin_id = ? AND transaction_id = ?`,
      [origin, originId, transactionId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      platformTransactionId: String(row.id),
      requestHash: row.request_hash,
      type: row.type,
      status: row.status,
      resultCode: row.result_code,
      walletId: row.wallet_id,
      balanceAfter: row.balance_after_minor === null ? null : minor(row.balance_after_minor),
    };
  }

  async walletBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT balance_minor FROM wallets WHERE operator_id = ? AND user_id = ? AND currency = ?',
      [operatorId, userId, currency],
    );
    return rows[0] ? minor(rows[0].balance_minor as string) : null;
  }

  async playerExists(operatorId: number, userId: string): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT 1 FROM players WHERE operator_id = ? AND user_id = ?',
      [operatorId, userId],
    );
    return rows.length > 0;
  }

  async ensurePlayerWallet(operatorId: number, userId: string, currency: string, nickname: string | null): Promise<Minor> {
    const now = new Date();
    // INSERT IGNORE on the unique keys makes concurrent creations of one player converge on one row.
    await this.pool.query(
      'INSERT IGNORE INTO players (operator_id, user_id, nickname, created_at) VALUES (?, ?, ?, ?)',
      [operatorId, userId, nickname, now],
    );
    await this.pool.query(
      `INSERT IGNORE INTO wallets (operator_id, player_id, user_id, currency, balance_minor, created_at, updated_at)
       SELECT operator_id, id, user_id, ?, 0, ?, ? FROM players WHERE operator_id = ? AND user_id = ?`,
      [currency, now, now, operatorId, userId],
    );
    const balance = await this.walletBalance(operatorId, userId, currency);
    assertInvariant(balance !== null, `wallet ${operatorId}/${userId}/${currency} missing right after its creation`);
    return balance;
  }

  inTransaction<T>(work: (scope: WalletTransactionScope) => Promise<T>): Promise<T> {
    return inMysqlTransaction(this.pool, (connection) => work(new MysqlWalletScope(connection)));
  }
}

class MysqlWalletScope implements WalletTransactionScope {
  constructor(private readonly connection: PoolConnection) {}

  async lockWallet(operatorId: number, userId: string, currency: string): Promise<LockedWallet | null> {
    const [rows] = await this.connection.query<RowDataPacket[]>(
      'SELECT id, balance_minor FROM wallets WHERE operator_id = ? AND user_id = ? AND currency = ? FOR UPDATE',
      [operatorId, userId, currency],
    );
    const row = rows[0];
    return row ? { id: String(row.id), balance: minor(row.balance_minor as string) } : null;
  }

  async setWalletBalance(walletId: string, expected: Minor, next: Minor): Promise<void> {
    const [result] = await this.connection.query<ResultSetHeader>(
      'UPDATE wallets SET balance_minor = ?, updated_at = ? WHERE id = ? AND balance_minor = ?',
      [next, new Date(), walletId, expected],
    );
    assertInvariant(result.affectedRows === 1, `wallet ${walletId} changed under its lock`);
  }

  async insertTransaction(row: NewTransaction): Promise<string> {
    try {
      const [result] = await this.connection.query<ResultSetHeader>(
        `INSERT INTO transactions (origin, origin_id, transaction_id, request_hash, operator_id, wallet_id, user_id,
           currency, type, status, result_code, amount_minor, delta_minor, balance_after_minor, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          row.origin, row.originId, row.transactionId, row.requestHash, row.operatorId, row.walletId, row.userId,
          row.currency, row.type, row.status, row.resultCode, row.amount, row.delta, row.balanceAfter, new Date(),
        ],
      );
      return String(result.insertId);
    } catch (error) {
      if (mysqlErrno(error) === MysqlErrno.DUPLICATE_ENTRY) throw new DuplicateTransactionIdError();
      throw error;
    }
  }
}
