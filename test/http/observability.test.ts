// Risk covered: operations flying blind or leaking secrets: /metrics missing or mislabelled (raw URLs
// instead of route patterns, money and callback counters, scrape-time gauges), request ids not echoed
// or not on the log lines of their request, access logs not silenced by LOG_LEVEL=warn, and signatures,
// keys or the Authorization header written to the logs.
import express from 'express';
import request from 'supertest';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TestServer, startTestServer } from '../support/testServer';
import { buildWorld } from '../support/world';
import { createLogger } from '../../src/logger';
import { errorHandler } from '../../src/http/httpErrors';
import { Metrics, MetricsSources } from '../../src/observability/metrics';
import { requestObservability } from '../../src/observability/requestObservability';
import { until } from '../support/until';

let server: TestServer;
let wallet: FakeOperatorWallet;
let secret = '';
let salt = '';

beforeAll(async () => {
  server = await startTestServer('observe', {
    CALLBACK_TIMEOUT_MS: '500',
    CALLBACK_RETRY_DELAY_MS: '200',
    CALLBACK_RETRY_TIMEOUT_MS: '500',
  });
  wallet = await new FakeOperatorWallet(
    () => secret,
    () => salt,
  ).start();
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: server.config.callbackTimeoutMs });
});
afterAll(async () => {
  await server.close();
  await wallet.stop();
});

async function scrape(): Promise<{ contentType: string; text: string }> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  return { contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** The value of the one sample named exactly so (name plus labels as rendered), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics', () => {
  test('request latency by route pattern, money operations by type and result, pool, parked and queue gauges', async () => {
    const op = await (await server.admin()).createOperator('obs-op', ['EUR']);
    expect(await op.call('/v1/player/create', { userID: 'obsplayer1', currency: 'EUR' })).toMatchObject({ code: 0 });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'obsplayer1',
        currency: 'EUR',
        amount: 10,
        transactionID: 'obs-d1',
      }),
    ).toMatchObject({ code: 0 });
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'obsplayer1',
        currency: 'EUR',
        amount: 100,
        transactionID: 'obs-w1',
      }),
    ).toMatchObject({ code: 7 });
    expect((await fetch(`${server.url}/no/such/path-12345`, { method: 'POST' })).status).toBe(404);

    const { contentType, text } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);

    const depositBuckets = text
      .split('\n')
      .filter(
        (l) => l.startsWith('http_request_duration_seconds_bucket{') && l.includes('route="/v1/player/wallet/deposit"'),
      );
    expect(depositBuckets.length).toBeGreaterThan(0);
    expect(
      depositBuckets.every((l) => l.includes('method="POST"') && l.includes('status="200"') && l.includes('code="0"')),
    ).toBe(true);
    expect(
      sample(
        text,
        'http_request_duration_seconds_count{method="POST",route="/v1/player/wallet/withdraw",status="200",code="7"}',
      ),
    ).toBe(1);
    // Unknown paths are one series, never the raw URL.
    expect(
      sample(text, 'http_request_duration_seconds_count{method="POST",route="unmatched",status="404",code="2"}'),
    ).toBe(1);
    expect(text).not.toContain('path-12345');

    expect(sample(text, 'money_operations_total{type="deposit",result="0"}')).toBe(1);
    expect(sample(text, 'money_operations_total{type="withdraw",result="7"}')).toBe(1);
    // Not money: player/create is in the latency histogram but not counted as a money operation.
    expect(text).not.toMatch(/money_operations_total\{type="(create|balance)"/);

    expect(sample(text, 'db_pool_connections{pool="mysql2",state="total"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'db_pool_connections{pool="mysql2",state="free"}')).toBeGreaterThanOrEqual(0);
    expect(sample(text, 'db_pool_connections{pool="mysql2",state="queued"}')).toBe(0);
    expect(sample(text, 'callback_deliveries_parked')).toBe(0);
    for (const state of ['waiting', 'delayed', 'active', 'failed']) {
      expect(sample(text, `callback_queue_depth{state="${state}"}`)).toBeGreaterThanOrEqual(0);
    }
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('metrics_collect_errors_total{');
  });

  test('seamless: wallet callbacks by scheme, kind, result and attempt (sync while the provider waits, queued from a worker)', async () => {
    const admin = await server.admin();
    const world = await buildWorld(admin);
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID: 'obs-seam',
      name: 'Seamless',
      currencies: ['EUR'],
      callbackUrl: wallet.url,
      callbackScheme: 'hmac',
    });
    secret = created.secretKey;
    salt = created.saltKey;
    const op = new SignedClient(server.url, 'agentID', 'obs-seam', secret);
    wallet.fund('obsseam01', 'EUR', 10_000n);
    const { token } = await op.call('/v1/games/launch', { userID: 'obsseam01', gameID: world.gameId, currency: 'EUR' });
    expect(await world.studio.call('/provider/v1/balance', { token })).toMatchObject({ code: 0, balance: 100 });
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: 'ob1',
        roundID: 'or1',
        gameID: world.gameId,
        amount: 2.5,
      }),
    ).toMatchObject({ code: 0 });
    // The Deposit fails while the provider waits, then a worker delivers it.
    wallet.setBehaviour({ mode: 'fail', times: 1 });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: 'ow1',
        refTransactionID: 'ob1',
        roundID: 'or1',
        gameID: world.gameId,
        amount: 1,
        roundClosed: true,
      }),
    ).toMatchObject({ code: 0 });

    const series = (kind: string, result: string, attempt: string) =>
      `callback_deliveries_total{scheme="hmac",kind="${kind}",result="${result}",attempt="${attempt}"}`;
    let text = '';
    await until(
      'the queued Deposit counted',
      async () => {
        text = (await scrape()).text;
        return sample(text, series('deposit', 'ok', 'queued')) === 1;
      },
      10_000,
      100,
    );
    expect(sample(text, series('balance', 'ok', 'sync'))).toBe(1);
    expect(sample(text, series('withdraw', 'ok', 'sync'))).toBe(1);
    expect(sample(text, series('deposit', 'failed', 'sync'))).toBe(1);
    expect(sample(text, 'money_operations_total{type="bet",result="0"}')).toBe(1);
    expect(sample(text, 'money_operations_total{type="win",result="0"}')).toBe(1);
    expect(wallet.balanceOf('obsseam01', 'EUR')).toBe(9_850n);
  });
});

