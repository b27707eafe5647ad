/**
 * Why a launch is refused (PROTOCOL §4, §11, §14): an ordered list of small named gates, each answering
 * a refusal or null. The first refusal answers; a launch that passes every gate gets its token.
 *
 * To add a rule (prepaid credit, code 18; player restriction, code 19): write a gate below, add the
 * store it needs to LaunchGateDeps, and put it in `launchGates` where its code should win over the
 * others. Gates only read: nothing is written before every gate has passed.
 */
import { isOutOfCredit } from '../../domain/credit';
import { Minor } from '../../domain/money';
import { judgeProtectedLaunch } from '../../domain/playerProtection';
import { Refusal, ResultCode, refuse } from '../../domain/resultCodes';
import { OperatorCaller, requireEnabledCurrency } from '../callers';
import { CatalogueStore, LaunchGateStore, LaunchRequest, LaunchableGame } from './catalogueStore';

export type { LaunchGateStore } from './catalogueStore';

/** A gate's refusal; a zero-balance refusal (7) carries the balance it saw. */
export type GateRefusal = Refusal & { readonly balance?: Minor };

export interface LaunchAttempt {
  readonly operator: OperatorCaller;
  readonly request: LaunchRequest;
  readonly game: LaunchableGame;
}

export interface LaunchGate {
  /** Names the rule in logs and tests. */
  readonly name: string;
  check(attempt: LaunchAttempt): GateRefusal | null | Promise<GateRefusal | null>;
}

/** What gates read besides the attempt; composed in http/app.ts (the composition root). */
export interface LaunchGateDeps {
  readonly catalogue: CatalogueStore;
}

const realMoney = (attempt: LaunchAttempt) => !attempt.request.demo;

export const currencyEnabled: LaunchGate = {
  name: 'currency-enabled',
  check: ({ operator, request }) => requireEnabledCurrency(operator, request.currency),
};

/** §14: `blockedProviders[]` and `blockedGames[]` of the operator. */
export const notBlockedForOperator: LaunchGate = {
  name: 'not-blocked-for-operator',
  check: ({ operator, game }) => {
    if (game.blockedFor === 'provider')
      return refuse(
        ResultCode.GAME_NOT_FOUND,
        `game ${game.gameID}: provider ${game.providerID} is blocked for operator ${operator.agentId}`,
      );
    if (game.blockedFor === 'game')
      return refuse(ResultCode.GAME_NOT_FOUND, `game ${game.gameID} is blocked for operator ${operator.agentId}`);
    return null;
  },
};

/** §14: the launch's `country` among the game's `blockedCountries[]`; no country said, no check. */
export const notBlockedInCountry: LaunchGate = {
  name: 'not-blocked-in-country',
  check: ({ request, game }) =>
    request.country !== null && game.blockedCountries.includes(request.country)
      ? refuse(ResultCode.GAME_NOT_FOUND, `game ${game.gameID} is not available in country ${request.country}`)
      : null,
};

export const demoAvailable: LaunchGate = {
  name: 'demo-available',
  check: ({ request, game }) =>
    request.demo && !game.demo ? refuse(ResultCode.GAME_NOT_FOUND, `game ${game.gameID} has no demo mode`) : null,
};

export const launchUrlConfigured: LaunchGate = {
  name: 'launch-url-configured',
  check: ({ game }) =>
    game.launchUrlTemplate
      ? null
      : refuse(ResultCode.GAME_NOT_FOUND, `provider ${game.providerID} has no launch URL configured`),
};

export const playerNamed: LaunchGate = {
  name: 'player-named',
  check: (attempt) =>
    realMoney(attempt) && !attempt.request.userId
      ? refuse(ResultCode.INVALID_PARAMETERS, 'userID: required for a real-money launch')
      : null,
};

/** §14: a restricted player (self-exclusion, cool-off, operator) gets 19 on real-money launches. */
export function playerNotRestricted(store: LaunchGateStore): LaunchGate {
  return {
    name: 'player-not-restricted',
    check: async (attempt) =>
      realMoney(attempt)
        ? judgeProtectedLaunch(await store.playerRestriction(attempt.operator.id, attempt.request.userId!), new Date())
        : null,
  };
}

/** §11: a live operator at or below minus its credit limit gets 18 on real-money launches, nothing else. */
export function prepaidCredit(store: LaunchGateStore): LaunchGate {
  return {
    name: 'prepaid-credit',
    check: async (attempt) => {
      const { operator } = attempt;
      if (!realMoney(attempt) || operator.status !== 'live') return null;
      const standing = await store.creditStanding(operator.id);
      if (!isOutOfCredit(standing.balanceMinor, standing.creditLimitMinor)) return null;
      return refuse(
        ResultCode.OPERATOR_OUT_OF_CREDIT,
        `operator ${operator.agentId} is out of prepaid credit: real-money launches are refused until it is topped up`,
      );
    },
  };
}

/**
 * §4: a transfer-mode player needs a wallet in the currency (6) holding money (7 with its balance 0),
 * unless an active campaign with spins left covers that game. Seamless players are the operator's.
 */
export function playerFunded(store: LaunchGateStore): LaunchGate {
  return {
    name: 'player-funded',
    check: async (attempt) => {
      const { operator, request } = attempt;
      if (!realMoney(attempt) || operator.mode !== 'transfer') return null;
      const userId = request.userId!;
      const balance = await store.walletBalance(operator.id, userId, request.currency);
      if (balance === null)
        return refuse(ResultCode.PLAYER_NOT_FOUND, `player ${userId} has no ${request.currency} wallet`);
      if (balance > 0n) return null;
      if (await store.hasFreeSpinsFor(operator.id, userId, request.gameId, request.currency)) return null;
      return {
        ...refuse(
          ResultCode.INSUFFICIENT_FUNDS,
          `player ${userId} has no ${request.currency} to play with: fund the wallet before a real-money launch`,
        ),
        balance,
      };
    },
  };
}

/** The gates in the order their refusals win. */
export function launchGates(deps: LaunchGateDeps): readonly LaunchGate[] {
  return [
    currencyEnabled,
    notBlockedForOperator,
    notBlockedInCountry,
    demoAvailable,
    launchUrlConfigured,
    playerNamed,
    playerNotRestricted(deps.catalogue),
    prepaidCredit(deps.catalogue),
    playerFunded(deps.catalogue),
  ];
}

/** The first refusal of the gates, in order; null when every gate passes. */
export async function passGates(gates: readonly LaunchGate[], attempt: LaunchAttempt): Promise<GateRefusal | null> {
  for (const gate of gates) {
    const refusal = await gate.check(attempt);
    if (refusal) return refusal;
  }
  return null;
}

/** The game to launch: unknown, disabled, or of a disabled studio is code 8 before any gate. */
export async function findGame(
  catalogue: CatalogueStore,
  operator: OperatorCaller,
  request: LaunchRequest,
): Promise<{ ok: true; game: LaunchableGame } | { ok: false; refusal: Refusal }> {
  const game = await catalogue.findLaunchableGame(request.gameId, operator.id);
  if (!game)
    return { ok: false, refusal: refuse(ResultCode.GAME_NOT_FOUND, `game ${request.gameId} not found or disabled`) };
  return { ok: true, game };
}
