/**
 * Admin API of operator go-live (PROTOCOL §11): go-live, prepaid credit, billing, applications. Web
 * conventions as in §8: refusals are AdminRefusals rendered by the admin error handler.
 */
import { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { badRequest, conflict } from '../../app/admin/adminErrors';
import { GoLiveRefusal, GoLiveStore, goLive } from '../../app/admin/goLive';
import { BillingHooks, BillingSettings, billDay, isEndedDay } from '../../app/billing/billing';
import { BillingStore } from '../../app/billing/billingStore';
import { creditHistory, moveCredit } from '../../app/credit/credit';
import { CreditStore } from '../../app/credit/creditStore';
import { decodeCursor, encodeCursor } from '../../app/history/transactionHistory';
import { ApplicationStore, decideApplication } from '../../app/onboarding/applications';
import { StaffIdentity } from '../../app/admin/staff';
import { ResultCode } from '../../domain/resultCodes';
import { Minor, toMajorString } from '../../domain/money';
import { allowRoles } from '../admin/staffAuth';
import { externalIdField, formatIssues } from '../wireFields';

const referenceField = externalIdField.describe(
  'Idempotency key of the entry, per operator (1 to 64 of [A-Za-z0-9_.:-]).',
);
const cursorField = z.string().max(200).optional();

export const goLiveRequest = z.object({ agentID: externalIdField });
export const creditTopupRequest = z.object({
  agentID: externalIdField,
  amount: z.number().describe('Base-currency major units, > 0.'),
  reference: referenceField,
});
export const creditAdjustRequest = z.object({
  agentID: externalIdField,
  amount: z.number().describe('Base-currency major units, signed, not 0.'),
  reference: referenceField,
  reason: z.string().min(1).max(512),
});
export const creditHistoryRequest = z.object({ agentID: externalIdField, cursor: cursorField });
export const billingRunRequest = z.object({
  date: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a UTC day YYYY-MM-DD')
    .refine(
      (day) =>
        !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) && new Date(`${day}T00:00:00Z`).toISOString().startsWith(day),
      'must be a real calendar day',
    ),
  dryRun: z.boolean().optional().describe('Compute and answer the figures without billing; any day, today included.'),
});
export const applicationsListRequest = z.object({
  status: z.enum(['pending', 'approved', 'rejected']).optional(),
  cursor: cursorField,
});
export const applicationApproveRequest = z.object({
  applicationID: z.string().min(1).max(32),
  agentID: externalIdField.describe('The agentID the new operator gets.'),
});
export const applicationRejectRequest = z.object({
  applicationID: z.string().min(1).max(32),
  reason: z.string().min(1).max(512),
});

function input<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    throw badRequest('the body must be a JSON object');
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

function cursorId(cursor: string | undefined): bigint | null {
  if (cursor === undefined) return null;
  const id = decodeCursor(cursor);
  if (id === null) throw badRequest('cursor: not a cursor from a previous page');
  return id;
}

const ok = (res: Response, body: Record<string, unknown> = {}) =>
  res.status(200).json({ code: ResultCode.OK, message: 'OK', ...body });
const actor = (res: Response) => (res.locals.staff as StaffIdentity).username;

export interface GoLiveRouteDeps {
  readonly staff: RequestHandler;
  readonly credit: CreditStore;
  readonly billing: BillingStore;
  readonly goLive: GoLiveStore;
  readonly applications: ApplicationStore;
  readonly settings: BillingSettings;
  /** Signed-request callers are cached: an operator that went live is announced so caches drop it. */
  readonly callers: { changed(kind: 'operator', id: string): Promise<void> };
  readonly billingHooks?: BillingHooks;
}

