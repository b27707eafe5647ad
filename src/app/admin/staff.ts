/**
 * Back-office staff (PROTOCOL §8, §10): login, creation, the first admin from the environment, the
 * account list and changes, own password, logout, and the TOTP second factor.
 *
 * Revocation: every token carries the user's `tokenVersion`, and every admin request reads the user's
 * row (one primary-key read) and refuses a token whose version is not the current one or whose user is
 * disabled. Disabling, a role change, a password change and logout bump the version, so every token
 * issued before stops working at once, in every process.
 */
import { Prisma } from '../../db/prismaClient';
import { passwordProblem } from '../../domain/passwordPolicy';
import { ResultCode } from '../../domain/resultCodes';
import { AdminRefusal, badRequest, conflict, notFound } from './adminErrors';
import { AuditTx, recordAudit } from './audit';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords';
import { TotpEnrolment, newTotpEnrolment, verifyTotp } from './totp';

export const ROLES = ['admin', 'support', 'finance'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffIdentity {
  readonly username: string;
  readonly role: Role;
}

/** What a token is checked against on every admin request. */
export interface StaffSession extends StaffIdentity {
  readonly enabled: boolean;
  readonly tokenVersion: number;
  readonly totpEnabled: boolean;
}

export interface StaffView {
  username: string;
  role: Role;
  enabled: boolean;
  totp: boolean;
  createdAt: string;
}

/** Why a login failed, for the audit log (the caller only ever learns "wrong ..."). */
export type LoginFailure = 'unknown user' | 'wrong password' | 'disabled' | 'missing otp' | 'wrong otp';

export type LoginOutcome = { ok: true; session: StaffSession } | { ok: false; failure: LoginFailure };

const sessionSelect = { username: true, role: true, enabled: true, tokenVersion: true, totpEnabled: true } as const;

/** Refuses a password that breaks the rule of §10 with HTTP 400 code 2 naming why. */
export function assertAcceptablePassword(field: string, password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw badRequest(`${field}: ${problem}`);
}

export async function checkLogin(
  prisma: Prisma,
  username: string,
  password: string,
  otp: string | undefined,
  nowMs = Date.now(),
): Promise<LoginOutcome> {
  const user = await prisma.adminUser.findUnique({ where: { username } });
  // Verify against a dummy hash on a miss, so timing does not reveal which usernames exist.
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!user) return { ok: false, failure: 'unknown user' };
  if (!passwordOk) return { ok: false, failure: 'wrong password' };
  if (!user.enabled) return { ok: false, failure: 'disabled' };
  if (user.totpEnabled) {
    if (!otp) return { ok: false, failure: 'missing otp' };
    if (!user.totpSecret || !(await acceptTotp(prisma, user.id, user.totpSecret, user.totpLastStep, otp, nowMs)))
      return { ok: false, failure: 'wrong otp' };
  }
  return {
    ok: true,
    session: {
      username: user.username,
      role: user.role,
      enabled: user.enabled,
      tokenVersion: user.tokenVersion,
      totpEnabled: user.totpEnabled,
    },
  };
}

/**
 * A code is accepted once: its time step must be later than the last accepted one, claimed with a
 * conditional UPDATE so two processes given the same code at once accept it only once.
 */
async function acceptTotp(
  prisma: Prisma,
  userId: number,
  secret: string,
  lastStep: bigint | null,
  code: string,
  nowMs: number,
): Promise<boolean> {
  const step = await verifyTotp(secret, code, lastStep, nowMs);
  if (step === null) return false;
  const claimed = await prisma.adminUser.updateMany({
    where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: BigInt(step) } }] },
    data: { totpLastStep: BigInt(step) },
  });
  return claimed.count === 1;
}

export async function findStaffSession(prisma: Prisma, username: string): Promise<StaffSession | null> {
  return prisma.adminUser.findUnique({ where: { username }, select: sessionSelect });
}

export async function createStaff(
  prisma: Prisma,
  actor: string,
  username: string,
  password: string,
  role: Role,
): Promise<StaffIdentity> {
  assertAcceptablePassword('password', password, username);
  const passwordHash = await hashPassword(password);
  return prisma.$transaction(async (tx) => {
    if (await tx.adminUser.findUnique({ where: { username } })) throw conflict(`user ${username} already exists`);
    await tx.adminUser.create({ data: { username, passwordHash, role, createdAt: new Date() } });
    await recordAudit(tx, {
      actor,
      action: 'users.create',
      targetType: 'user',
      targetId: username,
      after: { username, role },
    });
    return { username, role };
  });
}

export async function listStaff(prisma: Prisma): Promise<StaffView[]> {
  const rows = await prisma.adminUser.findMany({ orderBy: { username: 'asc' } });
  return rows.map((row) => ({
    username: row.username,
    role: row.role,
    enabled: row.enabled,
    totp: row.totpEnabled,
    createdAt: row.createdAt.toISOString(),
  }));
}

