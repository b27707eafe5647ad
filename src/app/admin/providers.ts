/** Provider (studio) management (PROTOCOL §8). */
import { Prisma } from '../../db/prismaClient';
import { conflict } from './adminErrors';
import { recordAudit } from './audit';
import { newSecret } from './operators';

export async function createProvider(prisma: Prisma, actor: string, input: { providerID: string; name: string }) {
  const secretKey = newSecret();
  return prisma.$transaction(async (tx) => {
    if (await tx.provider.findUnique({ where: { providerId: input.providerID } })) {
      throw conflict(`provider ${input.providerID} already exists`);
    }
    await tx.provider.create({
      data: { providerId: input.providerID, name: input.name, secretKey, enabled: true, createdAt: new Date() },
    });
    await recordAudit(tx, {
      actor,
      action: 'providers.create',
      targetType: 'provider',
      targetId: input.providerID,
      after: { providerID: input.providerID, name: input.name, enabled: true },
    });
    return { providerID: input.providerID, secretKey };
  });
}
