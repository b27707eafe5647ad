/**
 * The OpenAPI 3.1.0 document, generated from the endpoint catalogue: request schemas come from the
 * route modules' own zod schemas through zod 4's `z.toJSONSchema` (JSON Schema draft 2020-12, the
 * dialect of OpenAPI 3.1), so nothing here is maintained by hand but prose.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ResultCode, defaultMessage } from '../../domain/resultCodes';
import { DOCS_EXAMPLE_SECRET, signedExample } from './signedExamples';
import {
  API_CATALOGUE,
  API_WEBHOOKS,
  ApiEndpoint,
  ApiWebhook,
  HttpMethod,
  describeCodes,
  noFields,
  resultEnvelope,
} from './apiCatalogue';

type Json = Record<string, unknown>;

export interface OpenApiDocument {
  openapi: '3.1.0';
  info: { title: string; version: string; description: string };
  servers: { url: string; description: string }[];
  tags: { name: string; description: string }[];
  paths: Record<string, Partial<Record<HttpMethod, Json>>>;
  webhooks: Record<string, { post: Json }>;
  components: Json;
}

/** `z.toJSONSchema`: draft 2020-12, the shape callers send (`input`), no throw on exotic types. */
export function jsonSchemaOf(schema: z.ZodType, io: 'input' | 'output' = 'input'): Json {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io,
    unrepresentable: 'any',
  }) as Json;
  return withoutSafeIntegerBounds(rest) as Json;
}

/** zod bounds every `.int()` by ±2^53-1; true but noise in a reference (and the example generators pick it). */
function withoutSafeIntegerBounds(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSafeIntegerBounds);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(
        ([key, v]) =>
          !(
            (key === 'minimum' && v === Number.MIN_SAFE_INTEGER) ||
            (key === 'maximum' && v === Number.MAX_SAFE_INTEGER)
          ),
      )
      .map(([key, v]) => [key, withoutSafeIntegerBounds(v)]),
  );
}

function packageVersion(): string {
  try {
    // src/http/docs and dist/http/docs are both three levels below the package root.
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../../../package.json'), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Notes on wire fields that the schemas cannot say (PROTOCOL §2, §3), added where a field has no description. */
const FIELD_NOTES: Record<string, string> = {
  agentID: "The operator's id (1 to 64 characters of [A-Za-z0-9_.:-]). Unknown or disabled: code 5.",
  providerID: "The provider's id (1 to 64 characters of [A-Za-z0-9_.:-]).",
  timestamp: 'Unix seconds (integer). More than 30 s (SIGN_WINDOW_S) from our clock: code 4.',
  sign: 'HMAC-SHA-256 of the canonical string of the body, 64 uppercase hex (see "Signing" above). Missing or wrong: code 3.',
  userID: 'Player id: 4 to 48 characters of [A-Za-z0-9_-].',
  currency: 'ISO 4217 code; one we support and the operator has enabled (code 14 otherwise).',
  amount:
    "Major units as a JSON number, with at most the currency's minor digits (2 for EUR/USD, 0 for JPY, 3 for KWD); more digits, negative or non-numbers are code 2.",
  betAmount: "Major units per spin, with at most the currency's minor digits.",
  transactionID: "The caller's id of this transaction (1 to 64 characters of [A-Za-z0-9_.:-]); the idempotency key.",
  refTransactionID: "The caller's transactionID of the bet this refers to.",
  roundID: '1 to 64 characters of [A-Za-z0-9_.:-].',
  gameID: 'Positive integer.',
  token: 'The session token returned by /v1/games/launch.',
  freeSpinID: 'A free-spin campaign id (1 to 64 characters of [A-Za-z0-9_.:-]).',
  cursor: "Opaque cursor from the previous page's nextCursor.",
  from: 'ISO 8601 date-time, inclusive.',
  to: 'ISO 8601 date-time, exclusive.',
};

/**
 * Example values (those of the §3 test vector where it has one), so the page's sample bodies read like real ones.
 * No `sign` here: each example body carries its own (signedExamples.ts).
 */
const FIELD_EXAMPLES: Record<string, unknown> = {
  agentID: 'agent01',
  providerID: 'studio01',
  timestamp: 1763700000,
  userID: 'player01',
  currency: 'EUR',
  amount: 1.5,
  betAmount: 0.2,
  transactionID: '4146ed8dd6d5497780e9fc273e86bae0',
  refTransactionID: 'b1',
  roundID: '307e9124a5314f2795ce583391e1c61c',
  gameID: 1566,
  freeSpinID: 'fs-2026-11-welcome',
  jackpotID: 'mega-01',
  expiresAt: '2026-12-31T23:59:59Z',
  from: '2026-11-01T00:00:00Z',
  to: '2026-12-01T00:00:00Z',
};

function withFieldNotes(schema: Json): Json {
  const properties = schema.properties as Record<string, Json> | undefined;
  if (!properties) return schema;
  const annotated = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => {
      const note = FIELD_NOTES[name] && !property.description ? { description: FIELD_NOTES[name] } : {};
      const example = name in FIELD_EXAMPLES && !property.examples ? { examples: [FIELD_EXAMPLES[name]] } : {};
      return [name, { ...note, ...property, ...example }];
    }),
  );
  return { ...schema, properties: annotated };
}

