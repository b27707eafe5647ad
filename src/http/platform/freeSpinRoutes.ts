/** `/v1/freespins/create|cancel|get` (PROTOCOL §4). */
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import {
  CampaignReport,
  CampaignStore,
  cancelCampaign,
  createCampaign,
  getCampaign,
} from '../../app/freeSpins/campaigns';
import { isKnownCurrency } from '../../domain/currencies';
import { toMajorNumber } from '../../domain/money';
import { Refusal, ResultCode, refuse } from '../../domain/resultCodes';
import { parseAmountIn, parseFields } from '../fields';
import { sendAnswer, sendRefusal } from '../respond';
import {
  amountField,
  currencyField,
  externalIdField,
  gameIdField,
  isoDateField,
  platformEnvelope,
  userIdField,
} from '../wireFields';

export const freeSpinCreateRequest = z.object({
  ...platformEnvelope,
  freeSpinID: externalIdField,
  userIDs: z.array(userIdField).min(1, 'must name at least one player').max(10_000),
  gameIDs: z.array(gameIdField).min(1, 'must name at least one game').max(1_000),
  spins: z.number().int('must be an integer').min(1, 'must be greater than 0').max(10_000),
  betAmount: amountField,
  currency: currencyField,
  expiresAt: isoDateField,
});
export const freeSpinIdRequest = z.object({ ...platformEnvelope, freeSpinID: externalIdField });

function renderReport(report: CampaignReport) {
  return {
    freeSpinID: report.freeSpinId,
    status: report.status,
    players: report.players.map((p) => ({
      userID: p.userId,
      spinsLeft: p.spinsLeft,
      totalWin: toMajorNumber(p.totalWin, report.currency),
    })),
  };
}

const isRefusal = (value: CampaignReport | Refusal): value is Refusal => (value as Refusal).ok === false;

export function freeSpinRoutes(deps: { store: CampaignStore; envelope: RequestHandler }): Router {
  const router = Router();

  router.post('/v1/freespins/create', deps.envelope, async (req, res) => {
    const fields = parseFields(freeSpinCreateRequest, req.body, res);
    if (!fields) return;
    if (!isKnownCurrency(fields.currency))
      return sendRefusal(
        res,
        refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `currency ${fields.currency} is not supported`),
      );
    const betAmount = parseAmountIn(fields.currency, fields.betAmount, res, { positive: true });
    if (betAmount === undefined) return;
    const answer = await createCampaign(
      deps.store,
      res.locals.caller as OperatorCaller,
      {
        freeSpinId: fields.freeSpinID,
        userIds: fields.userIDs,
        gameIds: fields.gameIDs,
        spins: fields.spins,
        betAmount,
        currency: fields.currency,
        expiresAt: new Date(fields.expiresAt),
      },
      new Date(),
    );
    if ('ok' in answer) return sendRefusal(res, answer);
    sendAnswer(res, { code: answer.code, message: answer.message, freeSpinID: answer.freeSpinId });
  });

  router.post('/v1/freespins/cancel', deps.envelope, async (req, res) => {
    const fields = parseFields(freeSpinIdRequest, req.body, res);
    if (!fields) return;
    const result = await cancelCampaign(deps.store, res.locals.caller as OperatorCaller, fields.freeSpinID, new Date());
    if (isRefusal(result)) return sendRefusal(res, result);
    sendAnswer(res, { code: ResultCode.OK, freeSpinID: result.freeSpinId, status: result.status });
  });

  router.post('/v1/freespins/get', deps.envelope, async (req, res) => {
    const fields = parseFields(freeSpinIdRequest, req.body, res);
    if (!fields) return;
    const result = await getCampaign(deps.store, res.locals.caller as OperatorCaller, fields.freeSpinID, new Date());
    if (isRefusal(result)) return sendRefusal(res, result);
    sendAnswer(res, { code: ResultCode.OK, ...renderReport(result) });
  });

  return router;
}
