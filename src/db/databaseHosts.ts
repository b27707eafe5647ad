/**
 * Which database host this process uses (PROTOCOL §13): the first of DATABASE_URL's hosts that answers
 * as ready for writes, re-checked while running so the process moves on by itself when its node fails
 * or leaves the cluster's primary component. Ready means, on Galera, `wsrep_ready` ON and the node
 * `Synced`; a server without wsrep is ready when it answers.
 */
import mysql, { Pool, RowDataPacket } from 'mysql2/promise';
import { DatabaseHost, DatabaseTarget } from './databaseUrl';

const PROBE_TIMEOUT_MS = 2_000;

export interface NodeReadiness {
  ready: boolean;
  /** Why not, or the Galera state when ready (`Synced`); null on a server without wsrep. */
  detail: string | null;
}

// SHOW works on a node outside the primary component, where every table read fails with errno 1047.
export const READINESS_SQL =
  "SHOW GLOBAL VARIABLES WHERE Variable_name = 'wsrep_on';\n" +
  "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_local_state_comment')";

/** Reads the answer of READINESS_SQL. */
export function readinessOf(results: unknown): NodeReadiness {
  const [variables = [], status = []] = results as RowDataPacket[][];
  const value = (rows: RowDataPacket[], name: string) =>
    rows.find((row) => String(row.Variable_name).toLowerCase() === name)?.Value as string | undefined;
  if (value(variables, 'wsrep_on') !== 'ON') return { ready: true, detail: null };
  const wsrepReady = value(status, 'wsrep_ready');
  const state = value(status, 'wsrep_local_state_comment') ?? 'unknown';
  if (wsrepReady !== 'ON')
    return { ready: false, detail: `wsrep_ready is ${wsrepReady ?? 'missing'} (state ${state})` };
  if (state !== 'Synced') return { ready: false, detail: `the node is ${state}, not Synced` };
  return { ready: true, detail: state };
}

/** Rejects with the reason when the node behind `pool` is not ready for writes (what /health reports). */
export async function assertReadyForWrites(pool: Pool): Promise<void> {
  const [results] = await pool.query(READINESS_SQL);
  const readiness = readinessOf(results);
  if (!readiness.ready) throw new Error(`the database node is not ready for writes: ${readiness.detail}`);
}

/** Opens a short-lived connection to one host and asks whether it is ready for writes. */
export async function probeHost(target: DatabaseTarget, host: DatabaseHost): Promise<NodeReadiness> {
  let connection: mysql.Connection | undefined;
  const timer = new Promise<never>((_, reject) => {
    setTimeout(() => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS).unref();
  });
  try {
    const work = (async () => {
      connection = await mysql.createConnection({
        host: host.host,
        port: host.port,
        user: target.user,
        password: target.password,
        multipleStatements: true,
        connectTimeout: PROBE_TIMEOUT_MS,
      });
      const [results] = await connection.query(READINESS_SQL);
      return readinessOf(results);
    })();
    return await Promise.race([work, timer]);
  } catch (error) {
    return { ready: false, detail: error instanceof Error ? error.message : String(error) };
  } finally {
    const opened = connection as mysql.Connection | undefined;
    opened?.destroy();
  }
}

export type HostProbe = (host: DatabaseHost) => Promise<NodeReadiness>;

/**
 * The current host and the moves between hosts. With one host it never probes (nothing to move to).
 * A check asks the current host; when it is not ready, the hosts are asked in DATABASE_URL's order and
 * the first ready one becomes current (a recovered earlier host is preferred again only when the
 * current one fails, so processes do not flap between nodes).
 */
export class DatabaseHosts {
  private index = 0;
  private checking: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners: ((host: DatabaseHost, previous: DatabaseHost) => void)[] = [];

  constructor(
    readonly hosts: readonly DatabaseHost[],
    private readonly probe: HostProbe,
  ) {
    if (hosts.length === 0) throw new Error('at least one database host is needed');
  }

  static forTarget(target: DatabaseTarget): DatabaseHosts {
    return new DatabaseHosts(target.hosts, (host) => probeHost(target, host));
  }

  get current(): DatabaseHost {
    return this.hostAt(this.index);
  }

  private hostAt(index: number): DatabaseHost {
    const host = this.hosts[index];
    if (!host) throw new Error(`no database host #${index}`);
    return host;
  }

  get several(): boolean {
    return this.hosts.length > 1;
  }

  isCurrent(host: string, port: number): boolean {
    return this.current.host === host && this.current.port === port;
  }

  onSwitch(listener: (host: DatabaseHost, previous: DatabaseHost) => void): void {
    this.listeners.push(listener);
  }

  /** At start-up: the first host that answers as ready (or the first host when none does yet). */
  async chooseFirstReady(): Promise<DatabaseHost> {
    if (!this.several) return this.current;
    for (let i = 0; i < this.hosts.length; i++) {
      if ((await this.probe(this.hostAt(i))).ready) {
        this.moveTo(i);
        break;
      }
    }
    return this.current;
  }

  /** Re-checks now (one check at a time; callers that arrive meanwhile share it). */
  check(): Promise<void> {
    if (!this.several) return Promise.resolve();
    this.checking ??= this.runCheck().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  start(intervalMs: number): void {
    if (!this.several || this.timer) return;
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async runCheck(): Promise<void> {
    if ((await this.probe(this.current)).ready) return;
    for (let i = 0; i < this.hosts.length; i++) {
      if (i === this.index) continue;
      if ((await this.probe(this.hostAt(i))).ready) {
        this.moveTo(i);
        return;
      }
    }
  }

  private moveTo(index: number): void {
    if (index === this.index) return;
    const previous = this.current;
    this.index = index;
    for (const listener of this.listeners) listener(this.current, previous);
  }
}
