/** What the catalogue use cases read (PROTOCOL §4, §14); implemented by db/catalogueStore.ts. */
import { Minor } from '../../domain/money';
import { Restriction } from '../../domain/playerProtection';

export type Platform = 'desktop' | 'mobile';
export type Volatility = 'low' | 'medium' | 'high';

/** A game as an operator sees it (§4 fields, then the §14 metadata). */
export interface GameView {
  readonly gameID: number;
  readonly name: string;
  readonly providerID: string;
  readonly type: string;
  readonly rtp: number;
  readonly freeSpins: boolean;
  readonly demo: boolean;
  readonly category: string | null;
  readonly thumbnailUrl: string | null;
  readonly platforms: readonly Platform[];
  readonly volatility: Volatility | null;
  readonly features: readonly string[];
  /** `YYYY-MM-DD` or null. */
  readonly releaseDate: string | null;
  readonly blockedCountries: readonly string[];
  /** False in the change feed for a game disabled, of a disabled studio, or blocked for this operator. */
  readonly enabled: boolean;
}

export interface LaunchableGame extends GameView {
  readonly providerInternalId: number;
  readonly launchUrlTemplate: string | null;
  /** Why this operator may not launch it, when it may not: its studio or the game itself is blocked. */
  readonly blockedFor: 'provider' | 'game' | null;
}

export interface CatalogueFilter {
  readonly operatorId: number;
  readonly providerId?: string;
  readonly type?: string;
  readonly category?: string;
  readonly platform?: Platform;
  readonly offset: number;
  readonly limit: number;
}

/** What the money gates of a launch read (launchGates.ts). */
export interface LaunchGateStore {
  /** Base minor units; an operator that never had credit has 0. */
  creditStanding(operatorId: number): Promise<{ balanceMinor: bigint; creditLimitMinor: bigint }>;
  /** The transfer wallet's balance, null when the player has no wallet in that currency. */
  walletBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null>;
  /** An active (not cancelled, not expired) campaign in that currency with this player, a spin left, and this game. */
  hasFreeSpinsFor(operatorId: number, userId: string, gameId: number, currency: string): Promise<boolean>;
  /** The player's restriction (PROTOCOL §14), judged at real-money launches. */
  playerRestriction(operatorId: number, userId: string): Promise<Restriction | null>;
}

export interface CatalogueStore extends LaunchGateStore {
  /** Enabled games of enabled providers not blocked for the operator, ordered by gameID. */
  listGames(filter: CatalogueFilter): Promise<{ games: GameView[]; total: number }>;
  /**
   * Every game whose view for the operator changed at or after `since` (added, changed, disabled,
   * blocked, unblocked), in its current state, ordered by gameID; read through the change indexes only.
   */
  listChangedGames(filter: CatalogueFilter & { since: Date }): Promise<{ games: GameView[]; total: number }>;
  /** An enabled game of an enabled provider, with the operator's blocks; null otherwise. */
  findLaunchableGame(gameId: number, operatorId: number): Promise<LaunchableGame | null>;
  /** In seamless mode the player is the operator's: we learn of it from the launch. */
  rememberPlayer(operatorId: number, userId: string): Promise<void>;
}

export interface LaunchRequest {
  readonly userId: string | null;
  readonly gameId: number;
  readonly currency: string;
  readonly language: string;
  readonly demo: boolean;
  readonly lobbyUrl: string | null;
  readonly device: 'desktop' | 'mobile';
  /** The player's country as the operator knows it (ISO 3166-1 alpha-2), or null when not said. */
  readonly country: string | null;
}
