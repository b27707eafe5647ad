/** `/v1/rounds/get` and `/v1/rounds/list` (PROTOCOL §14): an operator's own rounds, as a dispute needs them. */
import { RequestHandler, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import { HistoryStore, decodeCursor, encodeCursor } from '../../app/history/transactionHistory';
import {
  DeliveryRecord,
  RoundRecord,
  RoundStory,
  RoundStoryStore,
  closeReasonOf,
  getRoundStory,
} from '../../app/rounds/roundStory';
import { toMajorNumber } from '../../domain/money';
import { ResultCode } from '../../domain/resultCodes';
import { parseFields } from '../fields';
import { sendAnswer, sendRefusal } from '../respond';
import { externalIdField, platformEnvelope, userIdField } from '../wireFields';
import { renderHistoryEntry } from './transactionRoutes';

export const DEFAULT_ROUND_LIMIT = 50;
export const MAX_ROUND_LIMIT = 200;

export const roundGetFields = {
  userID: userIdField,
  roundID: externalIdField,
  providerID: externalIdField.optional(),
};
export const roundsGetRequest = z.object({ ...platformEnvelope, ...roundGetFields });
export const roundsListRequest = z.object({
  ...platformEnvelope,
  userID: userIdField.optional(),
  status: z.enum(['open', 'closed']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z
    .number()
    .int('must be an integer')
    .min(1, `must be 1 to ${MAX_ROUND_LIMIT}`)
    .max(MAX_ROUND_LIMIT, `must be 1 to ${MAX_ROUND_LIMIT}`)
    .optional(),
});

export function renderRound(round: RoundRecord) {
  return {
    roundID: round.roundId,
    providerID: round.providerId,
    gameID: round.gameId,
    userID: round.userId,
    status: round.status,
    openedAt: round.openedAt.toISOString(),
    closedAt: round.closedAt?.toISOString() ?? null,
    closeReason: closeReasonOf(round.closeReason),
    betCount: round.betCount,
    winCount: round.winCount,
    rolledBackCount: round.rolledBackCount,
  };
}

export function renderDelivery(d: DeliveryRecord) {
  return {
    id: d.id,
    kind: d.kind,
    transactionID: d.platformTransactionId,
    refTransactionID: d.refTransactionId,
    providerTransactionID: d.transactionId,
    amount: toMajorNumber(d.amount, d.currency),
    currency: d.currency,
    status: d.status,
    attemptCount: d.attemptCount,
    maxAttempts: d.maxAttempts,
    lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    attempts: d.attempts.map((a) => ({
      at: a.at.toISOString(),
      via: a.via,
      outcome: a.outcome,
      httpStatus: a.httpStatus,
      operatorCode: a.operatorCode,
      latencyMs: a.latencyMs,
      error: a.error,
    })),
  };
}

export function renderStory(story: RoundStory) {
  return {
    ...renderRound(story.round),
    transactions: story.transactions.map(renderHistoryEntry),
    ...(story.callbacks === null ? {} : { callbacks: story.callbacks.map(renderDelivery) }),
  };
}

export function roundRoutes(
  stores: { rounds: RoundStoryStore; history: HistoryStore },
  envelope: RequestHandler,
): Router {
  const router = Router();
  router.post('/v1/rounds/get', envelope, async (req, res) => {
    const fields = parseFields(roundsGetRequest, req.body, res);
    if (!fields) return;
    const operator = res.locals.caller as OperatorCaller;
    const found = await getRoundStory(stores, {
      operatorId: operator.id,
      userId: fields.userID,
      roundId: fields.roundID,
      providerId: fields.providerID,
      seamless: operator.mode === 'seamless',
    });
    if (!found.ok) return sendRefusal(res, found);
    // The round's fields beside code and message, as freespins/get answers its campaign.
    sendAnswer(res, { code: ResultCode.OK, ...renderStory(found.story) });
  });

  router.post('/v1/rounds/list', envelope, async (req, res) => {
    const fields = parseFields(roundsListRequest, req.body, res);
    if (!fields) return;
    const beforeId = fields.cursor === undefined ? undefined : decodeCursor(fields.cursor);
    if (beforeId === null)
      return sendAnswer(res, {
        code: ResultCode.INVALID_PARAMETERS,
        message: 'cursor: not a cursor from a previous page',
      });
    const operator = res.locals.caller as OperatorCaller;
    const limit = fields.limit ?? DEFAULT_ROUND_LIMIT;
    // One row more than asked tells whether another page exists without a count query.
    const rows = await stores.rounds.listRounds({
      operatorId: operator.id,
      userId: fields.userID,
      status: fields.status,
      beforeId,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    sendAnswer(res, {
      code: ResultCode.OK,
      rounds: page.map(renderRound),
      nextCursor: rows.length > limit && last ? encodeCursor(last.rowId) : null,
    });
  });
  return router;
}
