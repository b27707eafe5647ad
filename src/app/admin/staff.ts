/** Back-office staff: login, creation, and the first admin from the environment (PROTOCOL §8). */
import { Prisma } from '../../db/prismaClient';
import { ResultCode } from '../../domain/resultCodes';
import { AdminRefusal, conflict } from './adminErrors';
import { recordAudit } from './audit';
import { DUMMY_HASH_PROMISE, hashPassword, verifyPassword } from './passwords';

export const ROLES = ['admin', 'support', 'finance'] as const;
export type Role = (typeof ROLES)[number];

export interface StaffIdentity {
  readonly username: string;
  readonly role: Role;
}

export async function authenticateStaff(prisma: Prisma, username: string, password: string): Promise<StaffIdentity> {
  const user = await prisma.adminUser.findUnique({ where: { username } });
  // Verify against a dummy hash on a miss, so timing does not reveal which usernames exist.
  const ok = await verifyPassword(password, user?.passwordHash ?? (await DUMMY_HASH_PROMISE));
  if (!user || !ok) throw new AdminRefusal(401, ResultCode.CALLER_NOT_ALLOWED, 'wrong username or password');
  return { username: user.username, role: user.role };
}

export async function findStaff(prisma: Prisma, username: string): Promise<StaffIdentity | null> {
  const user = await prisma.adminUser.findUnique({ where: { username }, select: { username: true, role: true } });
  return user;
}

export async function createStaff(prisma: Prisma, actor: string, username: string, password: string, role: Role): Promise<StaffIdentity> {
  const passwordHash = await hashPassword(password);
  return prisma.$transaction(async (tx) => {
    if (await tx.adminUser.findUnique({ where: { username } })) throw conflict(`user ${username} already exists`);
    await tx.adminUser.create({ data: { username, passwordHash, role, createdAt: new Date() } });
    await recordAudit(tx, { actor, action: 'users.create', targetType: 'user', targetId: username, after: { username, role } });
    return { username, role };
  });
}

/** Creates the first admin from ADMIN_USERNAME/ADMIN_PASSWORD when missing; a no-op otherwise. */
export async function ensureBootstrapAdmin(prisma: Prisma, username: string, password: string): Promise<boolean> {
  if (await prisma.adminUser.findUnique({ where: { username } })) return false;
  const passwordHash = await hashPassword(password);
  try {
    await prisma.$transaction(async (tx) => {
      await tx.adminUser.create({ data: { username, passwordHash, role: 'admin', createdAt: new Date() } });
      await recordAudit(tx, { actor: 'system', action: 'users.bootstrap', targetType: 'user', targetId: username, after: { username, role: 'admin' } });
    });
    return true;
  } catch (error) {
    // Two processes starting at once: the other one created it first.
    if ((error as { code?: string }).code === 'P2002') return false;
    throw error;
  }
}
