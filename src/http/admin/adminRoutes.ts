/** Admin API (PROTOCOL §8), the part needed to set up: staff, operators, providers, audit. */
import { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { AdminStores } from '../../app/admin/adminStores';
import { isKnownCurrency, unsupportedCurrencyMessage } from '../../domain/currencies';
import { ResultCode } from '../../domain/resultCodes';
import { AdminRefusal, badRequest } from '../../app/admin/adminErrors';
import { ADMIN_REFUSAL_STATUS } from './refusalStatus';
import { listAudit, verifyAudit } from '../../app/admin/audit';
import {
  GoLiveDefaults,
  GoLiveSettingsInput,
  PROTOCOL_GO_LIVE_DEFAULTS,
  createOperator,
  listOperators,
  rotateOperatorSecret,
  updateOperator,
} from '../../app/admin/operators';
import { feeBasisPoints } from '../../domain/credit';
import { parseMajorAmount } from '../../domain/money';
import { createProvider, listProviders, rotateProviderSecret, updateProvider } from '../../app/admin/providers';
import { DEFAULT_OVERLAP_S, MAX_OVERLAP_S } from '../../app/admin/callerSecrets';
import { MAX_ALLOWED_IPS, parseAllowedIps } from '../../app/ipAllowList';
import { judgeCallbackUrl } from '../../callbacks/callbackUrlPolicy';
import { listGamesForStaff, upsertGames } from '../../app/admin/games';
import { listCallbacks, retryCallback } from '../../app/admin/callbacks';
import { DeliveryQueuePort } from '../../app/seamless/seamlessStore';
import {
  ROLES,
  StaffIdentity,
  StaffSession,
  auditLoginEvent,
  changeOwnPassword,
  checkLogin,
  confirmTotp,
  createStaff,
  enrollTotp,
  listStaff,
  loginRefused,
  logoutStaff,
  updateStaff,
  WrongCurrentPassword,
} from '../../app/admin/staff';
import { HistoryStore, decodeCursor, encodeCursor, listTransactions } from '../../app/history/transactionHistory';
import { historyFilterFields, historyFilterFrom, renderHistoryEntry } from '../platform/transactionRoutes';
import { externalIdField, formatIssues } from '../wireFields';
import { gameMetadataFields, operatorBlockFields } from '../catalogueFields';
import { LOGIN_WINDOW_S, LoginThrottle } from './loginThrottle';
import { STAFF_TOKEN_TTL_S, allowRoles, issueStaffToken, requireStaff } from './staffAuth';

const usernameField = z.string().regex(/^[A-Za-z0-9_.@-]{3,64}$/, 'must be 3 to 64 characters of [A-Za-z0-9_.@-]');
const currencyListField = z
  .array(z.string().regex(/^[A-Z]{3}$/, 'must be ISO 4217 codes such as EUR'))
  .min(1, 'must name at least one currency')
  .max(100)
  .superRefine((codes, ctx) => {
    const unknown = codes.filter((code) => !isKnownCurrency(code));
    if (unknown.length) ctx.addIssue({ code: 'custom', message: unsupportedCurrencyMessage(unknown) });
  });
// Its rules (scheme, credentials, addresses) are judged by requireAcceptableCallbackUrl, naming the rule.
const callbackUrlField = z.string().max(512);
// ---- Security (PROTOCOL §10): allow-lists, rotation overlap ----
const allowedIpsField = z.array(z.string().max(64)).max(MAX_ALLOWED_IPS, `must list at most ${MAX_ALLOWED_IPS} CIDRs`);
const overlapSecondsField = z
  .number()
  .int()
  .min(0)
  .max(MAX_OVERLAP_S, `must be 0 to ${MAX_OVERLAP_S} seconds`)
  .optional();

/** The password rule itself (12+ characters, not easily guessed, not the username) is the use case's. */
const newPasswordField = z
  .string()
  .max(1024)
  .describe('12 or more characters, not a common or easily guessed password, not the username.');
export const loginRequest = z.object({
  username: z.string().max(64),
  password: z.string().max(1024),
  otp: z
    .string()
    .max(16)
    .optional()
    .describe('The current 6-digit TOTP code; required once the user has turned TOTP on.'),
});
export const createUserRequest = z.object({
  username: usernameField,
  password: newPasswordField,
  role: z.enum(ROLES),
});
export const updateUserRequest = z.object({
  username: usernameField,
  role: z.enum(ROLES).optional(),
  enabled: z.boolean().optional(),
});
export const changePasswordRequest = z.object({ currentPassword: z.string().max(1024), newPassword: newPasswordField });
export const totpConfirmRequest = z.object({
  code: z.string().max(16).describe('The 6-digit code the authenticator app shows for the enrolled secret.'),
});
// ---- Go-live (PROTOCOL §11): fee share, credit limit, expected peak ----
const goLiveFields = {
  feePercent: z
    .number()
    .refine((value) => feeBasisPoints(value) !== null, 'must be 0 to 100 with at most 2 decimals')
    .optional()
    .describe('Share of the positive daily GGR billed as a fee; default DEFAULT_FEE_PERCENT.'),
  creditLimit: z
    .number()
    .min(0, 'must be 0 or more')
    .optional()
    .describe('Base-currency major units the prepaid credit may fall below zero before launches get 18; default 0.'),
  peakPerSecond: z
    .number()
    .int('must be an integer')
    .min(1, 'must be 1 to 100000')
    .max(100_000, 'must be 1 to 100000')
    .optional()
    .describe('Expected peak of bets per second; certification loads at twice it. Default 10.'),
};

/** The go-live fields as the use case stores them: creditLimit in base minor units. */
function withGoLiveSettings<T extends { feePercent?: number; creditLimit?: number; peakPerSecond?: number }>(
  fields: T,
  baseCurrency: string,
): Omit<T, 'feePercent' | 'creditLimit'> & GoLiveSettingsInput {
  const { feePercent, creditLimit, ...rest } = fields;
  return { ...rest, ...goLiveSettings({ feePercent, creditLimit, peakPerSecond: fields.peakPerSecond }, baseCurrency) };
}

function goLiveSettings(
  fields: { feePercent?: number; creditLimit?: number; peakPerSecond?: number },
  baseCurrency: string,
): GoLiveSettingsInput {
  let creditLimitMinor: bigint | undefined;
  if (fields.creditLimit !== undefined) {
    const parsed = parseMajorAmount(fields.creditLimit, baseCurrency);
    if (!parsed.ok) throw badRequest(`creditLimit: ${parsed.reason} (base currency ${baseCurrency})`);
    creditLimitMinor = parsed.minor;
  }
  return {
    feePercent: fields.feePercent === undefined ? undefined : String(fields.feePercent),
    creditLimitMinor,
    peakPerSecond: fields.peakPerSecond,
  };
}

export const createOperatorRequest = z.object({
  agentID: externalIdField,
  name: z.string().min(1).max(128),
  currencies: currencyListField,
  callbackUrl: callbackUrlField.nullable().optional(),
  callbackScheme: z.enum(['hmac', 'md5']).optional(),
  allowedIps: allowedIpsField.optional(),
  ...operatorBlockFields,
  ...goLiveFields,
});
export const updateOperatorRequest = z.object({
  agentID: externalIdField,
  name: z.string().min(1).max(128).optional(),
  currencies: currencyListField.optional(),
  callbackUrl: callbackUrlField.nullable().optional(),
  callbackScheme: z.enum(['hmac', 'md5']).optional(),
  enabled: z.boolean().optional(),
  allowedIps: allowedIpsField.optional(),
  ...operatorBlockFields,
  ...goLiveFields,
  status: z.literal('sandbox').optional().describe('Back to the sandbox; going live is operators/go-live.'),
});
export const agentRequest = z.object({ agentID: externalIdField });
export const rotateOperatorSecretRequest = z.object({ agentID: externalIdField, overlapSeconds: overlapSecondsField });
export const rotateProviderSecretRequest = z.object({
  providerID: externalIdField,
  overlapSeconds: overlapSecondsField,
});
const launchUrlField = z
  .string()
  .max(1024)
  .refine(
    (value) => value === '' || /^https?:\/\/\S+$/.test(value),
    'must be an http(s) URL template with {token}, {gameID}, {language}, {lobbyUrl}',
  );
export const createProviderRequest = z.object({
  providerID: externalIdField,
  name: z.string().min(1).max(128),
  launchUrl: launchUrlField.nullable().optional(),
});
export const updateProviderRequest = z.object({
  providerID: externalIdField,
  name: z.string().min(1).max(128).optional(),
  enabled: z.boolean().optional(),
  launchUrl: launchUrlField.nullable().optional(),
  allowedIps: allowedIpsField.optional(),
});
export const upsertGamesRequest = z.object({
  games: z
    .array(
      z.object({
        gameID: z.number().int().positive(),
        providerID: externalIdField,
        name: z.string().min(1).max(128),
        type: z.string().regex(/^[a-z0-9_-]{1,32}$/, 'must be a short lowercase word such as slot'),
        rtp: z.number().min(0).max(100),
        freeSpins: z.boolean(),
        demo: z.boolean(),
        enabled: z.boolean(),
        ...gameMetadataFields,
      }),
    )
    .min(1)
    .max(1000),
});
export const pageRequest = z.object({
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).optional(),
});

