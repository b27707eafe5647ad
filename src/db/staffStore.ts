/** Back-office staff for the admin use cases (app/admin/staff.ts), over Prisma. */
import { conflict, notFound } from '../app/admin/adminErrors';
import { Role, StaffSession, StaffStore, StaffUserRow } from '../app/admin/staff';
import { recordAudit } from './auditLog';
import { Prisma } from './prismaClient';

const sessionSelect = { username: true, role: true, enabled: true, tokenVersion: true, totpEnabled: true } as const;

export class PrismaStaffStore implements StaffStore {
  constructor(private readonly prisma: Prisma) {}

  findUser(username: string): Promise<StaffUserRow | null> {
    return this.prisma.adminUser.findUnique({ where: { username } });
  }

  findSession(username: string): Promise<StaffSession | null> {
    return this.prisma.adminUser.findUnique({ where: { username }, select: sessionSelect });
  }

  async claimTotpStep(userId: number, step: bigint): Promise<boolean> {
    const claimed = await this.prisma.adminUser.updateMany({
      where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return claimed.count === 1;
  }

  async create(actor: string, username: string, passwordHash: string, role: Role): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      if (await tx.adminUser.findUnique({ where: { username } })) throw conflict(`user ${username} already exists`);
      await tx.adminUser.create({ data: { username, passwordHash, role, createdAt: new Date() } });
      await recordAudit(tx, {
        actor,
        action: 'users.create',
        targetType: 'user',
        targetId: username,
        after: { username, role },
      });
    });
  }

  list(): Promise<StaffUserRow[]> {
    return this.prisma.adminUser.findMany({ orderBy: { username: 'asc' } });
  }

  /** The last enabled admin cannot be disabled or demoted (nobody could undo it). */
  update(actor: string, input: { username: string; role?: Role; enabled?: boolean }): Promise<StaffUserRow> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.adminUser.findUnique({ where: { username: input.username } });
      if (!before) throw notFound(`user ${input.username}`);
      const role = input.role ?? before.role;
      const enabled = input.enabled ?? before.enabled;
      const changed = role !== before.role || enabled !== before.enabled;
      if (changed && before.role === 'admin' && before.enabled && (role !== 'admin' || !enabled)) {
        const otherAdmins = await tx.adminUser.count({
          where: { role: 'admin', enabled: true, id: { not: before.id } },
        });
        if (otherAdmins === 0)
          throw conflict(`${input.username} is the last enabled admin: enable or create another admin first`);
      }
      const after = changed
        ? await tx.adminUser.update({
            where: { id: before.id },
            data: { role, enabled, tokenVersion: { increment: 1 } },
          })
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
      return after;
    });
  }

  changePassword(userId: number, username: string, passwordHash: string): Promise<StaffSession> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.adminUser.update({
        where: { id: userId },
        data: { passwordHash, tokenVersion: { increment: 1 } },
        select: sessionSelect,
      });
      await recordAudit(tx, { actor: username, action: 'users.password', targetType: 'user', targetId: username });
      return updated;
    });
  }

  async logout(username: string): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await tx.adminUser.update({ where: { username }, data: { tokenVersion: { increment: 1 } } });
      await recordAudit(tx, { actor: username, action: 'users.logout', targetType: 'user', targetId: username });
    });
  }

  async setPendingTotp(username: string, secret: string): Promise<void> {
    await this.prisma.adminUser.update({ where: { username }, data: { totpPendingSecret: secret } });
  }

  async confirmTotp(user: StaffUserRow, step: bigint): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      // Conditional on the pending secret still being the one checked (a second enrolment may have replaced it).
      const done = await tx.adminUser.updateMany({
        where: { id: user.id, totpPendingSecret: user.totpPendingSecret },
        data: {
          totpSecret: user.totpPendingSecret,
          totpPendingSecret: null,
          totpEnabled: true,
          totpLastStep: step,
        },
      });
      if (done.count !== 1) throw conflict('the enrolment changed meanwhile: enrol again');
      await recordAudit(tx, {
        actor: user.username,
        action: 'users.totp',
        targetType: 'user',
        targetId: user.username,
        before: { totp: user.totpEnabled },
        after: { totp: true },
      });
    });
  }

  async createBootstrapAdmin(username: string, passwordHash: string): Promise<boolean> {
    try {
      await this.prisma.$transaction(async (tx) => {
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

  async audit(record: {
    action: string;
    targetType: string;
    targetId: string;
    after: Record<string, unknown>;
  }): Promise<void> {
    await this.prisma.$transaction(async (tx) => {
      await recordAudit(tx, { actor: 'anonymous', ...record });
    });
  }
}
