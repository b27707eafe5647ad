/**
 * The game catalogue, staff side (PROTOCOL §8 `games/upsert`, with the §14 metadata), over a
 * GameAdminStore (db/gameAdminStore.ts).
 */

/** The §14 metadata; in `games/upsert` each is optional and an omitted one keeps what the game has. */
export interface GameMetadata {
  category: string | null;
  thumbnailUrl: string | null;
  platforms: ('desktop' | 'mobile')[];
  volatility: 'low' | 'medium' | 'high' | null;
  features: string[];
  /** `YYYY-MM-DD` or null. */
  releaseDate: string | null;
  blockedCountries: string[];
}

export interface GameInput extends Partial<GameMetadata> {
  gameID: number;
  providerID: string;
  name: string;
  type: string;
  rtp: number;
  freeSpins: boolean;
  demo: boolean;
  enabled: boolean;
}

/** A game as staff see it and as the audit log records it: every field, in one order. */
export type GameRecord = Required<GameInput>;

/** What a new game has for metadata nobody gave. */
export const NEW_GAME_METADATA: GameMetadata = {
  category: null,
  thumbnailUrl: null,
  platforms: ['desktop', 'mobile'],
  volatility: null,
  features: [],
  releaseDate: null,
  blockedCountries: [],
};

/** The input completed with what the game already has (or a new game's defaults), in record order. */
export function nextRecord(input: GameInput, previous: GameRecord | undefined): GameRecord {
  const base = previous ?? NEW_GAME_METADATA;
  const pick = <K extends keyof GameMetadata>(key: K): GameMetadata[K] =>
    input[key] === undefined ? base[key] : (input[key] as GameMetadata[K]);
  return {
    gameID: input.gameID,
    providerID: input.providerID,
    name: input.name,
    type: input.type,
    // As stored (DECIMAL(5,2)), so sending 96.504 twice is one change, not two.
    rtp: Number(input.rtp.toFixed(2)),
    freeSpins: input.freeSpins,
    demo: input.demo,
    enabled: input.enabled,
    category: pick('category'),
    thumbnailUrl: pick('thumbnailUrl'),
    platforms: pick('platforms'),
    volatility: pick('volatility'),
    features: pick('features'),
    releaseDate: pick('releaseDate'),
    blockedCountries: pick('blockedCountries'),
  };
}

// ---- Per-operator blocks of studios and games (PROTOCOL §14) ----

/*
 * Per-operator blocks of studios and games (PROTOCOL §14 `blockedProviders[]`, `blockedGames[]` of
 * `operators/create|update`). A blocked studio's or game's games are neither listed nor launchable
 * (code 8) for that operator, and still are for every other one. Rows are kept when a block is lifted
 * (blocked = false) so the change feed still answers those games, as enabled again, after the lift.
 */

export interface CatalogueBlocks {
  blockedProviders: string[];
  blockedGames: number[];
}

export const NO_BLOCKS: CatalogueBlocks = { blockedProviders: [], blockedGames: [] };

/** The lists as given, resolved to the ids the table keeps; a list not given is left as it is. */
export interface ResolvedBlocks {
  provider?: number[];
  game?: number[];
}

export interface GameAdminStore {
  /**
   * Creates or replaces each game by gameID, all or nothing, with one audit entry per game that changed
   * (`nextRecord` completes each input); unknown providerIDs and a gameID given twice are refused.
   */
  upsert(actor: string, games: GameInput[]): Promise<number>;
  /** Every game, enabled or not, by gameID. */
  listForStaff(): Promise<GameRecord[]>;
}

/**
 * Creates or replaces each game by gameID; all or nothing, one audit entry per game that changed. A game
 * that changed gets a new changed_at (the change feed's key); one sent again unchanged is not written.
 */
export function upsertGames(store: GameAdminStore, actor: string, games: GameInput[]): Promise<number> {
  return store.upsert(actor, games);
}

/** Every game of the catalogue, enabled or not, with its studio and metadata: what staff manage. */
export function listGamesForStaff(store: GameAdminStore): Promise<GameRecord[]> {
  return store.listForStaff();
}