export function input<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  // Reads take their parameters from the query string when called with GET.
  const source: unknown = req.method === 'GET' ? queryAsJson(req.query) : req.body;
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    throw badRequest('the body must be a JSON object');
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

function queryAsJson(query: Request['query']): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(query).map(([key, value]) => [
      key,
      typeof value === 'string' && /^\d+$/.test(value) && key === 'limit' ? Number(value) : value,
    ]),
  );
}

/** Read-only admin routes answer POST with a JSON body and GET with a query string alike. */
export function readRoute(router: Router, path: string, ...handlers: RequestHandler[]): void {
  router.get(path, ...handlers);
  router.post(path, ...handlers);
}

/** The callback URL rules of PROTOCOL §10 (set time; connect time is in callbacks/httpTransport.ts). */
async function requireAcceptableCallbackUrl(url: string | null | undefined): Promise<void> {
  if (!url) return;
  const verdict = await judgeCallbackUrl(url);
  if (!verdict.ok) throw badRequest(`callbackUrl: ${verdict.message}`);
}

/** allowedIps as canonical CIDRs; a bad entry is HTTP 400 code 2 naming it. */
function canonicalAllowedIps<T extends { allowedIps?: string[] }>(fields: T): T {
  if (fields.allowedIps === undefined) return fields;
  const parsed = parseAllowedIps(fields.allowedIps);
  if (!parsed.ok) throw badRequest(parsed.message);
  return { ...fields, allowedIps: parsed.cidrs };
}