test('a source that fails or hangs (database, Redis) does not break the scrape: its values are unknown and the failure counted', async () => {
  const failingPool = { query: () => Promise.reject(new Error('database down')) } as unknown as MetricsSources['pool'];
  const metrics = new Metrics({
    pool: failingPool,
    deliveryQueue: { depth: () => new Promise<Record<string, number>>(() => undefined) },
  });
  metrics.watch({ deliveryQueue: { depth: () => Promise.reject(new Error('redis down')) } });
  const text = await metrics.render();
  expect(text).toMatch(/^callback_deliveries_parked Nan$/m);
  expect(text).not.toMatch(/^callback_queue_depth\{/m);
  expect(text).toMatch(/^metrics_collect_errors_total\{source="database"\} 1$/m);
  expect(text).toMatch(/^metrics_collect_errors_total\{source="redis"\} 1$/m);

  const hanging = new Metrics({ deliveryQueue: { depth: () => new Promise<Record<string, number>>(() => undefined) } });
  const started = Date.now();
  expect(await hanging.render()).toMatch(/^metrics_collect_errors_total\{source="redis"\} 1$/m);
  expect(Date.now() - started).toBeLessThan(5_000);
});

describe('request ids', () => {
  test('a sane X-Request-Id is echoed; a missing or unsafe one is replaced by a generated UUID', async () => {
    const echoed = await fetch(`${server.url}/health`, { headers: { 'x-request-id': 'lb-7f3a:42' } });
    expect(echoed.headers.get('x-request-id')).toBe('lb-7f3a:42');

    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
    const generated = await fetch(`${server.url}/health`);
    expect(generated.headers.get('x-request-id')).toMatch(uuid);
    const other = await fetch(`${server.url}/health`);
    expect(other.headers.get('x-request-id')).not.toBe(generated.headers.get('x-request-id'));

    for (const unsafe of ['has space', 'quote"d', 'x'.repeat(129)]) {
      const replaced = await fetch(`${server.url}/health`, { headers: { 'x-request-id': unsafe } });
      expect(replaced.headers.get('x-request-id')).toMatch(uuid);
    }
    // Answers of the signed API carry it too, even a refusal.
    const refused = await fetch(`${server.url}/v1/player/balance`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'op-call-1' },
      body: '{}',
    });
    expect(refused.headers.get('x-request-id')).toBe('op-call-1');
  });
});

