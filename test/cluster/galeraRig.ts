/** The Galera rig of scripts/cluster/galera.sh as the cluster tests use it: nodes, databases, kills. */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import mysql, { Connection, RowDataPacket } from 'mysql2/promise';

export const NODE_PORTS = [4306, 4307, 4308] as const;
const GALERA_SH = path.resolve(__dirname, '../../scripts/cluster/galera.sh');
const run = promisify(execFile);

/** A multi-host DATABASE_URL over the given nodes (1-based), in that order. */
export function clusterUrl(database: string, nodes: number[]): string {
  return `mysql://root@${nodes.map((n) => `127.0.0.1:${NODE_PORTS[n - 1]}`).join(',')}/${database}`;
}

export function uniqueClusterDatabase(label: string): string {
  return `casino_c_${label}_${randomBytes(4).toString('hex')}`;
}

/** A connection to one node whose reads wait until the node has applied everything committed before them. */
export async function nodeConnection(node: number, database?: string): Promise<Connection> {
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: NODE_PORTS[node - 1],
    user: 'root',
    database,
    supportBigNumbers: true,
    bigNumberStrings: true,
  });
  await connection.query('SET SESSION wsrep_sync_wait = 1');
  return connection;
}

export async function dropClusterDatabase(database: string): Promise<void> {
  for (const node of [1, 2, 3]) {
    try {
      const connection = await nodeConnection(node);
      await connection.query(`DROP DATABASE IF EXISTS \`${database}\``);
      await connection.end();
      return;
    } catch {
      /* that node is down: the next one replicates the drop */
    }
  }
}

export async function wsrepStatus(node: number): Promise<Record<string, string>> {
  const connection = await mysql.createConnection({ host: '127.0.0.1', port: NODE_PORTS[node - 1], user: 'root' });
  try {
    const [rows] = await connection.query<RowDataPacket[]>("SHOW GLOBAL STATUS LIKE 'wsrep_%'");
    return Object.fromEntries(rows.map((row) => [row.Variable_name as string, String(row.Value)]));
  } finally {
    await connection.end();
  }
}

/** Certification failures and brute-force aborts on the writer nodes: the cluster's own conflict counts. */
export async function conflictCounters(nodes: number[]): Promise<{ certFailures: number; bfAborts: number }> {
  let certFailures = 0;
  let bfAborts = 0;
  for (const node of nodes) {
    const status = await wsrepStatus(node);
    certFailures += Number(status.wsrep_local_cert_failures ?? 0);
    bfAborts += Number(status.wsrep_local_bf_aborts ?? 0);
  }
  return { certFailures, bfAborts };
}

export async function galera(...args: string[]): Promise<string> {
  const { stdout } = await run(GALERA_SH, args, { timeout: 180_000 });
  return stdout;
}