const ok = (res: Response, body: Record<string, unknown> = {}) =>
  res.status(200).json({ code: ResultCode.OK, message: 'OK', ...body });
const actor = (res: Response) => (res.locals.staff as StaffIdentity).username;

export const callbacksListRequest = pageRequest.extend({
  status: z.enum(['pending', 'failed', 'delivered']).optional(),
  agentID: externalIdField.optional(),
});
export const callbackRetryRequest = z.object({
  id: z.union([z.string().regex(/^\d{1,19}$/), z.number().int().positive()]),
});

export const transactionSearchRequest = z.object({
  ...historyFilterFields,
  agentID: externalIdField.optional(),
  providerID: externalIdField.optional(),
  platformTransactionID: z.string().max(32).optional(),
  /** `oldest` first (the default, as `/v1/transactions`) or `newest` first; a cursor keeps its order. */
  order: z.enum(['oldest', 'newest']).optional(),
});

export interface AdminRouteDeps {
  /** The admin use cases' stores (db/adminStores.ts). */
  stores: AdminStores;
  jwtSecret: string;
  deliveryQueue: DeliveryQueuePort;
  retryAttempts: number;
  history: HistoryStore;
  /** Signed-request callers are cached: every change to one is announced so caches drop it. */
  callers: { changed(kind: 'operator' | 'provider', id: string): Promise<void> };
  loginThrottle: LoginThrottle;
  /** ADMIN_REQUIRE_TOTP: admin-role staff without a second factor may only set one up. */
  requireTotp: boolean;
  /** BASE_CURRENCY and DEFAULT_FEE_PERCENT, for the go-live fields of operators (§11). */
  goLiveDefaults?: GoLiveDefaults;
  /** An operator's circuit breaker state (§6.3), null in transfer mode: `wallet.state` in operators/list. */
  walletState?: (agentId: string) => Promise<string | null>;
}

