/** Lock waits seen from the database itself, so that a test knows a request is blocked instead of guessing. */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { until } from './until';

/** Transactions of this pool's database that are waiting for a row lock right now. */
export async function lockWaitCount(db: Pool): Promise<number> {
  // Filtered here, not in SQL: a WHERE on trx_state matched nothing on MariaDB 10.11 (information_schema quirk).
  const [rows] = await db.query<RowDataPacket[]>(
    `SELECT t.trx_state AS state, p.DB AS db, DATABASE() AS mine FROM information_schema.INNODB_TRX t
       LEFT JOIN information_schema.PROCESSLIST p ON p.ID = t.trx_mysql_thread_id`,
  );
  return rows.filter((row) => row.state === 'LOCK WAIT' && row.db === row.mine).length;
}

/**
 * InnoDB refreshes what INNODB_TRX shows only when nobody read it in the last 100 ms, for every connection
 * at once: tests polling it faster than that together (two Jest workers) can keep it stale for ever.
 * Polls 300 ms apart leave it room to refresh.
 */
export const LOCK_WAIT_POLL_MS = 300;

/** Resolves once at least `count` transactions of this database wait for a lock (throws after timeoutMs). */
export async function untilLockWaits(db: Pool, count = 1, timeoutMs = 15_000): Promise<void> {
  await until(
    `${count} transaction(s) waiting for a lock`,
    async () => (await lockWaitCount(db)) >= count,
    timeoutMs,
    LOCK_WAIT_POLL_MS,
  );
}
