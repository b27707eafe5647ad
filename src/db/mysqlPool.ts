/**
 * The mysql2 pool that carries the money hot path (raw SQL, short transactions). Prisma keeps its own
 * small pool for admin work: its interactive transactions measured 5.6x slower than the same mysql2
 * transaction here and fail with P2028 when callers outnumber the pool (see docs/ARCHITECTURE.md).
 */
import { DatabaseBusyError } from '../app/databaseBusy';
import mysql, { Pool, PoolConnection, ResultSetHeader } from 'mysql2/promise';
import { format } from 'mysql2';
import { DatabaseHosts } from './databaseHosts';
import { DatabaseTarget } from './databaseUrl';
import { SQL_TIMEZONE, formatSql } from './sqlTemplate';

/** How the hot-path pool waits and retries (DB_* in the README's table). */
export interface PoolSettings {
  /** A caller waits at most this long for a free connection, then gets DatabaseBusyError. */
  readonly acquireTimeoutMs: number;
  /** innodb_lock_wait_timeout of every session: a row lock waited for longer fails the statement. */
  readonly lockWaitTimeoutS: number;
  /** Tries of one transaction refused by a deadlock, lock-wait timeout or certification conflict. */
  readonly transactionAttempts: number;
  /** 'auto': COMMIT alone on Galera sessions only; 'alone': always (tests of the Galera path on one server). */
  readonly commitMode: 'auto' | 'alone';
}

export const DEFAULT_POOL_SETTINGS: PoolSettings = {
  acquireTimeoutMs: 5_000,
  lockWaitTimeoutS: 10,
  transactionAttempts: 8,
  commitMode: 'auto',
};

const settingsOfPool = new WeakMap<Pool, PoolSettings>();
/** Sessions known to be on a server without wsrep (true); missing or false: treated as Galera. */
const standaloneSessions = new WeakMap<object, boolean>();
const hostsOfPool = new WeakMap<Pool, DatabaseHosts>();

export interface PoolOptions {
  settings?: Partial<PoolSettings>;
  /** Several DATABASE_URL hosts: connections go to the current one, and leave when it changes. */
  hosts?: DatabaseHosts;
}

export function createMysqlPool(target: DatabaseTarget, connectionLimit: number, options: PoolOptions = {}): Pool {
  const settings = { ...DEFAULT_POOL_SETTINGS, ...options.settings };
  const host = options.hosts?.current ?? target;
  const pool = mysql.createPool({
    host: host.host,
    port: host.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit,
    // Callers beyond the pool wait in a bounded queue, for at most acquireTimeoutMs (guardAcquire).
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
        : formatSql(sql, Array.isArray(values) ? values : [values], (text, params) =>
            format(text, params as never, false, SQL_TIMEZONE),
          ),
    // No stack capture at every query (mysql2's `trace`): profiled at 4-7% of a money call's CPU; a
    // database error still says what failed, and our errors carry their own stacks.
    trace: false,
  });
  // Every session in UTC, so DATETIME defaults agree with the UTC dates we write. READ COMMITTED: each
  // statement after the wallet lock sees every transaction committed before the lock was granted (no
  // stale snapshot), and InnoDB takes no gap locks on the inserts. An explicit lock-wait timeout, so a
  // transaction stuck behind a lock fails (and is retried) in bounded time whatever the server default.
  const lockWaitTimeoutS = Math.floor(settings.lockWaitTimeoutS);
  pool.pool.on('connection', (connection) => {
    connection.query(`SET time_zone = '+00:00', SESSION innodb_lock_wait_timeout = ${lockWaitTimeoutS}`);
    connection.query('SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED');
    // Whether this session is on a Galera node decides how its transactions commit (TransactionConnection).
    connection.query('SELECT @@wsrep_on AS wsrepOn', (error, rows) => {
      const wsrepOn = (rows as { wsrepOn?: unknown }[] | undefined)?.[0]?.wsrepOn;
      standaloneSessions.set(connection, !error && wsrepOn !== undefined && Number(wsrepOn) === 0);
    });
  });
  settingsOfPool.set(pool, settings);
  guardAcquire(pool, settings.acquireTimeoutMs, options.hosts);
  if (options.hosts) follow(pool, options.hosts);
  return pool;
}

