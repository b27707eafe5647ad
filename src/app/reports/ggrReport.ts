/**
 * GGR reports (PROTOCOL §12): an operator's own figures or staff's across operators, from the daily
 * aggregate, exact until the answer rounds each figure once (half-even, domain/ggr.ts).
 */
import {
  DEFAULT_GROUP_BY,
  ExactFigures,
  GroupKey,
  PresentedFigures,
  judgeGroupBy,
  judgeReportRange,
  presentFigures,
} from '../../domain/ggr';
import { ResultCode, Refusal, refuse } from '../../domain/resultCodes';
import { Freshness, GgrQuery, GgrReportStore, GgrStream, GroupValues } from './ggrReportStore';

/** The most rows a JSON answer carries; a larger report is refused (narrow it, or stream the CSV). */
export const MAX_JSON_ROWS = 50_000;

export interface GgrRequest {
  readonly from: string;
  readonly to: string;
  readonly groupBy?: readonly GroupKey[];
  readonly includeSandbox?: boolean;
  readonly operatorId?: number;
  readonly agentId?: string;
  readonly providerId?: string;
}

export interface PresentedRow {
  readonly keys: GroupValues;
  readonly figures: PresentedFigures;
}

export interface GgrReport {
  readonly baseCurrency: string;
  readonly groupBy: readonly GroupKey[];
  readonly freshness: Freshness;
  readonly rows: PresentedRow[];
  readonly totals: PresentedFigures;
}

export type Judged<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

/** The query a request asks for, or code 2 naming what is wrong with it. */
export function judgeGgrRequest(request: GgrRequest): Judged<GgrQuery> {
  const range = judgeReportRange(request.from, request.to);
  if (!range.ok) return { ok: false, refusal: refuse(ResultCode.INVALID_PARAMETERS, range.message) };
  const groupBy = request.groupBy ?? DEFAULT_GROUP_BY;
  const grouping = judgeGroupBy(groupBy);
  if (!grouping.ok) return { ok: false, refusal: refuse(ResultCode.INVALID_PARAMETERS, grouping.message) };
  return {
    ok: true,
    value: {
      from: range.from,
      to: range.to,
      groupBy,
      includeSandbox: request.includeSandbox ?? false,
      operatorId: request.operatorId,
      agentId: request.agentId,
      providerId: request.providerId,
    },
  };
}

/** Figures of a row: local ones only when the row is one currency's (grouped by currency). */
export function presentRow(
  keys: GroupValues,
  figures: ExactFigures,
  baseCurrency: string,
  groupBy: readonly GroupKey[],
): PresentedRow {
  const currency = groupBy.includes('currency') ? String(keys.currency) : undefined;
  return { keys, figures: presentFigures(figures, baseCurrency, currency) };
}

export async function buildGgrReport(
  store: GgrReportStore,
  baseCurrency: string,
  request: GgrRequest,
): Promise<Judged<GgrReport>> {
  const judged = judgeGgrRequest(request);
  if (!judged.ok) return judged;
  const query = judged.value;
  const snapshot = await store.read(query, MAX_JSON_ROWS);
  if (snapshot.rows.length > MAX_JSON_ROWS) {
    return {
      ok: false,
      refusal: refuse(
        ResultCode.INVALID_PARAMETERS,
        `the report has more than ${MAX_JSON_ROWS} rows: narrow the dates or group by fewer keys (staff: format csv streams any size)`,
      ),
    };
  }
  return {
    ok: true,
    value: {
      baseCurrency,
      groupBy: query.groupBy,
      freshness: snapshot.freshness,
      rows: snapshot.rows.map((row) => presentRow(row.keys, row.figures, baseCurrency, query.groupBy)),
      // Totals are the exact sums of every group, rounded once: not the sum of rounded rows.
      totals: presentFigures(snapshot.totals, baseCurrency),
    },
  };
}

/** The staff CSV: the same rows, streamed; the caller renders and writes them as they come. */
export async function streamGgrReport(
  store: GgrReportStore,
  request: GgrRequest,
): Promise<Judged<{ query: GgrQuery; stream: GgrStream }>> {
  const judged = judgeGgrRequest(request);
  if (!judged.ok) return judged;
  return { ok: true, value: { query: judged.value, stream: await store.stream(judged.value) } };
}
