/**
 * The one list of every endpoint the app serves (PROTOCOL §2, §4, §5, §8), from which the OpenAPI
 * document is generated. Request schemas are the very zod objects the route modules validate with
 * (imported, never copied), so the reference cannot drift from what the API accepts;
 * test/http/apiReference.test.ts fails when a route is served but not listed here, or listed but not served.
 *
 * Response schemas and the callbacks we send to operators (§6) are defined here: the routes render
 * their answers by hand and the callback bodies are built by the schemes, so these are documentation
 * only (the same test checks that the callback bodies we build match them).
 */
import { z } from 'zod';
import { GO_LIVE_ENDPOINTS } from './goLiveCatalogue';
import { ROLES } from '../../app/admin/staff';
import { ResultCode, defaultMessage } from '../../domain/resultCodes';
import {
  certificationGetRequest,
  certificationListRequest,
  certificationRunRequest,
} from '../admin/certificationRoutes';
import {
  callbackRetryRequest,
  callbacksListRequest,
  changePasswordRequest,
  totpConfirmRequest,
  updateUserRequest,
  createOperatorRequest,
  createProviderRequest,
  createUserRequest,
  loginRequest,
  pageRequest,
  rotateOperatorSecretRequest,
  rotateProviderSecretRequest,
  transactionSearchRequest,
  updateOperatorRequest,
  updateProviderRequest,
  upsertGamesRequest,
} from '../admin/adminRoutes';
import { fxListRequest, fxSetRequest } from '../admin/fxRoutes';
import { freeSpinCreateRequest, freeSpinIdRequest } from '../platform/freeSpinRoutes';
import { adminReportRequest, operatorReportRequest } from '../reports/reportRoutes';
import { gamesListRequest, launchRequest } from '../platform/gameRoutes';
import { transactionsRequest } from '../platform/transactionRoutes';
import { roundsGetRequest, roundsListRequest } from '../platform/roundRoutes';
import { adminRoundGetRequest } from '../admin/roundAdminRoutes';
import { playerBalanceRequest, playerCreateRequest, transferRequest } from '../platform/walletRoutes';
import { betRequest, jackpotRequest, rollbackRequest, sessionRequest, winRequest } from '../provider/providerRoutes';
import { limitsRequest, restrictRequest, unrestrictRequest } from '../platform/protectionRoutes';
import { adminLimitsRequest, adminRestrictRequest, playerGetRequest, playerSearchRequest } from '../admin/playerRoutes';

export type HttpMethod = 'get' | 'post';
/** `demo`: the sandbox wallet and demo studio, served only outside production. */
export type ApiTag = 'platform' | 'provider' | 'admin' | 'system' | 'demo';
/** How a caller proves who it is: an HMAC `sign` in the body (§3), a staff bearer JWT (§8), or nothing. */
export type ApiAuth = 'operatorHmac' | 'providerHmac' | 'staffBearer' | 'none';

export interface ApiEndpoint {
  /** Express path, exactly as the route is registered. */
  readonly path: string;
  /** Every method the route answers; admin reads answer GET (query string) and POST (JSON body) alike. */
  readonly methods: readonly HttpMethod[];
  readonly tag: ApiTag;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly auth: ApiAuth;
  /** Admin routes: the staff roles allowed (others get HTTP 403). */
  readonly roles?: readonly (typeof ROLES)[number][];
  /**
   * The schema the route validates its input with (the JSON body; the query string for GET); absent
   * when the route reads no input. Never a copy: import it from the route module.
   */
  readonly request?: z.ZodType;
  /**
   * Set only for routes that parse their input by hand (the demo world): `request` is then a schema
   * written here to document it, and the reference says so.
   */
  readonly requestIsDocumentation?: true;
  /** Schemas of the `:name` segments of `path`. */
  readonly pathParameters?: Readonly<Record<string, { readonly schema: z.ZodType; readonly description: string }>>;
  /** Result codes (§7) the route can answer in `code`. */
  readonly resultCodes: readonly ResultCode[];
  readonly response: {
    readonly description: string;
    /** JSON answer schema; ignored when `contentType` is not JSON. */
    readonly schema?: z.ZodType;
    readonly contentType?: 'application/json' | 'text/html' | 'text/plain' | 'text/javascript';
  };
}

// ---------------------------------------------------------------- response schemas (documentation)

const code = z.number().int().describe('Result code (PROTOCOL §7): 0 success, anything else a business error.');
const message = z.string().describe('Human-readable explanation; not for parsing.');

/** The `{code, message}` envelope of every answer; also the body of every non-200 answer. */
export const resultEnvelope = z
  .object({ code, message })
  .describe('The envelope of every answer, and the whole body of refusals and non-200 answers: `code` 0 is success.');

const SUCCESS_NOTE =
  'Fields besides `code` and `message` are present when `code` is 0 (and `balance` on the refusals that carry it).';

/** An answer: the envelope plus the route's success fields, which only a code 0 answer is sure to carry. */
function answer(shape: z.ZodRawShape, description = SUCCESS_NOTE) {
  return z.object({ code, message, ...z.object(shape).partial().shape }).describe(description);
}

const major = z.number().describe('Money in major units of the currency (1.5 is one and a half units).');
const balance = major.describe(
  "The player's balance in major units after the call (also carried by money refusals: 7, 10, 11, 13, 15, 16, 17).",
);
const platformTransactionID = z.string().describe('Our unique id of the stored transaction (opaque).');
const nextCursor = z.string().nullable().describe('Pass as `cursor` for the next page; null at the end.');
const isoDate = z.string().describe('ISO 8601 date-time, UTC.');

const gameView = z.object({
  gameID: z.number().int(),
  name: z.string(),
  providerID: z.string(),
  type: z.string().describe('A short word: slot, live, table, crash, ...'),
  rtp: z.number().describe('Return to player in percent (96.5).'),
  freeSpins: z.boolean(),
  demo: z.boolean(),
  ...catalogueMetadataView(),
  enabled: z
    .boolean()
    .describe('Always true in a plain listing; in the change feed false for a disabled or blocked game.'),
});

/** PROTOCOL §14: what a game tells a lobby besides §4's fields (games/upsert takes the same). */
function catalogueMetadataView() {
  return {
    category: z.string().nullable().describe('A short word: video-slots, roulette, blackjack, crash, ...'),
    thumbnailUrl: z.string().nullable(),
    platforms: z.array(z.enum(['desktop', 'mobile'])),
    volatility: z.enum(['low', 'medium', 'high']).nullable(),
    features: z.array(z.string()).describe('Short words: bonus-buy, jackpot, free-spins, ...'),
    releaseDate: z.string().nullable().describe('YYYY-MM-DD.'),
    blockedCountries: z
      .array(z.string())
      .describe('ISO 3166-1 alpha-2 codes where the game may not be launched (a launch naming one gets code 8).'),
  };
}

const transactionView = z.object({
  platformTransactionID,
  transactionID: z.string(),
  type: z.enum(['deposit', 'withdraw', 'bet', 'win', 'rollback', 'jackpot']),
  userID: z.string(),
  currency: z.string(),
  amount: major.describe('Always positive (type gives the direction); 0 for a free-spin bet or a rollback tombstone.'),
  balanceAfter: major.nullable().describe('Null in seamless mode.'),
  roundID: z.string().nullable(),
  gameID: z.number().int().nullable(),
  providerID: z.string().nullable(),
  freeSpinID: z.string().nullable(),
  createdAt: isoDate,
  fxRate: z
    .string()
    .nullable()
    .describe('Base-currency units for one unit of `currency` in force when stored (decimal string); null: no rate.'),
  amountBase: z
    .string()
    .nullable()
    .describe('amount × fxRate exactly, in base major units, never rounded (decimal string); null without a rate.'),
  sandbox: z.boolean().describe('The operator was in the sandbox when the transaction was stored.'),
});
const resumeCursor = z
  .string()
  .describe(
    'Never null. Pass as `cursor` to get what was stored after the last transaction of this page: polling with it sees every transaction exactly once.',
  );

const operatorView = z.object({
  agentID: z.string(),
  name: z.string(),
  currencies: z.array(z.string()),
  callbackUrl: z.string().nullable(),
  callbackScheme: z.enum(['hmac', 'md5']),
  enabled: z.boolean(),
  mode: z.enum(['transfer', 'seamless']).describe('seamless when callbackUrl is set, transfer otherwise.'),
  ...securityViewFields(),
  // ---- Catalogue (PROTOCOL §14) ----
  blockedProviders: z.array(z.string()).describe('Studios whose games this operator neither lists nor launches.'),
  blockedGames: z.array(z.number().int()).describe('Games this operator neither lists nor launches.'),
  wallet: z
    .object({ state: z.enum(['closed', 'open', 'half-open']) })
    .nullable()
    .describe(
      "The wallet's circuit breaker (§6.3), shared by every process; null in transfer mode. In operators/list.",
    ),
});

