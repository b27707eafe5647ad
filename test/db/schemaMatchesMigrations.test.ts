// Risk covered: prisma/schema.prisma (what Prisma Client believes) drifting from the SQL migrations
// (what the database really is): a column, type, length, nullability, default, enum value, key or
// index added on one side only, and a generated client in src/generated/prisma older than the schema.
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { getDMMF } from '@prisma/get-dmmf';
import mysql, { Connection, RowDataPacket } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { migrate } from '../../src/db/migrate';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';

const ROOT = path.resolve(__dirname, '../..');
const SCHEMA_PATH = path.join(ROOT, 'prisma/schema.prisma');
const GENERATED_DIR = path.join(ROOT, 'src/generated/prisma');

// ---- The part of Prisma's DMMF this comparison reads (kept local so copies can be altered). ----

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'object' | 'enum' | 'unsupported';
  type: string;
  nativeType?: [string, string[]] | null;
  isRequired: boolean;
  isList: boolean;
  isUpdatedAt?: boolean;
  default?: unknown;
  relationFromFields?: string[];
  relationToFields?: string[];
}
interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}
interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  dbName?: string | null;
  fields: { name: string }[];
}
interface DmmfEnum {
  name: string;
  values: { name: string; dbName?: string | null }[];
}
interface Datamodel {
  models: DmmfModel[];
  enums: DmmfEnum[];
  indexes: DmmfIndex[];
}

function parseSchema(text: string): Datamodel {
  const result = getDMMF({ datamodel: text });
  if ('error' in result) throw new Error(`schema.prisma does not parse: ${result.reason}: ${result.error.message}`);
  // A deep copy: the DMMF is read-only, and the self-checks below alter copies of it.
  return structuredClone(result.datamodel) as unknown as Datamodel;
}

// ---- One neutral shape that both sides are turned into. ----

interface ColumnShape {
  type: string;
  nullable: boolean;
  autoIncrement: boolean;
  /** As information_schema.COLUMNS.COLUMN_DEFAULT renders it (MariaDB), null for none; undefined: not compared. */
  default: string | null | undefined;
}
interface IndexShape {
  kind: 'primary' | 'unique' | 'normal' | 'fulltext';
  columns: string[];
}
interface TableShape {
  columns: Map<string, ColumnShape>;
  indexes: Map<string, IndexShape>;
  /** Foreign keys as `columns -> table(columns)`. */
  foreignKeys: Set<string>;
}
type SchemaShape = Map<string, TableShape>;

const DEFAULT_NATIVE_TYPES: Record<string, string> = {
  Int: 'int',
  BigInt: 'bigint',
  Boolean: 'tinyint(1)',
  String: 'varchar(191)',
  DateTime: 'datetime(3)',
  Float: 'double',
  Decimal: 'decimal(65,30)',
  Bytes: 'longblob',
  Json: 'longtext', // MariaDB's JSON is an alias of LONGTEXT
};

/** `@db.X(args)` as MariaDB renders the column type, display widths of integers left out. */
function nativeColumnType(field: DmmfField, enums: Map<string, DmmfEnum>): string {
  if (field.kind === 'enum') {
    const values = enums.get(field.type)?.values ?? [];
    return `enum(${values.map((v) => `'${(v.dbName ?? v.name).replace(/'/g, "''")}'`).join(',')})`;
  }
  if (field.nativeType) {
    const [name, args] = field.nativeType;
    const unsigned = name.startsWith('Unsigned');
    const base = (unsigned ? name.slice('Unsigned'.length) : name).toLowerCase();
    if (base === 'json') return 'longtext';
    return `${base}${args.length ? `(${args.join(',')})` : ''}${unsigned ? ' unsigned' : ''}`;
  }
  const type = DEFAULT_NATIVE_TYPES[field.type];
  if (!type) return `<no mapping for Prisma type ${field.type}: extend DEFAULT_NATIVE_TYPES>`;
  return type;
}

function normaliseDatabaseType(columnType: string): string {
  return columnType
    .toLowerCase()
    .replace(/\b(smallint|mediumint|int|bigint)\(\d+\)/, '$1')
    .replace(/\btinyint\((?!1\))\d+\)/, 'tinyint');
}

