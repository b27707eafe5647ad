/** Persistence port of prepaid credit (PROTOCOL §11); implemented in src/db/goLiveStore.ts. */
import { CreditEntryKind } from '../../domain/credit';

export interface CreditEntry {
  readonly id: bigint;
  readonly kind: CreditEntryKind;
  /** Signed, base minor units. */
  readonly amountMinor: bigint;
  readonly balanceAfterMinor: bigint;
  readonly reference: string | null;
  readonly reason: string | null;
  /** Fee entries: the UTC day billed (YYYY-MM-DD). */
  readonly day: string | null;
  readonly createdAt: Date;
}

export interface CreditMovement {
  readonly agentId: string;
  readonly kind: 'topup' | 'adjustment';
  readonly amountMinor: bigint;
  readonly reference: string;
  readonly reason: string | null;
  readonly actor: string;
  /** Hash of the meaningful fields (domain/idempotency.ts): a repeat with other content is a conflict. */
  readonly requestHash: Buffer;
}

export type CreditOutcome =
  | { readonly outcome: 'applied' | 'replay' | 'conflict'; readonly entry: CreditEntry }
  | { readonly outcome: 'unknown-operator' };

export interface CreditStanding {
  readonly operatorId: number;
  readonly balanceMinor: bigint;
  readonly creditLimitMinor: bigint;
  /** null: DEFAULT_FEE_PERCENT. */
  readonly feePercent: string | null;
}

export interface CreditStore {
  /**
   * In one transaction, under the operator's credit row lock: the entry for (operator, reference) if
   * one exists (judged against requestHash), else a new entry, the balance moved, and the audit entry.
   */
  recordMovement(movement: CreditMovement): Promise<CreditOutcome>;
  /** Entries oldest first after `afterId`; null for an unknown operator. */
  history(agentId: string, afterId: bigint | null, limit: number): Promise<{ entries: CreditEntry[] } | null>;
  standing(agentId: string): Promise<CreditStanding | null>;
}