/** What every group of admin routes is mounted with. */
interface AdminRouting {
  readonly router: Router;
  readonly deps: AdminRouteDeps;
  readonly stores: AdminStores;
  /** A valid staff token; then the roles allowed. */
  readonly staff: RequestHandler;
  readonly readers: RequestHandler;
  readonly admins: RequestHandler;
  readonly goLiveDefaults: GoLiveDefaults;
}

export function adminRoutes(deps: AdminRouteDeps): Router {
  const routing: AdminRouting = {
    router: Router(),
    deps,
    stores: deps.stores,
    staff: requireStaff(deps.jwtSecret, deps.stores.staff, { requireTotp: deps.requireTotp }),
    readers: allowRoles('admin', 'support'),
    admins: allowRoles('admin'),
    goLiveDefaults: deps.goLiveDefaults ?? PROTOCOL_GO_LIVE_DEFAULTS,
  };
  sessionRoutes(routing);
  userRoutes(routing);
  operatorRoutes(routing);
  providerAndGameRoutes(routing);
  transactionSearchRoute(routing);
  callbackAndAuditRoutes(routing);
  return routing.router;
}

/** Login, logout, own password and second factor: each answers a session or changes the caller's own. */
function sessionRoutes({ router, deps, stores, staff }: AdminRouting): void {
  /** A token and what the back office needs to know about the user it belongs to. */
  const sessionAnswer = (session: StaffSession) => ({
    token: issueStaffToken(deps.jwtSecret, session),
    role: session.role,
    expiresIn: STAFF_TOKEN_TTL_S,
    totp: session.totpEnabled,
    totpSetupRequired: deps.requireTotp && session.role === 'admin' && !session.totpEnabled,
  });

  router.post('/admin/v1/login', async (req, res) => {
    const { username, password, otp } = input(loginRequest, req);
    const address = req.ip ?? 'unknown';
    const attempt = await deps.loginThrottle.begin(username, address);
    const outcome = await checkLogin(stores.staff, username, password, otp);
    if (outcome.ok) {
      await attempt.succeeded();
      ok(res, sessionAnswer(outcome.session));
      return;
    }
    const locks = await attempt.failed();
    await auditLoginEvent(stores.staff, 'login.failed', 'user', username, { address, reason: outcome.failure });
    for (const lock of locks) {
      await auditLoginEvent(stores.staff, 'login.locked', lock.scope, lock.scope === 'user' ? username : lock.key, {
        address,
        lockedForS: LOGIN_WINDOW_S,
      });
    }
    const otpProblem = outcome.failure === 'missing otp' || outcome.failure === 'wrong otp';
    throw loginRefused(otpProblem ? 'a valid one-time code (otp) is required' : 'wrong username or password');
  });

  router.post('/admin/v1/logout', staff, async (_req, res) => {
    await logoutStaff(stores.staff, actor(res));
    ok(res);
  });

  router.post('/admin/v1/me/password', staff, async (req, res) => {
    const fields = input(changePasswordRequest, req);
    // Guessing the current password here is guessing a login: the same counters apply.
    const attempt = await deps.loginThrottle.begin(actor(res), req.ip ?? 'unknown');
    let session;
    try {
      session = await changeOwnPassword(stores.staff, actor(res), fields.currentPassword, fields.newPassword);
    } catch (error) {
      if (error instanceof WrongCurrentPassword) await attempt.failed();
      else await attempt.succeeded();
      throw error;
    }
    await attempt.succeeded();
    ok(res, sessionAnswer(session));
  });

  router.post('/admin/v1/me/totp/enroll', staff, async (_req, res) => {
    ok(res, { ...(await enrollTotp(stores.staff, actor(res))) });
  });

  router.post('/admin/v1/me/totp/confirm', staff, async (req, res) => {
    await confirmTotp(stores.staff, actor(res), input(totpConfirmRequest, req).code);
    ok(res, { totp: true });
  });
}

