/** Provider API (PROTOCOL §5): thin adapters from the wire to the provider use cases. */
import { RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { ProviderCaller } from '../../app/callers';
import { decideJackpot, jackpotCommand, payJackpot } from '../../app/provider/payJackpot';
import { placeBet } from '../../app/provider/placeBet';
import { placeSeamlessBet } from '../../app/seamless/placeSeamlessBet';
import { readSeamlessBalance } from '../../app/seamless/readSeamlessBalance';
import { recordSeamlessCredit } from '../../app/seamless/recordSeamlessCredit';
import { SeamlessDeps } from '../../app/seamless/seamlessDeps';
import { MoneyAnswer } from '../../app/wallet/answers';
import { ProviderLedgerStore } from '../../app/provider/providerLedgerStore';
import { OperatorLookup, PlayerSession, resolvePlayerSession } from '../../app/provider/providerSession';
import { decideRollback, rollbackBet, rollbackCommand } from '../../app/provider/rollbackBet';
import { decideWin, settleWin, winCommand } from '../../app/provider/settleWin';
import { Minor } from '../../domain/money';
import { ResultCode, refuse } from '../../domain/resultCodes';
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

// eslint-disable-next-line max-lines-per-function -- too long: to be split into smaller functions
export function providerRoutes(deps: ProviderRouteDeps): Router {
  const router = Router();
  const { ledger, envelope } = deps;

  /** The player session behind a call's token, or the answer already sent (9, or 12 until seamless). */
  async function sessionFor(
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

  /** Our wallet in transfer mode; the operator's (a Balance callback) in seamless mode. */
  async function readBalance(session: PlayerSession): Promise<MoneyAnswer> {
    if (session.operatorMode === 'seamless') return readSeamlessBalance(deps.seamless, session);
    const balance = await ledger.walletBalance(session.operatorId, session.userId, session.currency);
    if (balance === null)
      return refuse(ResultCode.PLAYER_NOT_FOUND, `player ${session.userId} has no ${session.currency} wallet`);
    return { code: ResultCode.OK, message: 'OK', balance };
  }

  function amountFor(res: Response, session: PlayerSession, amount: number, positive: boolean): Minor | undefined {
    return parseAmountIn(session.currency, amount, res, { positive });
  }

  for (const path of ['/provider/v1/auth', '/provider/v1/balance'] as const) {
    router.post(path, envelope, async (req, res) => {
      const fields = parseFields(sessionRequest, req.body, res);
      if (!fields) return;
      // auth starts a game and needs a live session; a balance read is harmless with an expired one.
      const session = await sessionFor(res, fields.token, { allowExpired: path === '/provider/v1/balance' });
      if (!session) return;
      const answer = await readBalance(session);
      const extra =
        path === '/provider/v1/auth'
          ? { userID: session.userId, agentID: session.agentId, currency: session.currency }
          : { currency: session.currency };
      sendMoneyAnswer(res, answer, session.currency, answer.code === ResultCode.OK ? extra : {});
    });
  }

  /**
   * A provider money route: the fields (2), the token's session for the call's game (9; an expired
   * session only where `allowExpired`), then `answer`, which returns undefined when it has refused
   * already (an amount out of range, say).
   */
  function moneyRoute<S extends z.ZodType<{ token: string; gameID: number }>>(
    path: string,
    schema: S,
    allowExpired: boolean,
    answer: (fields: z.infer<S>, session: PlayerSession, res: Response) => Promise<MoneyAnswer | undefined>,
  ): void {
    router.post(path, envelope, async (req, res) => {
      const fields = parseFields(schema, req.body, res);
      if (!fields) return;
      const { token, gameID } = fields as { token: string; gameID: number };
      const session = await sessionFor(res, token, { gameId: gameID, allowExpired });
      if (!session) return;
      const answered = await answer(fields, session, res);
      if (answered) sendMoneyAnswer(res, answered, session.currency);
    });
  }

  moneyRoute('/provider/v1/bet', betRequest, false, async (fields, session, res) => {
    const amount = amountFor(res, session, fields.amount, false);
    if (amount === undefined) return undefined;
    const input = base(res, session, fields);
    return session.operatorMode === 'seamless'
      ? placeSeamlessBet(deps.seamless, input, amount)
      : placeBet(ledger, input, amount);
  });

  moneyRoute('/provider/v1/win', winRequest, true, async (fields, session, res) => {
    const amount = amountFor(res, session, fields.amount, false);
    if (amount === undefined) return undefined;
    const input = { ...base(res, session, fields), refTransactionId: fields.refTransactionID ?? null };
    const roundClosed = fields.roundClosed === true;
    return session.operatorMode === 'seamless'
      ? recordSeamlessCredit(
          deps.seamless,
          winCommand(input, amount, roundClosed),
          decideWin(input, amount, roundClosed),
        )
      : settleWin(ledger, input, amount, roundClosed);
  });

  moneyRoute('/provider/v1/rollback', rollbackRequest, true, async (fields, session, res) => {
    const { freeSpinId: _none, ...common } = base(res, session, fields);
    const input = { ...common, refTransactionId: fields.refTransactionID };
    return session.operatorMode === 'seamless'
      ? recordSeamlessCredit(deps.seamless, rollbackCommand(input), decideRollback(input))
      : rollbackBet(ledger, input);
  });

  moneyRoute('/provider/v1/jackpot', jackpotRequest, true, async (fields, session, res) => {
    const amount = amountFor(res, session, fields.amount, true);
    if (amount === undefined) return undefined;
    const { freeSpinId: _none, ...common } = base(res, session, fields);
    return session.operatorMode === 'seamless'
      ? recordSeamlessCredit(deps.seamless, jackpotCommand(common, amount, fields.jackpotID), decideJackpot(amount))
      : payJackpot(ledger, common, amount, fields.jackpotID);
  });

  return router;
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