describe('logs', () => {
  function memoryLogger(level: string) {
    const lines: Record<string, any>[] = [];
    const raw: string[] = [];
    const logger = createLogger(level, {
      write(line: string) {
        raw.push(line);
        lines.push(JSON.parse(line));
      },
    });
    return { logger, lines, raw };
  }

  function appWith(logger: ReturnType<typeof createLogger>) {
    const app = express();
    app.use(requestObservability(logger, new Metrics()));
    app.use(express.json());
    app.post('/v1/echo', (_req, res) => {
      res.status(200).json({ code: 0, message: 'OK' });
    });
    app.post('/v1/boom', () => {
      throw new Error('boom');
    });
    app.use(errorHandler(logger));
    return app;
  }

  const secrets = {
    sign: 'a1b2c3d4e5f6-signature',
    secretKey: 'sk-live-secret-value',
    saltKey: 'salt-secret-value',
    password: 'hunter2-password',
    token: 'launch-token-value',
  };
  const bearer = 'Bearer admin-jwt-secret-value';

  test('every line of a request carries its reqId; access lines have route, status, code and duration, never bodies or headers', async () => {
    const { logger, lines, raw } = memoryLogger('info');
    const app = appWith(logger);
    const ok = await request(app)
      .post('/v1/echo')
      .set('authorization', bearer)
      .set('x-request-id', 'req-ok-1')
      .send({ amount: 1, ...secrets });
    expect(ok.status).toBe(200);
    const failed = await request(app).post('/v1/boom').set('authorization', bearer).send(secrets);
    expect(failed.status).toBe(500);
    const failedId = failed.headers['x-request-id'];
    await until('two access lines', async () => lines.filter((l) => l.msg === 'request').length === 2, 2_000, 100);

    expect(lines.find((l) => l.msg === 'request' && l.reqId === 'req-ok-1')).toMatchObject({
      level: 30,
      method: 'POST',
      route: '/v1/echo',
      status: 200,
      code: 0,
      service: 'casino-aggregator',
    });
    expect(typeof lines.find((l) => l.reqId === 'req-ok-1')!.ms).toBe('number');
    const failure = lines.filter((l) => l.reqId === failedId);
    expect(failure.map((l) => l.msg).sort()).toEqual(['request', 'request failed']);
    expect(failure.find((l) => l.msg === 'request failed')).toMatchObject({ level: 50, err: { message: 'boom' } });
    expect(failure.find((l) => l.msg === 'request')).toMatchObject({ route: '/v1/boom', status: 500, code: 1 });

    const everything = raw.join('');
    for (const value of [...Object.values(secrets), bearer]) expect(everything).not.toContain(value);
  });

  test('secrets are redacted wherever a logged object carries them', () => {
    const { logger, lines, raw } = memoryLogger('info');
    logger.info(secrets, 'top level');
    logger.info(
      { body: secrets, headers: { authorization: bearer, cookie: 'session=cookie-secret' } },
      'one level down',
    );
    logger.info(
      {
        req: {
          body: { ...secrets, key: 'md5-key-value' },
          headers: { authorization: bearer, 'content-type': 'application/json' },
        },
      },
      'a request',
    );
    expect(lines).toHaveLength(3);
    for (const value of [...Object.values(secrets), bearer, 'md5-key-value', 'cookie-secret'])
      expect(raw.join('')).not.toContain(value);
    expect(lines[2]).toMatchObject({
      req: {
        body: { sign: '[redacted]', secretKey: '[redacted]' },
        headers: { authorization: '[redacted]', 'content-type': 'application/json' },
      },
    });
  });

  test('LOG_LEVEL=warn silences access logs but not failures', async () => {
    const { logger, lines } = memoryLogger('warn');
    const app = appWith(logger);
    await request(app).post('/v1/echo').send({ amount: 1 });
    await request(app).post('/v1/boom').send({});
    await until('the failure logged', () => lines.some((l) => l.msg === 'request failed'));
    expect(lines.map((l) => l.msg)).toEqual(['request failed']);
  });
});