function userRoutes({ router, stores, staff, readers, admins }: AdminRouting): void {
  readRoute(router, '/admin/v1/users/list', staff, readers, async (_req, res) => {
    ok(res, { users: await listStaff(stores.staff) });
  });

  router.post('/admin/v1/users/update', staff, admins, async (req, res) => {
    ok(res, { user: await updateStaff(stores.staff, actor(res), input(updateUserRequest, req)) });
  });

  router.post('/admin/v1/users/create', staff, admins, async (req, res) => {
    const fields = input(createUserRequest, req);
    ok(res, { ...(await createStaff(stores.staff, actor(res), fields.username, fields.password, fields.role)) });
  });
}

function operatorRoutes({ router, deps, stores, staff, readers, admins, goLiveDefaults }: AdminRouting): void {
  router.post('/admin/v1/operators/create', staff, admins, async (req, res) => {
    const fields = canonicalAllowedIps(input(createOperatorRequest, req));
    await requireAcceptableCallbackUrl(fields.callbackUrl);
    const created = await createOperator(
      stores.operators,
      actor(res),
      withGoLiveSettings(fields, goLiveDefaults.baseCurrency),
      goLiveDefaults,
    );
    await deps.callers.changed('operator', created.operator.agentID);
    ok(res, {
      agentID: created.operator.agentID,
      secretKey: created.secretKey,
      saltKey: created.saltKey,
      operator: created.operator,
    });
  });

  router.post('/admin/v1/operators/update', staff, admins, async (req, res) => {
    const fields = canonicalAllowedIps(input(updateOperatorRequest, req));
    await requireAcceptableCallbackUrl(fields.callbackUrl);
    const operator = await updateOperator(
      stores.operators,
      actor(res),
      withGoLiveSettings(fields, goLiveDefaults.baseCurrency),
      goLiveDefaults,
    );
    await deps.callers.changed('operator', operator.agentID);
    ok(res, { operator });
  });

  readRoute(router, '/admin/v1/operators/list', staff, readers, async (_req, res) => {
    const operators = await listOperators(stores.operators, goLiveDefaults);
    const states = await Promise.all(operators.map((op) => deps.walletState?.(op.agentID) ?? null));
    ok(res, { operators: operators.map((op, i) => ({ ...op, wallet: states[i] ? { state: states[i] } : null })) });
  });

  router.post('/admin/v1/operators/rotate-secret', staff, admins, async (req, res) => {
    const fields = input(rotateOperatorSecretRequest, req);
    const rotated = await rotateOperatorSecret(
      stores.operators,
      actor(res),
      fields.agentID,
      fields.overlapSeconds ?? DEFAULT_OVERLAP_S,
    );
    await deps.callers.changed('operator', rotated.agentID);
    ok(res, { ...rotated });
  });
}

function providerAndGameRoutes({ router, deps, stores, staff, readers, admins }: AdminRouting): void {
  router.post('/admin/v1/providers/create', staff, admins, async (req, res) => {
    const created = await createProvider(stores.providers, actor(res), input(createProviderRequest, req));
    await deps.callers.changed('provider', created.providerID);
    ok(res, { ...created });
  });

  router.post('/admin/v1/providers/update', staff, admins, async (req, res) => {
    const provider = await updateProvider(
      stores.providers,
      actor(res),
      canonicalAllowedIps(input(updateProviderRequest, req)),
    );
    await deps.callers.changed('provider', provider.providerID);
    ok(res, { provider });
  });

  router.post('/admin/v1/providers/rotate-secret', staff, admins, async (req, res) => {
    const fields = input(rotateProviderSecretRequest, req);
    const rotated = await rotateProviderSecret(
      stores.providers,
      actor(res),
      fields.providerID,
      fields.overlapSeconds ?? DEFAULT_OVERLAP_S,
    );
    await deps.callers.changed('provider', rotated.providerID);
    ok(res, { ...rotated });
  });

  readRoute(router, '/admin/v1/providers/list', staff, readers, async (_req, res) => {
    ok(res, { providers: await listProviders(stores.providers) });
  });

  readRoute(router, '/admin/v1/games/list', staff, readers, async (_req, res) => {
    ok(res, { games: await listGamesForStaff(stores.games) });
  });

  router.post('/admin/v1/games/upsert', staff, admins, async (req, res) => {
    ok(res, { count: await upsertGames(stores.games, actor(res), input(upsertGamesRequest, req).games) });
  });
}

