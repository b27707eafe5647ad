/** Providers (studios) for the admin use cases (app/admin/providers.ts), over Prisma. */
import { secretContext } from '../domain/secretEnvelope';
import { storedAllowedIps } from '../app/ipAllowList';
import { conflict, notFound } from '../app/admin/adminErrors';
import {
  CreateProviderInput,
  ProviderAdminStore,
  ProviderView,
  UpdateProviderInput,
  providerView,
} from '../app/admin/providers';
import { recordAudit } from './auditLog';
import { Prisma } from './prismaClient';
import { rotatedSecretColumns, sealStored } from './storedSecrets';

export class PrismaProviderAdminStore implements ProviderAdminStore {
  constructor(private readonly prisma: Prisma) {}

  create(actor: string, input: CreateProviderInput, secretKey: string): Promise<ProviderView> {
    return this.prisma.$transaction(async (tx) => {
      if (await tx.provider.findUnique({ where: { providerId: input.providerID } })) {
        throw conflict(`provider ${input.providerID} already exists`);
      }
      const row = await tx.provider.create({
        data: {
          providerId: input.providerID,
          name: input.name,
          secretKey: sealStored(secretContext.providerSecret(input.providerID), secretKey),
          enabled: true,
          launchUrlTemplate: input.launchUrl || null,
          createdAt: new Date(),
        },
      });
      const view = providerView(row);
      await recordAudit(tx, {
        actor,
        action: 'providers.create',
        targetType: 'provider',
        targetId: input.providerID,
        after: view,
      });
      return view;
    });
  }

  update(actor: string, input: UpdateProviderInput): Promise<ProviderView> {
    return this.prisma.$transaction(async (tx) => {
      const before = await tx.provider.findUnique({ where: { providerId: input.providerID } });
      if (!before) throw notFound(`provider ${input.providerID}`);
      const row = await tx.provider.update({
        where: { id: before.id },
        data: {
          name: input.name,
          enabled: input.enabled,
          launchUrlTemplate: input.launchUrl === undefined ? undefined : input.launchUrl || null,
          allowedIps: input.allowedIps === undefined ? undefined : storedAllowedIps(input.allowedIps),
        },
      });
      const after = providerView(row);
      // Its games appear, or disappear, in every operator's lobby: the change feed (§14) must say so.
      if (before.enabled !== row.enabled)
        await tx.game.updateMany({ where: { providerId: row.id }, data: { changedAt: new Date() } });
      await recordAudit(tx, {
        actor,
        action: 'providers.update',
        targetType: 'provider',
        targetId: input.providerID,
        before: providerView(before),
        after,
      });
      return after;
    });
  }

  async list(): Promise<ProviderView[]> {
    return (await this.prisma.provider.findMany({ orderBy: { id: 'asc' } })).map(providerView);
  }

  rotateSecret(actor: string, providerId: string, overlapSeconds: number, secretKey: string) {
    return this.prisma.$transaction(async (tx) => {
      const locked = await tx.$queryRaw<
        { id: number }[]
      >`SELECT id FROM providers WHERE provider_id = ${providerId} FOR UPDATE`;
      if (!locked[0]) throw notFound(`provider ${providerId}`);
      const row = await tx.provider.findUniqueOrThrow({ where: { providerId } });
      const now = new Date();
      const contexts = {
        secret: secretContext.providerSecret(providerId),
        previous: secretContext.providerPreviousSecret(providerId),
      };
      const columns = rotatedSecretColumns(contexts, row.secretKey, secretKey, overlapSeconds, now);
      await tx.provider.update({ where: { id: row.id }, data: columns });
      const previousSecretExpiresAt = columns.previousSecretExpiresAt?.toISOString() ?? null;
      await recordAudit(tx, {
        actor,
        action: 'providers.rotate-secret',
        targetType: 'provider',
        targetId: providerId,
        after: { secretKey: 'rotated', overlapSeconds, overlapEndsAt: previousSecretExpiresAt },
      });
      return { previousSecretExpiresAt };
    });
  }

  async internalId(providerId: string): Promise<number | null> {
    return (await this.prisma.provider.findUnique({ where: { providerId }, select: { id: true } }))?.id ?? null;
  }
}
