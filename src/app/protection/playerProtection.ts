/**
 * Player protection use cases (PROTOCOL §14): restrict and unrestrict a player, set a per-currency
 * maxBet, and the Players view of the back office. The bet and launch checks live with the bet rule
 * (provider/placeBet.ts#refuseProtectedBet) and the launch (games/catalogue.ts); this module writes what
 * they read. Every change is audited in the transaction that makes it (the store's promise).
 */
import { Minor } from '../../domain/money';
import { RestrictionReason, isRestrictionActive, judgeRestrictionEnd } from '../../domain/playerProtection';
import { Refusal, ResultCode, refuse } from '../../domain/resultCodes';
import {
  PlayerBalance,
  PlayerLimit,
  PlayersViewStore,
  ProtectionOperator,
  ProtectionStore,
  ProtectionTarget,
  StoredRestriction,
} from './protectionStore';

export type Outcome<T> = ({ ok: true } & T) | { ok: false; refusal: Refusal };

/** The audit actor of a change an operator makes through the platform API. */
export const operatorActor = (agentId: string) => `operator:${agentId}`;

export async function restrictPlayer(
  store: ProtectionStore,
  target: ProtectionTarget,
  restriction: { reason: RestrictionReason; until: Date | null },
  now: Date = new Date(),
): Promise<Outcome<{ restriction: StoredRestriction }>> {
  const badEnd = judgeRestrictionEnd(restriction.until, now);
  if (badEnd) return { ok: false, refusal: refuse(ResultCode.INVALID_PARAMETERS, badEnd) };
  const { after } = await store.restrict(target, restriction);
  return { ok: true, restriction: after };
}

export async function unrestrictPlayer(
  store: ProtectionStore,
  target: ProtectionTarget,
): Promise<Outcome<{ lifted: StoredRestriction | null }>> {
  return { ok: true, lifted: await store.unrestrict(target) };
}

/**
 * `maxBet` undefined reads the limit, null clears it, a number (minor units, >= 0: the route refuses
 * anything else with code 2) sets it. The currency must be one of the operator's (code 14).
 */
export async function setPlayerMaxBet(
  store: ProtectionStore,
  target: ProtectionTarget,
  operatorCurrencies: ReadonlySet<string> | readonly string[],
  currency: string,
  maxBet: Minor | null | undefined,
): Promise<Outcome<{ maxBet: Minor | null }>> {
  const enabled = [...operatorCurrencies].includes(currency);
  if (!enabled)
    return {
      ok: false,
      refusal: refuse(
        ResultCode.CURRENCY_NOT_SUPPORTED,
        `currency ${currency} is not enabled for operator ${target.agentId}`,
      ),
    };
  if (maxBet === undefined) {
    const limits = await store.limitsOf(target.operatorId, target.userId);
    return { ok: true, maxBet: limits.find((limit) => limit.currency === currency)?.maxBet ?? null };
  }
  await store.setMaxBet(target, currency, maxBet);
  return { ok: true, maxBet };
}

export interface RestrictionView {
  readonly reason: RestrictionReason;
  readonly until: string | null;
  readonly createdAt: string;
  /** False once `until` has passed: the restriction has lifted by itself. */
  readonly active: boolean;
}

export function restrictionView(restriction: StoredRestriction | null, now: Date): RestrictionView | null {
  if (!restriction) return null;
  return {
    reason: restriction.reason,
    until: restriction.until?.toISOString() ?? null,
    createdAt: restriction.createdAt.toISOString(),
    active: isRestrictionActive(restriction, now),
  };
}

export interface PlayerOverview {
  readonly operator: ProtectionOperator;
  readonly userId: string;
  /** Null when we have no row for the player (a seamless player never launched, say). */
  readonly createdAt: Date | null;
  readonly balances: PlayerBalance[];
  readonly restriction: RestrictionView | null;
  readonly limits: PlayerLimit[];
}

/** One player of an operator as the back office shows it: balances per currency, restriction, limits. */
export async function playerOverview(
  views: PlayersViewStore,
  store: ProtectionStore,
  operator: ProtectionOperator,
  userId: string,
  now: Date = new Date(),
): Promise<PlayerOverview> {
  const [known, balances, restriction, limits] = await Promise.all([
    views.playerKnown(operator.id, userId),
    views.balancesOf(operator.id, userId),
    store.restrictionOf(operator.id, userId),
    store.limitsOf(operator.id, userId),
  ]);
  return {
    operator,
    userId,
    createdAt: known?.createdAt ?? null,
    balances,
    restriction: restrictionView(restriction, now),
    limits,
  };
}
