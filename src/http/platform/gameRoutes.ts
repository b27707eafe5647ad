/** `/v1/games/list` and `/v1/games/launch` (PROTOCOL §4). */
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import { CatalogueStore, MAX_PAGE_SIZE, launchGame, listGames } from '../../app/games/catalogue';
import { isKnownCurrency } from '../../domain/currencies';
import { ResultCode, refuse } from '../../domain/resultCodes';
import { parseFields } from '../fields';
import { sendAnswer, sendRefusal } from '../respond';
import { currencyField, externalIdField, gameIdField, platformEnvelope, userIdField } from '../wireFields';

export const gamesListRequest = z.object({
  ...platformEnvelope,
  providerID: externalIdField.optional(),
  type: z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, 'must be a short lowercase word such as slot')
    .optional(),
  page: z.number().int('must be an integer').min(1, 'must be 1 or more').optional(),
  pageSize: z
    .number()
    .int('must be an integer')
    .min(1, `must be 1 to ${MAX_PAGE_SIZE}`)
    .max(MAX_PAGE_SIZE, `must be 1 to ${MAX_PAGE_SIZE}`)
    .optional(),
});

export const launchRequest = z.object({
  ...platformEnvelope,
  userID: userIdField.optional(),
  gameID: gameIdField,
  currency: currencyField,
  language: z
    .string()
    .regex(/^[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?$/, 'must be a language tag such as en or pt-BR')
    .optional(),
  demo: z.boolean({ error: 'must be a boolean' }).optional(),
  lobbyUrl: z
    .string()
    .max(1024)
    .regex(/^https?:\/\/\S+$/, 'must be an http(s) URL')
    .optional(),
  device: z.enum(['desktop', 'mobile']).optional(),
});

export function gameRoutes(deps: {
  store: CatalogueStore;
  envelope: RequestHandler;
  jwtSecret: string;
  sessionTtlS: number;
}): Router {
  const router = Router();

  router.post('/v1/games/list', deps.envelope, async (req, res) => {
    const fields = parseFields(gamesListRequest, req.body, res);
    if (!fields) return;
    const { games, total } = await listGames(deps.store, {
      providerId: fields.providerID,
      type: fields.type,
      page: fields.page,
      pageSize: fields.pageSize,
    });
    sendAnswer(res, { code: ResultCode.OK, games, total });
  });

  router.post('/v1/games/launch', deps.envelope, async (req, res) => {
    const fields = parseFields(launchRequest, req.body, res);
    if (!fields) return;
    if (!isKnownCurrency(fields.currency))
      return sendRefusal(
        res,
        refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `currency ${fields.currency} is not supported`),
      );
    const launched = await launchGame(
      deps.store,
      res.locals.caller as OperatorCaller,
      {
        userId: fields.userID ?? null,
        gameId: fields.gameID,
        currency: fields.currency,
        language: fields.language ?? 'en',
        demo: fields.demo === true,
        lobbyUrl: fields.lobbyUrl ?? null,
        device: fields.device ?? 'desktop',
      },
      { secret: deps.jwtSecret, ttlS: deps.sessionTtlS },
    );
    if (!launched.ok) return sendRefusal(res, launched.refusal);
    sendAnswer(res, { code: ResultCode.OK, url: launched.url, token: launched.token });
  });

  return router;
}
