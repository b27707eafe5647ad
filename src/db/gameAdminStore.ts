/**
 * The game catalogue and the per-operator blocks of studios and games, staff side (app/admin/games.ts,
 * PROTOCOL §8, §14), over Prisma. Rows are kept when a block is lifted (blocked = false) so the change
 * feed still answers those games, as enabled again, after the lift.
 */
import { Game, GameVolatility, Prisma as PrismaNamespace } from '../generated/prisma/client';
import { badRequest } from '../app/admin/adminErrors';
import {
  CatalogueBlocks,
  GameAdminStore,
  GameInput,
  GameMetadata,
  GameRecord,
  ResolvedBlocks,
  nextRecord,
} from '../app/admin/games';
import { recordAudit } from './auditLog';
import { Prisma } from './prismaClient';

const list = (stored: string) => stored.split(',').filter(Boolean);

function storedMetadata(row: Game): GameMetadata {
  return {
    category: row.category,
    thumbnailUrl: row.thumbnailUrl,
    platforms: list(row.platforms) as GameMetadata['platforms'],
    volatility: row.volatility,
    features: list(row.features),
    releaseDate: row.releaseDate ? row.releaseDate.toISOString().slice(0, 10) : null,
    blockedCountries: list(row.blockedCountries),
  };
}

function gameRecord(row: Game, providerID: string): GameRecord {
  return {
    gameID: row.gameId,
    providerID,
    name: row.name,
    type: row.type,
    rtp: Number(row.rtp),
    freeSpins: row.freeSpins,
    demo: row.demo,
    enabled: row.enabled,
    ...storedMetadata(row),
  };
}

function gameColumns(record: GameRecord, providerInternalId: number) {
  return {
    providerId: providerInternalId,
    name: record.name,
    type: record.type,
    rtp: new PrismaNamespace.Decimal(record.rtp.toFixed(2)),
    freeSpins: record.freeSpins,
    demo: record.demo,
    enabled: record.enabled,
    category: record.category,
    thumbnailUrl: record.thumbnailUrl,
    platforms: record.platforms.join(','),
    volatility: record.volatility as GameVolatility | null,
    features: record.features.join(','),
    releaseDate: record.releaseDate === null ? null : new Date(`${record.releaseDate}T00:00:00Z`),
    blockedCountries: record.blockedCountries.join(','),
  };
}

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

async function providerIdsOf(prisma: Prisma | Tx, codes: string[]) {
  const providers = await prisma.provider.findMany({
    where: { providerId: { in: codes } },
    select: { id: true, providerId: true },
  });
  return new Map(providers.map((p) => [p.providerId, p.id]));
}

async function upsertGames(prisma: Prisma, actor: string, games: GameInput[]): Promise<number> {
  const providerIds = [...new Set(games.map((g) => g.providerID))];
  const internalId = await providerIdsOf(prisma, providerIds);
  const unknown = providerIds.filter((id) => !internalId.has(id));
  if (unknown.length) throw badRequest(`unknown providerID(s): ${unknown.join(', ')}`);
  const ids = games.map((g) => g.gameID);
  if (new Set(ids).size !== ids.length) throw badRequest('games: a gameID appears twice');

  return prisma.$transaction(async (tx) => {
    const before = await recordsOf(tx, ids);
    const now = new Date();
    for (const game of games) {
      const previous = before.get(game.gameID);
      const next = nextRecord(game, previous);
      if (previous && JSON.stringify(previous) === JSON.stringify(next)) continue;
      const data = { ...gameColumns(next, internalId.get(game.providerID)!), updatedAt: now, changedAt: now };
      await tx.game.upsert({
        where: { gameId: game.gameID },
        create: { gameId: game.gameID, ...data, createdAt: now },
        update: data,
      });
      await recordAudit(tx, {
        actor,
        action: previous ? 'games.update' : 'games.create',
        targetType: 'game',
        targetId: String(game.gameID),
        before: previous ?? null,
        after: next,
      });
    }
    return games.length;
  });
}

/** The stored games among `ids`, as records; a game moving between studios names the one it came from. */
async function recordsOf(tx: Tx, ids: number[]): Promise<Map<number, GameRecord>> {
  const existing = await tx.game.findMany({ where: { gameId: { in: ids } } });
  const providers = await tx.provider.findMany({
    where: { id: { in: [...new Set(existing.map((g) => g.providerId))] } },
    select: { id: true, providerId: true },
  });
  const code = new Map(providers.map((p) => [p.id, p.providerId]));
  return new Map(existing.map((g) => [g.gameId, gameRecord(g, code.get(g.providerId) ?? '')]));
}