const certificationPhase = z
  .object({
    ratePerSecond: z.number(),
    sent: z.number().int(),
    errors: z.number().int(),
    p50Ms: z.number(),
    p99Ms: z.number(),
    passed: z.boolean(),
    detail: z.string(),
    failures: z.array(z.unknown()).describe('The first failed exchanges, as they went over the wire.'),
  })
  .nullable();
const certificationRunView = z.object({
  id: z.string(),
  agentID: z.string(),
  status: z.enum(['running', 'passed', 'failed']),
  callbackUrl: z.string(),
  scheme: z.enum(['hmac', 'md5']),
  userID: z.string(),
  currency: z.string(),
  loadSeconds: z.number().int(),
  soakSeconds: z.number().int(),
  ratePerSecond: z.number().int(),
  startedAt: isoDate,
  finishedAt: isoDate.nullable(),
  checks: z.array(
    z.object({
      name: z.string(),
      passed: z.boolean(),
      detail: z.string(),
      exchanges: z
        .array(z.unknown())
        .optional()
        .describe('A failed check: each request as sent (url, body) and the answer (HTTP status, body).'),
    }),
  ),
  load: certificationPhase,
  soak: certificationPhase,
});

/** §10: allow-list and rotation overlap, shown by operators and providers alike. */
function securityViewFields() {
  return {
    allowedIps: z
      .array(z.string())
      .describe('Canonical CIDRs; empty admits every address. A request from elsewhere gets code 5.'),
    previousSecretExpiresAt: z
      .string()
      .nullable()
      .describe('ISO 8601: until then the secret before the last rotation is still accepted; null when none is.'),
  };
}

const providerView = z.object({
  providerID: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  launchUrl: z.string().nullable(),
  ...securityViewFields(),
});

const ROTATION_NOTE =
  'The new secret works at once; the previous one is still accepted on requests to us for overlapSeconds (default 3600, 0 for none), until previousSecretExpiresAt. Only one previous secret is kept: a second rotation ends the older one at once. Every process learns of the change at once.';

const callbackView = z.object({
  id: z.string(),
  agentID: z.string(),
  kind: z.string().describe('balance, withdraw, deposit or rollback.'),
  transactionID: z.string().describe('Our platformTransactionID the callback reports (stable across retries).'),
  status: z.string().describe('pending, failed (parked after the last attempt) or delivered.'),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoDate.nullable(),
  createdAt: isoDate,
});

const auditEntry = z.object({
  id: z.string(),
  actor: z.string(),
  action: z.string(),
  targetType: z.string(),
  targetId: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  createdAt: isoDate,
  hash: z
    .string()
    .nullable()
    .describe(
      "Lowercase hex SHA-256 of the previous entry's hash (64 zeros before the first), a newline, and this entry's canonical content (§3 rendering of id, actor, action, targetType, targetId, before and after as stored JSON text, createdAt as ISO 8601 UTC with milliseconds).",
    ),
});

const sessionFields = {
  token: z.string(),
  role: z.enum(ROLES),
  expiresIn: z.number().int().describe('Seconds.'),
  totp: z.boolean().describe('Whether the user has TOTP on.'),
  totpSetupRequired: z
    .boolean()
    .describe('ADMIN_REQUIRE_TOTP is on and this admin has no TOTP yet: only enrol, confirm and logout are allowed.'),
};

const staffView = z.object({
  username: z.string(),
  role: z.enum(ROLES),
  enabled: z.boolean(),
  totp: z.boolean(),
  createdAt: isoDate,
});

const probe = z.object({ ok: z.boolean(), error: z.string().optional() });
const healthAnswer = z.object({
  status: z.enum(['ok', 'unavailable', 'starting']),
  /** With `starting`: what start-up still does (seeding the demo world). */
  starting: z.string().optional(),
  database: probe,
  redis: probe,
});

/** Routes that read no input: documented as an empty JSON object (the body must still be an object). */
export const noFields = z.object({}).describe('No fields: send `{}` (POST) or no query string (GET).');

// ---------------------------------------------------------------- callbacks we send (§6), as webhooks

const signedCallbackFields = {
  agentID: z.string(),
  userID: z.string(),
  currency: z.string(),
  timestamp: z.number().int().describe('Unix seconds; fresh on every attempt.'),
  sign: z
    .string()
    .describe("HMAC-SHA-256 of the body with the operator's secretKey, as in PROTOCOL §3 (64 uppercase hex)."),
};
const hmacMoneyFields = {
  ...signedCallbackFields,
  amount: major,
  transactionID: z
    .string()
    .describe('Our platformTransactionID of the transaction reported: stable across retries, so de-duplicate on it.'),
  refTransactionID: z
    .string()
    .nullable()
    .describe('Deposit: our transactionID of the Withdraw it pays, if any; Rollback: of the Withdraw it reverses.'),
  roundID: z.string().nullable(),
  gameID: z.number().int().nullable(),
  freeSpinID: z.string().nullable().describe('Null unless a free spin.'),
};

export const hmacBalanceCallback = z.strictObject(signedCallbackFields);
export const hmacMoneyCallback = z.strictObject(hmacMoneyFields);
export const hmacCallbackAnswer = z
  .object({
    code,
    message: message.optional(),
    balance: major.optional(),
    platformTransactionID: z.string().optional(),
  })
  .describe(
    '0 success (balance required), 7 insufficient funds (Withdraw), 11 duplicate (counts as delivered), anything else failure.',
  );

const md5Key = z
  .string()
  .describe('Lowercase hex md5(timestamp + saltKey). Authenticates the timestamp only, not the body.');
export const md5BalanceCallback = z.strictObject({
  action: z.literal('balance'),
  user_id: z.string(),
  currency: z.string(),
  timestamp: z.number().int(),
  key: md5Key,
});
export const md5MoneyCallback = z.strictObject({
  action: z.enum(['debit', 'credit']).describe('debit for a bet; credit for a win or (with rb 1) a rollback.'),
  user_id: z.string(),
  currency: z.string(),
  call_id: z.string().describe('Unique per callback, stable across retries.'),
  round_id: z.string().nullable(),
  game_id: z.number().int().nullable(),
  amount: z.number().int().describe('Integer minor units (cents for EUR).'),
  rb: z.union([z.literal(0), z.literal(1)]).describe('1 on a rollback, else 0.'),
  timestamp: z.number().int(),
  key: md5Key,
  ref_call_id: z.string().nullable().optional().describe('Rollbacks only: the call_id of the debit reversed.'),
});
export const md5CallbackAnswer = z
  .object({ code, balance: z.number().int().optional().describe('Integer minor units.') })
  .describe(
    '0 success (balance required), 7 insufficient funds (debit), 11 duplicate (counts as delivered), anything else failure.',
  );

// ---------------------------------------------------------------- result codes

const ENVELOPE_CODES = [
  ResultCode.OK,
  ResultCode.INTERNAL_ERROR,
  ResultCode.INVALID_PARAMETERS,
  ResultCode.INVALID_SIGNATURE,
  ResultCode.TIMESTAMP_OUTSIDE_WINDOW,
  ResultCode.CALLER_NOT_ALLOWED,
] as const;
const ADMIN_CODES = [
  ResultCode.OK,
  ResultCode.INTERNAL_ERROR,
  ResultCode.INVALID_PARAMETERS,
  ResultCode.CALLER_NOT_ALLOWED,
] as const;
const codes = (base: readonly ResultCode[], ...more: ResultCode[]): ResultCode[] =>
  [...new Set([...base, ...more])].sort((a, b) => a - b);

/** `7 insufficient funds; 11 duplicate transaction ...` for descriptions. */
export function describeCodes(list: readonly ResultCode[]): string {
  return list.map((c) => `${c} ${defaultMessage(c)}`).join('; ');
}

const R = ResultCode;

// ---------------------------------------------------------------- the catalogue

const platform = (
  path: string,
  operationId: string,
  summary: string,
  description: string,
  request: z.ZodObject,
  resultCodes: ResultCode[],
  response: ApiEndpoint['response'],
): ApiEndpoint => ({
  path,
  methods: ['post'],
  tag: 'platform',
  operationId,
  summary,
  description,
  auth: 'operatorHmac',
  request,
  resultCodes: codes(ENVELOPE_CODES, ...resultCodes),
  response,
});

