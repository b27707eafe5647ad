/**
 * The game catalogue and launches (PROTOCOL §4 `/v1/games/list`, `/v1/games/launch`; §14 catalogue
 * metadata, the change feed, per-operator and country blocks).
 */
import { Refusal } from '../../domain/resultCodes';
import { OperatorCaller } from '../callers';
import { issueLaunchToken } from '../sessions/launchToken';
import { CatalogueFilter, CatalogueStore, GameView, LaunchRequest, Platform } from './catalogueStore';
import { LaunchGate, findGame, launchGates, passGates } from './launchGates';
import { Minor } from '../../domain/money';

export type * from './catalogueStore';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;
/**
 * How far before the feed call `nextChangedSince` points: longer than any catalogue write transaction
 * (Prisma's 10 s timeout) plus clock differences between processes, so a change stamped before a feed
 * call but committed after it is still in the next call. Entries are whole current states, so seeing
 * one twice is harmless.
 */
export const FEED_OVERLAP_MS = 60_000;

export interface ListRequest {
  readonly providerId?: string;
  readonly type?: string;
  readonly category?: string;
  readonly platform?: Platform;
  readonly changedSince?: Date;
  readonly page?: number;
  readonly pageSize?: number;
}

export async function listGames(store: CatalogueStore, operator: OperatorCaller, request: ListRequest, now: Date) {
  const pageSize = request.pageSize ?? DEFAULT_PAGE_SIZE;
  const filter: CatalogueFilter = {
    operatorId: operator.id,
    providerId: request.providerId,
    type: request.type,
    category: request.category,
    platform: request.platform,
    offset: ((request.page ?? 1) - 1) * pageSize,
    limit: pageSize,
  };
  if (request.changedSince === undefined) return store.listGames(filter);
  const page = await store.listChangedGames({ ...filter, since: request.changedSince });
  return { ...page, nextChangedSince: new Date(now.getTime() - FEED_OVERLAP_MS).toISOString() };
}

export async function launchGame(
  store: CatalogueStore,
  operator: OperatorCaller,
  request: LaunchRequest,
  tokens: { secret: string; ttlS: number },
  gates: readonly LaunchGate[] = launchGates({ catalogue: store }),
): Promise<{ ok: true; url: string; token: string } | { ok: false; refusal: Refusal; balance?: Minor }> {
  const found = await findGame(store, operator, request);
  if (!found.ok) return found;
  const game = found.game;
  const refusal = await passGates(gates, { operator, request, game });
  if (refusal) return { ok: false, refusal, balance: refusal.balance };
  const template = game.launchUrlTemplate;
  // The gates refused both already (launchUrlConfigured, playerNamed); kept for the type checker.
  if (!template || (!request.demo && !request.userId)) throw new Error('launch gates let an unlaunchable game through');
  if (!request.demo && operator.mode === 'seamless') await store.rememberPlayer(operator.id, request.userId!);
  const { token } = issueLaunchToken(
    tokens.secret,
    {
      operatorId: operator.id,
      agentId: operator.agentId,
      userId: request.demo ? null : request.userId,
      gameId: game.gameID,
      providerId: game.providerInternalId,
      currency: request.currency,
      mode: request.demo ? 'demo' : 'real',
    },
    tokens.ttlS,
  );
  return { ok: true, token, url: fillLaunchUrl(template, { token, game, request }) };
}

/** Fills `{token}`, `{gameID}`, `{language}`, `{lobbyUrl}`, `{currency}`, `{device}`, `{mode}`, URL-encoded. */
export function fillLaunchUrl(
  template: string,
  values: { token: string; game: GameView; request: LaunchRequest },
): string {
  const replacements: Record<string, string> = {
    token: values.token,
    gameID: String(values.game.gameID),
    language: values.request.language,
    lobbyUrl: values.request.lobbyUrl ?? '',
    currency: values.request.currency,
    device: values.request.device,
    mode: values.request.demo ? 'demo' : 'real',
  };
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in replacements ? encodeURIComponent(replacements[name]!) : whole,
  );
}
