/** Platform API, players and transfer-mode wallets (PROTOCOL §4): thin adapters over the use cases. */
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import { createPlayer, getPlayerBalance } from '../../app/wallet/players';
import { depositToWallet, withdrawFromWallet } from '../../app/wallet/transferFunds';
import { WalletStore } from '../../app/wallet/walletStore';
import { SeamlessDeps } from '../../app/seamless/seamlessDeps';
import { readSeamlessBalance } from '../../app/seamless/readSeamlessBalance';
import { ResultCode } from '../../domain/resultCodes';
import { isKnownCurrency } from '../../domain/currencies';
import { parseAmountIn, parseFields } from '../fields';
import { sendAnswer, sendMoneyAnswer } from '../respond';
import { amountField, currencyField, externalIdField, platformEnvelope, userIdField } from '../wireFields';

export const playerCreateRequest = z.object({
  ...platformEnvelope,
  userID: userIdField,
  currency: currencyField,
  nickname: z.string().max(64, 'must be at most 64 characters').optional().nullable(),
});

export const playerBalanceRequest = z.object({ ...platformEnvelope, userID: userIdField, currency: currencyField });

export const transferRequest = z.object({
  ...platformEnvelope,
  userID: userIdField,
  currency: currencyField,
  amount: amountField,
  transactionID: externalIdField,
});

export function walletRoutes(store: WalletStore, seamless: SeamlessDeps, envelope: RequestHandler): Router {
  const router = Router();

  router.post('/v1/player/create', envelope, async (req, res) => {
    const fields = parseFields(playerCreateRequest, req.body, res);
    if (!fields) return;
    const operator = res.locals.caller as OperatorCaller;
    if (!isKnownCurrency(fields.currency)) return unsupportedCurrency(res, fields.currency);
    const answer = await createPlayer(store, operator, fields.userID, fields.currency, fields.nickname ?? null);
    sendMoneyAnswer(
      res,
      answer,
      fields.currency,
      answer.code === ResultCode.OK ? { userID: fields.userID, currency: fields.currency } : {},
    );
  });

  router.post('/v1/player/balance', envelope, async (req, res) => {
    const fields = parseFields(playerBalanceRequest, req.body, res);
    if (!fields) return;
    const operator = res.locals.caller as OperatorCaller;
    if (!isKnownCurrency(fields.currency)) return unsupportedCurrency(res, fields.currency);
    const answer =
      operator.mode === 'seamless'
        ? await readSeamlessBalance(seamless, {
            operatorId: operator.id,
            userId: fields.userID,
            currency: fields.currency,
          })
        : await getPlayerBalance(store, operator, fields.userID, fields.currency);
    sendMoneyAnswer(res, answer, fields.currency, answer.code === ResultCode.OK ? { currency: fields.currency } : {});
  });

  for (const [path, transfer] of [
    ['/v1/player/wallet/deposit', depositToWallet],
    ['/v1/player/wallet/withdraw', withdrawFromWallet],
  ] as const) {
    router.post(path, envelope, async (req, res) => {
      const fields = parseFields(transferRequest, req.body, res);
      if (!fields) return;
      const amount = parseAmountIn(fields.currency, fields.amount, res, { positive: true });
      if (amount === undefined) return;
      const answer = await transfer(store, {
        operator: res.locals.caller as OperatorCaller,
        userId: fields.userID,
        currency: fields.currency,
        amount,
        transactionId: fields.transactionID,
      });
      sendMoneyAnswer(res, answer, fields.currency);
    });
  }

  return router;
}

function unsupportedCurrency(res: Parameters<typeof sendAnswer>[0], currency: string): void {
  sendAnswer(res, { code: ResultCode.CURRENCY_NOT_SUPPORTED, message: `currency ${currency} is not supported` });
}
