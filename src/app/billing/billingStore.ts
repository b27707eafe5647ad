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
  /** The GGR rounded half-even to the base minor unit (what a report shows). */
  readonly ggrMinor: bigint;
  /** The exact GGR the fee was computed on (base major units); null when read back from a stored bill. */
  readonly ggrExact: string | null;
  readonly feePercent: string;
  readonly feeMinor: bigint;
}

/** One currency's exact base sums of a day (decimal strings in base major units) and its rows without a rate. */
export interface CurrencyDayFigures {
  readonly currency: string;
  readonly betsBase: string;
  readonly rollbacksBase: string;
  readonly winsBase: string;
  /** Provider transactions stored without an FX rate: left out of the base sums (§12). */
  readonly missingRates: number;
}

export interface DayFigures {
  readonly currencies: readonly CurrencyDayFigures[];
  /** Provider transactions of the operator's day not yet in the aggregate (no feed_seq yet). */
  readonly unfolded: number;
}

export interface BillingStore {
  /** Operators live now, with the day they went live. */
  liveOperators(): Promise<BillableOperator[]>;
  /**
   * The day's figures from the daily GGR aggregate (PROTOCOL §12, ggr_daily) of live (non-sandbox) play,
   * per currency, and how many of the day's provider transactions the feed sequencer has not folded yet.
   */
  dayFigures(operatorId: number, day: string): Promise<DayFigures>;
  bills(day: string): Promise<StoredBill[]>;
  /** Days already billed for the operator, from `fromDay` on. */
  billedDays(operatorId: number, fromDay: string): Promise<Set<string>>;
  /**
   * One transaction: the bill row (primary key operator + day: the claim), and when the fee is above
   * zero the fee entry debited from the credit. 'exists' when the day was billed already (nothing written).
   */
  storeBill(bill: StoredBill): Promise<'stored' | 'exists'>;
}
