/** `GET /metrics`: the process's metrics in Prometheus text format (PROTOCOL §2). */
import { Router } from 'express';
import { Metrics } from '../observability/metrics';

export function metricsRoutes(metrics: Metrics): Router {
  const router = Router();
  router.get('/metrics', async (_req, res) => {
    // Sources that fail are reported as unknown inside render(); it rejects only on a bug of ours,
    // which the error handler answers with a 500.
    const body = await metrics.render();
    res.status(200).type(metrics.contentType).send(body);
  });
  return router;
}