const provider = (
  path: string,
  operationId: string,
  summary: string,
  description: string,
  request: z.ZodObject,
  resultCodes: ResultCode[],
  response: ApiEndpoint['response'],
): ApiEndpoint => ({
  path,
  methods: ['post'],
  tag: 'provider',
  operationId,
  summary,
  description,
  auth: 'providerHmac',
  request,
  resultCodes: codes(ENVELOPE_CODES, ...resultCodes),
  response,
});

const admin = (
  path: string,
  methods: readonly HttpMethod[],
  operationId: string,
  summary: string,
  description: string,
  roles: readonly (typeof ROLES)[number][],
  request: z.ZodObject | undefined,
  response: ApiEndpoint['response'],
  more: ResultCode[] = [],
): ApiEndpoint => ({
  path,
  methods,
  tag: 'admin',
  operationId,
  summary,
  description,
  auth: 'staffBearer',
  roles,
  request,
  resultCodes: codes(ADMIN_CODES, ...more),
  response,
});

const moneyAnswer = answer({ balance, platformTransactionID });
const PROVIDER_MONEY_NOTE =
  'Idempotent on (providerID, transactionID): a repeat gets code 11 with the original platformTransactionID and the balance right after it; the same id with other content gets 13. Every business error (7, 10, 11, 13, 15, 16) carries the current balance.';
const SEAMLESS_NOTE =
  "In seamless mode this becomes a signed callback to the operator's wallet (see webhooks); code 17 when the wallet does not answer.";

// ---- Rounds for disputes (§14) ----
const roundView = z.object({
  roundID: z.string(),
  providerID: z.string(),
  gameID: z.number().int(),
  userID: z.string(),
  status: z.enum(['open', 'closed']),
  openedAt: isoDate,
  closedAt: isoDate.nullable(),
  closeReason: z
    .enum(['roundClosed', 'ttl'])
    .nullable()
    .describe('roundClosed: a win closed it; ttl: closed after ROUND_TTL_S; null while open.'),
  betCount: z.number().int(),
  winCount: z.number().int(),
  rolledBackCount: z.number().int(),
});
const attemptView = z.object({
  at: isoDate.describe('When the call was made.'),
  via: z.enum(['inline', 'queue']).describe('inline: while the provider waited; queue: from the durable queue.'),
  outcome: z
    .enum(['ok', 'insufficient', 'duplicate', 'failed'])
    .describe('duplicate (operator code 11) counts as delivered; insufficient is a Withdraw answered 7.'),
  httpStatus: z.number().int().nullable().describe('Null when no answer came (timeout, connection refused).'),
  operatorCode: z.number().int().nullable().describe("The `code` of the operator's answer, when it had one."),
  latencyMs: z.number().int(),
  error: z.string().nullable(),
});
const roundCallbackView = z.object({
  id: z.string(),
  kind: z.enum(['withdraw', 'deposit', 'rollback']),
  transactionID: z.string().describe('Our platformTransactionID the call reports (stable across retries).'),
  refTransactionID: z.string().nullable(),
  providerTransactionID: z
    .string()
    .nullable()
    .describe("The studio's transactionID; null for the compensating Rollback of a failed Withdraw."),
  amount: major,
  currency: z.string(),
  status: z.string().describe('sending, pending, delivered, refused (a Withdraw answered 7 or 17) or failed (parked).'),
  attemptCount: z.number().int(),
  maxAttempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: isoDate.nullable(),
  createdAt: isoDate,
  deliveredAt: isoDate.nullable(),
  attempts: z.array(attemptView).describe('Every call made for this delivery, oldest first.'),
});
const roundStoryFields = {
  ...roundView.shape,
  transactions: z.array(transactionView).describe('Applied transactions of the round, in the order stored.'),
  callbacks: z
    .array(roundCallbackView)
    .describe('Seamless mode: each delivery of the round with every attempt; absent in transfer mode.'),
};

// ---- Player protection (PROTOCOL §14) and the back office's Players view ----
const restrictionReason = z.enum(['self-exclusion', 'cool-off', 'operator']);
const PROTECTION_NOTE =
  'The same in both modes. A restricted player gets code 19 on real-money launches and bets (free-spin bets too), and so does a bet above its maxBet; in seamless mode no Withdraw is sent for it. Wins, rollbacks and jackpots are always paid. A change applies to live sessions from the moment the call answers, in every process. Every change is audited.';
const playerView = z.object({
  agentID: z.string(),
  userID: z.string(),
  mode: z.enum(['transfer', 'seamless']),
  currencies: z.array(z.string()),
  known: z.boolean().describe('False when we hold no row for the player (a seamless player that never launched).'),
  createdAt: isoDate.nullable(),
  balances: z.array(
    z.object({
      currency: z.string(),
      balance: major,
      source: z
        .enum(['wallet', 'last-known'])
        .describe("`wallet`: our transfer wallet; `last-known`: what the operator's wallet last reported."),
      updatedAt: isoDate,
    }),
  ),
  restriction: z
    .object({ reason: restrictionReason, until: isoDate.nullable(), createdAt: isoDate, active: z.boolean() })
    .nullable()
    .describe('`active` is false once `until` has passed: the restriction has lifted by itself.'),
  limits: z.array(z.object({ currency: z.string(), maxBet: major })),
});
const playerAnswer = {
  description: 'The player as the Players view shows it.',
  schema: answer({ player: playerView }),
};

// ---- GGR reports (PROTOCOL §12)
const GGR_NOTE =
  "From the daily aggregate (never the ledger), from inclusive to exclusive, at most 366 days. GGR = bets − rollbacks − wins, provider transactions only. Base figures are exact sums rounded half-even once, to the base currency's minor unit (totals are the exact sums rounded, not the sum of rounded rows); transactions without an FX rate are counted in missingRates and left out of the base figures, kept in the local ones. Sandbox transactions are left out unless includeSandbox. `freshness` says what the aggregate holds: every transaction folded by the sequencer up to feed position lastSeq, as of asOf (null: never ran). More than 50000 rows: code 2.";
const baseMoney = z.number().describe('Base-currency major units, rounded half-even to its minor unit.');
const localMoney = z.number().describe("The row's currency, major units (only when grouped by currency).");
const ggrFigures = {
  betCount: z.number().int().describe('Bets, free-spin bets included.'),
  bets: baseMoney,
  rollbacks: baseMoney.describe('Stakes given back by rollbacks, base currency.'),
  wins: baseMoney.describe('Wins and jackpots, base currency.'),
  ggr: baseMoney.describe('bets − rollbacks − wins, from the exact sums, then rounded.'),
  rounds: z.number().int().describe('Distinct rounds with a provider transaction in the group.'),
  players: z.number().int().describe('Distinct players with a provider transaction in the group.'),
  missingRates: z.number().int().describe('Provider transactions without an FX rate, left out of the base figures.'),
};
const ggrRow = z.object({
  day: z.string().optional().describe('YYYY-MM-DD (UTC), when grouped by day.'),
  agentID: z.string().optional(),
  providerID: z.string().optional(),
  gameID: z.number().int().optional(),
  currency: z.string().optional(),
  ...ggrFigures,
  betsLocal: localMoney.optional(),
  rollbacksLocal: localMoney.optional(),
  winsLocal: localMoney.optional(),
  ggrLocal: localMoney.optional(),
});
const ggrReportShape = {
  baseCurrency: z.string(),
  groupBy: z.array(z.string()),
  freshness: z.object({
    asOf: z.string().nullable().describe('When the sequencer last folded (ISO 8601); null: never.'),
    lastSeq: z.string().describe('The last feed position folded into the aggregate.'),
  }),
  rows: z.array(ggrRow).describe('Ordered by the groupBy keys, in the order given.'),
  totals: z.object(ggrFigures),
};