/**
 * The part of mysql2's callback pool that guardAcquire wraps (PromisePool.getConnection and pool.query go
 * through it).
 */
interface CorePool {
  getConnection(callback: (error: Error | null, connection?: CoreConnection) => void): void;
  config: { connectionConfig: { host: string; port: number } };
}
interface CoreConnection {
  config: { host: string; port: number };
  release(): void;
  destroy(): void;
}

/**
 * mysql2's pool queues callers without a time limit: here a caller waiting longer than
 * acquireTimeoutMs is refused with DatabaseBusyError (retryable, nothing applied), and a connection
 * handed out after its caller gave up goes back to the pool. With several hosts, a connection opened
 * to a host that is no longer current is destroyed instead of being handed out.
 */
function guardAcquire(pool: Pool, acquireTimeoutMs: number, hosts: DatabaseHosts | undefined): void {
  const core = pool.pool as unknown as CorePool;
  const acquire = core.getConnection.bind(core);
  core.getConnection = (callback) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      callback(new DatabaseBusyError(`no database connection was free within ${acquireTimeoutMs} ms`));
    }, acquireTimeoutMs);
    const handOut = (error: Error | null, connection?: CoreConnection) => {
      if (!error && connection && hosts && !hosts.isCurrent(connection.config.host, connection.config.port)) {
        connection.destroy();
        if (!settled) acquire(handOut);
        return;
      }
      if (settled) {
        connection?.release();
        return;
      }
      settled = true;
      clearTimeout(timer);
      callback(error, connection);
    };
    acquire(handOut);
  };
}

/** New connections go to the current host; the pool's older ones are dropped as they come back (guardAcquire). */
function follow(pool: Pool, hosts: DatabaseHosts): void {
  hostsOfPool.set(pool, hosts);
  const connectionConfig = (pool.pool as unknown as CorePool).config.connectionConfig;
  hosts.onSwitch((host) => {
    connectionConfig.host = host.host;
    connectionConfig.port = host.port;
  });
}

/** MySQL/MariaDB error numbers we act on. */
export const MysqlErrno = {
  DUPLICATE_ENTRY: 1062,
  LOCK_WAIT_TIMEOUT: 1205,
  DEADLOCK: 1213,
  CHECK_CONSTRAINT_VIOLATED: 4025,
  /** Galera: the node is not part of the primary component (or not yet synced), "WSREP has not yet prepared node". */
  WSREP_NOT_READY: 1047,
  SERVER_SHUTDOWN: 1053,
} as const;

export function mysqlErrno(error: unknown): number | undefined {
  const errno = (error as { errno?: unknown } | null)?.errno;
  return typeof errno === 'number' ? errno : undefined;
}

/** Refusals that roll the whole transaction back: it may run again from the start. */
const CONFLICTS = new Set<number>([MysqlErrno.DEADLOCK, MysqlErrno.LOCK_WAIT_TIMEOUT]);
/** The node failed or left the cluster: retried (on the next host) only when COMMIT was not sent yet. */
const NODE_FAILURES = new Set<number>([MysqlErrno.WSREP_NOT_READY, MysqlErrno.SERVER_SHUTDOWN]);
const CONNECTION_FAILURES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ER_CON_COUNT_ERROR',
]);

export function isNodeFailure(error: unknown): boolean {
  const errno = mysqlErrno(error);
  if (errno !== undefined && NODE_FAILURES.has(errno)) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_FAILURES.has(code);
}

/** Back-off before try `attempt + 1`: full jitter over an exponential bound (5, 10, 20 ... 320 ms). */
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 320;
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1)));
}

