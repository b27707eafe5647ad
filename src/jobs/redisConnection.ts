/**
 * Every Redis connection of a process is made here, from the configured topology (redisTopology.ts):
 * one node, a Sentinel-watched master (ioredis asks the Sentinels for the master and follows a failover
 * by itself) or a Redis Cluster (ioredis routes each key to its slot's node and follows MOVED/ASK).
 * Nothing else knows which topology is in use; everything takes a RedisClient.
 *
 * Roles differ in how they wait:
 * - `commands` (the queue producer, leases, health, publish) fail fast while Redis is unreachable, so a
 *   provider's win is never held up by Redis: the database row stays pending and the sweeper enqueues it.
 * - `blocking` (BullMQ workers) retry without limit, as BullMQ requires of a worker's connection.
 * - `subscriber` (cache notifications) reconnects and re-subscribes by itself.
 */
import { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';
import { RedisAccess, RedisTopology } from './redisTopology';

export type RedisClient = Redis | Cluster;
export type RedisRole = 'commands' | 'blocking' | 'subscriber';

/** Reconnect attempts start fast and settle at this, so a Redis outage costs a connect attempt per 2 s. */
const MAX_RECONNECT_DELAY_MS = 2_000;
const reconnectDelay = (times: number) => Math.min(50 * 2 ** Math.min(times, 10), MAX_RECONNECT_DELAY_MS);

function accessOptions(access: RedisAccess): RedisOptions {
  return {
    ...(access.username ? { username: access.username } : {}),
    ...(access.password ? { password: access.password } : {}),
    ...(access.tls ? { tls: {} } : {}),
  };
}

function roleOptions(role: RedisRole): RedisOptions {
  if (role === 'commands') return { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 };
  return { maxRetriesPerRequest: null, connectTimeout: 2_000 };
}

export function openRedis(topology: RedisTopology, role: RedisRole): RedisClient {
  const options = { ...roleOptions(role), retryStrategy: reconnectDelay };
  if (topology.kind === 'single') return new Redis(topology.url, options);
  if (topology.kind === 'sentinel') {
    return new Redis({
      ...options,
      ...accessOptions(topology.access),
      sentinels: topology.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: topology.name,
      db: topology.db,
      // Sentinels usually share the data nodes' password; ioredis asks them with these.
      ...(topology.access.password ? { sentinelPassword: topology.access.password } : {}),
      ...(topology.access.username ? { sentinelUsername: topology.access.username } : {}),
      ...(topology.access.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      sentinelRetryStrategy: reconnectDelay,
      // After a failover the old master may come back as a replica: a command it refuses as READONLY
      // means "ask the Sentinels again".
      reconnectOnError: (error) => error.message.startsWith('READONLY'),
    });
  }
  const { enableOfflineQueue, retryStrategy: _perNodeRetry, ...perNode } = options;
  const clusterOptions: ClusterOptions = {
    redisOptions: { ...perNode, ...accessOptions(topology.access) },
    enableOfflineQueue: enableOfflineQueue ?? true,
    enableReadyCheck: true,
    clusterRetryStrategy: reconnectDelay,
    // A slot moving (failover, resharding) is followed within a few redirections; more means trouble.
    maxRedirections: 16,
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
    slotsRefreshTimeout: 2_000,
  };
  return new Cluster(
    topology.nodes.map((n) => ({ host: n.host, port: n.port })),
    clusterOptions,
  );
}

/** True when the connection can take commands now (a Cluster is ready once its slot map is known). */
export function isRedisReady(client: RedisClient): boolean {
  return client.status === 'ready';
}
