/**
 * The back office's Players view and staff-side player protection (PROTOCOL §14, admin API of §8):
 * search an operator's players, one player's balances per currency, restriction and limits, and the
 * same restrict / unrestrict / limits changes an operator makes through the platform API (audited with
 * the staff member as actor). Transactions come from `/admin/v1/transactions/search`.
 */
import { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { AdminRefusal, badRequest, notFound } from '../../app/admin/adminErrors';
import { StaffIdentity } from '../../app/admin/staff';
import {
  playerOverview,
  restrictPlayer,
  setPlayerMaxBet,
  unrestrictPlayer,
} from '../../app/protection/playerProtection';
import {
  PlayersViewStore,
  ProtectionOperator,
  ProtectionStore,
  ProtectionTarget,
} from '../../app/protection/protectionStore';
import { toMajorNumber } from '../../domain/money';
import { Refusal, ResultCode } from '../../domain/resultCodes';
import { maxBetField, parseMaxBet, restrictionReasonField, restrictionUntilField } from '../platform/protectionRoutes';
import { currencyField, externalIdField, formatIssues, userIdField } from '../wireFields';
import { allowRoles } from './staffAuth';

export const PLAYERS_PAGE_SIZE = 50;

export const playerSearchRequest = z.object({
  agentID: externalIdField,
  userID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{0,48}$/, 'must be the start of a userID: up to 48 characters of [A-Za-z0-9_-]')
    .optional()
    .describe('The start of the userIDs to list (case-sensitive); absent lists every player.'),
  cursor: z.string().max(200).optional(),
});
export const playerGetRequest = z.object({ agentID: externalIdField, userID: userIdField });
export const adminRestrictRequest = playerGetRequest.extend({
  until: restrictionUntilField,
  reason: restrictionReasonField,
});
export const adminLimitsRequest = playerGetRequest.extend({ currency: currencyField, maxBet: maxBetField });

function input<S extends z.ZodType>(schema: S, req: Request): z.infer<S> {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

const ok = (res: Response, body: Record<string, unknown>) =>
  res.status(200).json({ code: ResultCode.OK, message: 'OK', ...body });

/** A refusal of a use case, in the admin API's web conventions (400 for codes 2 and 14). */
function refused(refusal: Refusal): AdminRefusal {
  return new AdminRefusal('invalid', refusal.code, refusal.message);
}

const encodeCursor = (userId: string) => Buffer.from(userId, 'utf8').toString('base64url');
const decodeCursor = (cursor: string) => {
  const userId = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^[A-Za-z0-9_-]{1,48}$/.test(userId)) throw badRequest('cursor: not a cursor from a previous page');
  return userId;
};

/** The player as the Players view shows it (every read and change answers it, fresh). */
async function answerWithPlayer(
  res: Response,
  views: PlayersViewStore,
  protection: ProtectionStore,
  operator: ProtectionOperator,
  userId: string,
): Promise<void> {
  const view = await playerOverview(views, protection, operator, userId);
  ok(res, {
    player: {
      agentID: operator.agentId,
      userID: userId,
      mode: operator.mode,
      currencies: operator.currencies,
      known: view.createdAt !== null,
      createdAt: view.createdAt?.toISOString() ?? null,
      balances: view.balances.map((b) => ({
        currency: b.currency,
        balance: toMajorNumber(b.balance, b.currency),
        source: b.source,
        updatedAt: b.updatedAt.toISOString(),
      })),
      restriction: view.restriction,
      limits: view.limits.map((l) => ({ currency: l.currency, maxBet: toMajorNumber(l.maxBet, l.currency) })),
    },
  });
}

export function playerRoutes(deps: {
  /** The staff token check (requireStaff), built by the composition root. */
  staff: RequestHandler;
  protection: ProtectionStore;
  views: PlayersViewStore;
}): Router {
  const router = Router();
  const { staff, protection, views } = deps;
  const readers = allowRoles('admin', 'support');
  const admins = allowRoles('admin');

  const operatorOf = async (agentId: string): Promise<ProtectionOperator> => {
    const operator = await views.operatorByAgentId(agentId);
    if (!operator) throw notFound(`operator ${agentId}`);
    return operator;
  };
  const targetOf = async (req: Request, res: Response, fields: { agentID: string; userID: string }) => {
    const operator = await operatorOf(fields.agentID);
    const target: ProtectionTarget = {
      operatorId: operator.id,
      agentId: operator.agentId,
      userId: fields.userID,
      actor: (res.locals.staff as StaffIdentity).username,
    };
    return { operator, target };
  };
  const answerPlayer = (res: Response, operator: ProtectionOperator, userId: string) =>
    answerWithPlayer(res, views, protection, operator, userId);

  router.post('/admin/v1/players/search', staff, readers, async (req, res) => {
    const fields = input(playerSearchRequest, req);
    const operator = await operatorOf(fields.agentID);
    const after = fields.cursor === undefined ? null : decodeCursor(fields.cursor);
    const found = await views.searchPlayers(operator.id, fields.userID ?? '', after, PLAYERS_PAGE_SIZE + 1);
    const page = found.slice(0, PLAYERS_PAGE_SIZE);
    ok(res, {
      players: page.map((p) => ({ userID: p.userId, createdAt: p.createdAt.toISOString(), restricted: p.restricted })),
      nextCursor: found.length > PLAYERS_PAGE_SIZE ? encodeCursor(page[page.length - 1]!.userId) : null,
    });
  });

  router.post('/admin/v1/players/get', staff, readers, async (req, res) => {
    const fields = input(playerGetRequest, req);
    await answerPlayer(res, await operatorOf(fields.agentID), fields.userID);
  });

  router.post('/admin/v1/players/restrict', staff, admins, async (req, res) => {
    const fields = input(adminRestrictRequest, req);
    const { operator, target } = await targetOf(req, res, fields);
    const until = fields.until ? new Date(fields.until) : null;
    const done = await restrictPlayer(protection, target, { reason: fields.reason, until });
    if (!done.ok) throw refused(done.refusal);
    await answerPlayer(res, operator, fields.userID);
  });

  router.post('/admin/v1/players/unrestrict', staff, admins, async (req, res) => {
    const fields = input(playerGetRequest, req);
    const { operator, target } = await targetOf(req, res, fields);
    const done = await unrestrictPlayer(protection, target);
    if (!done.ok) throw refused(done.refusal);
    await answerPlayer(res, operator, fields.userID);
  });

  router.post('/admin/v1/players/limits', staff, admins, async (req, res) => {
    const fields = input(adminLimitsRequest, req);
    const { operator, target } = await targetOf(req, res, fields);
    const maxBet = parseMaxBet(fields.currency, fields.maxBet);
    if (!maxBet.ok) throw refused(maxBet.refusal);
    const done = await setPlayerMaxBet(protection, target, operator.currencies, fields.currency, maxBet.maxBet);
    if (!done.ok) throw refused(done.refusal);
    await answerPlayer(res, operator, fields.userID);
  });

  return router;
}
