/** `GET /health`: 200 only when this process, the database and Redis all answer (PROTOCOL §2). */
import { Router } from 'express';
import type { RedisHealthCheck } from '../jobs/redisHealth';
import { Pool } from 'mysql2/promise';

const PROBE_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, label: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label} did not answer within ${PROBE_TIMEOUT_MS} ms`)), PROBE_TIMEOUT_MS);
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

export function healthRoutes(deps: { pool: Pool; redis: RedisHealthCheck }): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, redis] = await Promise.all([
      probe(() => deps.pool.query('SELECT 1'), 'database'),
      probe(() => deps.redis.check(), 'redis'),
    ]);
    const healthy = database.ok && redis.ok;
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', database, redis });
  });
  return router;
}
