// Risk covered: start-up migrations that run twice, race between processes starting at once, silently
// accept an edited or half-applied migration, or record their work in a way `prisma migrate deploy`
// could not read (PROTOCOL §9: the database is created when missing and migrated at every start-up).
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import mysql, { Connection, RowDataPacket } from 'mysql2/promise';
import { DatabaseTarget, parseDatabaseUrl } from '../../src/db/databaseUrl';
import { MIGRATIONS_DIR, migrate } from '../../src/db/migrate';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';

const created: string[] = [];
const scratchDirs: string[] = [];
let admin: Connection;

beforeAll(async () => {
  admin = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root', timezone: 'Z' });
});
afterAll(async () => {
  await admin?.end();
  for (const url of created) await dropDatabase(url);
  for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
});

function freshTarget(label: string): DatabaseTarget {
  const url = uniqueDatabaseUrl(label);
  created.push(url);
  return parseDatabaseUrl(url);
}

async function migrationFolders(dir: string = MIGRATIONS_DIR): Promise<string[]> {
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

async function fileChecksum(dir: string, name: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path.join(dir, name, 'migration.sql')))
    .digest('hex');
}

async function databaseExists(database: string): Promise<boolean> {
  const [rows] = await admin.query<RowDataPacket[]>('SELECT 1 FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = ?', [
    database,
  ]);
  return rows.length === 1;
}

async function migrationRows(database: string): Promise<RowDataPacket[]> {
  const [rows] = await admin.query<RowDataPacket[]>(
    `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
       FROM \`${database}\`.\`_prisma_migrations\` ORDER BY started_at, migration_name`,
  );
  return rows;
}

async function tableNames(database: string): Promise<string[]> {
  const [rows] = await admin.query<RowDataPacket[]>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME',
    [database],
  );
  return rows.map((r) => r.name as string);
}

