/**
 * The bench's own databases: `casino_bench` for the reference endpoint R (its two tables) and
 * `casino_bench_app` for our app (created and migrated by the app itself at start-up). Both are
 * dropped at the start of a run, so every run starts clean, and again at the end.
 */
import mysql, { Connection, Pool } from 'mysql2/promise';
import { DatabaseTarget, parseDatabaseUrl } from '../../src/db/databaseUrl';

export const MYSQL_SERVER_URL = process.env.BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306';
export const REFERENCE_DATABASE = 'casino_bench';
export const APP_DATABASE = 'casino_bench_app';
/** Our app's second process, without the feed sequencer (scenario target `appNoSequencer`). */
export const APP_NO_SEQUENCER_DATABASE = 'casino_bench_app_noseq';

export const REFERENCE_PATH = '/ref/withdraw';
/** R with our app's statement shape (7 statements, 3 pool acquisitions): a diagnostic, see referenceServer.ts. */
export const REFERENCE_APP_SHAPED_PATH = '/ref/withdraw-app-shaped';
/** R's fixed HMAC secret (R has one caller and no operator table). */
export const REFERENCE_SECRET = 'bench-reference-secret-0123456789abcdef';
export const REFERENCE_AGENT = 'bench-ref';

export function databaseUrl(database: string): string {
  return `${MYSQL_SERVER_URL.replace(/\/+$/, '')}/${database}`;
}

function serverTarget(): Omit<DatabaseTarget, 'database' | 'hosts'> {
  const { database: _ignored, hosts: _first, ...target } = parseDatabaseUrl(databaseUrl('mysql'));
  return target;
}

async function withServerConnection<T>(work: (connection: Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({
    ...serverTarget(),
    multipleStatements: true,
    connectTimeout: 10_000,
  });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

export function dropBenchDatabases(): Promise<void> {
  return withServerConnection(async (connection) => {
    await connection.query(`DROP DATABASE IF EXISTS \`${REFERENCE_DATABASE}\``);
    await connection.query(`DROP DATABASE IF EXISTS \`${APP_DATABASE}\``);
    await connection.query(`DROP DATABASE IF EXISTS \`${APP_NO_SEQUENCER_DATABASE}\``);
  });
}

/** R's tables: wallets with a guarded balance, and a ledger unique on (operator, transaction_id). */
export function createReferenceDatabase(): Promise<void> {
  return withServerConnection(async (connection) => {
    await connection.query(
      `CREATE DATABASE \`${REFERENCE_DATABASE}\` DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    await connection.query(`
      CREATE TABLE \`${REFERENCE_DATABASE}\`.bench_ref_wallets (
        id BIGINT NOT NULL,
        balance_minor BIGINT NOT NULL,
        PRIMARY KEY (id),
        CONSTRAINT bench_ref_wallets_non_negative CHECK (balance_minor >= 0)
      ) ENGINE=InnoDB;
      CREATE TABLE \`${REFERENCE_DATABASE}\`.bench_ref_ledger (
        id BIGINT NOT NULL AUTO_INCREMENT,
        operator VARCHAR(64) NOT NULL,
        transaction_id VARCHAR(64) NOT NULL,
        wallet_id BIGINT NOT NULL,
        amount_minor BIGINT NOT NULL,
        created_at DATETIME(3) NOT NULL,
        PRIMARY KEY (id),
        UNIQUE KEY bench_ref_ledger_idempotency (operator, transaction_id)
      ) ENGINE=InnoDB;`);
  });
}

/** A small pool on R's database for the bench's own set-up (wallet rows). */
export function referenceSetupPool(): Pool {
  return mysql.createPool({ ...serverTarget(), database: REFERENCE_DATABASE, connectionLimit: 2 });
}

/** A small pool on our app's database (created by the app), for the bench's set-up and for watching deliveries. */
export function appDatabasePool(database: string = APP_DATABASE): Pool {
  return mysql.createPool({ ...serverTarget(), database, connectionLimit: 2 });
}
