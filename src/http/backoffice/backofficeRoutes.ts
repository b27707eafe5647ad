/**
 * `/backoffice`: the back-office web page (PROTOCOL §1, §8). A single page of plain HTML, CSS and
 * JavaScript modules with no build step; everything it does goes through the admin API.
 *
 * The files live in `public/` next to this module. `npm run build` copies them next to the compiled
 * module in dist/, and when that copy is missing (tsc run by hand) the source folder is used instead,
 * so the page is served alike under ts-jest, tsx and `node dist/main.js`.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { RequestHandler, Router } from 'express';
import { CURRENCY_EXPONENTS } from '../../domain/currencies';

export function backofficePublicDir(): string {
  const candidates = [path.join(__dirname, 'public'), path.resolve(__dirname, '../../../src/http/backoffice/public')];
  const found = candidates.find((dir) => existsSync(path.join(dir, 'index.html')));
  if (!found) throw new Error(`back-office files not found in ${candidates.join(' or ')}`);
  return found;
}

/** The page loads only its own files and talks only to its own origin. */
const securityHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy':
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
      "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    // No build step means no content hashes in file names: let browsers revalidate every time.
    'Cache-Control': 'no-cache',
  });
  next();
};

export function backofficeRoutes(): Router {
  const publicDir = backofficePublicDir();
  const router = Router();
  const page: RequestHandler = (_req, res) => res.sendFile('index.html', { root: publicDir });
  router.get(['/backoffice', '/backoffice/'], securityHeaders, page);
  // The page formats amounts with each currency's digits from the server's own table, not the browser's.
  const currencies = `export const CURRENCY_DIGITS = Object.freeze(${JSON.stringify(CURRENCY_EXPONENTS)});\n`;
  router.get('/backoffice/currencies.js', securityHeaders, (_req, res) => {
    res.type('text/javascript').send(currencies);
  });
  router.use(
    '/backoffice',
    securityHeaders,
    express.static(publicDir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      etag: true,
      lastModified: true,
      fallthrough: true,
    }),
  );
  return router;
}
