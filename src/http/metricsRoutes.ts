/**
 * `GET /metrics`: the process's metrics in Prometheus text format (PROTOCOL §2). With METRICS_TOKEN
 * set (production requires it) a scrape without `Authorization: Bearer <token>` gets HTTP 401.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { ResultCode } from '../domain/resultCodes';
import { Metrics } from '../observability/metrics';

/** Constant-time, whatever the lengths: both sides are hashed to the same size first. */
function sameToken(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function metricsRoutes(metrics: Metrics, token: string | null): Router {
  const router = Router();
  router.get('/metrics', async (req, res) => {
    if (token !== null) {
      const given = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1] ?? '';
      if (!sameToken(given, token)) {
        res
          .status(401)
          .set('WWW-Authenticate', 'Bearer')
          .json({ code: ResultCode.CALLER_NOT_ALLOWED, message: 'metrics need Authorization: Bearer <METRICS_TOKEN>' });
        return;
      }
    }
    // Sources that fail are reported as unknown inside render(); it rejects only on a bug of ours,
    // which the error handler answers with a 500.
    const body = await metrics.render();
    res.status(200).type(metrics.contentType).send(body);
  });
  return router;
}