function expectedDefault(field: DmmfField): string | null | undefined {
  const value = field.default;
  if (value === undefined || value === null) return null;
  if (typeof value === 'object' && !Array.isArray(value) && 'name' in value) {
    const fn = value as { name: string; args: unknown[] };
    if (fn.name === 'now') {
      const precision = field.nativeType?.[1][0] ?? '3';
      return precision === '0' ? 'current_timestamp()' : `current_timestamp(${precision})`;
    }
    // Made by the database's own counter (EXTRA) or by Prisma Client, not a column default.
    if (['autoincrement', 'uuid', 'cuid', 'nanoid', 'ulid'].includes(fn.name)) return null;
    return undefined; // dbgenerated(...): free SQL, not compared
  }
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') {
    if (field.type === 'Int' || field.type === 'BigInt' || field.type === 'Float' || field.type === 'Decimal')
      return value;
    return `'${value.replace(/'/g, "''")}'`;
  }
  return undefined;
}

function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}
function columnName(field: DmmfField): string {
  return field.dbName ?? field.name;
}

/** Prisma's default constraint names for MySQL when no `map:` is given. */
function defaultIndexName(table: string, columns: string[], kind: DmmfIndex['type']): string {
  const suffix = kind === 'unique' ? 'key' : 'idx';
  return `${`${table}_${columns.join('_')}`.slice(0, 64 - suffix.length - 1)}_${suffix}`;
}

function shapeFromDatamodel(datamodel: Datamodel): SchemaShape {
  const enums = new Map(datamodel.enums.map((e) => [e.name, e]));
  const models = new Map(datamodel.models.map((m) => [m.name, m]));
  const shape: SchemaShape = new Map();
  for (const model of datamodel.models) {
    const table: TableShape = { columns: new Map(), indexes: new Map(), foreignKeys: new Set() };
    const byField = new Map(model.fields.map((f) => [f.name, f]));
    const col = (fieldName: string) => {
      const field = byField.get(fieldName);
      return field ? columnName(field) : `<unknown field ${fieldName}>`;
    };
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (field.relationFromFields?.length) {
          const target = models.get(field.type);
          const targetFields = new Map((target?.fields ?? []).map((f) => [f.name, f]));
          const targetColumns = (field.relationToFields ?? []).map((n) => {
            const f = targetFields.get(n);
            return f ? columnName(f) : n;
          });
          table.foreignKeys.add(
            `(${field.relationFromFields.map(col).join(', ')}) -> ${target ? tableName(target) : field.type}(${targetColumns.join(', ')})`,
          );
        }
        continue;
      }
      const fn = field.default as { name?: string } | undefined;
      table.columns.set(columnName(field), {
        type: field.isList ? `<list field ${field.name}: not supported by MySQL>` : nativeColumnType(field, enums),
        nullable: !field.isRequired,
        autoIncrement: fn?.name === 'autoincrement',
        default: expectedDefault(field),
      });
    }
    shape.set(tableName(model), table);
  }
  for (const index of datamodel.indexes) {
    const model = models.get(index.model);
    const table = model && shape.get(tableName(model));
    if (!model || !table) continue;
    const byField = new Map(model.fields.map((f) => [f.name, f]));
    const columns = index.fields.map((f) => {
      const field = byField.get(f.name);
      return field ? columnName(field) : `<unknown field ${f.name}>`;
    });
    if (index.type === 'id') {
      table.indexes.set('PRIMARY', { kind: 'primary', columns });
    } else {
      const name = index.dbName ?? defaultIndexName(tableName(model), columns, index.type);
      table.indexes.set(name, { kind: index.type, columns });
    }
  }
  return shape;
}

