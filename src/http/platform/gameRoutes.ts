/** `/v1/games/list` and `/v1/games/launch` (PROTOCOL §4). */
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import { CatalogueStore, MAX_PAGE_SIZE, launchGame, listGames } from '../../app/games/catalogue';
import { LaunchGate } from '../../app/games/launchGates';
import { isKnownCurrency } from '../../domain/currencies';
import { ResultCode, refuse } from '../../domain/resultCodes';
import { parseFields } from '../fields';
import { toMajorNumber } from '../../domain/money';
import { sendAnswer, sendRefusal } from '../respond';
import { countryField, platformField, shortWordField } from '../catalogueFields';
import {
  currencyField,
  externalIdField,
  gameIdField,
  isoDateField,
  platformEnvelope,
  userIdField,
} from '../wireFields';

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
  // ---- Catalogue (PROTOCOL §14) ----
  category: shortWordField.optional(),
  platform: platformField.optional(),
  changedSince: isoDateField
    .optional()
    .describe(
      'The change feed: every game added, changed, disabled or blocked for this operator since then, disabled and blocked ones with enabled: false.',
    ),
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
  country: countryField.optional().describe("The player's country as the operator knows it (ISO 3166-1 alpha-2)."),
});

export function gameRoutes(deps: {
  store: CatalogueStore;
  envelope: RequestHandler;
  jwtSecret: string;
  sessionTtlS: number;
  /** The launch rules in order (app/games/launchGates.ts); the catalogue's own when not given. */
  launchGates?: readonly LaunchGate[];
  /** The circuit breaker (§6.3): real-money launches of a seamless operator whose breaker is open get 17. */
  breaker?: { isOpen(operatorId: number): Promise<boolean> };
}): Router {
  const router = Router();

  router.post('/v1/games/list', deps.envelope, async (req, res) => {
    const fields = parseFields(gamesListRequest, req.body, res);
    if (!fields) return;
    const listed = await listGames(
      deps.store,
      res.locals.caller as OperatorCaller,
      {
        providerId: fields.providerID,
        type: fields.type,
        category: fields.category,
        platform: fields.platform,
        changedSince: fields.changedSince === undefined ? undefined : new Date(fields.changedSince),
        page: fields.page,
        pageSize: fields.pageSize,
      },
      new Date(),
    );
    sendAnswer(res, { code: ResultCode.OK, ...listed });
  });

  router.post('/v1/games/launch', deps.envelope, async (req, res) => {
    const fields = parseFields(launchRequest, req.body, res);
    if (!fields) return;
    if (!isKnownCurrency(fields.currency))
      return sendRefusal(
        res,
        refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `currency ${fields.currency} is not supported`),
      );
    const caller = res.locals.caller as OperatorCaller;
    if (caller.mode === 'seamless' && fields.demo !== true && (await deps.breaker?.isOpen(caller.id)))
      return sendRefusal(
        res,
        refuse(
          ResultCode.OPERATOR_WALLET_UNAVAILABLE,
          "operator wallet unavailable: the wallet's circuit breaker is open",
        ),
      );
    const launched = await launchGame(
      deps.store,
      caller,
      {
        userId: fields.userID ?? null,
        gameId: fields.gameID,
        currency: fields.currency,
        language: fields.language ?? 'en',
        demo: fields.demo === true,
        lobbyUrl: fields.lobbyUrl ?? null,
        device: fields.device ?? 'desktop',
        country: fields.country ?? null,
      },
      { secret: deps.jwtSecret, ttlS: deps.sessionTtlS },
      deps.launchGates,
    );
    if (!launched.ok) {
      // A launch refused for an empty wallet answers the balance, as every other code 7 does.
      const extra = launched.balance === undefined ? {} : { balance: toMajorNumber(launched.balance, fields.currency) };
      return sendRefusal(res, launched.refusal, extra);
    }
    sendAnswer(res, { code: ResultCode.OK, url: launched.url, token: launched.token });
  });

  return router;
}
