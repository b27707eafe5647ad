/**
 * GGR reports (PROTOCOL §12): `/v1/reports/ggr` (an operator, signed: its own figures only) and
 * `/admin/v1/reports/ggr` (staff: admin, finance, support; across operators, JSON or streamed CSV).
 */
import { once } from 'node:events';
import { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { OperatorCaller } from '../../app/callers';
import { badRequest } from '../../app/admin/adminErrors';
import {
  GgrReport,
  GgrRequest,
  PresentedRow,
  buildGgrReport,
  presentRow,
  streamGgrReport,
} from '../../app/reports/ggrReport';
import { GgrReportStore, Freshness } from '../../app/reports/ggrReportStore';
import { GROUP_KEYS, GroupKey, PresentedFigures, exactJsonNumber } from '../../domain/ggr';
import { ResultCode } from '../../domain/resultCodes';
import { parseFields } from '../fields';
import { sendAnswer, sendRefusal } from '../respond';
import { externalIdField, formatIssues, platformEnvelope } from '../wireFields';

const dayField = z
  .string({ error: 'must be a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD');

export const reportFields = {
  from: dayField.describe('First UTC day, inclusive (YYYY-MM-DD).'),
  to: dayField.describe('UTC day after the last, exclusive (YYYY-MM-DD); at most 366 days after `from`.'),
  groupBy: z
    .array(z.enum(GROUP_KEYS, { error: `must be one of ${GROUP_KEYS.join(', ')}` }))
    .max(GROUP_KEYS.length)
    .optional()
    .describe(
      'Any of day, agentID, providerID, gameID, currency, each at most once; default ["day"]. [] gives one row.',
    ),
  includeSandbox: z
    .boolean()
    .optional()
    .describe('Count transactions stored while their operator was in the sandbox (left out by default).'),
};

export const operatorReportRequest = z.object({ ...platformEnvelope, ...reportFields });

export const adminReportRequest = z.object({
  ...reportFields,
  agentID: externalIdField.optional(),
  providerID: externalIdField.optional(),
  format: z.enum(['json', 'csv']).optional().describe('csv: text/csv with a header row, streamed.'),
});

const FIGURE_COLUMNS = ['betCount', 'bets', 'rollbacks', 'wins', 'ggr', 'rounds', 'players', 'missingRates'] as const;
const LOCAL_COLUMNS = ['betsLocal', 'rollbacksLocal', 'winsLocal', 'ggrLocal'] as const;

function renderFigures(figures: PresentedFigures) {
  return {
    betCount: figures.betCount,
    bets: exactJsonNumber(figures.bets),
    rollbacks: exactJsonNumber(figures.rollbacks),
    wins: exactJsonNumber(figures.wins),
    ggr: exactJsonNumber(figures.ggr),
    rounds: figures.rounds,
    players: figures.players,
    missingRates: figures.missingRates,
    ...(figures.local && {
      betsLocal: exactJsonNumber(figures.local.bets),
      rollbacksLocal: exactJsonNumber(figures.local.rollbacks),
      winsLocal: exactJsonNumber(figures.local.wins),
      ggrLocal: exactJsonNumber(figures.local.ggr),
    }),
  };
}

const renderRow = (row: PresentedRow) => ({ ...row.keys, ...renderFigures(row.figures) });

const renderFreshness = (freshness: Freshness) => ({
  asOf: freshness.asOf ? freshness.asOf.toISOString() : null,
  lastSeq: freshness.lastSeq,
});

function reportAnswer(report: GgrReport) {
  return {
    baseCurrency: report.baseCurrency,
    groupBy: report.groupBy,
    freshness: renderFreshness(report.freshness),
    rows: report.rows.map(renderRow),
    totals: renderFigures(report.totals),
  };
}

/** GET takes the query string: `groupBy=day,gameID`, `includeSandbox=true`. */
function adminInput(req: Request): z.infer<typeof adminReportRequest> {
  let source: unknown = req.body;
  if (req.method === 'GET') {
    const query = { ...(req.query as Record<string, unknown>) };
    if (typeof query.groupBy === 'string') query.groupBy = query.groupBy === '' ? [] : query.groupBy.split(',');
    if (query.includeSandbox === 'true' || query.includeSandbox === 'false')
      query.includeSandbox = query.includeSandbox === 'true';
    source = query;
  }
  if (typeof source !== 'object' || source === null || Array.isArray(source))
    throw badRequest('the body must be a JSON object');
  const parsed = adminReportRequest.safeParse(source);
  if (!parsed.success) throw badRequest(formatIssues(parsed.error));
  return parsed.data;
}

/** RFC 4180: a field with a comma, quote or line break is quoted (ids never have one; names might). */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csvLine(groupBy: readonly GroupKey[], row: PresentedRow): string {
  const f = row.figures;
  const cells: (string | number)[] = groupBy.map((key) => row.keys[key] ?? '');
  cells.push(f.betCount, f.bets, f.rollbacks, f.wins, f.ggr, f.rounds, f.players, f.missingRates);
  if (f.local) cells.push(f.local.bets, f.local.rollbacks, f.local.wins, f.local.ggr);
  return `${cells.map(csvField).join(',')}\r\n`;
}

/** Resolves when the socket takes more, or when the client is gone (then the caller stops). */
async function drained(res: Response): Promise<void> {
  await Promise.race([once(res, 'drain'), once(res, 'close')]);
}

const CSV_CHUNK_CHARS = 64 * 1024;

async function sendCsv(res: Response, store: GgrReportStore, baseCurrency: string, request: GgrRequest) {
  const judged = await streamGgrReport(store, request);
  if (!judged.ok) throw badRequest(judged.refusal.message);
  const { query, stream } = judged.value;
  res.on('close', () => stream.abort());
  res.status(200).set({
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="ggr-${query.from}-${query.to}.csv"`,
    'Cache-Control': 'no-store',
    'X-Report-Base-Currency': baseCurrency,
    'X-Report-As-Of': stream.freshness.asOf ? stream.freshness.asOf.toISOString() : '',
    'X-Report-Last-Seq': stream.freshness.lastSeq,
  });
  const header = [...query.groupBy, ...FIGURE_COLUMNS, ...(query.groupBy.includes('currency') ? LOCAL_COLUMNS : [])];
  let chunk = `${header.join(',')}\r\n`;
  try {
    for await (const row of stream.rows) {
      chunk += csvLine(query.groupBy, presentRow(row.keys, row.figures, baseCurrency, query.groupBy));
      if (chunk.length < CSV_CHUNK_CHARS) continue;
      const more = res.write(chunk);
      chunk = '';
      if (!more) await drained(res);
      if (res.destroyed) return;
    }
  } catch (error) {
    // Headers are gone: the only honest signal left is a broken response (no final chunk), never a short CSV.
    res.destroy(error as Error);
    return;
  }
  res.end(chunk);
}

export function reportRoutes(deps: {
  store: GgrReportStore;
  baseCurrency: string;
  platformEnvelope: RequestHandler;
  /** Staff token check (admin API) and the roles of §12. */
  staff: RequestHandler;
  staffRoles: RequestHandler;
}): Router {
  const router = Router();
  router.post('/v1/reports/ggr', deps.platformEnvelope, async (req, res) => {
    const fields = parseFields(operatorReportRequest, req.body, res);
    if (!fields) return;
    const operator = res.locals.caller as OperatorCaller;
    const report = await buildGgrReport(deps.store, deps.baseCurrency, { ...fields, operatorId: operator.id });
    if (!report.ok) return sendRefusal(res, report.refusal);
    sendAnswer(res, { code: ResultCode.OK, ...reportAnswer(report.value) });
  });

  const adminReport: RequestHandler = async (req, res) => {
    const fields = adminInput(req);
    const request: GgrRequest = { ...fields, agentId: fields.agentID, providerId: fields.providerID };
    if (fields.format === 'csv') return sendCsv(res, deps.store, deps.baseCurrency, request);
    const report = await buildGgrReport(deps.store, deps.baseCurrency, request);
    if (!report.ok) throw badRequest(report.refusal.message);
    res.status(200).json({ code: ResultCode.OK, message: 'OK', ...reportAnswer(report.value) });
  };
  router.get('/admin/v1/reports/ggr', deps.staff, deps.staffRoles, adminReport);
  router.post('/admin/v1/reports/ggr', deps.staff, deps.staffRoles, adminReport);
  return router;
}
