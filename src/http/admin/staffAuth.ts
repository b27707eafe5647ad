/**
 * Staff authentication for the admin API: a JWT bearer token (HS256 pinned, audience-scoped, expiring,
 * carrying the user's token version) and a role check per route. 401 for a missing, bad, expired or
 * revoked token (user disabled, role or password changed, logged out); 403 for a role without the
 * right, and for an admin without a second factor while ADMIN_REQUIRE_TOTP is on.
 */
import { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { hmacKey } from '../../app/sessions/hmacKey';
import { ResultCode } from '../../domain/resultCodes';
import { ROLES, Role, StaffIdentity, StaffSession, StaffStore, findStaffSession } from '../../app/admin/staff';

const AUDIENCE = 'admin';
const ISSUER = 'casino-aggregator';
export const STAFF_TOKEN_TTL_S = 8 * 60 * 60;

export function issueStaffToken(secret: string, staff: StaffSession): string {
  return jwt.sign({ role: staff.role, ver: staff.tokenVersion }, hmacKey(secret), {
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

/** What an admin without a second factor may still call while ADMIN_REQUIRE_TOTP is on: set one up, or leave. */
export const TOTP_SETUP_PATHS: ReadonlySet<string> = new Set([
  '/admin/v1/me/totp/enroll',
  '/admin/v1/me/totp/confirm',
  '/admin/v1/logout',
]);

/**
 * Verifies the token, then reads its user (one primary-key lookup per admin request): the user must
 * exist, be enabled, and still be at the token's version.
 */
export function requireStaff(
  secret: string,
  sessions: Pick<StaffStore, 'findSession'>,
  options: { requireTotp: boolean },
): RequestHandler {
  return async (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) return deny(res, 401, 'missing bearer token');
    let subject: string;
    let version: number;
    try {
      const payload = jwt.verify(match[1], hmacKey(secret), {
        algorithms: ['HS256'],
        audience: AUDIENCE,
        issuer: ISSUER,
      });
      if (typeof payload === 'string' || typeof payload.sub !== 'string' || typeof payload.exp !== 'number')
        throw new Error('no subject or expiry');
      if (typeof payload.ver !== 'number') throw new Error('no token version');
      subject = payload.sub;
      version = payload.ver;
    } catch {
      return deny(res, 401, 'invalid or expired token');
    }
    const staff = await findStaffSession(sessions, subject);
    if (!staff || !staff.enabled || staff.tokenVersion !== version)
      return deny(res, 401, 'invalid, expired or revoked token');
    if (options.requireTotp && staff.role === 'admin' && !staff.totpEnabled && !TOTP_SETUP_PATHS.has(req.path)) {
      return deny(
        res,
        403,
        'admins must set up a second factor first: /admin/v1/me/totp/enroll, then /admin/v1/me/totp/confirm',
      );
    }
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
