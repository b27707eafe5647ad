/** What a GGR report reads: the daily aggregate (ggr_daily*), never the ledger. */
import { ExactFigures, GroupKey } from '../../domain/ggr';

export interface GgrQuery {
  /** `YYYY-MM-DD`, inclusive. */
  readonly from: string;
  /** `YYYY-MM-DD`, exclusive. */
  readonly to: string;
  readonly groupBy: readonly GroupKey[];
  readonly includeSandbox: boolean;
  /** The calling operator's own id: an operator's report never reads another's rows. */
  readonly operatorId?: number;
  /** Staff filters by wire id; an unknown id matches nothing. */
  readonly agentId?: string;
  readonly providerId?: string;
}

/** A group's keys, as the wire names them (`day` `YYYY-MM-DD`, `gameID` a number). */
export type GroupValues = Partial<Record<GroupKey, string | number>>;

export interface GgrRow {
  readonly keys: GroupValues;
  readonly figures: ExactFigures;
}

/**
 * How fresh the aggregate is, read in the same snapshot as the figures: every transaction the
 * sequencer had folded when it last ran (feed_sequencer), and nothing after.
 */
export interface Freshness {
  /** When the sequencer last committed a pass; null when it never ran. */
  readonly asOf: Date | null;
  /** The highest feed position folded in (feed_seq), as a decimal string. */
  readonly lastSeq: string;
}

export interface GgrSnapshot {
  readonly freshness: Freshness;
  /** Rows ordered by the groupBy keys in the order given; at most `maxRows` + 1 are read. */
  readonly rows: GgrRow[];
  readonly totals: ExactFigures;
}

export interface GgrStream {
  readonly freshness: Freshness;
  /** Rows in the order of `GgrSnapshot.rows`, read as they are consumed (constant memory). */
  readonly rows: AsyncIterable<GgrRow>;
  /** Stops reading early (the client went away); safe to call after the end too. */
  abort(): void;
}

export interface GgrReportStore {
  read(query: GgrQuery, maxRows: number): Promise<GgrSnapshot>;
  stream(query: GgrQuery): Promise<GgrStream>;
}