const ref = (name: string) => ({ $ref: `#/components/responses/${name}` });
const jsonContent = (schema: Json) => ({ 'application/json': { schema } });

const AUTH_TEXT: Record<ApiEndpoint['auth'], string> = {
  operatorHmac:
    'Signed by the operator: the body carries `agentID`, `timestamp` and `sign` (HMAC-SHA-256 with the operator\'s secretKey, see "Signing").',
  providerHmac:
    'Signed by the provider: the body carries `providerID`, `timestamp` and `sign` (HMAC-SHA-256 with the provider\'s secretKey, see "Signing").',
  staffBearer: 'Back-office staff: `Authorization: Bearer <JWT>` from /admin/v1/login.',
  none: 'No authentication.',
};

function operationFor(endpoint: ApiEndpoint, method: HttpMethod): Json {
  const request = withFieldNotes(jsonSchemaOf(endpoint.request ?? noFields));
  const lines = [endpoint.description, '', `**Authentication:** ${AUTH_TEXT[endpoint.auth]}`];
  if (endpoint.roles) lines.push('', `**Roles:** ${endpoint.roles.join(', ')} (others get HTTP 403).`);
  if (endpoint.resultCodes.length) lines.push('', `**Result codes:** ${describeCodes(endpoint.resultCodes)}.`);
  if (endpoint.methods.length > 1)
    lines.push('', 'Answers GET with the fields as a query string and POST with a JSON body alike.');
  if (endpoint.requestIsDocumentation)
    lines.push('', '_This route checks its input by hand; the schema below describes it._');

  const operation: Json = {
    operationId:
      method === 'post' || endpoint.methods.length === 1
        ? endpoint.operationId
        : `${endpoint.operationId}${method[0]!.toUpperCase()}${method.slice(1)}`,
    tags: [endpoint.tag],
    summary: endpoint.summary,
    description: lines.join('\n'),
    security: endpoint.auth === 'staffBearer' ? [{ staffBearer: [] }] : [],
    'x-auth': endpoint.auth,
  };
  if (endpoint.resultCodes.length) operation['x-result-codes'] = endpoint.resultCodes;

  const parameters = inputOf(endpoint, method, request, operation);
  if (parameters.length) operation.parameters = parameters;

  operation.responses = responsesFor(endpoint, method);
  return operation;
}

