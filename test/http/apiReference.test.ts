// Risk covered: an API reference that drifts from the API (PROTOCOL §2 `GET /docs`): a route served but
// missing from /docs/openapi.json, a documented route that does not exist, a documented request schema
// that is not the one that validates, callback docs that are not what we send, or a page that needs internet.
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { Minor } from '../../src/domain/money';
import { parseDatabaseUrl } from '../../src/db/databaseUrl';
import { hmacRequestBody } from '../../src/callbacks/hmac/hmacScheme';
import { md5RequestBody } from '../../src/callbacks/md5/md5Scheme';
import { WalletCall } from '../../src/callbacks/walletCallback';
import { createApp } from '../../src/http/app';
import {
  API_CATALOGUE,
  STATIC_ASSET_MOUNTS,
  hmacBalanceCallback,
  hmacMoneyCallback,
  md5BalanceCallback,
  md5MoneyCallback,
} from '../../src/http/docs/apiCatalogue';
import { docsRoutes } from '../../src/http/docs/docsRoutes';
import { openApiPath } from '../../src/http/docs/openApiDocument';
import { transferRequest } from '../../src/http/platform/walletRoutes';
import { Runtime, openRuntime } from '../../src/runtime';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';

let server: TestServer;
let runtime: Runtime;
let app: express.Express;

beforeAll(async () => {
  server = await startTestServer('apiref');
  // The same app the server runs, built the same way (src/server.ts: a runtime, then createApp with
  // its parts), so that its router can be walked.
  const logger = pino({ level: 'silent' });
  runtime = openRuntime(server.config, parseDatabaseUrl(server.databaseUrl), logger, { workers: false });
  app = createApp({ ...runtime, config: server.config, logger });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await runtime?.close(5_000);
  await server?.close();
});

// ------------------------------------------------------------------ walking the Express 5 router

/** What Express 5 (router 2.x) keeps per layer; only what the walk reads. */
interface RouterLayer {
  route?: { path: string | string[]; methods: Record<string, boolean | undefined> };
  handle: ((...args: unknown[]) => unknown) & { stack?: RouterLayer[] };
  rawPath?: unknown;
  slash?: boolean;
}

const joinPath = (prefix: string, path: string): string => {
  const joined = `${prefix.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
  // Non-strict routing: `/x/` and `/x` are one route.
  return joined.length > 1 ? joined.replace(/\/+$/, '') : joined;
};

function mountPathOf(layer: RouterLayer): string {
  if (typeof layer.rawPath === 'string') return layer.rawPath;
  if (layer.slash || layer.rawPath === undefined) return '/';
  throw new Error(`cannot read the mount path of layer ${layer.handle.name}: ${String(layer.rawPath)}`);
}

interface Served {
  routes: Set<string>;
  /** Non-route, non-router middleware mounted below `/` (static files, sub-apps...). */
  mounts: Set<string>;
}

function walk(stack: RouterLayer[], prefix: string, served: Served): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      for (const path of paths) {
        if (typeof path !== 'string')
          throw new Error(`route path ${String(path)} is not a string: the reference cannot list it`);
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on) served.routes.add(`${method === '_all' ? 'ALL' : method.toUpperCase()} ${joinPath(prefix, path)}`);
        }
      }
    } else if (Array.isArray(layer.handle.stack)) {
      walk(layer.handle.stack, joinPath(prefix, mountPathOf(layer)), served);
    } else {
      const mount = joinPath(prefix, mountPathOf(layer));
      const isErrorHandler = layer.handle.length === 4;
      if (mount !== '/' && !isErrorHandler) served.mounts.add(mount);
    }
  }
}

function servedBy(target: express.Express): Served {
  const router = (target as unknown as { router?: { stack?: RouterLayer[] } }).router;
  if (!Array.isArray(router?.stack))
    throw new Error('app.router.stack is missing: has Express changed how it exposes its router?');
  const served: Served = { routes: new Set(), mounts: new Set() };
  walk(router.stack, '/', served);
  return served;
}

const isStaticAsset = (key: string) => / \/docs\/assets(\/|$)/.test(key);

function documentedRoutes(): Set<string> {
  const documented = new Set<string>();
  for (const endpoint of API_CATALOGUE) {
    for (const method of endpoint.methods) {
      const key = `${method.toUpperCase()} ${endpoint.path}`;
      if (documented.has(key)) throw new Error(`${key} is listed twice in the API catalogue`);
      documented.add(key);
    }
  }
  return documented;
}

const sorted = (set: Iterable<string>) => [...set].sort();

// ------------------------------------------------------------------ the tests

type OpenApi = {
  openapi: string;
  info: { title: string; version: string; description: string };
  paths: Record<
    string,
    Record<
      string,
      { operationId: string; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> } }
    >
  >;
  webhooks: Record<string, unknown>;
  components: { securitySchemes: Record<string, { scheme?: string }> };
};

async function fetchDocument(): Promise<OpenApi> {
  const response = await fetch(`${server.url}/docs/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return (await response.json()) as OpenApi;
}

