/**
 * The mysql2 pool that carries the money hot path (raw SQL, short transactions). Prisma keeps its own
 * small pool for admin work: its interactive transactions measured 5.6x slower than the same mysql2
 * transaction here and fail with P2028 when callers outnumber the pool (see docs/ARCHITECTURE.md).
 */
import mysql, { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { format } from 'mysql2';
import { DatabaseTarget } from './databaseUrl';
import { SQL_TIMEZONE, formatSql } from './sqlTemplate';


export function createMysqlPool(target: DatabaseTarget, connectionLimit: number): Pool {
  const pool = mysql.createPool({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit,
    // Callers beyond the pool wait in a bounded queue rather than failing, but not forever.
    queueLimit: 10_000,
    connectTimeout: 10_000,
    enableKeepAlive: true,
    // BIGINT money comes back as exact strings and is turned into bigint at the store.
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    timezone: SQL_TIMEZONE,
    dateStrings: false,
    charset: 'utf8mb4_unicode_ci',
    // Transactions send deferred writes with the next statement (TransactionConnection); every value
    // is still escaped by the driver's escaper, never concatenated.
    multipleStatements: true,
    // mysql2 formats every query, even one without values (it scans the whole text for placeholders):
    // a batch already formatted goes out as it is, and each statement text's placeholders are found
    // once (sqlTemplate.ts). Same output as the driver's own format(), proved by test/db/sqlTemplate.
    queryFormat: (sql: string, values: unknown) =>
      values === undefined || values === null || (Array.isArray(values) && values.length === 0)
        ? sql
        : formatSql(sql, Array.isArray(values) ? values : [values], (text, params) => format(text, params as never, false, SQL_TIMEZONE)),
    // No stack capture at every query (mysql2's `trace`): profiled at 4-7% of a money call's CPU; a
    // database error still says what failed, and our errors carry their own stacks.
    trace: false,
  });
  // Every session in UTC, so DATETIME defaults agree with the UTC dates we write. READ COMMITTED: each
  // statement after the wallet lock sees every transaction committed before the lock was granted (no
  // stale snapshot), and InnoDB takes no gap locks on the inserts.
  pool.pool.on('connection', (connection) => {
    connection.query("SET time_zone = '+00:00'");
    connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
  });
  return pool;
}

/** MySQL/MariaDB error numbers we act on. */
export const MysqlErrno = {
  DUPLICATE_ENTRY: 1062,
  LOCK_WAIT_TIMEOUT: 1205,
  DEADLOCK: 1213,
  CHECK_CONSTRAINT_VIOLATED: 4025,
} as const;

export function mysqlErrno(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

const RETRYABLE = new Set<number>([MysqlErrno.DEADLOCK, MysqlErrno.LOCK_WAIT_TIMEOUT]);
const MAX_ATTEMPTS = 4;

/** Something that runs a statement: the pool (autocommit) or a transaction's connection. */
export type Queryable = { query<T>(sql: string, params?: unknown[]): Promise<[T, unknown]> };

/** The pool as a Queryable (its own query() is overloaded beyond what callers here need). */
export function poolQueryable(pool: Pool): Queryable {
  return { query: <T>(sql: string, params: unknown[] = []) => pool.query(sql, params) as unknown as Promise<[T, unknown]> };
}

/** A write whose result the caller does not need now: sent with the next statement or the COMMIT. */
interface DeferredWrite {
  readonly sql: string;
  /** Turns an error of the batch into the caller's error when it is this statement's (a unique key, say). */
  readonly mapError?: (error: unknown) => Error | null;
}

/**
 * One transaction on one connection, with fewer round trips: START TRANSACTION travels with the first
 * statement, and writes whose results nobody waits for are deferred and sent together with the next
 * read or with the COMMIT (mysql2 multi-statements). Statements run in the order they were asked for;
 * a read always sees the writes before it. Round trips, not statements, dominated the hot path's CPU.
 */
export class TransactionConnection {
  private started = false;
  private pending: DeferredWrite[] = [];

  constructor(private readonly connection: PoolConnection) {}

  /** Runs a statement now (after any deferred writes) and returns mysql2's `[result, fields]` shape. */
  async query<T = ResultSetHeader>(sql: string, params: unknown[] = []): Promise<[T, unknown]> {
    const statements = [...this.pending.map((write) => write.sql), this.connection.format(sql, params)];
    const results = await this.send(statements, this.pending);
    this.pending = [];
    return [results[results.length - 1] as T, undefined];
  }

  defer(sql: string, params: unknown[], options: Omit<DeferredWrite, 'sql'> = {}): void {
    this.pending.push({ sql: this.connection.format(sql, params), ...options });
  }

  async commit(): Promise<void> {
    if (!this.started && this.pending.length === 0) return;
    // Only writes whose failure is a statement error are deferred (none needs its result checked), and a
    // failing statement stops the batch before its COMMIT, so the transaction is rolled back whole.
    await this.send([...this.pending.map((write) => write.sql), 'COMMIT'], this.pending);
    this.pending = [];
  }

  async rollback(): Promise<void> {
    this.pending = [];
    if (this.started) await this.connection.query('ROLLBACK');
  }

  private async send(statements: string[], writes: readonly DeferredWrite[]): Promise<unknown[]> {
    const prefix = this.started ? [] : ['START TRANSACTION'];
    this.started = true;
    const all = [...prefix, ...statements];
    let results: unknown;
    try {
      [results] = await this.connection.query(all.join(';\n'));
    } catch (error) {
      for (const write of writes) {
        const mapped = write.mapError?.(error);
        if (mapped) throw mapped;
      }
      throw error;
    }
    const list = all.length === 1 ? [results] : (results as unknown[]);
    return list.slice(prefix.length);
  }
}

/**
 * Runs `work` in one transaction on one connection: commit on return, roll back on throw. A deadlock
 * or lock-wait timeout rolls everything back, so the whole unit is retried, a bounded number of times.
 */
export async function inMysqlTransaction<T>(pool: Pool, work: (connection: TransactionConnection) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const pooled = await pool.getConnection();
    const connection = new TransactionConnection(pooled);
    try {
      const result = await work(connection);
      await connection.commit();
      return result;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      const errno = mysqlErrno(error);
      if (errno !== undefined && RETRYABLE.has(errno) && attempt < MAX_ATTEMPTS) continue;
      throw error;
    } finally {
      pooled.release();
    }
  }
}
