/** The game catalogue, staff side (PROTOCOL §8 `games/upsert`). */
import { Prisma } from '../../db/prismaClient';
import { Prisma as PrismaNamespace } from '../../generated/prisma/client';
import { badRequest } from './adminErrors';
import { recordAudit } from './audit';

export interface GameInput {
  gameID: number;
  providerID: string;
  name: string;
  type: string;
  rtp: number;
  freeSpins: boolean;
  demo: boolean;
  enabled: boolean;
}

/** Creates or replaces each game by gameID; all or nothing, one audit entry per game that changed. */
export async function upsertGames(prisma: Prisma, actor: string, games: GameInput[]): Promise<number> {
  const providerIds = [...new Set(games.map((g) => g.providerID))];
  const providers = await prisma.provider.findMany({
    where: { providerId: { in: providerIds } },
    select: { id: true, providerId: true },
  });
  const internalId = new Map(providers.map((p) => [p.providerId, p.id]));
  const unknown = providerIds.filter((id) => !internalId.has(id));
  if (unknown.length) throw badRequest(`unknown providerID(s): ${unknown.join(', ')}`);
  const ids = games.map((g) => g.gameID);
  if (new Set(ids).size !== ids.length) throw badRequest('games: a gameID appears twice');

  return prisma.$transaction(async (tx) => {
    const existing = await tx.game.findMany({ where: { gameId: { in: ids } } });
    const before = new Map(existing.map((g) => [g.gameId, g]));
    // A game moving between studios: the audit names the one it came from too.
    const previousProviders = await tx.provider.findMany({
      where: { id: { in: [...new Set(existing.map((g) => g.providerId))] } },
      select: { id: true, providerId: true },
    });
    const providerCode = new Map([...providers, ...previousProviders].map((p) => [p.id, p.providerId]));
    const now = new Date();
    for (const game of games) {
      const data = {
        providerId: internalId.get(game.providerID)!,
        name: game.name,
        type: game.type,
        rtp: new PrismaNamespace.Decimal(game.rtp.toFixed(2)),
        freeSpins: game.freeSpins,
        demo: game.demo,
        enabled: game.enabled,
        updatedAt: now,
      };
      await tx.game.upsert({
        where: { gameId: game.gameID },
        create: { gameId: game.gameID, ...data, createdAt: now },
        update: data,
      });
      const previous = before.get(game.gameID);
      const previousView = previous && {
        gameID: previous.gameId,
        providerID: providerCode.get(previous.providerId) ?? null,
        name: previous.name,
        type: previous.type,
        rtp: Number(previous.rtp),
        freeSpins: previous.freeSpins,
        demo: previous.demo,
        enabled: previous.enabled,
      };
      if (previousView && JSON.stringify(previousView) === JSON.stringify(game)) continue;
      await recordAudit(tx, {
        actor,
        action: previous ? 'games.update' : 'games.create',
        targetType: 'game',
        targetId: String(game.gameID),
        before: previousView ?? null,
        after: game,
      });
    }
    return games.length;
  });
}

/** Every game of the catalogue, enabled or not, with its studio: what staff manage. */
export async function listGamesForStaff(prisma: Prisma): Promise<GameInput[]> {
  const [games, providers] = await Promise.all([
    prisma.game.findMany({ orderBy: { gameId: 'asc' } }),
    prisma.provider.findMany({ select: { id: true, providerId: true } }),
  ]);
  const code = new Map(providers.map((p) => [p.id, p.providerId]));
  return games.map((g) => ({
    gameID: g.gameId,
    providerID: code.get(g.providerId) ?? '',
    name: g.name,
    type: g.type,
    rtp: Number(g.rtp),
    freeSpins: g.freeSpins,
    demo: g.demo,
    enabled: g.enabled,
  }));
}
