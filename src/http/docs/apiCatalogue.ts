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
import { ROLES } from '../../app/admin/staff';
import { ResultCode, defaultMessage } from '../../domain/resultCodes';
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
import { freeSpinCreateRequest, freeSpinIdRequest } from '../platform/freeSpinRoutes';
import { gamesListRequest, launchRequest } from '../platform/gameRoutes';
import { transactionsRequest } from '../platform/transactionRoutes';
import { playerBalanceRequest, playerCreateRequest, transferRequest } from '../platform/walletRoutes';
import { betRequest, jackpotRequest, rollbackRequest, sessionRequest, winRequest } from '../provider/providerRoutes';

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
    readonly contentType?: 'application/json' | 'text/html' | 'text/plain';
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
});

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
});

const operatorView = z.object({
  agentID: z.string(),
  name: z.string(),
  currencies: z.array(z.string()),
  callbackUrl: z.string().nullable(),
  callbackScheme: z.enum(['hmac', 'md5']),
  enabled: z.boolean(),
  mode: z.enum(['transfer', 'seamless']).describe('seamless when callbackUrl is set, transfer otherwise.'),
  ...securityViewFields(),
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
const healthAnswer = z.object({ status: z.enum(['ok', 'unavailable']), database: probe, redis: probe });

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

export const API_CATALOGUE: readonly ApiEndpoint[] = [
  // ------------------------------------------------------------ system
  {
    path: '/health',
    methods: ['get'],
    tag: 'system',
    operationId: 'health',
    summary: 'Liveness, database and Redis',
    description:
      'HTTP 200 when this process, the database and Redis all answer; HTTP 503 otherwise, with the failing probe.',
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
    'List enabled games',
    'Enabled games of enabled providers ordered by gameID, filtered by providerID and type, paged by page (from 1) and pageSize (1..200, default 50; out of range is code 2).',
    gamesListRequest,
    [],
    { description: 'A page of games.', schema: answer({ games: z.array(gameView), total: z.number().int() }) },
  ),
  platform(
    '/v1/games/launch',
    'launchGame',
    'Launch a game',
    'Returns the game URL and a session token (a JWT naming operator, player, game and currency; expires, default 4 hours). In transfer mode the player must exist in that currency (code 6); in seamless mode we learn the player from the launch. `demo: true` needs no player and never touches money (its token is refused with code 9 by money calls); a game without demo gets code 8. Disabled games cannot be launched.',
    launchRequest,
    [R.PLAYER_NOT_FOUND, R.GAME_NOT_FOUND, R.CURRENCY_NOT_SUPPORTED],
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
    'Stored transactions ordered by creation, oldest first, stable under paging; `from` inclusive, `to` exclusive, `limit` 1..1000, `cursor` opaque. Refused requests are not listed.',
    transactionsRequest,
    [],
    { description: 'A page of transactions.', schema: answer({ transactions: z.array(transactionView), nextCursor }) },
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
    "The new operator's secretKey (HMAC) and saltKey (md5 callbacks) are shown once. A callbackUrl makes it a seamless operator. HTTP 409 when the agentID exists.",
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
    'Setting callbackUrl switches to seamless mode; null or "" switches to transfer mode. A callbackUrl is http: or https: (https: only in production), carries no user or password, and its host must not resolve to a loopback (allowed outside production), private, link-local, unique-local, multicast or unspecified address unless listed in CALLBACK_ALLOWED_HOSTS; a refused URL is HTTP 400, code 2, naming the rule. allowedIps replaces the IP allow-list. A switch to seamless is refused (HTTP 409, code 12) while a transfer wallet holds money or a round is open; a switch back while seamless deliveries are pending; the message names what blocks it. Nothing is ever moved by a switch.',
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
    'Up to 1000 games by gameID.',
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
        { transactions: z.array(transactionView.extend({ agentID: z.string() })), nextCursor },
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
];

/**
 * Paths under which middleware (not routes) serves static files; the route test accepts middleware
 * mounted at these and nowhere else.
 */
export const STATIC_ASSET_MOUNTS: readonly { readonly path: string; readonly serves: string }[] = [
  { path: '/docs/assets', serves: 'the files of the interactive reference (swagger-ui-dist)' },
  { path: '/backoffice', serves: 'the files of the back-office page' },
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
