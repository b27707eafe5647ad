/**
 * `GET /docs` (PROTOCOL §2): the API reference. `/docs/openapi.json` is the OpenAPI 3.1 document
 * generated from the request schemas (see apiCatalogue.ts); `/docs` is an interactive page over it.
 *
 * The page is Swagger UI from the `swagger-ui-dist` package, served from node_modules under
 * /docs/assets: prebuilt static JS/CSS with no server-side code, maintained by SmartBear since 2017
 * alongside Swagger UI itself, renders OpenAPI 3.1 including webhooks, and needs no CDN, so the
 * reference works on a machine without internet. (Scalar's standalone bundle was the alternative; its
 * npm package pulls a much larger dependency tree for the same result.) The validator badge is off so
 * the page never calls validator.swagger.io.
 */
import express, { Router } from 'express';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { API_CATALOGUE } from './apiCatalogue';
import { buildOpenApiDocument } from './openApiDocument';
import { SIGNING_CSS, SIGNING_PANEL, SIGNING_SCRIPT } from './signingHelper';

export const DOCS_ASSETS_PATH = '/docs/assets';
const SWAGGER_UI_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Casino aggregation API reference</title>
  <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
  <link rel="stylesheet" href="${DOCS_ASSETS_PATH}/docs-signing.css">
  <link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <noscript>This page needs JavaScript; the raw document is at <a href="/docs/openapi.json">/docs/openapi.json</a>.</noscript>
  ${SIGNING_PANEL}
  <div id="swagger-ui"></div>
  <script src="${DOCS_ASSETS_PATH}/docs-signing.js" charset="UTF-8"></script>
  <script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js" charset="UTF-8"></script>
  <script src="${DOCS_ASSETS_PATH}/docs-init.js" charset="UTF-8"></script>
</body>
</html>
`;

// A separate file rather than an inline script, so that the page's Content-Security-Policy holds.
// "Try it out" requests pass through the signing helper (signingHelper.ts), which signs them when a
// secretKey is typed in the page.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/docs/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  validatorUrl: null,
  defaultModelsExpandDepth: 0,
  docExpansion: 'list',
  requestInterceptor: (request) => window.casinoSigning.intercept(request),
});
`;

/**
 * The page runs only our own files and talks only to its own origin: a typed secretKey has nowhere else
 * to go. Swagger UI sets style attributes on its elements, hence 'unsafe-inline' for styles only.
 */
const PAGE_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** `includeDemo`: list the demo world's routes (tag `demo`), which are served only outside production. */
export function docsRoutes(options: { includeDemo: boolean } = { includeDemo: true }): Router {
  const router = Router();
  // Built once at start-up: a schema the generator cannot render fails the start, not a reader.
  const catalogue = options.includeDemo ? API_CATALOGUE : API_CATALOGUE.filter((endpoint) => endpoint.tag !== 'demo');
  const document = JSON.stringify(buildOpenApiDocument(catalogue));

  router.get('/docs', (_req, res) => {
    res.set(PAGE_HEADERS).type('html').send(PAGE);
  });
  // The project's integration guide (docs/INTEGRATION.md; src/http/docs and dist/http/docs are both three
  // levels below the package root). Read at start-up: a missing guide fails the start, not a reader.
  const guide = readFileSync(resolve(__dirname, '../../../docs/INTEGRATION.md'), 'utf8');
  router.get('/docs/integration.md', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(guide);
  });
  router.get('/docs/openapi.json', (_req, res) => {
    res.type('json').send(document);
  });
  router.get(`${DOCS_ASSETS_PATH}/docs-init.js`, (_req, res) => {
    res.type('js').send(INIT_SCRIPT);
  });
  router.get(`${DOCS_ASSETS_PATH}/docs-signing.js`, (_req, res) => {
    res.type('js').send(SIGNING_SCRIPT);
  });
  router.get(`${DOCS_ASSETS_PATH}/docs-signing.css`, (_req, res) => {
    res.type('css').send(SIGNING_CSS);
  });
  router.use(DOCS_ASSETS_PATH, express.static(SWAGGER_UI_DIR, { index: false, maxAge: '1h', fallthrough: true }));
  return router;
}
