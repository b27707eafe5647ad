/** The game catalogue and launches (PROTOCOL §4 `/v1/games/list`, `/v1/games/launch`). */
import { Refusal, ResultCode, refuse } from '../../domain/resultCodes';
import { OperatorCaller, requireEnabledCurrency } from '../callers';
import { issueLaunchToken } from '../sessions/launchToken';

export interface GameView {
  readonly gameID: number;
  readonly name: string;
  readonly providerID: string;
  readonly type: string;
  readonly rtp: number;
  readonly freeSpins: boolean;
  readonly demo: boolean;
}

export interface LaunchableGame extends GameView {
  readonly providerInternalId: number;
  readonly launchUrlTemplate: string | null;
}

export interface CatalogueStore {
  /** Enabled games of enabled providers, ordered by gameID. */
  listGames(filter: {
    providerId?: string;
    type?: string;
    offset: number;
    limit: number;
  }): Promise<{ games: GameView[]; total: number }>;
  findLaunchableGame(gameId: number): Promise<LaunchableGame | null>;
  /** In seamless mode the player is the operator's: we learn of it from the launch. */
  rememberPlayer(operatorId: number, userId: string): Promise<void>;
  hasWallet(operatorId: number, userId: string, currency: string): Promise<boolean>;
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export function listGames(
  store: CatalogueStore,
  filter: { providerId?: string; type?: string; page?: number; pageSize?: number },
) {
  const pageSize = filter.pageSize ?? DEFAULT_PAGE_SIZE;
  const page = filter.page ?? 1;
  return store.listGames({
    providerId: filter.providerId,
    type: filter.type,
    offset: (page - 1) * pageSize,
    limit: pageSize,
  });
}

export interface LaunchRequest {
  readonly userId: string | null;
  readonly gameId: number;
  readonly currency: string;
  readonly language: string;
  readonly demo: boolean;
  readonly lobbyUrl: string | null;
  readonly device: 'desktop' | 'mobile';
}

export async function launchGame(
  store: CatalogueStore,
  operator: OperatorCaller,
  request: LaunchRequest,
  tokens: { secret: string; ttlS: number },
): Promise<{ ok: true; url: string; token: string } | { ok: false; refusal: Refusal }> {
  const fail = (refusal: Refusal) => ({ ok: false as const, refusal });
  const disabledCurrency = requireEnabledCurrency(operator, request.currency);
  if (disabledCurrency) return fail(disabledCurrency);
  const game = await store.findLaunchableGame(request.gameId);
  if (!game) return fail(refuse(ResultCode.GAME_NOT_FOUND, `game ${request.gameId} not found or disabled`));
  if (request.demo && !game.demo)
    return fail(refuse(ResultCode.GAME_NOT_FOUND, `game ${request.gameId} has no demo mode`));
  if (!game.launchUrlTemplate)
    return fail(refuse(ResultCode.GAME_NOT_FOUND, `provider ${game.providerID} has no launch URL configured`));
  if (!request.demo) {
    if (!request.userId) return fail(refuse(ResultCode.INVALID_PARAMETERS, 'userID: required for a real-money launch'));
    if (operator.mode === 'transfer') {
      if (!(await store.hasWallet(operator.id, request.userId, request.currency))) {
        return fail(refuse(ResultCode.PLAYER_NOT_FOUND, `player ${request.userId} has no ${request.currency} wallet`));
      }
    } else {
      await store.rememberPlayer(operator.id, request.userId);
    }
  }
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
  return { ok: true, token, url: fillLaunchUrl(game.launchUrlTemplate, { token, game, request }) };
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
