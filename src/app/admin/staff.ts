/**
 * Back-office staff (PROTOCOL §8, §10): login, creation, the first admin from the environment, the
 * account list and changes, own password, logout, and the TOTP second factor.
 *
 * Revocation: every token carries the user's `tokenVersion`, and every admin request reads the user's
 * row (one primary-key read) and refuses a token whose version is not the current one or whose user is
 * disabled. Disabling, a role change, a password change and logout bump the version, so every token
 * issued before stops working at once, in every process.
 *
 * The reads and writes, each change in one transaction with its audit entry, are a StaffStore
 * (db/staffStore.ts); passwords are checked and hashed here, outside any transaction.
 */
import { passwordProblem } from '../../domain/passwordPolicy';
import { ResultCode } from '../../domain/resultCodes';
import { AdminRefusal, badRequest, conflict } from './adminErrors';
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

/** An admin_users row as the use cases read it. */
export interface StaffUserRow extends StaffSession {
  readonly id: number;
  readonly passwordHash: string;
  readonly totpSecret: string | null;
  readonly totpPendingSecret: string | null;
  readonly totpLastStep: bigint | null;
  readonly createdAt: Date;
}

export interface StaffStore {
  findUser(username: string): Promise<StaffUserRow | null>;
  /** One primary-key read of what a token is checked against. */
  findSession(username: string): Promise<StaffSession | null>;
  /** A conditional UPDATE: true when `step` is later than the last accepted one, and is now. */
  claimTotpStep(userId: number, step: bigint): Promise<boolean>;
  /** Refuses a username taken (conflict). */
  create(actor: string, username: string, passwordHash: string, role: Role): Promise<void>;
  list(): Promise<StaffUserRow[]>;
  /** Role and enabled flag, bumping the token version when either changes; refuses to leave no enabled admin. */
  update(actor: string, input: { username: string; role?: Role; enabled?: boolean }): Promise<StaffUserRow>;
  /** The new hash and a bumped token version; answers the new session. */
  changePassword(userId: number, username: string, passwordHash: string): Promise<StaffSession>;
  /** Bumps the token version. */
  logout(username: string): Promise<void>;
  setPendingTotp(username: string, secret: string): Promise<void>;
  /** Moves the pending secret checked (`user`'s) to the active one; refuses when it changed meanwhile. */
  confirmTotp(user: StaffUserRow, step: bigint): Promise<void>;
  /** The first admin; false when another process created it first. */
  createBootstrapAdmin(username: string, passwordHash: string): Promise<boolean>;
  /** An audit entry alone (a failed login changes nothing else). */
  audit(record: {
    action: string;
    targetType: string;
    targetId: string;
    after: Record<string, unknown>;
  }): Promise<void>;
}

/** Refuses a password that breaks the rule of §10 with HTTP 400 code 2 naming why. */
export function assertAcceptablePassword(field: string, password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem) throw badRequest(`${field}: ${problem}`);
}

const sessionOf = (user: StaffUserRow): StaffSession => ({
  username: user.username,
  role: user.role,
  enabled: user.enabled,
  tokenVersion: user.tokenVersion,
  totpEnabled: user.totpEnabled,
});

const staffView = (row: StaffUserRow): StaffView => ({
  username: row.username,
  role: row.role,
  enabled: row.enabled,
  totp: row.totpEnabled,
  createdAt: row.createdAt.toISOString(),
});

export async function checkLogin(
  store: StaffStore,
  username: string,
  password: string,
  otp: string | undefined,
  nowMs = Date.now(),
): Promise<LoginOutcome> {
  const user = await store.findUser(username);
  // Verify against a dummy hash on a miss, so timing does not reveal which usernames exist.
  const passwordOk = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!user) return { ok: false, failure: 'unknown user' };
  if (!passwordOk) return { ok: false, failure: 'wrong password' };
  if (!user.enabled) return { ok: false, failure: 'disabled' };
  if (user.totpEnabled) {
    if (!otp) return { ok: false, failure: 'missing otp' };
    if (!user.totpSecret || !(await acceptTotp(store, user.id, user.totpSecret, user.totpLastStep, otp, nowMs)))
      return { ok: false, failure: 'wrong otp' };
  }
  return { ok: true, session: sessionOf(user) };
}

