// Risk covered: an integration guide that drifts from the code (an endpoint added without a word in
// docs/INTEGRATION.md, a result code missing, a worked signature that is wrong) and a /docs page whose
// example `sign` matches no example body or whose error examples say `"code": 0`.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { computeSign } from '../../src/domain/signing';
import { ResultCode } from '../../src/domain/resultCodes';
import { buildOpenApiDocument } from '../../src/http/docs/openApiDocument';
import { DOCS_EXAMPLE_SECRET } from '../../src/http/docs/signedExamples';
import { TestServer, startTestServer } from '../support/testServer';

const GUIDE = readFileSync(path.resolve(__dirname, '../../docs/INTEGRATION.md'), 'utf8');
const README = readFileSync(path.resolve(__dirname, '../../README.md'), 'utf8');
const document = buildOpenApiDocument();
type Operation = Record<string, any>;
const operations = Object.entries(document.paths).flatMap(([route, item]) =>
  Object.entries(item as Record<string, Operation>).map(([method, operation]) => ({ route, method, operation })),
);

test('every endpoint of the OpenAPI document appears in the guide', () => {
  const missing = [...new Set(operations.map((o) => o.route))].filter((route) => !GUIDE.includes(`\`${route}\``));
  expect(missing).toEqual([]);
});

test('every result code, by number and name, is in the guide', () => {
  for (const [name, code] of Object.entries(ResultCode)) expect(GUIDE).toContain(`| ${code} | \`${name}\` |`);
});

test("the guide's worked example signs to the signature it prints", () => {
  const body = JSON.parse(/```json\n(.+)\n```/.exec(GUIDE)![1]!) as Record<string, unknown>;
  const [canonical, printed] = [...GUIDE.matchAll(/```text\n(.+)\n```/g)].map((m) => m[1]!);
  expect(canonical).toBe(
    Object.keys(body)
      .filter((k) => body[k] !== null)
      .sort()
      .map((k) => `${k}=${body[k]}`)
      .join('&'),
  );
  expect(printed).toBe(computeSign('s3cr3t-key', body));
});

test('every signed example body in /docs carries the sign correct for it', () => {
  const signed = operations.filter((o) => ['operatorHmac', 'providerHmac'].includes(o.operation['x-auth']));
  expect(signed.length).toBeGreaterThan(15);
  const signs = new Set<string>();
  for (const { route, operation } of signed) {
    const example = operation.requestBody?.content?.['application/json']?.example as Record<string, unknown>;
    expect({ route, has: Boolean(example) }).toEqual({ route, has: true });
    expect({ route, sign: example.sign }).toEqual({ route, sign: computeSign(DOCS_EXAMPLE_SECRET, example) });
    signs.add(example.sign as string);
  }
  // Not one signature pasted on every body (bodies with the same required fields do share one).
  expect(signs.size).toBeGreaterThan(5);
});

test('error answers in /docs show their own code, never "code": 0', () => {
  const responses = (document.components as any).responses as Record<string, any>;
  for (const [name, response] of Object.entries(responses)) {
    const example = response.content['application/json'].example;
    expect({ name, zero: example.code === 0 }).toEqual({ name, zero: false });
  }
  expect(responses.InternalError.content['application/json'].example.code).toBe(ResultCode.INTERNAL_ERROR);
});

describe('served', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('guide', {}, { workers: false });
  });
  afterAll(async () => {
    await server?.close();
  });

  test('the guide is linked from the README and /docs, and served at /docs/integration.md', async () => {
    expect(README).toContain('](docs/INTEGRATION.md)');
    const served = await fetch(`${server.url}/docs/integration.md`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(GUIDE);
    const openapi = (await (await fetch(`${server.url}/docs/openapi.json`)).json()) as {
      info: { description: string };
    };
    expect(openapi.info.description).toContain('(/docs/integration.md)');
    expect(openapi.info.description).toContain('Where `agentID` and `secretKey` come from');
  });
});
