/** Provider (studio) management (PROTOCOL §8). */
import { Prisma } from '../../db/prismaClient';
import { conflict, notFound } from './adminErrors';
import { recordAudit } from './audit';
import { newSecret } from './operators';

export interface ProviderView {
  providerID: string;
  name: string;
  enabled: boolean;
  launchUrl: string | null;
}

type ProviderRow = { providerId: string; name: string; enabled: boolean; launchUrlTemplate: string | null };

const providerView = (row: ProviderRow): ProviderView => ({
  providerID: row.providerId,
  name: row.name,
  enabled: row.enabled,
  launchUrl: row.launchUrlTemplate,
});

export async function createProvider(prisma: Prisma, actor: string, input: { providerID: string; name: string; launchUrl?: string | null }) {
  const secretKey = newSecret();
  return prisma.$transaction(async (tx) => {
    if (await tx.provider.findUnique({ where: { providerId: input.providerID } })) {
      throw conflict(`provider ${input.providerID} already exists`);
    }
    await tx.provider.create({
      data: { providerId: input.providerID, name: input.name, secretKey, enabled: true, launchUrlTemplate: input.launchUrl || null, createdAt: new Date() },
    });
    const view = providerView({ providerId: input.providerID, name: input.name, enabled: true, launchUrlTemplate: input.launchUrl || null });
    await recordAudit(tx, { actor, action: 'providers.create', targetType: 'provider', targetId: input.providerID, after: view });
    return { providerID: input.providerID, secretKey, provider: view };
  });
}

export async function updateProvider(
  prisma: Prisma,
  actor: string,
  input: { providerID: string; name?: string; enabled?: boolean; launchUrl?: string | null },
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
      },
    });
    const after = providerView(row);
    await recordAudit(tx, { actor, action: 'providers.update', targetType: 'provider', targetId: input.providerID, before: providerView(before), after });
    return after;
  });
}

export async function listProviders(prisma: Prisma): Promise<ProviderView[]> {
  return (await prisma.provider.findMany({ orderBy: { id: 'asc' } })).map(providerView);
}
