/** A database of its own for each test file (and each spawned server), dropped afterwards. */
import { randomBytes } from 'node:crypto';
import mysql, { Pool } from 'mysql2/promise';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { createMysqlPool } from '../../src/db/mysqlPool';

/** casino_t_<label>_<unix seconds>_<random>: the time lets a later run drop only what is stale. */
export function uniqueDatabaseUrl(label: string): string {
  const name = `casino_t_${label.replace(/[^A-Za-z0-9]/g, '').slice(0, 20)}_${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`;
  return `mysql://root@127.0.0.1:3306/${name}`;
}

export async function dropDatabase(databaseUrl: string): Promise<void> {
  const { database } = parseDatabaseUrl(databaseUrl);
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: 3306, user: 'root' });
  await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
  await connection.end();
}

export function assertionPool(databaseUrl: string): Pool {
  return createMysqlPool(parseDatabaseUrl(databaseUrl), 4);
}