async function shapeFromDatabase(connection: Connection, database: string): Promise<SchemaShape> {
  const ignored = new Set(['_prisma_migrations', '_migration_lock']);
  const shape: SchemaShape = new Map();
  const [tables] = await connection.query<RowDataPacket[]>(
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE'",
    [database],
  );
  for (const { name } of tables) {
    if (!ignored.has(name)) shape.set(name, { columns: new Map(), indexes: new Map(), foreignKeys: new Set() });
  }
  const [columns] = await connection.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS tableName, COLUMN_NAME AS name, COLUMN_TYPE AS type, IS_NULLABLE AS nullable,
            COLUMN_DEFAULT AS defaultValue, EXTRA AS extra
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [database],
  );
  for (const c of columns) {
    const table = shape.get(c.tableName);
    if (!table) continue;
    const rawDefault = c.defaultValue as string | null;
    table.columns.set(c.name, {
      type: normaliseDatabaseType(c.type),
      nullable: c.nullable === 'YES',
      autoIncrement: /auto_increment/i.test(c.extra),
      default: rawDefault === null || rawDefault === 'NULL' ? null : rawDefault,
    });
  }
  const [foreignKeys] = await connection.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS tableName, CONSTRAINT_NAME AS name, COLUMN_NAME AS col,
            REFERENCED_TABLE_NAME AS refTable, REFERENCED_COLUMN_NAME AS refCol
       FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND REFERENCED_TABLE_NAME IS NOT NULL
      ORDER BY TABLE_NAME, CONSTRAINT_NAME, ORDINAL_POSITION`,
    [database],
  );
  type FkGroup = { table: string; cols: string[]; refTable: string; refCols: string[] };
  const fkGroups = new Map<string, FkGroup>();
  for (const fk of foreignKeys) {
    const key = `${fk.tableName}.${fk.name}`;
    const group: FkGroup = fkGroups.get(key) ?? { table: fk.tableName, cols: [], refTable: fk.refTable, refCols: [] };
    group.cols.push(fk.col);
    group.refCols.push(fk.refCol);
    fkGroups.set(key, group);
  }
  for (const group of fkGroups.values()) {
    shape
      .get(group.table)
      ?.foreignKeys.add(`(${group.cols.join(', ')}) -> ${group.refTable}(${group.refCols.join(', ')})`);
  }
  const [statistics] = await connection.query<RowDataPacket[]>(
    `SELECT TABLE_NAME AS tableName, INDEX_NAME AS name, NON_UNIQUE AS nonUnique, INDEX_TYPE AS indexType, COLUMN_NAME AS col
       FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX`,
    [database],
  );
  for (const s of statistics) {
    const table = shape.get(s.tableName);
    if (!table) continue;
    const kind: IndexShape['kind'] =
      s.name === 'PRIMARY'
        ? 'primary'
        : s.indexType === 'FULLTEXT'
          ? 'fulltext'
          : Number(s.nonUnique) === 0
            ? 'unique'
            : 'normal';
    const index = table.indexes.get(s.name) ?? { kind, columns: [] };
    index.columns.push(s.col);
    table.indexes.set(s.name, index);
  }
  return shape;
}

/** Every difference between the two shapes, as sentences a developer can act on; empty when equal. */
function compareShapes(expected: SchemaShape, actual: SchemaShape): string[] {
  const problems: string[] = [];
  const describe = (v: unknown) => JSON.stringify(v);
  for (const [name, table] of expected) {
    const dbTable = actual.get(name);
    if (!dbTable) {
      problems.push(`table ${name} is in schema.prisma but no migration creates it`);
      continue;
    }
    for (const [col, want] of table.columns) {
      const got = dbTable.columns.get(col);
      if (!got) {
        problems.push(`column ${name}.${col} is in schema.prisma but not in the migrated database`);
        continue;
      }
      if (want.type !== got.type)
        problems.push(`column ${name}.${col}: schema.prisma says ${want.type}, database has ${got.type}`);
      if (want.nullable !== got.nullable) {
        problems.push(
          `column ${name}.${col}: schema.prisma says ${want.nullable ? 'NULL' : 'NOT NULL'}, database has ${got.nullable ? 'NULL' : 'NOT NULL'}`,
        );
      }
      if (want.autoIncrement !== got.autoIncrement) {
        problems.push(
          `column ${name}.${col}: autoincrement is ${want.autoIncrement} in schema.prisma, ${got.autoIncrement} in the database`,
        );
      }
      if (want.default !== undefined && want.default !== got.default) {
        problems.push(
          `column ${name}.${col}: default ${describe(want.default)} in schema.prisma, ${describe(got.default)} in the database`,
        );
      }
    }
    for (const col of dbTable.columns.keys()) {
      if (!table.columns.has(col)) problems.push(`column ${name}.${col} is in the database but not in schema.prisma`);
    }
    for (const [indexName, want] of table.indexes) {
      const got = dbTable.indexes.get(indexName);
      if (!got) {
        problems.push(
          `${want.kind} index ${name}.${indexName} (${want.columns.join(', ')}) is in schema.prisma but not in the database`,
        );
        continue;
      }
      if (want.kind !== got.kind || describe(want.columns) !== describe(got.columns)) {
        problems.push(
          `index ${name}.${indexName}: schema.prisma says ${want.kind} (${want.columns.join(', ')}), ` +
            `database has ${got.kind} (${got.columns.join(', ')})`,
        );
      }
    }
    // InnoDB adds an index of its own under a foreign key's name when none covers it; Prisma does the same.
    for (const [indexName, got] of dbTable.indexes) {
      if (table.indexes.has(indexName)) continue;
      const coveringFk =
        [...dbTable.foreignKeys].some((fk) => fk.startsWith(`(${got.columns.join(', ')})`)) && got.kind === 'normal';
      if (!coveringFk) {
        problems.push(
          `${got.kind} index ${name}.${indexName} (${got.columns.join(', ')}) is in the database but not in schema.prisma`,
        );
      }
    }
    for (const fk of table.foreignKeys) {
      if (!dbTable.foreignKeys.has(fk))
        problems.push(`foreign key ${name} ${fk} is in schema.prisma but not in the database`);
    }
    for (const fk of dbTable.foreignKeys) {
      if (!table.foreignKeys.has(fk))
        problems.push(`foreign key ${name} ${fk} is in the database but not in schema.prisma`);
    }
  }
  for (const name of actual.keys()) {
    if (!expected.has(name)) problems.push(`table ${name} is in the database but not in schema.prisma`);
  }
  return problems;
}

// ---- The tests ----

const databaseUrl = uniqueDatabaseUrl('schema');
const target = parseDatabaseUrl(databaseUrl);
let connection: Connection;
let schemaText: string;
let datamodel: Datamodel;
let databaseShape: SchemaShape;

beforeAll(async () => {
  schemaText = await readFile(SCHEMA_PATH, 'utf8');
  datamodel = parseSchema(schemaText);
  await migrate(target);
  connection = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
  });
  databaseShape = await shapeFromDatabase(connection, target.database);
});

afterAll(async () => {
  await connection?.end();
  await dropDatabase(databaseUrl);
});

test('the database built by our migrator is exactly what schema.prisma describes', () => {
  const problems = compareShapes(shapeFromDatamodel(datamodel), databaseShape);
  if (problems.length) {
    throw new Error(
      `schema.prisma and prisma/migrations disagree (add a migration, or fix schema.prisma):\n  ${problems.join('\n  ')}`,
    );
  }
  // Not vacuous: both sides were really read.
  expect(databaseShape.size).toBe(datamodel.models.length);
  expect(databaseShape.size).toBeGreaterThanOrEqual(7);
  expect(databaseShape.get('transactions')?.columns.size).toBeGreaterThanOrEqual(20);
});

test('every enum of schema.prisma is used by a column, with exactly its values', () => {
  const used = new Set(datamodel.models.flatMap((m) => m.fields.filter((f) => f.kind === 'enum').map((f) => f.type)));
  for (const e of datamodel.enums)
    expect({ enum: e.name, used: used.has(e.name) }).toEqual({ enum: e.name, used: true });
  expect(databaseShape.get('transactions')?.columns.get('type')?.type).toBe(
    "enum('deposit','withdraw','bet','win','rollback','jackpot')",
  );
});

describe('the comparison catches drift (self-checks on altered copies of the schema)', () => {
  const mismatches = (alter: (d: Datamodel) => void): string[] => {
    const copy = structuredClone(datamodel);
    alter(copy);
    return compareShapes(shapeFromDatamodel(copy), databaseShape);
  };
  const model = (d: Datamodel, name: string) => {
    const found = d.models.find((m) => m.name === name);
    if (!found) throw new Error(`model ${name} is gone from schema.prisma; update this self-check`);
    return found;
  };
  const field = (d: Datamodel, modelName: string, fieldName: string) => {
    const found = model(d, modelName).fields.find((f) => f.name === fieldName);
    if (!found) throw new Error(`field ${modelName}.${fieldName} is gone from schema.prisma; update this self-check`);
    return found;
  };

  test('a field added to schema.prisma without a migration', () => {
    expect(
      mismatches((d) =>
        model(d, 'Wallet').fields.push({
          name: 'frozen',
          kind: 'scalar',
          type: 'Boolean',
          isRequired: true,
          isList: false,
          default: false,
        }),
      ),
    ).toEqual(['column wallets.frozen is in schema.prisma but not in the migrated database']);
  });

  test('the same text change, parsed by Prisma itself', () => {
    const altered = schemaText.replace(/(model Player \{\n)/, '$1  email String? @db.VarChar(255)\n');
    expect(altered).not.toBe(schemaText);
    expect(compareShapes(shapeFromDatamodel(parseSchema(altered)), databaseShape)).toEqual([
      'column players.email is in schema.prisma but not in the migrated database',
    ]);
  });

  test('a column the migrations create but schema.prisma lost', () => {
    expect(
      mismatches((d) => (model(d, 'Player').fields = model(d, 'Player').fields.filter((f) => f.name !== 'nickname'))),
    ).toEqual(['column players.nickname is in the database but not in schema.prisma']);
  });

  test('a model without a table, and a table without a model', () => {
    expect(mismatches((d) => (model(d, 'Provider').dbName = 'studios'))).toEqual([
      'table studios is in schema.prisma but no migration creates it',
      'table providers is in the database but not in schema.prisma',
    ]);
  });

  test('a length, a native type, a nullability, an autoincrement and a default', () => {
    expect(mismatches((d) => (field(d, 'Operator', 'name').nativeType = ['VarChar', ['255']]))).toEqual([
      'column operators.name: schema.prisma says varchar(255), database has varchar(128)',
    ]);
    expect(mismatches((d) => (field(d, 'LedgerTransaction', 'resultCode').nativeType = null))).toEqual([
      'column transactions.result_code: schema.prisma says int, database has smallint',
    ]);
    expect(mismatches((d) => (field(d, 'Wallet', 'currency').nativeType = ['VarChar', ['3']]))).toEqual([
      'column wallets.currency: schema.prisma says varchar(3), database has char(3)',
    ]);
    expect(mismatches((d) => (field(d, 'Operator', 'callbackUrl').isRequired = true))).toEqual([
      'column operators.callback_url: schema.prisma says NOT NULL, database has NULL',
    ]);
    expect(mismatches((d) => (field(d, 'AuditEntry', 'id').default = undefined))).toEqual([
      'column audit_log.id: autoincrement is false in schema.prisma, true in the database',
    ]);
    expect(mismatches((d) => (field(d, 'Operator', 'enabled').default = false))).toEqual([
      'column operators.enabled: default "0" in schema.prisma, "1" in the database',
    ]);
    expect(mismatches((d) => (field(d, 'Wallet', 'balanceMinor').type = 'Int'))).toEqual([
      'column wallets.balance_minor: schema.prisma says int, database has bigint',
    ]);
  });

  test('an enum value added on one side only', () => {
    expect(
      mismatches((d) => d.enums.find((e) => e.name === 'CallbackScheme')!.values.push({ name: 'sha512' })),
    ).toEqual([
      "column operators.callback_scheme: schema.prisma says enum('hmac','md5','sha512'), database has enum('hmac','md5')",
      "column certification_runs.scheme: schema.prisma says enum('hmac','md5','sha512'), database has enum('hmac','md5')",
    ]);
  });

  test('an index added, renamed, reordered or made unique on one side only', () => {
    expect(
      mismatches((d) =>
        d.indexes.push({ model: 'Player', type: 'normal', dbName: 'players_user_idx', fields: [{ name: 'userId' }] }),
      ),
    ).toEqual(['normal index players.players_user_idx (user_id) is in schema.prisma but not in the database']);
    expect(
      mismatches((d) => {
        const index = d.indexes.find((i) => i.dbName === 'transactions_operator_user_idx')!;
        index.fields.reverse();
      }),
    ).toEqual([
      'index transactions.transactions_operator_user_idx: schema.prisma says normal (id, user_id, operator_id), database has normal (operator_id, user_id, id)',
    ]);
    expect(mismatches((d) => (d.indexes.find((i) => i.dbName === 'wallets_player_idx')!.type = 'unique'))).toEqual([
      'index wallets.wallets_player_idx: schema.prisma says unique (player_id), database has normal (player_id)',
    ]);
    expect(mismatches((d) => (d.indexes = d.indexes.filter((i) => i.dbName !== 'transactions_wallet_idx')))).toEqual([
      'normal index transactions.transactions_wallet_idx (wallet_id) is in the database but not in schema.prisma',
    ]);
    expect(mismatches((d) => (d.indexes.find((i) => i.dbName === 'players_operator_user_key')!.dbName = null))).toEqual(
      [
        'unique index players.players_operator_id_user_id_key (operator_id, user_id) is in schema.prisma but not in the database',
        'unique index players.players_operator_user_key (operator_id, user_id) is in the database but not in schema.prisma',
      ],
    );
  });

  test('a primary key on other columns', () => {
    expect(
      mismatches(
        (d) =>
          (d.indexes.find((i) => i.model === 'Wallet' && i.type === 'id')!.fields = [
            { name: 'id' },
            { name: 'currency' },
          ]),
      ),
    ).toEqual(['index wallets.PRIMARY: schema.prisma says primary (id, currency), database has primary (id)']);
  });

  test('a relation whose foreign key no migration creates', () => {
    expect(
      mismatches((d) =>
        model(d, 'Wallet').fields.push({
          name: 'player',
          kind: 'object',
          type: 'Player',
          isRequired: true,
          isList: false,
          relationFromFields: ['playerId'],
          relationToFields: ['id'],
        }),
      ),
    ).toEqual(['foreign key wallets (player_id) -> players(id) is in schema.prisma but not in the database']);
  });
});

test('src/generated/prisma is what `prisma generate` makes of the current schema.prisma', async () => {
  // Generate into a scratch copy laid out like the project (prisma/ next to src/), so the output path,
  // and with it every generated byte, is the same as `npm run generate` would write.
  const scratch = await mkdtemp(path.join(tmpdir(), 'casino-generate-'));
  try {
    await mkdir(path.join(scratch, 'prisma'));
    await writeFile(path.join(scratch, 'prisma/schema.prisma'), schemaText);
    await promisify(execFile)(
      path.join(ROOT, 'node_modules/.bin/prisma'),
      ['generate', '--schema', path.join(scratch, 'prisma/schema.prisma')],
      // As `npm run generate`: generating needs no schema engine, so none is downloaded.
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: path.join(ROOT, 'package.json'),
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
        timeout: 60_000,
      },
    );
    const fresh = path.join(scratch, 'src/generated/prisma');
    const list = async (dir: string): Promise<string[]> =>
      (await readdir(dir, { recursive: true, withFileTypes: true }))
        .filter((e) => e.isFile())
        .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
        .sort();
    const freshFiles = await list(fresh);
    expect(freshFiles.length).toBeGreaterThan(5);
    const stale: string[] = [];
    const committedFiles = await list(GENERATED_DIR);
    for (const file of new Set([...freshFiles, ...committedFiles])) {
      const [a, b] = await Promise.all([
        readFile(path.join(fresh, file), 'utf8').catch(() => '<missing>'),
        readFile(path.join(GENERATED_DIR, file), 'utf8').catch(() => '<missing>'),
      ]);
      if (a !== b) stale.push(file);
    }
    if (stale.length) {
      throw new Error(
        `src/generated/prisma is out of date with prisma/schema.prisma (differs: ${stale.join(', ')}); run \`npm run generate\``,
      );
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
});