/** Something that runs a statement: the pool (autocommit) or a transaction's connection. */
export type Queryable = { query<T>(sql: string, params?: unknown[]): Promise<[T, unknown]> };

/** The pool as a Queryable (its own query() is overloaded beyond what callers here need). */
export function poolQueryable(pool: Pool): Queryable {
  return {
    query: <T>(sql: string, params: unknown[] = []) => pool.query(sql, params) as unknown as Promise<[T, unknown]>,
  };
}

/** A write whose result the caller does not need now: sent with the next statement or the COMMIT. */
interface DeferredWrite {
  readonly sql: string;
  /** Turns an error of the batch into the caller's error when it is this statement's (a unique key, say). */
  readonly mapError?: (error: unknown) => Error | null;
}

/** mysql2's OK packet of a statement without rows carries the server's status flags. */
const SERVER_STATUS_IN_TRANS = 0x0001;

/**
 * The transaction is gone though no statement failed: a statement's OK said no transaction was open.
 * On Galera a transaction aborted by a replicated write set (brute-force abort) in the middle of a
 * multi-statement query is rolled back at the end of that statement, the statement still answers OK,
 * and the abort's error is lost: the statements after it ran outside the transaction. Carries the
 * deadlock errno, so it is handled (rolled back, retried) exactly as a deadlock is.
 */
export class TransactionAbortedError extends Error {
  readonly errno = MysqlErrno.DEADLOCK;
  constructor() {
    super(
      'the transaction was aborted by the cluster (a statement answered outside any transaction); try restarting transaction',
    );
    this.name = 'TransactionAbortedError';
  }
}

/**
 * One transaction on one connection, with fewer round trips: START TRANSACTION travels with the first
 * statement, and writes whose results nobody waits for are deferred and sent together with the next
 * read or, at the end, in one batch before the COMMIT (mysql2 multi-statements). Statements run in the
 * order they were asked for; a read always sees the writes before it. Round trips, not statements,
 * dominated the hot path's CPU.
 *
 * Every statement's OK in a batch must say a transaction is open. On a Galera node (or a session not
 * yet known to be on a standalone server) COMMIT also travels alone, and the session runs with
 * autocommit off for the transaction's life (docs/DECISIONS.md, "COMMIT in its own round trip"): a
 * write set that aborts this transaction in the middle of a batch does not fail the batch, so a COMMIT
 * riding at its end committed nothing and answered OK, and the statements after the abort ran in
 * autocommit. With autocommit off they land in a new implicit transaction that the ROLLBACK
 * discards. On a standalone server a transaction only ends mid-batch by a statement's error, which
 * stops the batch before its COMMIT, so there the COMMIT still rides with the last writes.
 */
export class TransactionConnection {
  private started = false;
  private pending: DeferredWrite[] = [];
  private readonly galera: boolean;

  constructor(
    private readonly connection: PoolConnection,
    commitMode: PoolSettings['commitMode'] = 'auto',
  ) {
    const core = (connection as unknown as { connection: object }).connection;
    this.galera = commitMode === 'alone' || standaloneSessions.get(core) !== true;
  }

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

  /** Resolves only when the server answered the COMMIT itself with OK. */
  async commit(): Promise<void> {
    if (!this.started && this.pending.length === 0) return;
    if (!this.galera) {
      await this.send([...this.pending.map((write) => write.sql), 'COMMIT'], this.pending);
      this.pending = [];
      this.started = false;
      return;
    }
    if (this.pending.length > 0) {
      await this.send(
        this.pending.map((write) => write.sql),
        this.pending,
      );
      this.pending = [];
    }
    // A COMMIT at the head of its own query: Galera checks for an abort at the start of every query,
    // so a transaction aborted since the last batch is refused here (1213) instead of vanishing. The
    // SET after it runs only when the COMMIT succeeded.
    await this.connection.query('COMMIT;\nSET autocommit = 1');
    this.started = false;
  }

