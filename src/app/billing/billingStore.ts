/** Persistence port of the daily fees (PROTOCOL §11); implemented in src/db/goLiveStore.ts. */

export interface BillableOperator {
  readonly id: number;
  readonly agentId: string;
  /** Decimal string with at most 2 decimals; null: DEFAULT_FEE_PERCENT. */
  readonly feePercent: string | null;
  /** UTC day (YYYY-MM-DD) the operator last went live. */
  readonly liveSinceDay: string;
}

export interface StoredBill {
  readonly operatorId: number;
  readonly agentId: string;
  readonly day: string;
  readonly currency: string;
  readonly ggrMinor: bigint;
  readonly feePercent: string;
  readonly feeMinor: bigint;
}

export interface BillingStore {
  /** Operators live now, with the day they went live. */
  liveOperators(): Promise<BillableOperator[]>;
  /**
   * The day's GGR per currency from the ledger: applied provider transactions of live (non-sandbox)
   * play, bets − rollbacks − wins − jackpots, minor units of each currency.
   */
  dayGgr(operatorId: number, day: string): Promise<{ currency: string; ggrMinor: bigint }[]>;
  bills(day: string): Promise<StoredBill[]>;
  /** Days already billed for the operator, from `fromDay` on. */
  billedDays(operatorId: number, fromDay: string): Promise<Set<string>>;
  /**
   * One transaction: the bill row (primary key operator + day: the claim), and when the fee is above
   * zero the fee entry debited from the credit. 'exists' when the day was billed already (nothing written).
   */
  storeBill(bill: StoredBill): Promise<'stored' | 'exists'>;
}
