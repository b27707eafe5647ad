/** `/v1/players/restrict`, `/v1/players/unrestrict`, `/v1/players/limits` (PROTOCOL §14 "Player protection"). */
import { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import {
  operatorActor,
  restrictPlayer,
  restrictionView,
  setPlayerMaxBet,
  unrestrictPlayer,
} from '../../app/protection/playerProtection';
import { ProtectionStore, ProtectionTarget } from '../../app/protection/protectionStore';
import { isKnownCurrency } from '../../domain/currencies';
import { Minor, parseMajorAmount } from '../../domain/money';
import { RESTRICTION_REASONS } from '../../domain/playerProtection';
import { ResultCode, refuse } from '../../domain/resultCodes';
import { parseFields } from '../fields';
import { majorOrNull, sendAnswer, sendRefusal } from '../respond';
import { currencyField, isoDateField, platformEnvelope, userIdField } from '../wireFields';

export const restrictionReasonField = z.enum(RESTRICTION_REASONS, {
  error: `must be one of ${RESTRICTION_REASONS.join(', ')}`,
});
export const restrictionUntilField = isoDateField
  .nullable()
  .optional()
  .describe('When the restriction ends (ISO 8601, in the future); null or absent: until unrestricted.');
export const maxBetField = z
  .number({ error: 'must be a number in major units, or null' })
  .refine((value) => Number.isFinite(value) && value >= 0, 'must be a non-negative finite number')
  .nullable()
  .optional()
  .describe("The most one bet may stake, in the currency's major units; null clears it, absent reads it.");

export const restrictRequest = z.object({
  ...platformEnvelope,
  userID: userIdField,
  until: restrictionUntilField,
  reason: restrictionReasonField,
});
export const unrestrictRequest = z.object({ ...platformEnvelope, userID: userIdField });
export const limitsRequest = z.object({
  ...platformEnvelope,
  userID: userIdField,
  currency: currencyField,
  maxBet: maxBetField,
});

/** maxBet in minor units: undefined (read), null (clear), or the parsed amount; a refusal answers code 2 or 14. */
export function parseMaxBet(
  currency: string,
  maxBet: number | null | undefined,
): { ok: true; maxBet: Minor | null | undefined } | { ok: false; refusal: ReturnType<typeof refuse> } {
  if (!isKnownCurrency(currency))
    return { ok: false, refusal: refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `currency ${currency} is not supported`) };
  if (maxBet === undefined || maxBet === null) return { ok: true, maxBet };
  const parsed = parseMajorAmount(maxBet, currency);
  if (!parsed.ok) return { ok: false, refusal: refuse(ResultCode.INVALID_PARAMETERS, `maxBet: ${parsed.reason}`) };
  return { ok: true, maxBet: parsed.minor };
}

function targetOf(res: Response, userId: string): ProtectionTarget {
  const operator = res.locals.caller as OperatorCaller;
  return { operatorId: operator.id, agentId: operator.agentId, userId, actor: operatorActor(operator.agentId) };
}

export function protectionRoutes(store: ProtectionStore, envelope: RequestHandler): Router {
  const router = Router();

  router.post('/v1/players/restrict', envelope, async (req, res) => {
    const fields = parseFields(restrictRequest, req.body, res);
    if (!fields) return;
    const until = fields.until ? new Date(fields.until) : null;
    const done = await restrictPlayer(store, targetOf(res, fields.userID), { reason: fields.reason, until });
    if (!done.ok) return sendRefusal(res, done.refusal);
    const view = restrictionView(done.restriction, new Date())!;
    sendAnswer(res, {
      code: ResultCode.OK,
      userID: fields.userID,
      restricted: true,
      reason: view.reason,
      until: view.until,
    });
  });

  router.post('/v1/players/unrestrict', envelope, async (req, res) => {
    const fields = parseFields(unrestrictRequest, req.body, res);
    if (!fields) return;
    const done = await unrestrictPlayer(store, targetOf(res, fields.userID));
    if (!done.ok) return sendRefusal(res, done.refusal);
    sendAnswer(res, { code: ResultCode.OK, userID: fields.userID, restricted: false });
  });

  router.post('/v1/players/limits', envelope, async (req, res) => {
    const fields = parseFields(limitsRequest, req.body, res);
    if (!fields) return;
    const maxBet = parseMaxBet(fields.currency, fields.maxBet);
    if (!maxBet.ok) return sendRefusal(res, maxBet.refusal);
    const operator = res.locals.caller as OperatorCaller;
    const target = targetOf(res, fields.userID);
    const done = await setPlayerMaxBet(store, target, operator.currencies, fields.currency, maxBet.maxBet);
    if (!done.ok) return sendRefusal(res, done.refusal);
    sendAnswer(res, {
      code: ResultCode.OK,
      userID: fields.userID,
      currency: fields.currency,
      maxBet: majorOrNull(done.maxBet, fields.currency),
    });
  });

  return router;
}