export function goLiveRoutes(deps: GoLiveRouteDeps): Router {
  const router = Router();
  const { staff } = deps;
  const admins = allowRoles('admin');
  const money = allowRoles('admin', 'finance');
  const readers = allowRoles('admin', 'support', 'finance');
  const read = (path: string, ...handlers: RequestHandler[]) => {
    router.get(path, ...handlers);
    router.post(path, ...handlers);
  };

  router.post('/admin/v1/operators/go-live', staff, admins, async (req, res) => {
    const { agentID } = input(goLiveRequest, req);
    try {
      const outcome = await goLive(deps.goLive, actor(res), agentID);
      if (outcome.changed) await deps.callers.changed('operator', agentID);
      ok(res, { operator: outcome.operator });
    } catch (error) {
      if (!(error instanceof GoLiveRefusal)) throw error;
      res.status(409).json({ code: error.code, message: error.message, unmet: error.unmet });
    }
  });

  router.post('/admin/v1/credit/topup', staff, money, async (req, res) => {
    const fields = input(creditTopupRequest, req);
    const answer = await moveCredit(deps.credit, deps.settings.baseCurrency, actor(res), { ...fields, kind: 'topup' });
    res.status(200).json({ ...answer, baseCurrency: deps.settings.baseCurrency });
  });

  router.post('/admin/v1/credit/adjust', staff, money, async (req, res) => {
    const fields = input(creditAdjustRequest, req);
    const answer = await moveCredit(deps.credit, deps.settings.baseCurrency, actor(res), {
      ...fields,
      kind: 'adjustment',
    });
    res.status(200).json({ ...answer, baseCurrency: deps.settings.baseCurrency });
  });

  read('/admin/v1/credit/history', staff, readers, async (req, res) => {
    const fields = input(creditHistoryRequest, req);
    const page = await creditHistory(deps.credit, deps.settings.baseCurrency, fields.agentID, cursorId(fields.cursor));
    const standing = await deps.credit.standing(fields.agentID);
    ok(res, {
      baseCurrency: deps.settings.baseCurrency,
      credit: Number(creditOf(standing?.balanceMinor ?? 0n, deps.settings)),
      entries: page.entries,
      nextCursor: page.lastId === null ? null : encodeCursor(page.lastId.toString()),
    });
  });

  router.post('/admin/v1/billing/run', staff, money, async (req, res) => {
    const fields = input(billingRunRequest, req);
    const dryRun = fields.dryRun === true;
    if (!dryRun && !isEndedDay(fields.date, new Date())) throw conflict(`day ${fields.date} has not ended yet (UTC)`);
    const report = await billDay(deps.billing, fields.date, {
      dryRun,
      settings: deps.settings,
      hooks: deps.billingHooks,
    });
    const message = report.refused.length
      ? `${report.refused.length} operator(s) not billed: ${report.refused.map((r) => `${r.agentID}: ${r.reason}`).join('; ')}`
      : 'OK';
    res.status(200).json({ code: ResultCode.OK, message, dryRun, ...report });
  });

  mountApplicationRoutes(router, deps, read);
  return router;
}

function creditOf(balanceMinor: bigint, settings: BillingSettings): string {
  return toMajorString(balanceMinor as Minor, settings.baseCurrency);
}

/** Applications (§11): listed by staff, decided once by an admin. */
function mountApplicationRoutes(
  router: Router,
  deps: GoLiveRouteDeps,
  read: (path: string, ...handlers: RequestHandler[]) => void,
): void {
  const { staff } = deps;
  const admins = allowRoles('admin');
  read('/admin/v1/applications/list', staff, allowRoles('admin', 'support'), async (req, res) => {
    const fields = input(applicationsListRequest, req);
    const limit = 100;
    const rows = await deps.applications.list(fields.status, cursorId(fields.cursor), limit + 1);
    const page = rows.slice(0, limit);
    ok(res, {
      applications: page.map((row) => row.application),
      nextCursor: rows.length > limit ? encodeCursor(page.at(-1)!.id.toString()) : null,
    });
  });

  router.post('/admin/v1/applications/approve', staff, admins, async (req, res) => {
    const fields = input(applicationApproveRequest, req);
    const decided = await decideApplication(
      deps.applications,
      fields.applicationID,
      { kind: 'approve', agentId: fields.agentID },
      actor(res),
    );
    await deps.callers.changed('operator', fields.agentID);
    ok(res, {
      application: decided.application,
      agentID: fields.agentID,
      secretKey: decided.created?.secretKey,
      saltKey: decided.created?.saltKey,
      operator: decided.created?.operator,
    });
  });

  router.post('/admin/v1/applications/reject', staff, admins, async (req, res) => {
    const fields = input(applicationRejectRequest, req);
    const decided = await decideApplication(
      deps.applications,
      fields.applicationID,
      { kind: 'reject', reason: fields.reason },
      actor(res),
    );
    ok(res, { application: decided.application });
  });
}
