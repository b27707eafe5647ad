/**
 * `/backoffice/vendor/chartjs/`: Chart.js (a dependency, MIT) served from our own node_modules, so
 * the Reports page draws its chart with no CDN and no internet (the page's CSP allows only 'self').
 * The page loads `chart.umd.min.js`, which sets `globalThis.Chart`.
 */
import path from 'node:path';
import express, { Router } from 'express';

export const CHART_LIBRARY_MOUNT = '/backoffice/vendor/chartjs';

export function chartLibraryRoutes(): Router {
  // chart.js's main entry is dist/chart.cjs: its folder holds the UMD build beside it.
  const dist = path.dirname(require.resolve('chart.js'));
  const router = Router();
  router.use(
    CHART_LIBRARY_MOUNT,
    (_req, res, next) => {
      res.set({ 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'public, max-age=86400' });
      next();
    },
    express.static(dist, { index: false, redirect: false, dotfiles: 'ignore', fallthrough: true }),
  );
  return router;
}