/** A copy of the real migrations plus extra folders `{name: sql}`. */
async function migrationsDirWith(extra: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'casino-migrations-'));
  scratchDirs.push(dir);
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('a database that does not exist yet', () => {
  const target = freshTarget('migfresh');
  let firstReport: Awaited<ReturnType<typeof migrate>>;

  test('is created, migrated, and every migration is recorded as Prisma records it', async () => {
    const folders = await migrationFolders();
    expect(folders.length).toBeGreaterThanOrEqual(1);
    expect(await databaseExists(target.database)).toBe(false);

    const before = Date.now();
    firstReport = await migrate(target);
    expect(firstReport).toEqual({ createdDatabase: true, applied: folders, unknownInDatabase: [] });
    expect(await databaseExists(target.database)).toBe(true);
    expect(await tableNames(target.database)).toEqual(
      expect.arrayContaining([
        '_prisma_migrations',
        'admin_users',
        'operators',
        'providers',
        'players',
        'wallets',
        'transactions',
        'audit_log',
      ]),
    );

    const rows = await migrationRows(target.database);
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      expect(row.id).toMatch(UUID);
      expect(row.id).toHaveLength(36);
      expect(row.checksum).toBe(await fileChecksum(MIGRATIONS_DIR, row.migration_name));
      expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.started_at).toBeInstanceOf(Date);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      // Recorded in UTC, as Prisma does: within a minute of this machine's clock.
      expect(Math.abs(row.started_at.getTime() - before)).toBeLessThan(60_000);
      expect(row.applied_steps_count).toBe(1);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
    }
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length);
  });

  test("the bookkeeping table has Prisma's own layout, so `prisma migrate deploy` can take over", async () => {
    const [columns] = await admin.query<RowDataPacket[]>(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable, COLUMN_KEY AS colKey, COLUMN_DEFAULT AS dflt
         FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = '_prisma_migrations' ORDER BY ORDINAL_POSITION`,
      [target.database],
    );
    expect(
      columns.map((c) => ({
        ...c,
        type: String(c.type).replace(/^int\(\d+\)/, 'int'),
        dflt: c.dflt === 'NULL' ? null : c.dflt,
      })),
    ).toEqual([
      { name: 'id', type: 'varchar(36)', nullable: 'NO', colKey: 'PRI', dflt: null },
      { name: 'checksum', type: 'varchar(64)', nullable: 'NO', colKey: '', dflt: null },
      { name: 'finished_at', type: 'datetime(3)', nullable: 'YES', colKey: '', dflt: null },
      { name: 'migration_name', type: 'varchar(255)', nullable: 'NO', colKey: '', dflt: null },
      { name: 'logs', type: 'text', nullable: 'YES', colKey: '', dflt: null },
      { name: 'rolled_back_at', type: 'datetime(3)', nullable: 'YES', colKey: '', dflt: null },
      { name: 'started_at', type: 'datetime(3)', nullable: 'NO', colKey: '', dflt: 'current_timestamp(3)' },
      { name: 'applied_steps_count', type: 'int unsigned', nullable: 'NO', colKey: '', dflt: '0' },
    ]);
  });

  test('running it again applies nothing and changes no row', async () => {
    const before = await migrationRows(target.database);
    expect(await migrate(target)).toEqual({ createdDatabase: false, applied: [], unknownInDatabase: [] });
    expect(await migrationRows(target.database)).toEqual(before);
  });
});

test('processes migrating the same fresh database at once: all succeed, each migration is applied once', async () => {
  const target = freshTarget('migrace');
  const folders = await migrationFolders();
  const reports = await Promise.all([migrate(target), migrate(target), migrate(target), migrate(target)]);

  // Between them they applied every migration exactly once; the others found nothing left to do.
  expect(reports.flatMap((r) => r.applied).sort()).toEqual(folders);
  for (const report of reports)
    expect(report.applied.length === 0 || report.applied.length === folders.length).toBe(true);
  const rows = await migrationRows(target.database);
  expect(rows.map((r) => r.migration_name)).toEqual(folders);
  expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
});

test('a migration edited after it was applied is refused, and nothing else runs', async () => {
  const target = freshTarget('migmod');
  await migrate(target);
  const [first] = await migrationFolders();
  await admin.query(`UPDATE \`${target.database}\`.\`_prisma_migrations\` SET checksum = ? WHERE migration_name = ?`, [
    'f'.repeat(64),
    first,
  ]);
  const dir = await migrationsDirWith({
    '99990101000000_after_edit': 'CREATE TABLE `after_edit` (`id` INTEGER NOT NULL PRIMARY KEY);',
  });

  await expect(migrate(target, dir)).rejects.toThrow(/modified/);
  await expect(migrate(target, dir)).rejects.toThrow(new RegExp(`${first}.*modified`));
  expect(await tableNames(target.database)).not.toContain('after_edit');
  expect((await migrationRows(target.database)).map((r) => r.migration_name)).not.toContain(
    '99990101000000_after_edit',
  );
});

test('a migration that started but did not finish stops every later start-up until repaired', async () => {
  const target = freshTarget('migunfinished');
  await migrate(target);
  await admin.query(
    `INSERT INTO \`${target.database}\`.\`_prisma_migrations\` (id, checksum, migration_name, logs, started_at, applied_steps_count)
     VALUES (UUID(), ?, '99990101000000_half_done', 'ERROR 1146: crashed halfway', NOW(3), 0)`,
    ['0'.repeat(64)],
  );
  const dir = await migrationsDirWith({
    '99990102000000_later': 'CREATE TABLE `later` (`id` INTEGER NOT NULL PRIMARY KEY);',
  });

  await expect(migrate(target)).rejects.toThrow(/99990101000000_half_done.*did not finish/s);
  const failure = migrate(target, dir);
  await expect(failure).rejects.toThrow(/crashed halfway/);
  expect(await tableNames(target.database)).not.toContain('later');

  // The repair the message asks for (mark it rolled back) lets start-up proceed again.
  await admin.query(
    `UPDATE \`${target.database}\`.\`_prisma_migrations\` SET rolled_back_at = NOW(3) WHERE migration_name = '99990101000000_half_done'`,
  );
  const report = await migrate(target, dir);
  expect(report.applied).toEqual(['99990102000000_later']);
});

