/** Provider API (PROTOCOL §5): thin adapters from the wire to the provider use cases. */
import { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { ProviderCaller } from '../../app/callers';
import {
  ProviderCallDeps,
  betInEitherMode,
  jackpotInEitherMode,
  readPlayerBalance,
  rollbackInEitherMode,
  winInEitherMode,
} from '../../app/provider/providerCalls';
import { SeamlessDeps } from '../../app/seamless/seamlessDeps';
import { MoneyAnswer } from '../../app/wallet/answers';
import { ProviderLedgerStore } from '../../app/provider/providerLedgerStore';
import { OperatorLookup, PlayerSession, resolvePlayerSession } from '../../app/provider/providerSession';
import { Minor } from '../../domain/money';
import { ResultCode } from '../../domain/resultCodes';
import { parseAmountIn, parseFields } from '../fields';
import { sendMoneyAnswer, sendRefusal } from '../respond';
import { amountField, externalIdField, gameIdField } from '../wireFields';

const providerEnvelope = { providerID: externalIdField, timestamp: z.number().int(), sign: z.string() };
const tokenField = z.string({ error: 'must be a string' }).min(1).max(4096);

export const sessionRequest = z.object({ ...providerEnvelope, token: tokenField });
export const betRequest = z.object({
  ...providerEnvelope,
  token: tokenField,
  transactionID: externalIdField,
  roundID: externalIdField,
  gameID: gameIdField,
  amount: amountField,
  freeSpinID: externalIdField.nullable().optional(),
});
export const winRequest = betRequest.extend({
  refTransactionID: externalIdField.nullable().optional(),
  roundClosed: z.boolean({ error: 'must be a boolean' }).nullable().optional(),
});
export const rollbackRequest = z.object({
  ...providerEnvelope,
  token: tokenField,
  transactionID: externalIdField,
  refTransactionID: externalIdField,
  roundID: externalIdField,
  gameID: gameIdField,
});
export const jackpotRequest = z.object({
  ...providerEnvelope,
  token: tokenField,
  transactionID: externalIdField,
  roundID: externalIdField,
  gameID: gameIdField,
  amount: amountField,
  jackpotID: externalIdField,
});

export interface ProviderRouteDeps {
  readonly ledger: ProviderLedgerStore;
  readonly seamless: SeamlessDeps;
  readonly operators: OperatorLookup;
  readonly jwtSecret: string;
  readonly envelope: RequestHandler;
}

type MoneyHandler<F> = (fields: F, session: PlayerSession, res: Response) => Promise<MoneyAnswer | undefined>;

/** Routes parse and answer; the use cases (app/provider/providerCalls.ts) pick the wallet mode. */
export function providerRoutes(deps: ProviderRouteDeps): Router {
  const router = Router();
  const calls: ProviderCallDeps = { ledger: deps.ledger, seamless: deps.seamless };
  sessionRoutes(router, deps, calls);
  const money = <S extends z.ZodType<{ token: string; gameID: number }>>(
    path: string,
    schema: S,
    allowExpired: boolean,
    answer: MoneyHandler<z.infer<S>>,
  ) => moneyRoute(router, deps, { path, schema, allowExpired, answer });

  money('/provider/v1/bet', betRequest, false, async (fields, session, res) => {
    const amount = amountFor(res, session, fields.amount, false);
    return amount === undefined ? undefined : betInEitherMode(calls, base(res, session, fields), amount);
  });
  money('/provider/v1/win', winRequest, true, async (fields, session, res) => {
    const amount = amountFor(res, session, fields.amount, false);
    if (amount === undefined) return undefined;
    const input = { ...base(res, session, fields), refTransactionId: fields.refTransactionID ?? null };
    return winInEitherMode(calls, input, amount, fields.roundClosed === true);
  });
  money('/provider/v1/rollback', rollbackRequest, true, async (fields, session, res) => {
    const { freeSpinId: _none, ...common } = base(res, session, fields);
    return rollbackInEitherMode(calls, { ...common, refTransactionId: fields.refTransactionID });
  });
  money('/provider/v1/jackpot', jackpotRequest, true, async (fields, session, res) => {
    const amount = amountFor(res, session, fields.amount, true);
    if (amount === undefined) return undefined;
    const { freeSpinId: _none, ...common } = base(res, session, fields);
    return jackpotInEitherMode(calls, common, amount, fields.jackpotID);
  });
  return router;
}

/** The player session behind a call's token, or the answer already sent (9). */
async function sessionFor(
  deps: ProviderRouteDeps,
  res: Response,
  token: string,
  options: { gameId?: number; allowExpired: boolean },
): Promise<PlayerSession | undefined> {
  const provider = res.locals.caller as ProviderCaller;
  const resolved = await resolvePlayerSession(deps.operators, deps.jwtSecret, provider, token, options);
  if (!resolved.ok) {
    sendRefusal(res, resolved.refusal);
    return undefined;
  }
  return resolved.session;
}

function sessionRoutes(router: Router, deps: ProviderRouteDeps, calls: ProviderCallDeps): void {
  for (const path of ['/provider/v1/auth', '/provider/v1/balance'] as const) {
    router.post(path, deps.envelope, async (req, res) => {
      const fields = parseFields(sessionRequest, req.body, res);
      if (!fields) return;
      // auth starts a game and needs a live session; a balance read is harmless with an expired one.
      const session = await sessionFor(deps, res, fields.token, { allowExpired: path === '/provider/v1/balance' });
      if (!session) return;
      const answer = await readPlayerBalance(calls, session);
      const extra =
        path === '/provider/v1/auth'
          ? { userID: session.userId, agentID: session.agentId, currency: session.currency }
          : { currency: session.currency };
      sendMoneyAnswer(res, answer, session.currency, answer.code === ResultCode.OK ? extra : {});
    });
  }
}

/**
 * A provider money route: the fields (2), the token's session for the call's game (9; an expired
 * session only where `allowExpired`), then `answer`, which returns undefined when it has refused
 * already (an amount out of range, say).
 */
function moneyRoute<S extends z.ZodType<{ token: string; gameID: number }>>(
  router: Router,
  deps: ProviderRouteDeps,
  route: { path: string; schema: S; allowExpired: boolean; answer: MoneyHandler<z.infer<S>> },
): void {
  router.post(route.path, deps.envelope, async (req, res) => {
    const fields = parseFields(route.schema, req.body, res);
    if (!fields) return;
    const { token, gameID } = fields as { token: string; gameID: number };
    const session = await sessionFor(deps, res, token, { gameId: gameID, allowExpired: route.allowExpired });
    if (!session) return;
    const answered = await route.answer(fields, session, res);
    if (answered) sendMoneyAnswer(res, answered, session.currency);
  });
}

function amountFor(res: Response, session: PlayerSession, amount: number, positive: boolean): Minor | undefined {
  return parseAmountIn(session.currency, amount, res, { positive });
}

function base(
  res: Response,
  session: PlayerSession,
  fields: { transactionID: string; roundID: string; gameID: number; freeSpinID?: string | null },
) {
  return {
    provider: res.locals.caller as ProviderCaller,
    session,
    transactionId: fields.transactionID,
    roundId: fields.roundID,
    gameId: fields.gameID,
    freeSpinId: fields.freeSpinID ?? null,
  };
}