describe('GET /docs', () => {
  it('serves an interactive page whose assets come from this server, not the internet', async () => {
    const response = await fetch(`${server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) {
      expect(source).toMatch(/^\//); // same origin
      const asset = await fetch(server.url + source);
      expect({ source, status: asset.status }).toEqual({ source, status: 200 });
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    const init = await (await fetch(`${server.url}/docs/assets/docs-init.js`)).text();
    expect(init).toContain("url: '/docs/openapi.json'");
    expect(init).toContain('validatorUrl: null');
  });

  it('serves an OpenAPI 3.1.0 document with a request body schema on every POST', async () => {
    const document = await fetchDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(document.info.title).toEqual(expect.any(String));
    expect(document.info.version).toBe(require('../../package.json').version);
    // The signing rules and the md5 warning are part of the reference.
    expect(document.info.description).toContain('HMAC-SHA-256');
    expect(document.info.description).toContain('AEDFA926112F5643C3947F6C49505D34E71A91BE1BA68304A802681D49273BA0');
    expect(document.info.description).toMatch(/authenticates the timestamp, \*\*not the body\*\*/);
    expect(document.components.securitySchemes.staffBearer?.scheme).toBe('bearer');
    expect(Object.keys(document.webhooks).sort()).toEqual([
      'hmacBalance',
      'hmacDeposit',
      'hmacRollback',
      'hmacWithdraw',
      'md5Callback',
    ]);

    const operationIds = new Set<string>();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operationIds.has(operation.operationId)).toBe(false);
        operationIds.add(operation.operationId);
        if (method === 'post') {
          const schema = operation.requestBody?.content['application/json']?.schema;
          expect({ path, type: schema?.type ?? (schema?.anyOf ? 'anyOf' : undefined) }).toEqual({
            path,
            type: expect.stringMatching(/^(object|anyOf)$/),
          });
        }
      }
    }
  });

  it('documents every route the app serves, and serves every route it documents', () => {
    const served = servedBy(app);
    const servedRoutes = new Set([...served.routes].filter((key) => !isStaticAsset(key)));
    const documented = documentedRoutes();
    const undocumented = sorted([...servedRoutes].filter((key) => !documented.has(key)));
    const notServed = sorted([...documented].filter((key) => !servedRoutes.has(key)));
    // An add to the app without an add to src/http/docs/apiCatalogue.ts (or the reverse) fails here.
    expect({ undocumented, notServed }).toEqual({ undocumented: [], notServed: [] });
    // Middleware that answers requests outside a route must be a declared static-file mount.
    expect(sorted(served.mounts)).toEqual(sorted(STATIC_ASSET_MOUNTS.map((m) => m.path)));
  });

  it('has, in the document, exactly the catalogue', async () => {
    const document = await fetchDocument();
    const inDocument = new Set(
      Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
      ),
    );
    expect(sorted(inDocument)).toEqual(sorted([...documentedRoutes()].map((key) => openApiPath(key))));
  });

  it('answers every documented route on the running server (none is the unknown-path 404)', async () => {
    for (const key of documentedRoutes()) {
      const [method, path] = key.split(' ') as [string, string];
      const url = server.url + path.replace(/:call\b/, 'Balance');
      const response = await fetch(
        url,
        method === 'POST' ? { method, headers: { 'content-type': 'application/json' }, body: '{}' } : { method },
      );
      const text = await response.text();
      expect({ key, unknown: response.status === 404 && text.includes('no such endpoint') }).toEqual({
        key,
        unknown: false,
      });
    }
  });

  it('leaves the demo world (not served in production) out of the production reference', async () => {
    const answer = await request(express().use(docsRoutes({ includeDemo: false }))).get('/docs/openapi.json');
    expect(answer.status).toBe(200);
    const paths = Object.keys((answer.body as OpenApi).paths);
    expect(paths.filter((path) => /^\/(sandbox|demo-studio)\//.test(path))).toEqual([]);
    expect(paths).toContain('/v1/player/wallet/deposit');
    expect(API_CATALOGUE.filter((e) => e.tag === 'demo').map((e) => e.path)).toEqual(
      expect.arrayContaining(['/sandbox/wallet/:call', '/demo-studio/play']),
    );
  });

  it('derives request schemas from the schemas that validate (deposit requires userID, currency, amount, transactionID)', async () => {
    const document = await fetchDocument();
    const schema = document.paths['/v1/player/wallet/deposit']?.post?.requestBody?.content['application/json']
      ?.schema as {
      required: string[];
      properties: Record<string, { type?: string; pattern?: string }>;
    };
    expect(schema.required).toEqual(
      expect.arrayContaining(['agentID', 'timestamp', 'sign', 'userID', 'currency', 'amount', 'transactionID']),
    );
    expect(schema.properties.amount?.type).toBe('number');
    expect(schema.properties.userID?.pattern).toBe('^[A-Za-z0-9_-]{4,48}$');
    // The very object the route validates with, not a copy.
    const deposit = API_CATALOGUE.find((e) => e.path === '/v1/player/wallet/deposit');
    expect(deposit?.request).toBe(transferRequest);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(transferRequest.shape).sort());
  });

  it('documents the callbacks exactly as the schemes build them', () => {
    const target = {
      agentId: 'agent01',
      callbackUrl: 'http://wallet.invalid',
      secretKey: 's3cr3t-key',
      saltKey: 'salt-abc',
    };
    const money = (kind: WalletCall['kind'], extra: Partial<WalletCall> = {}): WalletCall => ({
      kind,
      userId: 'player01',
      currency: 'EUR',
      amount: 150n as Minor,
      transactionId: '42',
      roundId: 'round-1',
      gameId: 1566,
      ...extra,
    });
    const now = 1763700000;
    expect(
      hmacBalanceCallback.safeParse(
        hmacRequestBody(target, { kind: 'balance', userId: 'player01', currency: 'EUR' }, now),
      ).success,
    ).toBe(true);
    expect(
      md5BalanceCallback.safeParse(
        md5RequestBody(target, { kind: 'balance', userId: 'player01', currency: 'EUR' }, now),
      ).success,
    ).toBe(true);
    for (const call of [
      money('withdraw'),
      money('deposit', { refTransactionId: '41', freeSpinId: 'fs-1' }),
      money('rollback', { refTransactionId: '41' }),
    ]) {
      const hmac = hmacMoneyCallback.safeParse(hmacRequestBody(target, call, now));
      expect({ kind: call.kind, issues: hmac.error?.issues ?? [] }).toEqual({ kind: call.kind, issues: [] });
      const md5 = md5MoneyCallback.safeParse(md5RequestBody(target, call, now));
      expect({ kind: call.kind, issues: md5.error?.issues ?? [] }).toEqual({ kind: call.kind, issues: [] });
    }
  });
});
