/**
 * `/admin/v1/rounds/get` (PROTOCOL §14): a round's story for staff, as `/v1/rounds/get` answers it to
 * its operator, named by `agentID`, `userID`, `roundID` (and `providerID?`), or by `callbackID` (the
 * round a delivery reports: the back office links every callback row to it). Web conventions (§8):
 * 400 code 2 bad input, 404 code 10 no such round, 404 code 2 no such operator or callback.
 */
import { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { AdminRefusal, badRequest } from '../../app/admin/adminErrors';
import { roundTargetByAgent, roundTargetByCallback } from '../../app/admin/rounds';
import { HistoryStore } from '../../app/history/transactionHistory';
import { RoundStoryStore, StaffRoundTarget, getRoundStory } from '../../app/rounds/roundStory';
import { ResultCode } from '../../domain/resultCodes';
import { renderStory } from '../platform/roundRoutes';
import { externalIdField, formatIssues, userIdField } from '../wireFields';
import { allowRoles } from './staffAuth';

export const adminRoundGetRequest = z
  .object({
    agentID: externalIdField.optional(),
    userID: userIdField.optional(),
    roundID: externalIdField.optional(),
    providerID: externalIdField.optional(),
    callbackID: z
      .union([z.string().regex(/^\d{1,19}$/, 'must be a callback id'), z.number().int().positive()])
      .optional()
      .describe('Instead of agentID, userID and roundID: the round this callback delivery reports.'),
  })
  .refine((f) => f.callbackID !== undefined || (f.agentID && f.userID && f.roundID), {
    message: 'give agentID, userID and roundID, or callbackID',
  });

function parse(req: Request): z.infer<typeof adminRoundGetRequest> {
  // GET takes the same fields from the query string (the back office's round page is a URL).
  const source: unknown = req.method === 'GET' ? req.query : req.body;
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    throw badRequest('the body must be a JSON object');
  const parsed = adminRoundGetRequest.safeParse(source);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

export function roundAdminRoutes(deps: {
  /** requireStaff, built by the composition root. */
  staff: RequestHandler;
  rounds: RoundStoryStore;
  history: HistoryStore;
}): Router {
  const router = Router();
  const staff = deps.staff;
  // Everyone who reads transactions reads the rounds they belong to.
  const readers = allowRoles('admin', 'support', 'finance');
  const handler = async (req: Request, res: Response) => {
    const fields = parse(req);
    const target: StaffRoundTarget =
      fields.callbackID !== undefined
        ? await roundTargetByCallback(deps.rounds, String(fields.callbackID))
        : await roundTargetByAgent(deps.rounds, {
            agentId: fields.agentID!,
            userId: fields.userID!,
            roundId: fields.roundID!,
            providerId: fields.providerID,
          });
    const found = await getRoundStory(deps, target);
    if (!found.ok) {
      throw new AdminRefusal(
        found.code === ResultCode.REFERENCE_NOT_FOUND ? 'not-found' : 'invalid',
        found.code,
        found.message,
      );
    }
    const story = renderStory(found.story);
    res.status(200).json({
      code: ResultCode.OK,
      message: 'OK',
      agentID: target.agentId,
      ...story,
      transactions: story.transactions.map((t) => ({ ...t, agentID: target.agentId })),
    });
  };
  router.get('/admin/v1/rounds/get', staff, readers, handler);
  router.post('/admin/v1/rounds/get', staff, readers, handler);
  return router;
}
