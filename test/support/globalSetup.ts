/**
 * Fails fast, with the command to fix it, when MariaDB or Redis is not answering; says in one line
 * when the browser tests will be skipped for want of Chromium.
 */
import mysql from 'mysql2/promise';
import { Redis } from 'ioredis';
import { missingChromiumLine, runBrowserTests } from './chromium';

export default async function globalSetup(): Promise<void> {
  if (!runBrowserTests()) process.stderr.write(`\n${missingChromiumLine()}\n`);
  try {
    const connection = await mysql.createConnection({
      host: '127.0.0.1',
      port: 3306,
      user: 'root',
      connectTimeout: 5_000,
    });
    // Databases left behind by an interrupted run more than an hour ago (a run in progress keeps its own).
    const [rows] = await connection.query<mysql.RowDataPacket[]>(
      "SELECT SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME LIKE 'casino\\_t\\_%'",
    );
    const staleBefore = Math.floor(Date.now() / 1000) - 3600;
    for (const row of rows) {
      const created = Number(/_(\d{10})_[0-9a-f]{8}$/.exec(row.name as string)?.[1] ?? 0);
      if (created < staleBefore) await connection.query(`DROP DATABASE IF EXISTS \`${row.name as string}\``);
    }
    await connection.end();
  } catch (error) {
    throw new Error(
      `MariaDB is not answering on 127.0.0.1:3306 (${String(error)}); start it with: start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`,
    );
  }
  const redis = new Redis('redis://127.0.0.1:6379', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3_000,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(
      `Redis is not answering on 127.0.0.1:6379 (${String(error)}); start it with: redis-server --daemonize yes`,
    );
  } finally {
    redis.disconnect();
  }
}