/**
 * A code is accepted once: its time step must be later than the last accepted one, claimed with a
 * conditional UPDATE so two processes given the same code at once accept it only once.
 */
async function acceptTotp(
  store: StaffStore,
  userId: number,
  secret: string,
  lastStep: bigint | null,
  code: string,
  nowMs: number,
): Promise<boolean> {
  const step = await verifyTotp(secret, code, lastStep, nowMs);
  if (step === null) return false;
  return store.claimTotpStep(userId, BigInt(step));
}

export function findStaffSession(
  store: Pick<StaffStore, 'findSession'>,
  username: string,
): Promise<StaffSession | null> {
  return store.findSession(username);
}

export async function createStaff(
  store: StaffStore,
  actor: string,
  username: string,
  password: string,
  role: Role,
): Promise<StaffIdentity> {
  assertAcceptablePassword('password', password, username);
  const passwordHash = await hashPassword(password);
  await store.create(actor, username, passwordHash, role);
  return { username, role };
}

export async function listStaff(store: StaffStore): Promise<StaffView[]> {
  return (await store.list()).map(staffView);
}

/** Role and enabled flag; the last enabled admin cannot be disabled or demoted (nobody could undo it). */
export async function updateStaff(
  store: StaffStore,
  actor: string,
  input: { username: string; role?: Role; enabled?: boolean },
): Promise<StaffView> {
  return staffView(await store.update(actor, input));
}

/** A wrong currentPassword on me/password: counted as a failed login by the caller. */
export class WrongCurrentPassword extends AdminRefusal {
  constructor() {
    super('invalid', ResultCode.INVALID_PARAMETERS, 'currentPassword: wrong password');
  }
}

/** Changes the caller's own password and revokes every token it had; answers the new session. */
export async function changeOwnPassword(
  store: StaffStore,
  username: string,
  currentPassword: string,
  newPassword: string,
): Promise<StaffSession> {
  const user = await store.findUser(username);
  if (!user || !(await verifyPassword(currentPassword, user.passwordHash))) throw new WrongCurrentPassword();
  assertAcceptablePassword('newPassword', newPassword, username);
  if (newPassword === currentPassword) throw badRequest('newPassword: must differ from the current password');
  const passwordHash = await hashPassword(newPassword);
  return store.changePassword(user.id, username, passwordHash);
}

export function logoutStaff(store: StaffStore, username: string): Promise<void> {
  return store.logout(username);
}

/** A new secret, kept pending until a code made with it is confirmed (a re-enrolment replaces the secret then). */
export async function enrollTotp(store: StaffStore, username: string): Promise<TotpEnrolment> {
  const enrolment = await newTotpEnrolment(username);
  await store.setPendingTotp(username, enrolment.secret);
  return enrolment;
}

export async function confirmTotp(
  store: StaffStore,
  username: string,
  code: string,
  nowMs = Date.now(),
): Promise<void> {
  const user = await store.findUser(username);
  if (!user?.totpPendingSecret) throw conflict('no TOTP enrolment in progress: call /admin/v1/me/totp/enroll first');
  const step = await verifyTotp(user.totpPendingSecret, code, user.totpLastStep, nowMs);
  if (step === null) throw badRequest('code: not the current code of the enrolled secret');
  await store.confirmTotp(user, BigInt(step));
}

/** Creates the first admin from ADMIN_USERNAME/ADMIN_PASSWORD when missing; a no-op otherwise. */
export async function ensureBootstrapAdmin(store: StaffStore, username: string, password: string): Promise<boolean> {
  if (await store.findUser(username)) return false;
  const passwordHash = await hashPassword(password);
  return store.createBootstrapAdmin(username, passwordHash);
}

/** Failed logins and lock-outs in the audit log (never the password tried). */
export async function auditLoginEvent(
  store: StaffStore,
  action: 'login.failed' | 'login.locked',
  targetType: 'user' | 'address',
  targetId: string,
  details: Record<string, unknown>,
): Promise<void> {
  await store.audit({ action, targetType, targetId: targetId.slice(0, 64), after: details });
}

export const loginRefused = (message = 'wrong username or password') =>
  new AdminRefusal('unauthenticated', ResultCode.CALLER_NOT_ALLOWED, message);
