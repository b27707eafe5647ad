/** `/v1/transactions`: an operator's own history (PROTOCOL §4). */
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import {
  DEFAULT_HISTORY_LIMIT,
  HistoryEntry,
  HistoryFilter,
  HistoryStore,
  MAX_HISTORY_LIMIT,
  FeedPosition,
  decodeFeedCursor,
  listTransactions,
} from '../../app/history/transactionHistory';
import { decimalText } from '../../domain/fx';
import { toMajorNumber } from '../../domain/money';
import { ResultCode } from '../../domain/resultCodes';
import { parseFields } from '../fields';
import { sendAnswer } from '../respond';
import { externalIdField, isoDateField, platformEnvelope, userIdField } from '../wireFields';

export const historyFilterFields = {
  userID: userIdField.optional(),
  roundID: externalIdField.optional(),
  transactionID: externalIdField.optional(),
  from: isoDateField.optional(),
  to: isoDateField.optional(),
  cursor: z.string().max(200).optional(),
  limit: z
    .number()
    .int('must be an integer')
    .min(1, 'must be 1 to 1000')
    .max(MAX_HISTORY_LIMIT, 'must be 1 to 1000')
    .optional(),
};

export const transactionsRequest = z.object({ ...platformEnvelope, ...historyFilterFields });

type HistoryFields = { [K in keyof typeof historyFilterFields]?: z.infer<(typeof historyFilterFields)[K]> };

/** Turns validated wire filters into a store filter; a cursor that is not ours is an error message. */
export function historyFilterFrom(
  fields: HistoryFields,
): { ok: true; filter: Omit<HistoryFilter, 'operatorId' | 'providerId'> } | { ok: false; message: string } {
  let after: FeedPosition | undefined;
  if (fields.cursor !== undefined) {
    const decoded = decodeFeedCursor(fields.cursor);
    if (decoded === null) return { ok: false, message: 'cursor: not a cursor from a previous page' };
    after = decoded;
  }
  return {
    ok: true,
    filter: {
      userId: fields.userID,
      roundId: fields.roundID,
      transactionId: fields.transactionID,
      from: fields.from ? new Date(fields.from) : undefined,
      to: fields.to ? new Date(fields.to) : undefined,
      after,
      limit: fields.limit ?? DEFAULT_HISTORY_LIMIT,
    },
  };
}

export function renderHistoryEntry(entry: HistoryEntry) {
  return {
    platformTransactionID: entry.platformTransactionId,
    transactionID: entry.transactionId,
    type: entry.type,
    userID: entry.userId,
    currency: entry.currency,
    amount: toMajorNumber(entry.amount, entry.currency),
    balanceAfter: entry.balanceAfter === null ? null : toMajorNumber(entry.balanceAfter, entry.currency),
    roundID: entry.roundId,
    gameID: entry.gameId,
    providerID: entry.providerId,
    freeSpinID: entry.freeSpinId,
    createdAt: entry.createdAt.toISOString(),
    fxRate: entry.fxRate === null ? null : decimalText(entry.fxRate),
    amountBase: entry.amountBase === null ? null : decimalText(entry.amountBase),
    sandbox: entry.sandbox,
  };
}

export function transactionRoutes(store: HistoryStore, envelope: RequestHandler): Router {
  const router = Router();
  router.post('/v1/transactions', envelope, async (req, res) => {
    const fields = parseFields(transactionsRequest, req.body, res);
    if (!fields) return;
    const parsed = historyFilterFrom(fields);
    if (!parsed.ok) return sendAnswer(res, { code: ResultCode.INVALID_PARAMETERS, message: parsed.message });
    const operator = res.locals.caller as OperatorCaller;
    const page = await listTransactions(store, { ...parsed.filter, operatorId: operator.id });
    sendAnswer(res, {
      code: ResultCode.OK,
      transactions: page.entries.map(renderHistoryEntry),
      nextCursor: page.nextCursor,
      resumeCursor: page.resumeCursor,
    });
  });
  return router;
}
