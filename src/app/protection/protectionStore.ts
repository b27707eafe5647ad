/**
 * What player protection needs from persistence (PROTOCOL §14): restrictions and limits, written with
 * their audit entry in one transaction, and the reads of the back office's Players view.
 */
import { Minor } from '../../domain/money';
import { Restriction, RestrictionReason } from '../../domain/playerProtection';
import { WalletMode } from '../../domain/walletMode';

export interface StoredRestriction extends Restriction {
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Who a change is made for and by: written into the audit entry. */
export interface ProtectionTarget {
  readonly operatorId: number;
  readonly agentId: string;
  readonly userId: string;
  /** The audit actor: a staff username, or `operator:<agentID>` for a platform call. */
  readonly actor: string;
}

export interface PlayerLimit {
  readonly currency: string;
  readonly maxBet: Minor;
}

export interface PlayerBalance {
  readonly currency: string;
  readonly balance: Minor;
  /** `wallet`: our transfer wallet; `last-known`: the balance the operator's wallet last reported (seamless). */
  readonly source: 'wallet' | 'last-known';
  readonly updatedAt: Date;
}

export interface PlayerSummary {
  readonly userId: string;
  readonly createdAt: Date;
  readonly restricted: boolean;
}

export interface ProtectionOperator {
  readonly id: number;
  readonly agentId: string;
  readonly mode: WalletMode;
  readonly currencies: readonly string[];
}

export interface ProtectionStore {
  /** Sets (or replaces) the restriction; answers the one it replaced. Audited in the same transaction. */
  restrict(
    target: ProtectionTarget,
    restriction: { reason: RestrictionReason; until: Date | null },
  ): Promise<{ before: StoredRestriction | null; after: StoredRestriction }>;
  /** Removes the restriction; answers the one removed (null: there was none, nothing audited). */
  unrestrict(target: ProtectionTarget): Promise<StoredRestriction | null>;
  /** Sets or (null) clears the limit of one currency; answers the previous one. Audited when it changes. */
  setMaxBet(target: ProtectionTarget, currency: string, maxBet: Minor | null): Promise<{ before: Minor | null }>;
  restrictionOf(operatorId: number, userId: string): Promise<StoredRestriction | null>;
  limitsOf(operatorId: number, userId: string): Promise<PlayerLimit[]>;
}

export interface PlayersViewStore {
  operatorByAgentId(agentId: string): Promise<ProtectionOperator | null>;
  /** Players of an operator whose userID starts with `prefix`, by userID, after `afterUserId`. */
  searchPlayers(
    operatorId: number,
    prefix: string,
    afterUserId: string | null,
    limit: number,
  ): Promise<PlayerSummary[]>;
  playerKnown(operatorId: number, userId: string): Promise<{ createdAt: Date } | null>;
  balancesOf(operatorId: number, userId: string): Promise<PlayerBalance[]>;
}