export const API_CATALOGUE: readonly ApiEndpoint[] = [
  // ------------------------------------------------------------ system
  {
    path: '/health',
    methods: ['get'],
    tag: 'system',
    operationId: 'health',
    summary: 'Liveness, database and Redis',
    description:
      'HTTP 200 when this process, the database and Redis all answer and start-up is done; HTTP 503 otherwise, with the failing probe, or `status: "starting"` while the demo world (DEMO_SEED) is still being seeded.',
    auth: 'none',
    resultCodes: [],
    response: {
      description: 'Health of this process and its dependencies (HTTP 503 when unhealthy).',
      schema: healthAnswer,
    },
  },
  {
    path: '/docs',
    methods: ['get'],
    tag: 'system',
    operationId: 'docsPage',
    summary: 'Interactive API reference (this page)',
    description: 'An HTML page rendering /docs/openapi.json; its assets are served by this app, so it works offline.',
    auth: 'none',
    resultCodes: [],
    response: { description: 'The HTML reference page.', contentType: 'text/html' },
  },
  {
    path: '/docs/integration.md',
    methods: ['get'],
    tag: 'system',
    operationId: 'integrationGuide',
    summary: 'The integration guide (docs/INTEGRATION.md)',
    description:
      'Parties, signing with a worked example, every endpoint and result code, the callback schemes, the sandbox wallet and demo studio; Markdown as plain text.',
    auth: 'none',
    resultCodes: [],
    response: { description: 'The guide.', contentType: 'text/plain' },
  },
  {
    path: '/docs/openapi.json',
    methods: ['get'],
    tag: 'system',
    operationId: 'openApiDocument',
    summary: 'This OpenAPI 3.1 document',
    description: 'Generated at start-up from the same zod schemas that validate requests.',
    auth: 'none',
    resultCodes: [],
    response: { description: 'The OpenAPI 3.1.0 document.', schema: z.record(z.string(), z.unknown()) },
  },

  {
    path: '/metrics',
    methods: ['get'],
    tag: 'system',
    operationId: 'metrics',
    summary: 'Prometheus metrics',
    description:
      "This process's metrics in the Prometheus text exposition format: requests, result codes, callback deliveries and their queue. With METRICS_TOKEN set (production requires it), HTTP 401 without `Authorization: Bearer <METRICS_TOKEN>`.",
    auth: 'none',
    resultCodes: [],
    response: { description: 'Prometheus text format.', contentType: 'text/plain' },
  },
  {
    path: '/backoffice',
    methods: ['get'],
    tag: 'system',
    operationId: 'backofficePage',
    summary: 'The back-office web page',
    description:
      'A single HTML page (its files are served under /backoffice/) for staff; everything it does goes through the admin API.',
    auth: 'none',
    resultCodes: [],
    response: { description: 'The back-office page.', contentType: 'text/html' },
  },
  // Go-live (PROTOCOL §4 /v1/account, §11): goLiveCatalogue.ts.
  ...GO_LIVE_ENDPOINTS,
  {
    path: '/backoffice/currencies.js',
    methods: ['get'],
    tag: 'system',
    operationId: 'backofficeCurrencies',
    summary: 'Currency digits for the back-office page',
    description:
      "A JavaScript module exporting `CURRENCY_DIGITS`, the ISO 4217 minor-unit digits of every supported currency (the server's own table), with which the page formats amounts.",
    auth: 'none',
    resultCodes: [],
    response: { description: 'The module.', contentType: 'text/javascript' },
  },

  // ------------------------------------------------------------ demo world (outside production only)
  {
    path: '/sandbox/wallet/:call',
    methods: ['post'],
    tag: 'demo',
    operationId: 'sandboxWallet',
    summary: 'Sandbox operator wallet (hmac callbacks)',
    description:
      "Outside production only. The operator side of the hmac callback scheme (see the hmac* webhooks), as a careful operator implements it: point an operator's callbackUrl at `{server}/sandbox/wallet` to try seamless mode without writing a wallet. It verifies our signature with the secretKey of the operator named by agentID; a player it has never seen starts with 1000 major units; repeats answer 11; a Rollback of an unknown Withdraw leaves a tombstone.",
    auth: 'operatorHmac',
    request: z.union([hmacBalanceCallback, hmacMoneyCallback]),
    requestIsDocumentation: true,
    pathParameters: {
      call: {
        schema: z.enum(['Balance', 'Withdraw', 'Deposit', 'Rollback']),
        description: 'The callback (any other name is HTTP 404).',
      },
    },
    resultCodes: codes(
      ENVELOPE_CODES,
      R.INSUFFICIENT_FUNDS,
      R.REFERENCE_NOT_FOUND,
      R.DUPLICATE_TRANSACTION,
      R.TRANSACTION_CONFLICT,
    ),
    response: { description: "The wallet's answer.", schema: answer({ balance, platformTransactionID }) },
  },
  {
    path: '/demo-studio/play',
    methods: ['get'],
    tag: 'demo',
    operationId: 'demoStudioPlay',
    summary: 'Demo studio game page',
    description:
      'Outside production only. The page a launch URL of the built-in `demo-studio` provider opens: a self-contained slot that plays through the provider API (or with play credits for a demo launch).',
    auth: 'none',
    request: z.object({
      token: z.string().optional().describe('The launch token.'),
      game: z.string().optional().describe('The gameID.'),
      lang: z.string().optional(),
      lobby: z.string().optional().describe('The lobby URL to return to.'),
      currency: z.string().optional(),
      mode: z.string().optional().describe('`demo` for play money.'),
    }),
    requestIsDocumentation: true,
    resultCodes: [],
    response: { description: 'The game page.', contentType: 'text/html' },
  },
  ...(['auth', 'balance', 'spin'] as const).map((call): ApiEndpoint => ({
    path: `/demo-studio/api/${call}`,
    methods: ['post'],
    tag: 'demo',
    operationId: `demoStudio${call[0]!.toUpperCase()}${call.slice(1)}`,
    summary: `Demo studio server side: ${call}`,
    description:
      "Outside production only. Called by the demo game page; the studio holds the demo-studio provider's secret and relays to the provider API" +
      (call === 'spin'
        ? ': a spin is a bet then a win with roundClosed, fresh ids each time (no money moves with `demo: true`).'
        : ` (/provider/v1/${call}).`),
    auth: 'none',
    request:
      call === 'spin'
        ? z.object({
            token: z.string().optional(),
            bet: z.number().positive(),
            game: z.number().int().positive().optional(),
            currency: z.string().optional(),
            demo: z.boolean().optional(),
          })
        : z.object({ token: z.string() }),
    requestIsDocumentation: true,
    resultCodes: codes(
      [R.OK, R.INTERNAL_ERROR, R.INVALID_PARAMETERS, R.SESSION_INVALID],
      ...(call === 'spin'
        ? [R.INSUFFICIENT_FUNDS, R.GAME_NOT_FOUND, R.OPERATOR_WALLET_UNAVAILABLE]
        : [R.PLAYER_NOT_FOUND, R.OPERATOR_WALLET_UNAVAILABLE]),
    ),
    response: {
      description: "The provider API's answer, relayed (a spin adds reels, multiplier, bet, win and the ids it used).",
      schema: answer({ balance, currency: z.string() }),
    },
  })),

  // ------------------------------------------------------------ platform (operator to us, §4)
  platform(
    '/v1/games/list',
    'listGames',
    'List enabled games, or what changed since a time',
    'Enabled games of enabled providers not blocked for this operator, ordered by gameID, filtered by providerID, type, category and platform, paged by page (from 1) and pageSize (1..200, default 50; out of range is code 2). With `changedSince` (ISO 8601) it is the change feed: every game added, changed, disabled or blocked for this operator at or after that time, in its current state, disabled and blocked ones with `enabled: false`; the filters and paging apply alike. Pass `nextChangedSince` as the next `changedSince`: it overlaps the call by a minute, so a change committed during the call is never missed (a game may then be answered twice; each entry is its whole state).',
    gamesListRequest,
    [],
    {
      description: 'A page of games.',
      schema: answer({
        games: z.array(gameView),
        total: z.number().int(),
        nextChangedSince: isoDate.describe('With changedSince only: the changedSince of the next feed call.'),
      }),
    },
  ),
  platform(
    '/v1/games/launch',
    'launchGame',
    'Launch a game',
    "Returns the game URL and a session token (a JWT naming operator, player, game and currency; expires, default 4 hours). In transfer mode the player must exist in that currency (code 6); in seamless mode we learn the player from the launch. `demo: true` needs no player and never touches money (its token is refused with code 9 by money calls); a game without demo gets code 8. Disabled games, games blocked for the operator (its `blockedProviders`, `blockedGames`) and games whose `blockedCountries` has the launch's `country` get code 8; an unknown `country` (ISO 3166-1 alpha-2, upper case) is code 2.",
    launchRequest,
    [R.PLAYER_NOT_FOUND, R.GAME_NOT_FOUND, R.CURRENCY_NOT_SUPPORTED, R.PLAYER_RESTRICTED],
    { description: 'The launch URL and session token.', schema: answer({ url: z.string(), token: z.string() }) },
  ),
  platform(
    '/v1/player/create',
    'createPlayer',
    'Create a player wallet (transfer mode)',
    "Creates the player's wallet in that currency; creating an existing player returns it with code 0. Transfer mode only: code 12 in seamless mode.",
    playerCreateRequest,
    [R.WRONG_WALLET_MODE, R.CURRENCY_NOT_SUPPORTED],
    { description: 'The player and balance.', schema: answer({ userID: z.string(), currency: z.string(), balance }) },
  ),
  platform(
    '/v1/player/balance',
    'playerBalance',
    "Read a player's balance",
    `Transfer mode: our wallet (code 6 when the player has none in that currency). ${SEAMLESS_NOTE}`,
    playerBalanceRequest,
    [R.PLAYER_NOT_FOUND, R.CURRENCY_NOT_SUPPORTED, R.OPERATOR_WALLET_UNAVAILABLE],
    { description: 'The balance.', schema: answer({ balance, currency: z.string() }) },
  ),
  platform(
    '/v1/player/wallet/deposit',
    'deposit',
    'Deposit into a player wallet (transfer mode)',
    "Moves `amount` (> 0, at most the currency's minor digits) into the player's wallet. Idempotent on (agentID, transactionID): a repeat gets 11 with the original result, the same id with another user, currency, amount or type gets 13. Transfer mode only: code 12 in seamless mode.",
    transferRequest,
    [
      R.PLAYER_NOT_FOUND,
      R.DUPLICATE_TRANSACTION,
      R.WRONG_WALLET_MODE,
      R.TRANSACTION_CONFLICT,
      R.CURRENCY_NOT_SUPPORTED,
    ],
    { description: 'The balance after and our transaction id.', schema: moneyAnswer },
  ),
  platform(
    '/v1/player/wallet/withdraw',
    'withdraw',
    'Withdraw from a player wallet (transfer mode)',
    'As deposit, in the other direction; code 7 with the current balance when funds are short. Transfer mode only: code 12 in seamless mode.',
    transferRequest,
    [
      R.PLAYER_NOT_FOUND,
      R.INSUFFICIENT_FUNDS,
      R.DUPLICATE_TRANSACTION,
      R.WRONG_WALLET_MODE,
      R.TRANSACTION_CONFLICT,
      R.CURRENCY_NOT_SUPPORTED,
    ],
    { description: 'The balance after and our transaction id.', schema: moneyAnswer },
  ),
  platform(
    '/v1/transactions',
    'listTransactions',
    "The operator's transaction history",
    'Stored transactions in the order they were committed (creation order, except that of two concurrent ones the one whose commit finished first comes first), oldest first, stable under paging; `from` inclusive, `to` exclusive, `limit` 1..1000, `cursor` opaque. Refused requests are not listed. Reconciliation feed: every page answers `resumeCursor`; polling with it returns what was stored since, each transaction exactly once, including one whose commit finished after a later one. A transaction is listed once the feed sequencer has numbered it (every listing numbers what is committed first).',
    transactionsRequest,
    [],
    {
      description: 'A page of transactions.',
      schema: answer({ transactions: z.array(transactionView), nextCursor, resumeCursor }),
    },
  ),
  platform(
    '/v1/freespins/create',
    'createFreeSpins',
    'Create a free-spin campaign',
    'Gives each player `spins` spins of `betAmount` on the listed games until `expiresAt`. Idempotent on freeSpinID: a repeat gets 11, the same id with other content gets 13.',
    freeSpinCreateRequest,
    [
      R.GAME_NOT_FOUND,
      R.DUPLICATE_TRANSACTION,
      R.TRANSACTION_CONFLICT,
      R.CURRENCY_NOT_SUPPORTED,
      R.FREE_SPINS_UNAVAILABLE,
    ],
    { description: 'The campaign id.', schema: answer({ freeSpinID: z.string() }) },
  ),
  platform(
    '/v1/freespins/cancel',
    'cancelFreeSpins',
    'Cancel a free-spin campaign',
    'No further spins are accepted; wins for spins already played are still paid. Code 16 for an unknown campaign.',
    freeSpinIdRequest,
    [R.FREE_SPINS_UNAVAILABLE],
    {
      description: 'The campaign and its status.',
      schema: answer({ freeSpinID: z.string(), status: z.enum(['active', 'cancelled', 'expired', 'finished']) }),
    },
  ),
  platform(
    '/v1/freespins/get',
    'getFreeSpins',
    'Read a free-spin campaign',
    "Status (`finished` once every player used every spin) and each player's spins left and total win. Code 16 for an unknown campaign.",
    freeSpinIdRequest,
    [R.FREE_SPINS_UNAVAILABLE],
    {
      description: 'The campaign.',
      schema: answer({
        freeSpinID: z.string(),
        status: z.enum(['active', 'cancelled', 'expired', 'finished']),
        players: z.array(z.object({ userID: z.string(), spinsLeft: z.number().int(), totalWin: major })),
      }),
    },
  ),

  // ------------------------------------------------------------ provider (studio to us, §5)
  provider(
    '/provider/v1/auth',
    'providerAuth',
    'Start a game session from a launch token',
    `Needs an unexpired token (code 9 otherwise). ${SEAMLESS_NOTE}`,
    sessionRequest,
    [R.PLAYER_NOT_FOUND, R.SESSION_INVALID, R.OPERATOR_WALLET_UNAVAILABLE],
    {
      description: "The session's player and balance.",
      schema: answer({ userID: z.string(), agentID: z.string(), currency: z.string(), balance }),
    },
  ),
  provider(
    '/provider/v1/balance',
    'providerBalance',
    "Read the session player's balance",
    `Accepts an expired but authentic token. ${SEAMLESS_NOTE}`,
    sessionRequest,
    [R.PLAYER_NOT_FOUND, R.SESSION_INVALID, R.OPERATOR_WALLET_UNAVAILABLE],
    { description: 'The balance.', schema: answer({ balance, currency: z.string() }) },
  ),
  provider(
    '/provider/v1/bet',
    'bet',
    'Place a bet',
    `Debits \`amount\` (>= 0) for a round. Needs an unexpired real-money token (code 9). Code 7 when the balance is short; code 15 on a closed round; code 10 when a rollback tombstone already refused this bet. With \`freeSpinID\` the campaign pays (amount must equal its betAmount) and one spin is used (code 16 otherwise). ${PROVIDER_MONEY_NOTE} ${SEAMLESS_NOTE} A bet refused with 17 gets 17 again on retry and never debits.`,
    betRequest,
    [
      R.PLAYER_NOT_FOUND,
      R.INSUFFICIENT_FUNDS,
      R.SESSION_INVALID,
      R.REFERENCE_NOT_FOUND,
      R.DUPLICATE_TRANSACTION,
      R.TRANSACTION_CONFLICT,
      R.CURRENCY_NOT_SUPPORTED,
      R.ROUND_CLOSED,
      R.FREE_SPINS_UNAVAILABLE,
      R.OPERATOR_WALLET_UNAVAILABLE,
      R.PLAYER_RESTRICTED,
    ],
    { description: 'The balance after and our transaction id.', schema: moneyAnswer },
  ),
  provider(
    '/provider/v1/win',
    'win',
    'Pay a win',
    `Credits \`amount\` (>= 0) to a round that has a bet of the same player and game (code 10 otherwise; a win with the freeSpinID of a campaign the player was in needs no bet). \`refTransactionID\` must name a bet of that round (10); a win for a rolled-back bet gets 15; \`roundClosed: true\` closes the round (later bets and wins get 15). Accepts an expired but authentic token. ${PROVIDER_MONEY_NOTE} In seamless mode the Deposit callback is stored durably and retried until delivered.`,
    winRequest,
    [
      R.PLAYER_NOT_FOUND,
      R.SESSION_INVALID,
      R.REFERENCE_NOT_FOUND,
      R.DUPLICATE_TRANSACTION,
      R.TRANSACTION_CONFLICT,
      R.CURRENCY_NOT_SUPPORTED,
      R.ROUND_CLOSED,
      R.FREE_SPINS_UNAVAILABLE,
      R.OPERATOR_WALLET_UNAVAILABLE,
    ],
    { description: 'The balance after and our transaction id.', schema: moneyAnswer },
  ),
  provider(
    '/provider/v1/rollback',
    'rollback',
    'Roll back a bet',
    `Returns the stake of bet \`refTransactionID\`. An unknown bet succeeds with code 0, moves nothing and leaves a tombstone (the bet arriving later gets 10). A second rollback of the same bet under a new transactionID gets 11; a bet whose round has a win gets 15; a refTransactionID naming a win, jackpot, or a bet of another round or player gets 10. Accepts an expired but authentic token. ${PROVIDER_MONEY_NOTE} In seamless mode the Rollback callback is stored durably and retried until delivered.`,
    rollbackRequest,
    [
      R.PLAYER_NOT_FOUND,
      R.SESSION_INVALID,
      R.REFERENCE_NOT_FOUND,
      R.DUPLICATE_TRANSACTION,
      R.TRANSACTION_CONFLICT,
      R.ROUND_CLOSED,
      R.OPERATOR_WALLET_UNAVAILABLE,
    ],
    { description: 'The balance after and our transaction id.', schema: moneyAnswer },
  ),
  provider(
    '/provider/v1/jackpot',
    'jackpot',
    'Pay a jackpot or other promotional money',
    `Credits \`amount\` (> 0) without a bet. Accepts an expired but authentic token. ${PROVIDER_MONEY_NOTE} In seamless mode the Deposit callback is stored durably and retried until delivered.`,
    jackpotRequest,
    [
      R.PLAYER_NOT_FOUND,
      R.SESSION_INVALID,
      R.DUPLICATE_TRANSACTION,
      R.TRANSACTION_CONFLICT,
      R.CURRENCY_NOT_SUPPORTED,
      R.OPERATOR_WALLET_UNAVAILABLE,
    ],
    { description: 'The balance after and our transaction id.', schema: moneyAnswer },
  ),

  // ------------------------------------------------------------ admin (back office, §8)
  {
    path: '/admin/v1/login',
    methods: ['post'],
    tag: 'admin',
    operationId: 'adminLogin',
    summary: 'Log in and get a bearer token',
    description:
      'Exchanges username and password (and `otp`, the current TOTP code, once the user has turned TOTP on) for a JWT (default 8 hours). A failed login is HTTP 401 with code 5. After 5 failed logins for one username, or 50 from one client address, within 15 minutes, logins for it answer HTTP 429 code 5 with Retry-After until 15 minutes after the last failure, even with the right password.',
    auth: 'none',
    request: loginRequest,
    resultCodes: ADMIN_CODES.slice(),
    response: { description: "The token and the user's role.", schema: answer(sessionFields, 'The token and role.') },
  },
  admin(
    '/admin/v1/users/create',
    ['post'],
    'createStaffUser',
    'Create a back-office user',
    'Password of 12 or more characters, not a common or easily guessed one, not the username (HTTP 400 code 2 saying why); role admin, support or finance. HTTP 409 when the username exists.',
    ['admin'],
    createUserRequest,
    {
      description: 'The new user.',
      schema: answer({ username: z.string(), role: z.enum(ROLES) }, 'The new user.'),
    },
  ),
  admin(
    '/admin/v1/users/list',
    ['get', 'post'],
    'listStaffUsers',
    'List back-office users',
    'Every user with its role, whether it is enabled and whether TOTP is on.',
    ['admin', 'support'],
    noFields,
    {
      description: 'The users.',
      schema: answer({ users: z.array(staffView) }, 'The users.'),
    },
  ),
  admin(
    '/admin/v1/users/update',
    ['post'],
    'updateStaffUser',
    "Change a user's role or enabled flag",
    'Any change revokes every token of that user at once (HTTP 401 from then on). The last enabled admin cannot be disabled or demoted (HTTP 409). HTTP 404 for an unknown username.',
    ['admin'],
    updateUserRequest,
    {
      description: 'The user after the change.',
      schema: answer({ user: staffView }, 'The user.'),
    },
  ),
  admin(
    '/admin/v1/me/password',
    ['post'],
    'changeOwnPassword',
    'Change your own password',
    'The new password follows the users/create rule. Every earlier token of yours is revoked; the answer carries a fresh one. A wrong currentPassword is HTTP 400 code 2 and counts as a failed login.',
    ['admin', 'support', 'finance'],
    changePasswordRequest,
    {
      description: 'A fresh token (earlier ones are revoked).',
      schema: answer(sessionFields, 'A fresh token.'),
    },
  ),
  admin(
    '/admin/v1/logout',
    ['post'],
    'logout',
    'Log out',
    'Revokes every token of the caller at once, in every process.',
    ['admin', 'support', 'finance'],
    noFields,
    {
      description: 'Done.',
      schema: answer({}, 'Done.'),
    },
  ),
  admin(
    '/admin/v1/me/totp/enroll',
    ['post'],
    'enrollTotp',
    'Start TOTP enrolment',
    'A new secret (RFC 6238, 30 s, 6 digits), pending until confirmed; enrolling again replaces a pending one. With ADMIN_REQUIRE_TOTP on, an admin without TOTP can call only this, confirm and logout.',
    ['admin', 'support', 'finance'],
    noFields,
    {
      description: 'The secret, its otpauth URL and that URL as an SVG QR code.',
      schema: answer(
        {
          secret: z.string().describe('Base32.'),
          otpauthUrl: z.string(),
          qrSvg: z.string().describe('SVG markup of the QR code of otpauthUrl, rendered by us.'),
        },
        'The enrolment.',
      ),
    },
  ),
  admin(
    '/admin/v1/me/totp/confirm',
    ['post'],
    'confirmTotp',
    'Confirm TOTP enrolment',
    'A current code of the pending secret turns TOTP on: from then on login needs `otp`. A wrong code is HTTP 400 code 2; no enrolment in progress is HTTP 409.',
    ['admin', 'support', 'finance'],
    totpConfirmRequest,
    {
      description: 'TOTP is on.',
      schema: answer({ totp: z.literal(true) }, 'TOTP is on.'),
    },
  ),
  admin(
    '/admin/v1/operators/create',
    ['post'],
    'createOperator',
    'Create an operator',
    "The new operator's secretKey (HMAC) and saltKey (md5 callbacks) are shown once. A callbackUrl makes it a seamless operator. blockedProviders (providerIDs) and blockedGames (gameIDs) are the studios and games it neither lists nor launches (PROTOCOL §14); an unknown one is HTTP 400 code 2. HTTP 409 when the agentID exists.",
    ['admin'],
    createOperatorRequest,
    {
      description: 'The credentials (shown once) and the operator.',
      schema: answer(
        { agentID: z.string(), secretKey: z.string(), saltKey: z.string(), operator: operatorView },
        'Credentials and operator.',
      ),
    },
  ),
  admin(
    '/admin/v1/operators/update',
    ['post'],
    'updateOperator',
    'Update an operator, including its wallet mode',
    'Setting callbackUrl switches to seamless mode; null or "" switches to transfer mode. A callbackUrl is http: or https: (https: only in production), carries no user or password, and its host must not resolve to a loopback (allowed outside production), private, link-local, unique-local, multicast or unspecified address unless listed in CALLBACK_ALLOWED_HOSTS; a refused URL is HTTP 400, code 2, naming the rule. allowedIps replaces the IP allow-list; blockedProviders and blockedGames each replace that list of blocks (PROTOCOL §14; an unknown providerID or gameID is HTTP 400 code 2, nothing changed). A switch to seamless is refused (HTTP 409, code 12) while a transfer wallet holds money or a round is open; a switch back while seamless deliveries are pending; the message names what blocks it. Nothing is ever moved by a switch.',
    ['admin'],
    updateOperatorRequest,
    { description: 'The operator after the change.', schema: answer({ operator: operatorView }, 'The operator.') },
    [R.WRONG_WALLET_MODE],
  ),
  admin(
    '/admin/v1/operators/list',
    ['get', 'post'],
    'listOperators',
    'List operators',
    'Every operator with its mode.',
    ['admin', 'support'],
    undefined,
    {
      description: 'The operators.',
      schema: answer({ operators: z.array(operatorView) }, 'The operators.'),
    },
  ),
  admin(
    '/admin/v1/operators/rotate-secret',
    ['post'],
    'rotateOperatorSecret',
    "Rotate an operator's secrets",
    `New secretKey and saltKey, shown once. ${ROTATION_NOTE} Our callbacks are signed with the new keys at once.`,
    ['admin'],
    rotateOperatorSecretRequest,
    {
      description: 'The new credentials.',
      schema: answer(
        {
          agentID: z.string(),
          secretKey: z.string(),
          saltKey: z.string(),
          previousSecretExpiresAt: z.string().nullable(),
        },
        'The new credentials.',
      ),
    },
  ),
  admin(
    '/admin/v1/providers/rotate-secret',
    ['post'],
    'rotateProviderSecret',
    "Rotate a game provider's secret",
    `A new secretKey, shown once. ${ROTATION_NOTE}`,
    ['admin'],
    rotateProviderSecretRequest,
    {
      description: 'The new credentials.',
      schema: answer(
        { providerID: z.string(), secretKey: z.string(), previousSecretExpiresAt: z.string().nullable() },
        'The new credentials.',
      ),
    },
  ),
  admin(
    '/admin/v1/providers/create',
    ['post'],
    'createProvider',
    'Create a game provider',
    'The secretKey (HMAC) is shown once. HTTP 409 when the providerID exists.',
    ['admin'],
    createProviderRequest,
    {
      description: 'The credentials (shown once) and the provider.',
      schema: answer(
        { providerID: z.string(), secretKey: z.string(), provider: providerView },
        'Credentials and provider.',
      ),
    },
  ),
  admin(
    '/admin/v1/providers/update',
    ['post'],
    'updateProvider',
    'Update a game provider',
    'Name, enabled flag, launch URL template ({token}, {gameID}, {language}, {lobbyUrl}) and allowedIps (IPv4/IPv6 CIDRs; a bad one is HTTP 400 code 2; empty admits every address).',
    ['admin'],
    updateProviderRequest,
    {
      description: 'The provider after the change.',
      schema: answer({ provider: providerView }, 'The provider.'),
    },
  ),
  admin(
    '/admin/v1/providers/list',
    ['get', 'post'],
    'listProviders',
    'List game providers',
    'Every provider.',
    ['admin', 'support'],
    undefined,
    {
      description: 'The providers.',
      schema: answer({ providers: z.array(providerView) }, 'The providers.'),
    },
  ),
  admin(
    '/admin/v1/games/list',
    ['get', 'post'],
    'listCatalogueForStaff',
    'List every game',
    'The whole catalogue, disabled games included, ordered by gameID.',
    ['admin', 'support'],
    undefined,
    {
      description: 'The games.',
      schema: answer(
        {
          games: z.array(
            z.object({
              gameID: z.number().int(),
              providerID: z.string(),
              name: z.string(),
              type: z.string(),
              rtp: z.number(),
              freeSpins: z.boolean(),
              demo: z.boolean(),
              enabled: z.boolean(),
              ...catalogueMetadataView(),
            }),
          ),
        },
        'The games.',
      ),
    },
  ),
  admin(
    '/admin/v1/games/upsert',
    ['post'],
    'upsertGames',
    'Create or update games',
    'Up to 1000 games by gameID, all or nothing. The catalogue metadata of PROTOCOL §14 (category, thumbnailUrl, platforms, volatility, features, releaseDate, blockedCountries) is optional: a field left out keeps what the game has (a new game: null, platforms desktop and mobile, empty lists). A game sent unchanged is not written, audited or put in the change feed.',
    ['admin'],
    upsertGamesRequest,
    {
      description: 'How many games were written.',
      schema: answer({ count: z.number().int() }, 'The count.'),
    },
  ),
  admin(
    '/admin/v1/transactions/search',
    ['get', 'post'],
    'searchTransactions',
    'Search transactions of every operator',
    'As /v1/transactions, across operators, plus agentID and providerID filters.',
    ['admin', 'support', 'finance'],
    transactionSearchRequest,
    {
      description: 'A page of transactions.',
      schema: answer(
        { transactions: z.array(transactionView.extend({ agentID: z.string() })), nextCursor, resumeCursor },
        'A page of transactions.',
      ),
    },
  ),
  admin(
    '/admin/v1/callbacks/list',
    ['get', 'post'],
    'listCallbacks',
    'List seamless callback deliveries',
    'Oldest first. `failed` means parked after the last attempt: it stays until staff retry it.',
    ['admin', 'support'],
    callbacksListRequest,
    {
      description: 'A page of deliveries.',
      schema: answer({ callbacks: z.array(callbackView), nextCursor }, 'A page of deliveries.'),
    },
  ),
  admin(
    '/admin/v1/callbacks/retry',
    ['post'],
    'retryCallback',
    'Queue a parked or pending callback again',
    'HTTP 404 for an unknown id; HTTP 409 for a delivered callback or a Withdraw (its outcome was already answered).',
    ['admin', 'support'],
    callbackRetryRequest,
    { description: 'The callback, queued again.', schema: answer({ callback: callbackView }, 'The callback.') },
  ),
  admin(
    '/admin/v1/audit/list',
    ['get', 'post'],
    'listAudit',
    'Read the audit log',
    'Who changed what and when, newest first; secrets are redacted.',
    ['admin', 'support'],
    pageRequest,
    {
      description: 'A page of audit entries.',
      schema: answer({ entries: z.array(auditEntry), nextCursor }, 'A page of audit entries.'),
    },
  ),
  admin(
    '/admin/v1/audit/verify',
    ['get', 'post'],
    'verifyAudit',
    'Verify the audit chain',
    "Recomputes every entry's hash (SHA-256 of the previous hash, a newline, and the entry's canonical content) oldest first. firstBrokenId is the first entry edited, inserted or following a deleted one, or the newest id the chain head expects when the newest entries were removed.",
    ['admin'],
    noFields,
    {
      description: 'Whether the chain is intact.',
      schema: answer(
        {
          ok: z.boolean(),
          entries: z.number().int().describe('How many entries were checked.'),
          firstBrokenId: z.string().nullable(),
        },
        'The verification.',
      ),
    },
  ),
  // ---- Rounds for disputes (§14) ----
  platform(
    '/v1/rounds/get',
    'getRound',
    'A round as a dispute needs it',
    "One of the operator's rounds with its transactions in order and, in seamless mode, every delivery to the operator's wallet with each attempt (time, outcome, HTTP status, operator code, latency, error). Code 10 when no such round is the operator's; code 2 when two studios used this roundID for the player and providerID is not given.",
    roundsGetRequest,
    [R.REFERENCE_NOT_FOUND],
    { description: "The round's fields beside code and message.", schema: answer(roundStoryFields) },
  ),
  platform(
    '/v1/rounds/list',
    'listRounds',
    "The operator's rounds, newest first",
    '`limit` 1..200 (default 50), `cursor` opaque; filters `userID` and `status` (open/closed).',
    roundsListRequest,
    [],
    { description: 'A page of rounds.', schema: answer({ rounds: z.array(roundView), nextCursor }) },
  ),
  admin(
    '/admin/v1/rounds/get',
    ['get', 'post'],
    'getRoundForStaff',
    'A round as a dispute needs it, for staff',
    'As /v1/rounds/get, named by agentID, userID, roundID (providerID?) or by callbackID (the round a delivery reports). HTTP 404 code 10 for no such round, HTTP 404 code 2 for an unknown operator or callback.',
    ['admin', 'support', 'finance'],
    adminRoundGetRequest,
    {
      description: 'The round.',
      schema: answer(
        {
          agentID: z.string(),
          ...roundStoryFields,
          transactions: z.array(transactionView.extend({ agentID: z.string() })),
        },
        'The round.',
      ),
    },
    [R.REFERENCE_NOT_FOUND],
  ),
  // ---- Certification (PROTOCOL §11) ----
  admin(
    '/admin/v1/certification/run',
    ['post'],
    'startCertification',
    "Certify an operator's seamless wallet",
    'Answers `{id, status: "running"}` at once; a worker runs every named check, the load phase (open-loop, at ratePerSecond) and the optional soak against the wallet, then puts the player back at its starting balance. HTTP 404 for an unknown operator, 409 code 12 for one in transfer mode.',
    ['admin'],
    certificationRunRequest,
    {
      description: 'The run, started.',
      schema: answer({ id: z.string(), status: z.literal('running') }, 'The run, started.'),
    },
    [ResultCode.WRONG_WALLET_MODE],
  ),
  admin(
    '/admin/v1/certification/get',
    ['get', 'post'],
    'getCertification',
    'Read a certification run',
    'The run with each check (name, passed, detail, and for a failed check the exact requests and answers) and the load and soak figures.',
    ['admin', 'support'],
    certificationGetRequest,
    { description: 'The run.', schema: answer(certificationRunView.shape, 'The run.') },
  ),
  admin(
    '/admin/v1/certification/list',
    ['get', 'post'],
    'listCertifications',
    'List certification runs',
    'Newest first, optionally for one operator.',
    ['admin', 'support'],
    certificationListRequest,
    { description: 'The runs.', schema: answer({ runs: z.array(certificationRunView) }, 'The runs.') },
  ),
  // ---- Player protection (PROTOCOL §14) and the back office's Players view ----
  platform(
    '/v1/players/restrict',
    'restrictPlayer',
    'Restrict a player (self-exclusion, cool-off, operator)',
    `Until \`until\` (ISO 8601, in the future; code 2 otherwise) or, null or absent, until unrestricted; a second call replaces the restriction. A restriction whose until has passed lifts by itself. ${PROTECTION_NOTE}`,
    restrictRequest,
    [],
    {
      description: 'The restriction in force.',
      schema: answer({
        userID: z.string(),
        restricted: z.boolean(),
        reason: restrictionReason,
        until: isoDate.nullable(),
      }),
    },
  ),
  platform(
    '/v1/players/unrestrict',
    'unrestrictPlayer',
    'Lift a player restriction',
    `Code 0 whether or not the player was restricted. ${PROTECTION_NOTE}`,
    unrestrictRequest,
    [],
    { description: 'The player, unrestricted.', schema: answer({ userID: z.string(), restricted: z.boolean() }) },
  ),
  platform(
    '/v1/players/limits',
    'playerLimits',
    "Set, clear or read a player's maxBet in one currency",
    `\`maxBet\` in major units (>= 0, at most the currency's digits; code 2 otherwise): a bet staking more gets code 19, exactly maxBet is accepted. null clears it; absent reads it. The currency must be one of the operator's (14). ${PROTECTION_NOTE}`,
    limitsRequest,
    [R.CURRENCY_NOT_SUPPORTED],
    {
      description: 'The limit now in force (null: none).',
      schema: answer({ userID: z.string(), currency: z.string(), maxBet: major.nullable() }),
    },
  ),
  admin(
    '/admin/v1/players/search',
    ['post'],
    'searchPlayers',
    "Search an operator's players",
    'Players we hold a row for (transfer players, and seamless players once launched) whose userID starts with `userID` (case-sensitive), by userID, 50 a page. HTTP 404 for an unknown operator.',
    ['admin', 'support'],
    playerSearchRequest,
    {
      description: 'A page of players.',
      schema: answer({
        players: z.array(z.object({ userID: z.string(), createdAt: isoDate, restricted: z.boolean() })),
        nextCursor,
      }),
    },
  ),
  admin(
    '/admin/v1/players/get',
    ['post'],
    'getPlayer',
    'One player: balances per currency, restriction and limits',
    "Transfer mode: our wallets; seamless mode: the balance the operator's wallet last reported. Its transactions come from transactions/search with agentID and userID. HTTP 404 for an unknown operator.",
    ['admin', 'support'],
    playerGetRequest,
    playerAnswer,
  ),
  admin(
    '/admin/v1/players/restrict',
    ['post'],
    'adminRestrictPlayer',
    'Restrict a player (staff)',
    `As /v1/players/restrict, for the operator \`agentID\`, audited with the staff member as actor. ${PROTECTION_NOTE}`,
    ['admin'],
    adminRestrictRequest,
    playerAnswer,
  ),
  admin(
    '/admin/v1/players/unrestrict',
    ['post'],
    'adminUnrestrictPlayer',
    'Lift a player restriction (staff)',
    'As /v1/players/unrestrict, for the operator `agentID`, audited with the staff member as actor.',
    ['admin'],
    playerGetRequest,
    playerAnswer,
  ),
  admin(
    '/admin/v1/players/limits',
    ['post'],
    'adminPlayerLimits',
    "Set or clear a player's maxBet (staff)",
    'As /v1/players/limits, for the operator `agentID`, audited with the staff member as actor; a currency the operator does not offer is HTTP 400 code 14.',
    ['admin'],
    adminLimitsRequest,
    playerAnswer,
    [R.CURRENCY_NOT_SUPPORTED],
  ),
  // ---- FX rates (PROTOCOL §12) ----
  admin(
    '/admin/v1/fx/set',
    ['post'],
    'setFxRates',
    "Record a day's FX rates",
    '`rates`: currency to a decimal string of base-currency units for one unit of it (at most 12 decimals, > 0). Replaces the day\'s rates whole for transactions stored from then on (a currency left out has no rate that day); stored transactions keep the rate they captured. The base currency\'s rate is always 1 (it may be sent only as "1"). Audited.',
    ['admin', 'finance'],
    fxSetRequest,
    {
      description: 'The day as recorded (rates normalised: no trailing zeros).',
      schema: answer(
        { date: z.string(), rates: z.record(z.string(), z.string()), baseCurrency: z.string() },
        "The day's rates.",
      ),
    },
  ),
  admin(
    '/admin/v1/fx/list',
    ['get', 'post'],
    'listFxRates',
    'List FX rates by day',
    'Days with rates in [from, to), oldest first, at most 1000 (`more` is true when there are others). The rate in force for a transaction is the one of the latest day on or before its UTC day.',
    ['admin', 'finance', 'support'],
    fxListRequest,
    {
      description: 'The days.',
      schema: answer(
        {
          baseCurrency: z.string(),
          days: z.array(z.object({ date: z.string(), rates: z.record(z.string(), z.string()) })),
          more: z.boolean(),
        },
        'The days.',
      ),
    },
  ),
  // ---- GGR reports (PROTOCOL §12)
  platform(
    '/v1/reports/ggr',
    'ggrReport',
    "The operator's GGR report",
    `${GGR_NOTE} The operator's own figures only.`,
    operatorReportRequest,
    [],
    { description: 'The report.', schema: answer(ggrReportShape) },
  ),
  admin(
    '/admin/v1/reports/ggr',
    ['get', 'post'],
    'adminGgrReport',
    'GGR report across operators',
    `${GGR_NOTE} Also filters by agentID and providerID. With format "csv" the answer is text/csv (a header row, then one line per row; money with the currency's minor digits; no totals line), streamed; its base currency and freshness are in the X-Report-Base-Currency, X-Report-As-Of and X-Report-Last-Seq headers. On GET, groupBy is comma-separated (groupBy=day,gameID).`,
    ['admin', 'finance', 'support'],
    adminReportRequest,
    { description: 'The report (JSON), or text/csv with format csv.', schema: answer(ggrReportShape, 'The report.') },
  ),
];

