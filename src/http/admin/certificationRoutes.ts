/** Certification runs for staff (PROTOCOL §11): start one (admin), read one or the list (admin, support). */
import { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { badRequest, notFound } from '../../app/admin/adminErrors';
import { StaffIdentity } from '../../app/admin/staff';
import {
  CertificationQueuePort,
  CertificationRunStore,
  startCertification,
} from '../../app/certification/certificationRuns';
import { ResultCode } from '../../domain/resultCodes';
import { currencyField, externalIdField, formatIssues, userIdField } from '../wireFields';
import { allowRoles } from './staffAuth';

export const certificationRunRequest = z.object({
  agentID: externalIdField,
  userID: userIdField.describe('A player of the operator holding at least 10.00 in `currency` at its wallet.'),
  currency: currencyField,
  loadSeconds: z.number().int().min(0).max(3_600).optional().describe('Default 30; 0 for no load phase.'),
  soakSeconds: z.number().int().min(0).max(86_400).optional().describe('Default 0 (no soak).'),
  ratePerSecond: z
    .number()
    .int()
    .min(1)
    .max(5_000)
    .optional()
    .describe("Withdraw/Deposit pairs per second; default twice the operator's peakPerSecond."),
});
export const certificationGetRequest = z.object({
  id: z.union([z.string().regex(/^\d{1,19}$/), z.number().int().positive()]),
});
export const certificationListRequest = z.object({
  agentID: externalIdField.optional(),
  limit: z.number().int().min(1).max(100).optional().describe('Newest first; default 50.'),
});

function input<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const source: unknown =
    req.method === 'GET'
      ? Object.fromEntries(
          Object.entries(req.query).map(([k, v]) => [k, k === 'limit' && typeof v === 'string' ? Number(v) : v]),
        )
      : req.body;
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    throw badRequest('the body must be a JSON object');
  const parsed = schema.safeParse(source);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

const ok = (res: Response, body: Record<string, unknown>) =>
  res.status(200).json({ code: ResultCode.OK, message: 'OK', ...body });

export function certificationRoutes(deps: {
  staff: RequestHandler;
  store: CertificationRunStore;
  queue: CertificationQueuePort;
}): Router {
  const router = Router();
  const { staff, store } = deps;
  const admins = allowRoles('admin');
  const readers = allowRoles('admin', 'support');

  router.post('/admin/v1/certification/run', staff, admins, async (req, res) => {
    const fields = input(certificationRunRequest, req);
    const actor = (res.locals.staff as StaffIdentity).username;
    ok(res, { ...(await startCertification(store, deps.queue, actor, fields)) });
  });

  const get: RequestHandler = async (req, res) => {
    const { id } = input(certificationGetRequest, req);
    const run = await store.get(String(id));
    if (!run) throw notFound(`certification run ${id}`);
    ok(res, { ...run });
  };
  router.get('/admin/v1/certification/get', staff, readers, get);
  router.post('/admin/v1/certification/get', staff, readers, get);

  const list: RequestHandler = async (req, res) => {
    const fields = input(certificationListRequest, req);
    ok(res, { runs: await store.list({ agentId: fields.agentID, limit: fields.limit ?? 50 }) });
  };
  router.get('/admin/v1/certification/list', staff, readers, list);
  router.post('/admin/v1/certification/list', staff, readers, list);
  return router;
}
