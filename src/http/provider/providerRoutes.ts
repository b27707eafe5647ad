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

export function providerRoutes(deps: ProviderRouteDeps): Router {
  const router = Router();
  const { ledger, envelope } = deps;

  /** The player session behind a call's token, or the answer already sent (9, or 12 until seamless). */
  async function sessionFor(res: Response, token: string, options: { gameId?: number; allowExpired: boolean }): Promise<PlayerSession | undefined> {
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
    if (balance === null) return refuse(ResultCode.PLAYER_NOT_FOUND, `player ${session.userId} has no ${session.currency} wallet`);
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
      const extra = path === '/provider/v1/auth' ? { userID: session.userId, agentID: session.agentId, currency: session.currency } : { currency: session.currency };
      sendMoneyAnswer(res, answer, session.currency, answer.code === ResultCode.OK ? extra : {});
    });
  }

  router.post('/provider/v1/bet', envelope, async (req, res) => {
    const fields = parseFields(betRequest, req.body, res);
    if (!fields) return;
    const session = await sessionFor(res, fields.token, { gameId: fields.gameID, allowExpired: false });
    if (!session) return;
    const amount = amountFor(res, session, fields.amount, false);
    if (amount === undefined) return;
    const input = base(res, session, fields);
    const answer =
      session.operatorMode === 'seamless' ? await placeSeamlessBet(deps.seamless, input, amount) : await placeBet(ledger, input, amount);
    sendMoneyAnswer(res, answer, session.currency);
  });

  router.post('/provider/v1/win', envelope, async (req, res) => {
    const fields = parseFields(winRequest, req.body, res);
    if (!fields) return;
    const session = await sessionFor(res, fields.token, { gameId: fields.gameID, allowExpired: true });
    if (!session) return;
    const amount = amountFor(res, session, fields.amount, false);
    if (amount === undefined) return;
    const input = { ...base(res, session, fields), refTransactionId: fields.refTransactionID ?? null };
    const roundClosed = fields.roundClosed === true;
    const answer =
      session.operatorMode === 'seamless'
        ? await recordSeamlessCredit(deps.seamless, winCommand(input, amount, roundClosed), decideWin(input, amount, roundClosed))
        : await settleWin(ledger, input, amount, roundClosed);
    sendMoneyAnswer(res, answer, session.currency);
  });

  router.post('/provider/v1/rollback', envelope, async (req, res) => {
    const fields = parseFields(rollbackRequest, req.body, res);
    if (!fields) return;
    const session = await sessionFor(res, fields.token, { gameId: fields.gameID, allowExpired: true });
    if (!session) return;
    const { freeSpinId: _none, ...common } = base(res, session, fields);
    const input = { ...common, refTransactionId: fields.refTransactionID };
    const answer =
      session.operatorMode === 'seamless'
        ? await recordSeamlessCredit(deps.seamless, rollbackCommand(input), decideRollback(input))
        : await rollbackBet(ledger, input);
    sendMoneyAnswer(res, answer, session.currency);
  });

  router.post('/provider/v1/jackpot', envelope, async (req, res) => {
    const fields = parseFields(jackpotRequest, req.body, res);
    if (!fields) return;
    const session = await sessionFor(res, fields.token, { gameId: fields.gameID, allowExpired: true });
    if (!session) return;
    const amount = amountFor(res, session, fields.amount, true);
    if (amount === undefined) return;
    const { freeSpinId: _none, ...common } = base(res, session, fields);
    const answer =
      session.operatorMode === 'seamless'
        ? await recordSeamlessCredit(deps.seamless, jackpotCommand(common, amount, fields.jackpotID), decideJackpot(amount))
        : await payJackpot(ledger, common, amount, fields.jackpotID);
    sendMoneyAnswer(res, answer, session.currency);
  });

  return router;
}

function base(res: Response, session: PlayerSession, fields: { transactionID: string; roundID: string; gameID: number; freeSpinID?: string | null }) {
  return {
    provider: res.locals.caller as ProviderCaller,
    session,
    transactionId: fields.transactionID,
    roundId: fields.roundID,
    gameId: fields.gameID,
    freeSpinId: fields.freeSpinID ?? null,
  };
}