  /** Throws when the ROLLBACK failed: the session's state is then unknown and the connection must not be reused. */
  async rollback(): Promise<void> {
    this.pending = [];
    if (this.started) await this.connection.query(this.galera ? 'ROLLBACK;\nSET autocommit = 1' : 'ROLLBACK');
    this.started = false;
  }

  private async send(statements: string[], writes: readonly DeferredWrite[]): Promise<unknown[]> {
    // Autocommit off opens the transaction at the first statement (no START TRANSACTION needed).
    const prefix = this.started ? [] : [this.galera ? 'SET autocommit = 0' : 'START TRANSACTION'];
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
    // SET autocommit answers before any transaction is open, and a COMMIT after it (standalone) closes
    // it; every OK in between must say one is open.
    const last = !this.galera && statements[statements.length - 1] === 'COMMIT' ? list.length - 1 : list.length;
    for (let i = this.galera ? prefix.length : 0; i < last; i++) assertInTransaction(list[i]);
    return list.slice(prefix.length);
  }
}

function assertInTransaction(result: unknown): void {
  const status = (result as { serverStatus?: unknown } | null)?.serverStatus;
  // Rows of a SELECT carry no status (mysql2 does not expose it); only OK packets are checked.
  if (typeof status === 'number' && (status & SERVER_STATUS_IN_TRANS) === 0) throw new TransactionAbortedError();
}

/**
 * Runs `work` in one transaction on one connection: commit on return, roll back on throw. A deadlock,
 * lock-wait timeout or Galera certification conflict rolls everything back, so the whole unit is
 * retried, a bounded number of times (DB_TRANSACTION_ATTEMPTS) with full-jitter back-off; a node that
 * fails before the COMMIT was sent is retried the same way (on the next host when there are several).
 * When the tries run out the caller gets DatabaseBusyError: nothing was applied. A connection whose
 * ROLLBACK failed is destroyed, never returned to the pool.
 */
export async function inMysqlTransaction<T>(
  pool: Pool,
  work: (connection: TransactionConnection) => Promise<T>,
): Promise<T> {
  const { transactionAttempts, commitMode } = settingsOfPool.get(pool) ?? DEFAULT_POOL_SETTINGS;
  for (let attempt = 1; ; attempt++) {
    const pooled = await pool.getConnection();
    const connection = new TransactionConnection(pooled, commitMode);
    let failure: unknown;
    let reusable = true;
    let commitSent = false;
    try {
      const result = await work(connection);
      commitSent = true;
      await connection.commit();
      pooled.release();
      return result;
    } catch (error) {
      failure = error;
      reusable = await connection.rollback().then(
        () => true,
        () => false,
      );
    }
    if (reusable) pooled.release();
    else pooled.destroy();
    if (!isRetryable(failure, commitSent, pool)) throw failure;
    if (attempt >= transactionAttempts) {
      throw new DatabaseBusyError(
        `the database refused the transaction ${attempt} times (${describe(failure)}); nothing was applied`,
        { cause: failure },
      );
    }
    await sleep(backoffMs(attempt));
  }
}

function isRetryable(error: unknown, commitSent: boolean, pool: Pool): boolean {
  const errno = mysqlErrno(error);
  if (errno !== undefined && CONFLICTS.has(errno)) return true;
  if (!isNodeFailure(error)) return false;
  void hostsOfPool.get(pool)?.check();
  // A node lost during COMMIT may have committed it: the outcome is unknown, so it is not retried
  // here; the request fails with a 5xx and the caller's retry with the same ids finds what is stored.
  // A node outside the primary component refuses the COMMIT before running it: that one is safe.
  return !commitSent || errno === MysqlErrno.WSREP_NOT_READY;
}

function describe(error: unknown): string {
  const errno = mysqlErrno(error);
  return `${errno ?? (error as { code?: string } | null)?.code ?? 'error'}: ${error instanceof Error ? error.message : String(error)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