/**
 * Paths under which middleware (not routes) serves static files; the route test accepts middleware
 * mounted at these and nowhere else.
 */
export const STATIC_ASSET_MOUNTS: readonly { readonly path: string; readonly serves: string }[] = [
  { path: '/docs/assets', serves: 'the files of the interactive reference (swagger-ui-dist)' },
  { path: '/backoffice', serves: 'the files of the back-office page' },
  { path: '/backoffice/vendor/chartjs', serves: 'Chart.js (from node_modules) for the Reports page chart' },
];

export interface ApiWebhook {
  readonly name: string;
  readonly summary: string;
  readonly description: string;
  readonly request: z.ZodType;
  readonly answer: z.ZodType;
}

const DELIVERY_NOTE =
  'Deposit and Rollback are stored durably first, tried once while the provider waits, then retried from a durable queue (default 50 attempts, 10 s apart, 10 s timeout each) until delivered, then parked for back-office staff; never dropped. Every retry carries the same transactionID with a fresh timestamp and signature.';

export const API_WEBHOOKS: readonly ApiWebhook[] = [
  {
    name: 'hmacBalance',
    summary: 'hmac scheme: POST {callbackUrl}/Balance',
    description:
      "Reads the player's balance from the operator's wallet, once, while the provider waits (timeout default 5 s; failure answers the provider code 17).",
    request: hmacBalanceCallback,
    answer: hmacCallbackAnswer,
  },
  {
    name: 'hmacWithdraw',
    summary: 'hmac scheme: POST {callbackUrl}/Withdraw',
    description:
      'A bet: debit the player. Made once while the provider waits (timeout default 5 s); on timeout, non-200 or garbage the bet fails with code 17 and a Rollback of it is queued so an operator that did debit is made whole. Answer 7 when funds are short.',
    request: hmacMoneyCallback,
    answer: hmacCallbackAnswer,
  },
  {
    name: 'hmacDeposit',
    summary: 'hmac scheme: POST {callbackUrl}/Deposit',
    description: `A win, jackpot or free-spin win: credit the player. ${DELIVERY_NOTE}`,
    request: hmacMoneyCallback,
    answer: hmacCallbackAnswer,
  },
  {
    name: 'hmacRollback',
    summary: 'hmac scheme: POST {callbackUrl}/Rollback',
    description: `Reverses the Withdraw named by refTransactionID: give the stake back. ${DELIVERY_NOTE}`,
    request: hmacMoneyCallback,
    answer: hmacCallbackAnswer,
  },
  {
    name: 'md5Callback',
    summary: 'md5 scheme: POST {callbackUrl}',
    description:
      'One URL for every call: `action` balance (only action, user_id, currency, timestamp, key), debit (a bet) or credit (a win, or a rollback with rb 1 and ref_call_id). Amounts and the answer balance are integer minor units. ' +
      'WARNING: `key` = md5(timestamp + saltKey) authenticates the timestamp, not the body: anyone who sees one callback can replay its key with another body inside the window. Prefer the hmac scheme, and allow-list our IP addresses on your side. ' +
      DELIVERY_NOTE.replace('transactionID', 'call_id').replace('signature', 'key'),
    request: z.union([md5BalanceCallback, md5MoneyCallback]),
    answer: md5CallbackAnswer,
  },
];
