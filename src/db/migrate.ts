/**
 * The project's own migrator: creates the database when missing and applies the SQL files under
 * prisma/migrations in name order, recording each in a `_prisma_migrations` table laid out as Prisma
 * lays it out (same columns, SHA-256 checksums of the file), so `prisma migrate deploy` can take over
 * wherever Prisma's schema engine is available. A lock row makes concurrent start-ups safe: the first
 * applies, the others wait and then find nothing left to do. It is a row, not GET_LOCK, because a
 * Galera cluster replicates and certifies rows but not named locks: GET_LOCK is per node, so two
 * instances starting on two nodes both took it (docs/DECISIONS.md, "Migrations on a cluster").
 */
import { createHash, randomUUID } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import mysql, { Connection, RowDataPacket } from 'mysql2/promise';
import { DatabaseHosts } from './databaseHosts';
import { DatabaseTarget } from './databaseUrl';

export const MIGRATIONS_DIR = path.resolve(__dirname, '../../prisma/migrations');
const LOCK_TIMEOUT_S = 120;
/** A lock row older than this is a migrator that died holding it: it may be taken over. */
const LOCK_LEASE_S = 900;
const LOCK_POLL_MS = 250;
const LOCK_NAME = 'migrate';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export async function readMigrations(dir: string = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    }),
  );
}

// Prisma's own definition of the table, so either tool can read what the other wrote.
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS \`_prisma_migrations\` (
    \`id\`                  VARCHAR(36) PRIMARY KEY NOT NULL,
    \`checksum\`            VARCHAR(64) NOT NULL,
    \`finished_at\`         DATETIME(3),
    \`migration_name\`      VARCHAR(255) NOT NULL,
    \`logs\`                TEXT,
    \`rolled_back_at\`      DATETIME(3),
    \`started_at\`          DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    \`applied_steps_count\` INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4`;

interface AppliedRow extends RowDataPacket {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  logs: string | null;
}

export interface MigrationReport {
  createdDatabase: boolean;
  applied: string[];
  unknownInDatabase: string[];
}

export async function migrate(target: DatabaseTarget, dir: string = MIGRATIONS_DIR): Promise<MigrationReport> {
  const migrations = await readMigrations(dir);
  // With several hosts: the first that answers as ready (the same choice the pools make).
  const host = await DatabaseHosts.forTarget(target).chooseFirstReady();
  const connection = await mysql.createConnection({
    host: host.host,
    port: host.port,
    user: target.user,
    password: target.password,
    multipleStatements: true,
    timezone: 'Z',
    connectTimeout: 10_000,
  });
  try {
    await connection.query("SET time_zone = '+00:00'");
    const [existing] = await connection.query<RowDataPacket[]>(
      'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?',
      [target.database],
    );
    // Only when missing: a deployment's user may own its database without the right to create one.
    if (existing.length === 0) {
      await connection.query(
        `CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin`,
      );
    }
    await connection.query(`USE \`${target.database}\``);
    const owner = await takeMigrationLock(connection);
    try {
      const report = await applyPending(connection, migrations);
      return { createdDatabase: existing.length === 0, ...report };
    } finally {
      await connection.query('DELETE FROM `_migration_lock` WHERE name = ? AND owner = ?', [LOCK_NAME, owner]);
    }
  } finally {
    await connection.end();
  }
}

const CREATE_LOCK_TABLE = `CREATE TABLE IF NOT EXISTS \`_migration_lock\` (
    \`name\`     VARCHAR(32) PRIMARY KEY NOT NULL,
    \`owner\`    VARCHAR(36) NOT NULL,
    \`taken_at\` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARACTER SET ascii COLLATE ascii_bin`;

/**
 * Takes the migration lock: an INSERT of the one lock row, autocommitted. On Galera the row is
 * replicated and certified, so of two instances inserting it on two nodes at once exactly one commits
 * (the other gets a duplicate key or a certification conflict, 1213, and tries again); the others
 * poll until the holder deletes it. A row older than the lease is a migrator that died: taken over.
 */
async function takeMigrationLock(connection: Connection): Promise<string> {
  await connection.query(CREATE_LOCK_TABLE);
  const owner = randomUUID();
  const deadline = Date.now() + LOCK_TIMEOUT_S * 1000;
  for (;;) {
    await connection.query('DELETE FROM `_migration_lock` WHERE name = ? AND taken_at < NOW(3) - INTERVAL ? SECOND', [
      LOCK_NAME,
      LOCK_LEASE_S,
    ]);
    try {
      await connection.query('INSERT INTO `_migration_lock` (name, owner, taken_at) VALUES (?, ?, NOW(3))', [
        LOCK_NAME,
        owner,
      ]);
      return owner;
    } catch (error) {
      const errno = (error as { errno?: number }).errno;
      if (errno !== 1062 && errno !== 1213) throw error;
    }
    if (Date.now() > deadline) {
      throw new MigrationError(
        `could not take the migration lock within ${LOCK_TIMEOUT_S}s: another instance is migrating; if none is, ` +
          `DELETE FROM \`_migration_lock\` (it expires by itself after ${LOCK_LEASE_S}s)`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, LOCK_POLL_MS));
  }
}

async function applyPending(connection: Connection, migrations: MigrationFile[]) {
  await connection.query(CREATE_MIGRATIONS_TABLE);
  const [rows] = await connection.query<AppliedRow[]>(
    'SELECT id, migration_name, checksum, finished_at, rolled_back_at, logs FROM `_prisma_migrations` ORDER BY started_at',
  );
  const live = rows.filter((row) => row.rolled_back_at === null);
  const failed = live.find((row) => row.finished_at === null);
  if (failed) {
    throw new MigrationError(
      `migration ${failed.migration_name} started but did not finish; repair the database and mark it rolled back ` +
        `(rolled_back_at) before starting again. Its log: ${failed.logs ?? '(none)'}`,
    );
  }
  const appliedByName = new Map(live.map((row) => [row.migration_name, row]));
  for (const migration of migrations) {
    const applied = appliedByName.get(migration.name);
    if (applied && applied.checksum !== migration.checksum) {
      throw new MigrationError(
        `migration ${migration.name} was modified after it was applied (checksum ${applied.checksum} in the database, ` +
          `${migration.checksum} on disk); add a new migration instead of editing an applied one`,
      );
    }
  }
  const names = new Set(migrations.map((m) => m.name));
  const unknownInDatabase = live.map((row) => row.migration_name).filter((name) => !names.has(name));

  const appliedNow: string[] = [];
  for (const migration of migrations) {
    if (appliedByName.has(migration.name)) continue;
    const id = randomUUID();
    await connection.query(
      'INSERT INTO `_prisma_migrations` (id, checksum, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, NOW(3), 0)',
      [id, migration.checksum, migration.name],
    );
    try {
      await connection.query(migration.sql);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await connection.query('UPDATE `_prisma_migrations` SET logs = ? WHERE id = ?', [message, id]);
      throw new MigrationError(`migration ${migration.name} failed: ${message}`);
    }
    await connection.query(
      'UPDATE `_prisma_migrations` SET finished_at = NOW(3), applied_steps_count = 1 WHERE id = ?',
      [id],
    );
    appliedNow.push(migration.name);
  }
  return { applied: appliedNow, unknownInDatabase };
}
