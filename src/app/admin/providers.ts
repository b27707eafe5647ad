/** Provider (studio) management (PROTOCOL §8, §10). */
import { Prisma } from '../../db/prismaClient';
import { sealStored } from '../../db/storedSecrets';
import { secretContext } from '../../domain/secretEnvelope';
import { allowedIpsView, storedAllowedIps } from '../ipAllowList';
import { conflict, notFound } from './adminErrors';
import { recordAudit } from './audit';
import { previousSecretExpiry, rotatedSecretColumns } from './callerSecrets';
import { newSecret } from './operators';

export interface ProviderView {
  providerID: string;
  name: string;
  enabled: boolean;
  launchUrl: string | null;
  allowedIps: string[];
  previousSecretExpiresAt: string | null;
}

type ProviderRow = {
  providerId: string;
  name: string;
  enabled: boolean;
  launchUrlTemplate: string | null;
  allowedIps: string | null;
  previousSecretExpiresAt: Date | null;
};

const providerView = (row: ProviderRow): ProviderView => ({
  providerID: row.providerId,
  name: row.name,
  enabled: row.enabled,
  launchUrl: row.launchUrlTemplate,
  allowedIps: allowedIpsView(row.allowedIps),
  previousSecretExpiresAt: previousSecretExpiry(row.previousSecretExpiresAt),
});

export async function createProvider(
  prisma: Prisma,
  actor: string,
  input: { providerID: string; name: string; launchUrl?: string | null },
) {
  const secretKey = newSecret();
  return prisma.$transaction(async (tx) => {
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
    return { providerID: input.providerID, secretKey, provider: view };
  });
}

export async function updateProvider(
  prisma: Prisma,
  actor: string,
  input: { providerID: string; name?: string; enabled?: boolean; launchUrl?: string | null; allowedIps?: string[] },
): Promise<ProviderView> {
  return prisma.$transaction(async (tx) => {
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

export async function listProviders(prisma: Prisma): Promise<ProviderView[]> {
  return (await prisma.provider.findMany({ orderBy: { id: 'asc' } })).map(providerView);
}

/** A new secretKey at once; the previous one is still accepted for `overlapSeconds` (0: not at all). */
export async function rotateProviderSecret(prisma: Prisma, actor: string, providerId: string, overlapSeconds: number) {
  const secretKey = newSecret();
  return prisma.$transaction(async (tx) => {
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
    return { providerID: providerId, secretKey, previousSecretExpiresAt };
  });
}