test('on a migrated database only new migrations run, in name order, and older builds tolerate them', async () => {
  const target = freshTarget('mignew');
  await migrate(target);
  const before = await migrationRows(target.database);
  // Written in the opposite order of their names: the name decides, and the second uses the first's table.
  const dir = await migrationsDirWith({
    '99990102000000_add_probe_note':
      "ALTER TABLE `probe` ADD COLUMN `note` VARCHAR(16) NULL;\nINSERT INTO `probe` (`id`, `note`) VALUES (1, 'ok');",
    '99990101000000_add_probe':
      'CREATE TABLE `probe` (\n  `id` INTEGER NOT NULL,\n  PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4;',
  });

  const report = await migrate(target, dir);
  expect(report).toEqual({
    createdDatabase: false,
    applied: ['99990101000000_add_probe', '99990102000000_add_probe_note'],
    unknownInDatabase: [],
  });
  const [probe] = await admin.query<RowDataPacket[]>(`SELECT id, note FROM \`${target.database}\`.probe`);
  expect(probe).toEqual([{ id: 1, note: 'ok' }]);

  const after = await migrationRows(target.database);
  expect(after.slice(0, before.length)).toEqual(before); // the old rows are untouched
  const added = after.slice(before.length);
  expect(added.map((r) => r.migration_name)).toEqual(['99990101000000_add_probe', '99990102000000_add_probe_note']);
  for (const row of added) {
    expect(row.checksum).toBe(await fileChecksum(dir, row.migration_name));
    expect(row.finished_at).toBeInstanceOf(Date);
    expect(row.applied_steps_count).toBe(1);
  }

  expect(await migrate(target, dir)).toEqual({ createdDatabase: false, applied: [], unknownInDatabase: [] });
  // A process of the previous build (without the new folders) still starts, and says what it does not know.
  expect(await migrate(target)).toEqual({
    createdDatabase: false,
    applied: [],
    unknownInDatabase: ['99990101000000_add_probe', '99990102000000_add_probe_note'],
  });
});

test('a broken migration is refused and left recorded as started, with its error, and without finished_at', async () => {
  const target = freshTarget('migbroken');
  await migrate(target);
  const dir = await migrationsDirWith({
    '99990101000000_broken': 'CREATE TABLE `half` (`id` INTEGER NOT NULL PRIMARY KEY);\nTHIS IS NOT SQL;',
    '99990102000000_after_broken': 'CREATE TABLE `after_broken` (`id` INTEGER NOT NULL PRIMARY KEY);',
  });

  await expect(migrate(target, dir)).rejects.toThrow(/99990101000000_broken failed: .*SQL syntax/s);
  const rows = await migrationRows(target.database);
  const broken = rows.find((r) => r.migration_name === '99990101000000_broken');
  expect(broken).toBeDefined();
  expect(broken!.finished_at).toBeNull();
  expect(broken!.rolled_back_at).toBeNull();
  expect(broken!.applied_steps_count).toBe(0);
  expect(broken!.logs).toMatch(/SQL syntax/);
  expect(broken!.checksum).toBe(await fileChecksum(dir, '99990101000000_broken'));
  // Nothing after it ran.
  expect(rows.map((r) => r.migration_name)).not.toContain('99990102000000_after_broken');
  expect(await tableNames(target.database)).not.toContain('after_broken');

  // And the next start-up refuses until someone repairs it (the lock was released: this answers at once).
  const started = Date.now();
  await expect(migrate(target, dir)).rejects.toThrow(/99990101000000_broken.*did not finish/s);
  expect(Date.now() - started).toBeLessThan(10_000);
});