function transactionSearchRoute({ router, deps, stores, staff }: AdminRouting): void {
  readRoute(
    router,
    '/admin/v1/transactions/search',
    staff,
    allowRoles('admin', 'support', 'finance'),
    async (req, res) => {
      const fields = input(transactionSearchRequest, req);
      const parsed = historyFilterFrom(fields);
      if (!parsed.ok) throw badRequest(parsed.message);
      const filter =
        fields.order === 'newest'
          ? { ...parsed.filter, after: undefined, before: parsed.filter.after, newestFirst: true }
          : parsed.filter;
      let operatorId: number | undefined;
      let providerId: number | undefined;
      if (fields.agentID !== undefined) {
        operatorId = (await stores.operators.internalId(fields.agentID)) ?? -1;
      }
      if (fields.providerID !== undefined) {
        providerId = (await stores.providers.internalId(fields.providerID)) ?? -1;
      }
      const page = await listTransactions(deps.history, {
        ...filter,
        operatorId,
        providerId,
        platformTransactionId: fields.platformTransactionID,
      });
      ok(res, {
        transactions: page.entries.map((e) => ({ ...renderHistoryEntry(e), agentID: e.agentId })),
        nextCursor: page.nextCursor,
        resumeCursor: page.resumeCursor,
      });
    },
  );
}

function callbackAndAuditRoutes({ router, deps, stores, staff, readers, admins }: AdminRouting): void {
  readRoute(router, '/admin/v1/callbacks/list', staff, readers, async (req, res) => {
    const fields = input(callbacksListRequest, req);
    const afterId = fields.cursor === undefined ? undefined : decodeCursor(fields.cursor);
    if (afterId === null) throw badRequest('cursor: not a cursor from a previous page');
    const page = await listCallbacks(stores.callbacks, {
      status: fields.status,
      agentId: fields.agentID,
      afterId,
      limit: fields.limit ?? 100,
    });
    ok(res, { callbacks: page.callbacks, nextCursor: page.more && page.lastId ? encodeCursor(page.lastId) : null });
  });

  router.post('/admin/v1/callbacks/retry', staff, readers, async (req, res) => {
    const { id } = input(callbackRetryRequest, req);
    ok(res, {
      callback: await retryCallback(stores.callbacks, deps.deliveryQueue, actor(res), BigInt(id), deps.retryAttempts),
    });
  });

  readRoute(router, '/admin/v1/audit/list', staff, readers, async (req, res) => {
    const fields = input(pageRequest, req);
    const beforeId = fields.cursor === undefined ? undefined : decodeCursor(fields.cursor);
    if (beforeId === null) throw badRequest('cursor: not a cursor from a previous page');
    const page = await listAudit(stores.audit, beforeId, fields.limit ?? 100);
    ok(res, { entries: page.entries, nextCursor: page.more && page.lastId ? encodeCursor(page.lastId) : null });
  });

  readRoute(router, '/admin/v1/audit/verify', staff, admins, async (_req, res) => {
    ok(res, { ...(await verifyAudit(stores.audit)) });
  });
}

/** Renders admin refusals as web-convention statuses with the `{code, message}` body. */
export function adminErrorHandler(error: unknown, _req: Request, res: Response, next: NextFunction): void {
  if (error instanceof AdminRefusal) {
    if (error.retryAfterS !== undefined) res.set('Retry-After', String(error.retryAfterS));
    res.status(ADMIN_REFUSAL_STATUS[error.kind]).json({ code: error.code, message: error.message });
    return;
  }
  if ((error as { code?: unknown } | null)?.code === 'P2002') {
    // A unique index caught a create racing another one for the same name.
    res.status(409).json({ code: ResultCode.INVALID_PARAMETERS, message: 'already exists' });
    return;
  }
  next(error);
}
