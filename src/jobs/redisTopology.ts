/**
 * Which Redis this deployment uses (PROTOCOL §13): one node (`REDIS_URL`), a Sentinel-watched master
 * (`REDIS_SENTINELS` + `REDIS_SENTINEL_NAME`) or a Redis Cluster (`REDIS_CLUSTER_NODES`), exactly one of
 * them. Pure parsing; redisConnection.ts turns the result into ioredis clients.
 *
 * List entries are `host:port` or `redis://[user:password@]host:port[/N]` (`rediss://` for TLS). What an
 * entry carries besides its address (credentials, database index, TLS) applies to the data nodes, so
 * every entry of a list must carry the same. Redis Cluster has no database index.
 */
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

export interface RedisNodeAddress {
  readonly host: string;
  readonly port: number;
}

export interface RedisAccess {
  readonly username?: string;
  readonly password?: string;
  readonly tls: boolean;
}

export type RedisTopology =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'sentinel';
      readonly sentinels: readonly RedisNodeAddress[];
      readonly name: string;
      readonly db: number;
      readonly access: RedisAccess;
    }
  | { readonly kind: 'cluster'; readonly nodes: readonly RedisNodeAddress[]; readonly access: RedisAccess };

interface ParsedEntry {
  readonly address: RedisNodeAddress;
  readonly access: RedisAccess;
  /** The `/N` path as written ('' when none). */
  readonly dbPath: string;
}

type Env = Record<string, string | undefined>;

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

function parseEntry(variable: string, raw: string, defaultPort: number): ParsedEntry | string {
  const text = raw.trim();
  const withScheme = /^[a-z]+:\/\//i.test(text) ? text : `redis://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return `${variable}: "${text}" is not host:port or a redis:// URL`;
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:')
    return `${variable}: "${text}" must be host:port or a redis:// or rediss:// URL`;
  if (!url.hostname) return `${variable}: "${text}" names no host`;
  const dbPath = url.pathname === '/' ? '' : url.pathname;
  return {
    address: { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : defaultPort },
    access: {
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      tls: url.protocol === 'rediss:',
    },
    dbPath,
  };
}

/** Entries of one list variable, or the problems found in it. */
function parseList(variable: string, raw: string, defaultPort: number): { entries: ParsedEntry[]; problems: string[] } {
  const parsed = raw
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part) => parseEntry(variable, part, defaultPort));
  const problems = parsed.filter((p): p is string => typeof p === 'string');
  const entries = parsed.filter((p): p is ParsedEntry => typeof p !== 'string');
  if (!parsed.length) problems.push(`${variable} must list at least one host:port, got "${raw}"`);
  const shapes = new Set(entries.map((e) => JSON.stringify([e.access, e.dbPath])));
  if (shapes.size > 1)
    problems.push(`${variable}: every entry must carry the same credentials, database index and scheme`);
  return { entries, problems };
}

function sentinelTopology(env: Env): { topology?: RedisTopology; problems: string[] } {
  const problems: string[] = [];
  if (!isSet(env.REDIS_SENTINEL_NAME))
    problems.push('REDIS_SENTINELS needs REDIS_SENTINEL_NAME (the master name the Sentinels monitor)');
  else if (!/^[A-Za-z0-9._-]{1,64}$/.test(env.REDIS_SENTINEL_NAME))
    problems.push(`REDIS_SENTINEL_NAME must be 1 to 64 characters of [A-Za-z0-9._-], got "${env.REDIS_SENTINEL_NAME}"`);
  const { entries, problems: listProblems } = parseList('REDIS_SENTINELS', env.REDIS_SENTINELS!, 26379);
  problems.push(...listProblems);
  const dbPath = entries[0]?.dbPath ?? '';
  if (dbPath && !/^\/\d{1,2}$/.test(dbPath))
    problems.push(`REDIS_SENTINELS: the database index must be /0 to /99, got "${dbPath}"`);
  if (problems.length) return { problems };
  return {
    topology: {
      kind: 'sentinel',
      sentinels: entries.map((e) => e.address),
      name: env.REDIS_SENTINEL_NAME!,
      db: dbPath ? Number(dbPath.slice(1)) : 0,
      access: entries[0]!.access,
    },
    problems,
  };
}

function clusterTopology(env: Env): { topology?: RedisTopology; problems: string[] } {
  const { entries, problems } = parseList('REDIS_CLUSTER_NODES', env.REDIS_CLUSTER_NODES!, 6379);
  const withIndex = entries.find((e) => e.dbPath);
  if (withIndex) {
    problems.push(
      `REDIS_CLUSTER_NODES: Redis Cluster has no database index (SELECT is not allowed in cluster mode); remove "${withIndex.dbPath}" from ${withIndex.address.host}:${withIndex.address.port}`,
    );
  }
  if (problems.length) return { problems };
  return { topology: { kind: 'cluster', nodes: entries.map((e) => e.address), access: entries[0]!.access }, problems };
}

/**
 * The topology the environment names, or what is wrong with it. REDIS_URL's own format is checked by
 * config.ts; here, which of the three ways is used and the two list variables.
 */
export function redisTopologyProblems(env: Env): { topology?: RedisTopology; problems: string[] } {
  const chosen = [
    isSet(env.REDIS_URL) && 'REDIS_URL',
    isSet(env.REDIS_SENTINELS) && 'REDIS_SENTINELS',
    isSet(env.REDIS_CLUSTER_NODES) && 'REDIS_CLUSTER_NODES',
  ].filter((name): name is string => Boolean(name));
  if (chosen.length > 1) {
    return {
      problems: [
        `set only one of REDIS_URL, REDIS_SENTINELS (with REDIS_SENTINEL_NAME) and REDIS_CLUSTER_NODES; got ${chosen.join(' and ')}`,
      ],
    };
  }
  if (chosen[0] === 'REDIS_SENTINELS') return sentinelTopology(env);
  if (isSet(env.REDIS_SENTINEL_NAME))
    return { problems: ['REDIS_SENTINEL_NAME is set without REDIS_SENTINELS (the Sentinels to ask)'] };
  if (chosen[0] === 'REDIS_CLUSTER_NODES') return clusterTopology(env);
  return { topology: { kind: 'single', url: isSet(env.REDIS_URL) ? env.REDIS_URL : DEFAULT_REDIS_URL }, problems: [] };
}

/** For logs: where Redis is, without credentials. */
export function describeRedisTopology(topology: RedisTopology): string {
  const list = (nodes: readonly RedisNodeAddress[]) => nodes.map((n) => `${n.host}:${n.port}`).join(',');
  if (topology.kind === 'single') {
    const url = new URL(topology.url);
    return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
  }
  if (topology.kind === 'sentinel') return `sentinel ${topology.name} via ${list(topology.sentinels)}`;
  return `cluster ${list(topology.nodes)}`;
}
