/** `/admin/v1/fx/set` and `/admin/v1/fx/list` (PROTOCOL §12): a day's FX rates, set by admin or finance. */
import { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { StaffIdentity } from '../../app/admin/staff';
import { FxRateStore, FxRatesChanged, listRates, setRates } from '../../app/fx/fxRates';
import { ResultCode } from '../../domain/resultCodes';
import { input, readRoute } from './adminRoutes';
import { allowRoles } from './staffAuth';

const dayField = z.string().max(10).describe('A UTC day, YYYY-MM-DD.');
export const fxSetRequest = z.object({
  date: dayField,
  rates: z
    .record(
      z.string().max(3),
      z.string().max(32).describe('Base-currency units for one unit of the currency: at most 12 decimals, > 0.'),
    )
    .describe('Currency code to a decimal string, e.g. {"USD": "0.9234567"}; replaces the day whole.'),
});
export const fxListRequest = z.object({
  from: dayField.optional().describe('First day listed (inclusive).'),
  to: dayField.optional().describe('Day after the last listed (exclusive).'),
});

const ok = (res: Response, body: Record<string, unknown>) =>
  res.status(200).json({ code: ResultCode.OK, message: 'OK', ...body });

export function fxRoutes(deps: {
  staff: RequestHandler;
  store: FxRateStore;
  cache: FxRatesChanged;
  baseCurrency: string;
}): Router {
  const router = Router();
  router.post('/admin/v1/fx/set', deps.staff, allowRoles('admin', 'finance'), async (req, res) => {
    const actor = (res.locals.staff as StaffIdentity).username;
    const day = await setRates(deps.store, deps.cache, actor, input(fxSetRequest, req), deps.baseCurrency);
    ok(res, { date: day.date, rates: day.rates, baseCurrency: deps.baseCurrency });
  });
  readRoute(router, '/admin/v1/fx/list', deps.staff, allowRoles('admin', 'finance', 'support'), async (req, res) => {
    const listed = await listRates(deps.store, input(fxListRequest, req));
    ok(res, { baseCurrency: deps.baseCurrency, days: listed.days, more: listed.more });
  });
  return router;
}
