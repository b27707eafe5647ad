/**
 * `GET /health`: 200 only when this process and Redis answer and the database node is ready for writes
 * (PROTOCOL §2, §13): on Galera `wsrep_ready` ON and `Synced`, since a node that lost quorum still
 * answers `SELECT 1` while every table read fails with errno 1047. While start-up work after listen is
 * still running (seeding the demo world), it answers 503 `starting`: a newcomer or a load balancer that
 * waits for 200 finds the demo operators there.
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

/** What start-up still does after the port is open; `pending` null once it is done. */
export interface StartupState {
  pending: string | null;
}

/** `databaseReady` rejects with the reason when the node cannot take writes (db/databaseHosts.ts). */
export function healthRoutes(deps: {
  databaseReady: () => Promise<void>;
  redis: RedisHealthCheck;
  startup?: StartupState;
}): Router {
  const router = Router();
  router.get('/health', async (_req, res) => {
    const [database, redis] = await Promise.all([
      probe(deps.databaseReady, 'database'),
      probe(() => deps.redis.check(), 'redis'),
    ]);
    const pending = deps.startup?.pending ?? null;
    const healthy = database.ok && redis.ok;
    if (healthy && pending !== null) {
      res.status(503).json({ status: 'starting', starting: pending, database, redis });
      return;
    }
    res.status(healthy ? 200 : 503).json({ status: healthy ? 'ok' : 'unavailable', database, redis });
  });
  return router;
}