async function listGamesForStaff(prisma: Prisma): Promise<GameRecord[]> {
  const [games, providers] = await Promise.all([
    prisma.game.findMany({ orderBy: { gameId: 'asc' } }),
    prisma.provider.findMany({ select: { id: true, providerId: true } }),
  ]);
  const code = new Map(providers.map((p) => [p.id, p.providerId]));
  return games.map((g) => gameRecord(g, code.get(g.providerId) ?? ''));
}

export class PrismaGameAdminStore implements GameAdminStore {
  constructor(private readonly prisma: Prisma) {}

  upsert(actor: string, games: GameInput[]): Promise<number> {
    return upsertGames(this.prisma, actor, games);
  }

  listForStaff(): Promise<GameRecord[]> {
    return listGamesForStaff(this.prisma);
  }
}

// ---- Per-operator blocks of studios and games (PROTOCOL §14), written inside operators/create|update ----

/** Unknown providerIDs or gameIDs are HTTP 400 code 2 naming them (nothing is written). */
export async function resolveBlocks(
  tx: Tx,
  input: { blockedProviders?: string[]; blockedGames?: number[] },
): Promise<ResolvedBlocks> {
  const resolved: ResolvedBlocks = {};
  if (input.blockedProviders !== undefined) {
    const rows = await tx.provider.findMany({
      where: { providerId: { in: input.blockedProviders } },
      select: { id: true, providerId: true },
    });
    const known = new Set(rows.map((r) => r.providerId));
    const unknown = input.blockedProviders.filter((id) => !known.has(id));
    if (unknown.length) throw badRequest(`blockedProviders: unknown providerID(s) ${unknown.join(', ')}`);
    resolved.provider = rows.map((r) => r.id);
  }
  if (input.blockedGames !== undefined) {
    const rows = await tx.game.findMany({ where: { gameId: { in: input.blockedGames } }, select: { gameId: true } });
    const known = new Set(rows.map((r) => r.gameId));
    const unknown = input.blockedGames.filter((id) => !known.has(id));
    if (unknown.length) throw badRequest(`blockedGames: unknown gameID(s) ${unknown.join(', ')}`);
    resolved.game = input.blockedGames;
  }
  return resolved;
}

/**
 * Makes the operator's blocks of each given kind exactly the given ones. Only a block that really
 * starts or ends gets a new changed_at, so sending the same lists again puts nothing in the feed.
 */
export async function writeBlocks(tx: Tx, operatorId: number, resolved: ResolvedBlocks, now: Date): Promise<void> {
  for (const kind of ['provider', 'game'] as const) {
    const wanted = resolved[kind];
    if (wanted === undefined) continue;
    const current = await tx.operatorCatalogueBlock.findMany({
      where: { operatorId, kind, blocked: true },
      select: { targetId: true },
    });
    const blockedNow = new Set(current.map((r) => r.targetId));
    const lifted = [...blockedNow].filter((id) => !wanted.includes(id));
    if (lifted.length)
      await tx.operatorCatalogueBlock.updateMany({
        where: { operatorId, kind, targetId: { in: lifted } },
        data: { blocked: false, changedAt: now },
      });
    for (const targetId of wanted.filter((id) => !blockedNow.has(id))) {
      await tx.operatorCatalogueBlock.upsert({
        where: { operatorId_kind_targetId: { operatorId, kind, targetId } },
        create: { operatorId, kind, targetId, blocked: true, changedAt: now },
        update: { blocked: true, changedAt: now },
      });
    }
  }
}

/** The blocks in force for each operator, studios by providerID and games by gameID, sorted. */
export async function blocksOf(tx: Tx | Prisma, operatorIds: number[]): Promise<Map<number, CatalogueBlocks>> {
  const rows = await tx.operatorCatalogueBlock.findMany({
    where: { operatorId: { in: operatorIds }, blocked: true },
    select: { operatorId: true, kind: true, targetId: true },
  });
  const providerIds = [...new Set(rows.filter((r) => r.kind === 'provider').map((r) => r.targetId))];
  const providers = providerIds.length
    ? await tx.provider.findMany({ where: { id: { in: providerIds } }, select: { id: true, providerId: true } })
    : [];
  const code = new Map(providers.map((p) => [p.id, p.providerId]));
  const blocks = new Map<number, CatalogueBlocks>(
    operatorIds.map((id) => [id, { blockedProviders: [], blockedGames: [] }]),
  );
  for (const row of rows) {
    const entry = blocks.get(row.operatorId)!;
    if (row.kind === 'provider') entry.blockedProviders.push(code.get(row.targetId) ?? String(row.targetId));
    else entry.blockedGames.push(row.targetId);
  }
  for (const entry of blocks.values()) {
    entry.blockedProviders.sort();
    entry.blockedGames.sort((a, b) => a - b);
  }
  return blocks;
}
