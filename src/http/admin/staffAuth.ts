/**
 * Staff authentication for the admin API: a JWT bearer token (HS256 pinned, audience-scoped, expiring)
 * and a role check per route. 401 for a missing, bad or expired token; 403 for a role without the right.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { hmacKey } from '../../app/sessions/hmacKey';
import { Prisma } from '../../db/prismaClient';
import { ResultCode } from '../../domain/resultCodes';
import { ROLES, Role, StaffIdentity, findStaff } from '../../app/admin/staff';

const AUDIENCE = 'admin';
const ISSUER = 'casino-aggregator';
export const STAFF_TOKEN_TTL_S = 8 * 60 * 60;

export function issueStaffToken(secret: string, staff: StaffIdentity): string {
  return jwt.sign({ role: staff.role }, hmacKey(secret), {
    algorithm: 'HS256',
    subject: staff.username,
    audience: AUDIENCE,
    issuer: ISSUER,
    expiresIn: STAFF_TOKEN_TTL_S,
  });
}

function deny(res: Response, status: 401 | 403, message: string): void {
  res.status(status).json({ code: ResultCode.CALLER_NOT_ALLOWED, message });
}

/** Verifies the token and that its user still exists (a deleted user's token dies with it). */
export function requireStaff(secret: string, prisma: Prisma): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return deny(res, 401, 'missing bearer token');
    let subject: string;
    try {
      const payload = jwt.verify(match[1], hmacKey(secret), { algorithms: ['HS256'], audience: AUDIENCE, issuer: ISSUER });
      if (typeof payload === 'string' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number') throw new Error('no subject or expiry');
      subject = payload.sub;
    } catch {
      return deny(res, 401, 'invalid or expired token');
    }
    const staff = await findStaff(prisma, subject);
    if (!staff) return deny(res, 401, 'invalid or expired token');
    res.locals.staff = staff;
    next();
  };
}

export function allowRoles(...roles: Role[]): RequestHandler {
  const allowed = new Set<Role>(roles);
  return (_req, res, next) => {
    const staff = res.locals.staff as StaffIdentity | undefined;
    if (!staff) return deny(res, 401, 'missing bearer token');
    if (!allowed.has(staff.role)) return deny(res, 403, `role ${staff.role} may not do this`);
    next();
  };
}

export { ROLES };