/** Path and query parameters; a POST's JSON body goes on `operation` (with a signed example when signed). */
function inputOf(endpoint: ApiEndpoint, method: HttpMethod, request: Json, operation: Json): Json[] {
  const parameters: Json[] = Object.entries(endpoint.pathParameters ?? {}).map(([name, parameter]) => ({
    name,
    in: 'path',
    required: true,
    description: parameter.description,
    schema: jsonSchemaOf(parameter.schema),
  }));
  if (method === 'post') {
    const signed = endpoint.auth === 'operatorHmac' || endpoint.auth === 'providerHmac';
    const content: Json = jsonContent(request);
    if (signed) (content['application/json'] as Json).example = signedExample(request, FIELD_EXAMPLES);
    operation.requestBody = { required: true, content };
  } else if (endpoint.request) {
    if (request.type !== 'object') throw new Error(`GET ${endpoint.path}: query parameters need an object schema`);
    const required = new Set((request.required as string[] | undefined) ?? []);
    for (const [name, schema] of Object.entries((request.properties as Record<string, Json> | undefined) ?? {})) {
      const { description, ...rest } = schema;
      parameters.push({
        name,
        in: 'query',
        required: required.has(name),
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  return parameters;
}

/** The 200 answer and the refusals an endpoint of this kind can give (PROTOCOL §8). */
function responsesFor(endpoint: ApiEndpoint, method: HttpMethod): Json {
  const contentType = endpoint.response.contentType ?? 'application/json';
  const success =
    contentType === 'application/json'
      ? {
          description: endpoint.response.description,
          content: jsonContent(jsonSchemaOf(endpoint.response.schema ?? resultEnvelope, 'output')),
        }
      : { description: endpoint.response.description, content: { [contentType]: { schema: { type: 'string' } } } };
  const responses: Json = { '200': success };
  if (endpoint.tag === 'platform' || endpoint.tag === 'provider' || (endpoint.tag === 'demo' && method === 'post')) {
    Object.assign(responses, { '400': ref('NotAJsonObject'), '413': ref('TooLarge'), '500': ref('InternalError') });
  } else if (endpoint.tag === 'admin') {
    Object.assign(responses, { '400': ref('AdminBadRequest'), '401': ref('Unauthorized') });
    if (endpoint.auth === 'staffBearer') responses['403'] = ref('Forbidden');
    // Changes can name something missing (404) or clash with the current state (409); reads cannot.
    if (endpoint.auth === 'staffBearer' && endpoint.methods.length === 1)
      Object.assign(responses, { '404': ref('NotFound'), '409': ref('Conflict') });
    responses['500'] = ref('InternalError');
  } else if (endpoint.path === '/health') {
    responses['503'] = { description: 'The database or Redis does not answer.', content: success.content };
  }
  return responses;
}

function webhookFor(webhook: ApiWebhook): { post: Json } {
  return {
    post: {
      operationId: webhook.name,
      summary: webhook.summary,
      description: webhook.description,
      requestBody: { required: true, content: jsonContent(jsonSchemaOf(webhook.request, 'output')) },
      responses: {
        '200': {
          description:
            "The operator's answer. A non-200 answer, a timeout or a body that is not this is a failed attempt.",
          content: jsonContent(jsonSchemaOf(webhook.answer, 'input')),
        },
      },
    },
  };
}

/** Express `/a/:id` to OpenAPI `/a/{id}`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

const RESULT_CODE_TABLE = [
  '| code | meaning |',
  '|---|---|',
  ...Object.values(ResultCode).map((c) => `| ${c} | ${defaultMessage(c)} |`),
].join('\n');

const DESCRIPTION = `
The wire contract between operators (casinos), game providers (studios), back-office staff and this aggregation backend.
Generated from the same zod schemas that validate requests.

## Transport
- Platform (\`/v1/...\`) and provider (\`/provider/v1/...\`) calls are \`POST\` with a JSON object body (\`Content-Type: application/json\`, at most 64 KiB) and answer a JSON object.
- **HTTP 200 is the only success status.** Every API call is answered with HTTP 200 and \`{"code": <int>, "message": <string>, ...}\`; \`code\` 0 is success, anything else a business error (table below).
  Non-200 is for what is not an API call (404 unknown path, 400 body that is not a JSON object, is nested deeper than 32 levels or whose \`Content-Encoding\` cannot be decoded, 413 body over 64 KiB) and for our faults (5xx).
  A 5xx or a code 1 may be retried with the same ids (nothing was applied); any other answer is final.
- Checks run in this order and the first failure answers: body is a JSON object (400), caller known and enabled (5), \`sign\` (3), \`timestamp\` (4), fields (2), then business rules.
- Money is in major units as a JSON number (\`1.5\`), with at most the currency's minor digits (2 EUR/USD, 0 JPY, 3 KWD); more digits, negatives or non-numbers are code 2. (The md5 callback scheme uses integer minor units.)
- The admin API (\`/admin/v1/...\`) follows web conventions: bearer JWT, HTTP 401 for a missing/bad/expired token or failed login, 403 for a role without the right, both with \`{"code": 5, "message"}\`.

## Signing (HMAC-SHA-256)
Every platform and provider request body carries \`timestamp\` (Unix seconds, integer) and \`sign\`:
1. Take every top-level field except \`sign\` whose value is not \`null\`.
2. Sort them by key, byte order.
3. Render each as \`key=value\`: strings as they are; numbers as ECMAScript renders them (\`String(1.50)\` is \`1.5\`); booleans \`true\`/\`false\`; arrays and objects as compact \`JSON.stringify\`.
4. Join with \`&\`; \`sign\` = HMAC-SHA-256(secretKey, that string) as 64 uppercase hex characters.

A missing or wrong \`sign\` is code 3; a \`timestamp\` more than 30 s from our clock is code 4; neither changes anything.
Our \`hmac\` callbacks to operators are signed the same way with the operator's secretKey.

Test vector: secret \`s3cr3t-key\`, body
\`{"agentID":"agent01","userID":"player01","amount":1.5,"transactionID":"4146ed8dd6d5497780e9fc273e86bae0","refTransactionID":"b1","roundID":"307e9124a5314f2795ce583391e1c61c","gameID":1566,"freeSpinID":null,"currency":"EUR","timestamp":1763700000}\`
signs \`agentID=agent01&amount=1.5&currency=EUR&gameID=1566&refTransactionID=b1&roundID=307e9124a5314f2795ce583391e1c61c&timestamp=1763700000&transactionID=4146ed8dd6d5497780e9fc273e86bae0&userID=player01\`
as \`AEDFA926112F5643C3947F6C49505D34E71A91BE1BA68304A802681D49273BA0\`.

Every example request body on this page is signed for itself with the published example secret \`${DOCS_EXAMPLE_SECRET}\` (recompute any of them to check your code); with your own secret and a fresh \`timestamp\` the \`sign\` changes.

**Where \`agentID\` and \`secretKey\` come from.** Staff create the operator in the back office (Operators, New operator) or with \`/admin/v1/operators/create\` (or by approving an application): the answer shows \`agentID\`, \`secretKey\` and \`saltKey\` once; \`/admin/v1/operators/rotate-secret\` issues new ones. A studio's \`providerID\` and \`secretKey\` come from \`/admin/v1/providers/create\` the same way. With \`DEMO_SEED\` on, the start-up banner prints the demo operators' and studio's credentials. The integration guide is docs/INTEGRATION.md in the repository, also served at [/docs/integration.md](/docs/integration.md).

## Wallet modes and callbacks
An operator with an empty \`callbackUrl\` is in **transfer mode** (we keep the players' wallets; it moves money with deposit/withdraw).
With a \`callbackUrl\` it is in **seamless mode**: every balance read, bet, win and rollback becomes a callback to the operator's wallet, documented under *Webhooks*:
the \`hmac\` scheme (\`POST {callbackUrl}/Balance|Withdraw|Deposit|Rollback\`, signed as above) or the \`md5\` scheme (\`POST {callbackUrl}\`).

> **Security warning — md5 callback scheme.** Its \`key\` = md5(\`timestamp\` + saltKey) authenticates the timestamp, **not the body**:
> anyone who sees one callback can replay its key with another body inside the window. We offer it because operators use it.
> Wherever there is a choice, use the **hmac** scheme, and in any case allow-list our IP addresses on the operator's side.

## Result codes
${RESULT_CODE_TABLE}
`.trim();

const TAGS: OpenApiDocument['tags'] = [
  { name: 'platform', description: 'Platform API: operator to us, HMAC-signed with agentID (PROTOCOL §4).' },
  { name: 'provider', description: 'Provider API: game studio to us, HMAC-signed with providerID (PROTOCOL §5).' },
  { name: 'admin', description: 'Admin API: back-office staff, bearer JWT (PROTOCOL §8).' },
  { name: 'system', description: 'Health probe, metrics, this reference and the back-office page.' },
  {
    name: 'demo',
    description:
      'The demo world, served only when NODE_ENV is not production: a sandbox operator wallet and a demo game studio.',
  },
];

/**
 * The shared error answers; each example shows its own code and message, never the `"code": 0` a generator
 * would pick.
 */
function errorResponses(): Json {
  const envelope = { $ref: '#/components/schemas/ResultEnvelope' };
  const envelopeResponse = (description: string, code: ResultCode, message: string) => ({
    description,
    content: { 'application/json': { schema: envelope, example: { code, message } } },
  });
  return {
    NotAJsonObject: envelopeResponse(
      'The body is not a JSON object sent as application/json, is nested deeper than 32 levels, or has a Content-Encoding that cannot be decoded (code 2). Not an API call: nothing was read.',
      ResultCode.INVALID_PARAMETERS,
      'the body must be a JSON object sent as application/json',
    ),
    TooLarge: envelopeResponse(
      'The body is over 64 KiB (code 2).',
      ResultCode.INVALID_PARAMETERS,
      'the body is larger than 64 KiB',
    ),
    InternalError: envelopeResponse(
      'Our fault (code 1): nothing was applied; retry with the same ids.',
      ResultCode.INTERNAL_ERROR,
      'internal error; retry with the same ids',
    ),
    AdminBadRequest: envelopeResponse(
      'Invalid fields (code 2); the message names them.',
      ResultCode.INVALID_PARAMETERS,
      'name: Invalid input: expected string, received undefined',
    ),
    Unauthorized: envelopeResponse(
      'Missing, bad or expired token, or a failed login (code 5).',
      ResultCode.CALLER_NOT_ALLOWED,
      'missing bearer token',
    ),
    Forbidden: envelopeResponse(
      "The user's role may not do this (code 5).",
      ResultCode.CALLER_NOT_ALLOWED,
      'role finance may not do this',
    ),
    NotFound: envelopeResponse(
      'The named operator, provider or callback does not exist (code 2).',
      ResultCode.INVALID_PARAMETERS,
      'operator casino-royale not found',
    ),
    Conflict: envelopeResponse(
      'Already exists, or a change refused by the current state (the message says which; a refused wallet-mode switch is code 12).',
      ResultCode.WRONG_WALLET_MODE,
      'cannot switch to seamless mode: 1 transfer wallet(s) hold a non-zero balance',
    ),
  };
}

export function buildOpenApiDocument(
  catalogue: readonly ApiEndpoint[] = API_CATALOGUE,
  webhooks: readonly ApiWebhook[] = API_WEBHOOKS,
): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const endpoint of catalogue) {
    const item = (paths[openApiPath(endpoint.path)] ??= {});
    for (const method of endpoint.methods) {
      if (item[method]) throw new Error(`the API catalogue lists ${method.toUpperCase()} ${endpoint.path} twice`);
      item[method] = operationFor(endpoint, method);
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Casino aggregation API', version: packageVersion(), description: DESCRIPTION },
    servers: [{ url: '/', description: 'This server' }],
    tags: TAGS.filter((tag) => catalogue.some((endpoint) => endpoint.tag === tag.name)),
    paths,
    webhooks: Object.fromEntries(webhooks.map((webhook) => [webhook.name, webhookFor(webhook)])),
    components: {
      schemas: {
        ResultEnvelope: jsonSchemaOf(resultEnvelope, 'output'),
        ResultCode: {
          type: 'integer',
          enum: Object.values(ResultCode),
          description: Object.values(ResultCode)
            .map((c) => `${c}: ${defaultMessage(c)}`)
            .join('; '),
        },
      },
      responses: errorResponses(),
      securitySchemes: {
        staffBearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'Back-office token from POST /admin/v1/login (default 8 hours).',
        },
      },
    },
  };
}