/** Role and enabled flag; the last enabled admin cannot be disabled or demoted (nobody could undo it). */
export async function updateStaff(
  prisma: Prisma,
  actor: string,
  input: { username: string; role?: Role; enabled?: boolean },
): Promise<StaffView> {
  return prisma.$transaction(async (tx) => {
    const before = await tx.adminUser.findUnique({ where: { username: input.username } });
    if (!before) throw notFound(`user ${input.username}`);
    const role = input.role ?? before.role;
    const enabled = input.enabled ?? before.enabled;
    const changed = role !== before.role || enabled !== before.enabled;
    if (changed && before.role === 'admin' && before.enabled && (role !== 'admin' || !enabled)) {
      const otherAdmins = await tx.adminUser.count({ where: { role: 'admin', enabled: true, id: { not: before.id } } });
      if (otherAdmins === 0)
        throw conflict(`${input.username} is the last enabled admin: enable or create another admin first`);
    }
    const after = changed
      ? await tx.adminUser.update({ where: { id: before.id }, data: { role, enabled, tokenVersion: { increment: 1 } } })
      : before;
    if (changed) {
      await recordAudit(tx, {
        actor,
        action: 'users.update',
        targetType: 'user',
        targetId: before.username,
        before: { role: before.role, enabled: before.enabled },
        after: { role: after.role, enabled: after.enabled },
      });
    }
    return {
      username: after.username,
      role: after.role,
      enabled: after.enabled,
      totp: after.totpEnabled,
      createdAt: after.createdAt.toISOString(),
    };
  });
}

/** A wrong currentPassword on me/password: counted as a failed login by the caller. */
export class WrongCurrentPassword extends AdminRefusal {
  constructor() {
    super('invalid', ResultCode.INVALID_PARAMETERS, 'currentPassword: wrong password');
  }
}

/** Changes the caller's own password and revokes every token it had; answers the new session. */
export async function changeOwnPassword(
  prisma: Prisma,
  username: string,
  currentPassword: string,
  newPassword: string,
): Promise<StaffSession> {
  const user = await prisma.adminUser.findUnique({ where: { username } });
  if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) throw new WrongCurrentPassword();
  assertAcceptablePassword('newPassword', newPassword, username);
  if (newPassword === currentPassword) throw badRequest('newPassword: must differ from the current password');
  const passwordHash = await hashPassword(newPassword);
  return prisma.$transaction(async (tx) => {
    const updated = await tx.adminUser.update({
      where: { id: user.id },
      data: { passwordHash, tokenVersion: { increment: 1 } },
      select: sessionSelect,
    });
    await recordAudit(tx, { actor: username, action: 'users.password', targetType: 'user', targetId: username });
    return updated;
  });
}

export async function logoutStaff(prisma: Prisma, username: string): Promise<void> {
  await prisma.$transaction(async (tx) => {
    await tx.adminUser.update({ where: { username }, data: { tokenVersion: { increment: 1 } } });
    await recordAudit(tx, { actor: username, action: 'users.logout', targetType: 'user', targetId: username });
  });
}

/** A new secret, kept pending until a code made with it is confirmed (a re-enrolment replaces the secret then). */
export async function enrollTotp(prisma: Prisma, username: string): Promise<TotpEnrolment> {
  const enrolment = await newTotpEnrolment(username);
  await prisma.adminUser.update({ where: { username }, data: { totpPendingSecret: enrolment.secret } });
  return enrolment;
}

export async function confirmTotp(prisma: Prisma, username: string, code: string, nowMs = Date.now()): Promise<void> {
  const user = await prisma.adminUser.findUnique({ where: { username } });
  if (!user?.totpPendingSecret) throw conflict('no TOTP enrolment in progress: call /admin/v1/me/totp/enroll first');
  const step = await verifyTotp(user.totpPendingSecret, code, user.totpLastStep, nowMs);
  if (step === null) throw badRequest('code: not the current code of the enrolled secret');
  await prisma.$transaction(async (tx) => {
    // Conditional on the pending secret still being the one checked (a second enrolment may have replaced it).
    const done = await tx.adminUser.updateMany({
      where: { id: user.id, totpPendingSecret: user.totpPendingSecret },
      data: {
        totpSecret: user.totpPendingSecret,
        totpPendingSecret: null,
        totpEnabled: true,
        totpLastStep: BigInt(step),
      },
    });
    if (done.count !== 1) throw conflict('the enrolment changed meanwhile: enrol again');
    await recordAudit(tx, {
      actor: username,
      action: 'users.totp',
      targetType: 'user',
      targetId: username,
      before: { totp: user.totpEnabled },
      after: { totp: true },
    });
  });
}

/** Creates the first admin from ADMIN_USERNAME/ADMIN_PASSWORD when missing; a no-op otherwise. */
export async function ensureBootstrapAdmin(prisma: Prisma, username: string, password: string): Promise<boolean> {
  if (await prisma.adminUser.findUnique({ where: { username } })) return false;
  const passwordHash = await hashPassword(password);
  try {
    await prisma.$transaction(async (tx) => {
      await tx.adminUser.create({ data: { username, passwordHash, role: 'admin', createdAt: new Date() } });
      await recordAudit(tx, {
        actor: 'system',
        action: 'users.bootstrap',
        targetType: 'user',
        targetId: username,
        after: { username, role: 'admin' },
      });
    });
    return true;
  } catch (error) {
    // Two processes starting at once: the other one created it first.
    if ((error as { code?: string }).code === 'P2002') return false;
    throw error;
  }
}

/** Failed logins and lock-outs in the audit log (never the password tried). */
export async function auditLoginEvent(
  prisma: Prisma,
  action: 'login.failed' | 'login.locked',
  targetType: 'user' | 'address',
  targetId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await prisma.$transaction(async (tx: AuditTx) => {
    await recordAudit(tx, { actor: 'anonymous', action, targetType, targetId: targetId.slice(0, 64), after: details });
  });
}

export const loginRefused = (message = 'wrong username or password') =>
  new AdminRefusal('unauthenticated', ResultCode.CALLER_NOT_ALLOWED, message);
