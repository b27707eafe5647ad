/** `/v1/account` (PROTOCOL §4): the calling operator's own standing. */
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import { AccountSettings, accountView } from '../../app/credit/account';
import { CreditStore } from '../../app/credit/creditStore';
import { ResultCode } from '../../domain/resultCodes';
import { parseFields } from '../fields';
import { sendAnswer } from '../respond';
import { platformEnvelope } from '../wireFields';

export const accountRequest = z.object({ ...platformEnvelope });

export function accountRoutes(deps: {
  store: CreditStore;
  envelope: RequestHandler;
  settings: AccountSettings;
}): Router {
  const router = Router();
  router.post('/v1/account', deps.envelope, async (req, res) => {
    if (!parseFields(accountRequest, req.body, res)) return;
    const view = await accountView(deps.store, res.locals.caller as OperatorCaller, deps.settings);
    sendAnswer(res, { code: ResultCode.OK, ...view });
  });
  return router;
}
