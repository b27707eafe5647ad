/**
 * `GET /health`: 200 only when this process and Redis answer and the database node is ready for writes
 * (PROTOCOL §2, §13): on Galera `wsrep_ready` ON and `Synced`, since a node that lost quorum still
 * answers `SELECT 1` while every table read fails with errno 1047.
 */
import { Router } from 'express';
import type { RedisHealthCheck } from '../jobs/redisHealth';

const PROBE_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${label} did not answer within ${PROBE_TIMEOUT_MS} ms`)),
      PROBE_TIMEOUT_MS,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function probe(check: () => Promise<unknown>, label: string): Promise<{ ok: boolean; error?: string }> {
  try {
    await withTimeout(check(), label);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** `databaseReady` rejects with the reason when the node cannot take writes (db/databaseHosts.ts). */
export function healthRoutes(deps: { databaseReady: () => Promise<void>; redis: RedisHealthCheck }): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, redis] = await Promise.all([
      probe(deps.databaseReady, 'database'),
      probe(() => deps.redis.check(), 'redis'),
    ]);
    const healthy = database.ok && redis.ok;
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', database, redis });
  });
  return router;
}
