/**
 * GGR report rules (PROTOCOL §12), pure: which date ranges and groupings a report accepts, and how
 * the exact sums of the daily aggregate become the figures of an answer. Sums stay exact decimals
 * (decimal.js with enough precision for the aggregate's DECIMAL(48, 18) columns) until the very last
 * step, where each figure is rounded half-even to the currency's minor unit, once.
 */
import Decimal from 'decimal.js';
import { currencyExponent } from './currencies';
import { Minor, toMajorString } from './money';

/** More significant digits than any sum of DECIMAL(48, 18) values can have: additions stay exact. */
const Exact = Decimal.clone({ precision: 120, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -100, toExpPos: 100 });

export const GROUP_KEYS = ['day', 'agentID', 'providerID', 'gameID', 'currency'] as const;
export type GroupKey = (typeof GROUP_KEYS)[number];
export const DEFAULT_GROUP_BY: readonly GroupKey[] = ['day'];
export const MAX_REPORT_DAYS = 366;

const DAY_MS = 86_400_000;

/** A calendar day `YYYY-MM-DD` that exists (2026-02-30 does not), as its UTC midnight. */
function parseDay(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return null;
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== text) return null;
  return ms;
}

export type ReportRange = { ok: true; from: string; to: string; days: number } | { ok: false; message: string };

/** `from` inclusive, `to` exclusive, at least one day and at most MAX_REPORT_DAYS. */
export function judgeReportRange(from: string, to: string): ReportRange {
  const fromMs = parseDay(from);
  if (fromMs === null) return { ok: false, message: `from: ${from} is not a date YYYY-MM-DD` };
  const toMs = parseDay(to);
  if (toMs === null) return { ok: false, message: `to: ${to} is not a date YYYY-MM-DD` };
  const days = Math.round((toMs - fromMs) / DAY_MS);
  if (days <= 0) return { ok: false, message: `to (${to}, exclusive) must be after from (${from})` };
  if (days > MAX_REPORT_DAYS)
    return { ok: false, message: `from ${from} to ${to} spans ${days} days: at most ${MAX_REPORT_DAYS}` };
  return { ok: true, from, to, days };
}

/** Each key at most once: a grouping that names a key twice is a mistake, not a wish. */
export function judgeGroupBy(keys: readonly GroupKey[]): { ok: true } | { ok: false; message: string } {
  const seen = new Set<GroupKey>();
  for (const key of keys) {
    if (seen.has(key)) return { ok: false, message: `groupBy: ${key} is named twice` };
    seen.add(key);
  }
  return { ok: true };
}

/**
 * Exact sums of one group, as the aggregate holds them: counts and local minor units are integer
 * strings, base sums decimal strings in base major units over the transactions that had a rate.
 */
export interface ExactFigures {
  readonly betCount: string;
  readonly betsMinor: string;
  readonly rollbacksMinor: string;
  readonly winsMinor: string;
  readonly betsBase: string;
  readonly rollbacksBase: string;
  readonly winsBase: string;
  readonly missingRates: string;
  readonly rounds: string;
  readonly players: string;
}

/** The figures of a report row or its totals, ready for the wire: money rounded once, half-even. */
export interface PresentedFigures {
  readonly betCount: number;
  readonly bets: string;
  readonly rollbacks: string;
  readonly wins: string;
  readonly ggr: string;
  readonly rounds: number;
  readonly players: number;
  readonly missingRates: number;
  /** Only when the row is one currency's. */
  readonly local?: { readonly bets: string; readonly rollbacks: string; readonly wins: string; readonly ggr: string };
}

/** `exact` rounded half-even to `digits` decimals, rendered with exactly that many. */
export function roundHalfEven(exact: string, digits: number): string {
  return new Exact(exact).toDecimalPlaces(digits, Decimal.ROUND_HALF_EVEN).toFixed(digits);
}

/** ggr = bets − rollbacks − wins, exactly. */
export function exactGgr(bets: string, rollbacks: string, wins: string): string {
  return new Exact(bets).minus(rollbacks).minus(wins).toFixed();
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new Error(`count ${value} is beyond what a JSON number holds exactly`);
  return n;
}

/**
 * Base figures rounded to the base currency's minor unit: ggr from the exact sums, then rounded, so
 * it can differ by a minor unit from the rounded bets − rollbacks − wins (the exact figure wins).
 */
export function presentFigures(figures: ExactFigures, baseCurrency: string, localCurrency?: string): PresentedFigures {
  const baseDigits = currencyExponent(baseCurrency);
  const round = (exact: string) => roundHalfEven(exact, baseDigits);
  const presented: PresentedFigures = {
    betCount: count(figures.betCount),
    bets: round(figures.betsBase),
    rollbacks: round(figures.rollbacksBase),
    wins: round(figures.winsBase),
    ggr: round(exactGgr(figures.betsBase, figures.rollbacksBase, figures.winsBase)),
    rounds: count(figures.rounds),
    players: count(figures.players),
    missingRates: count(figures.missingRates),
  };
  if (localCurrency === undefined) return presented;
  const local = (minorUnits: string) => toMajorString(BigInt(minorUnits) as Minor, localCurrency);
  const ggrMinor = BigInt(figures.betsMinor) - BigInt(figures.rollbacksMinor) - BigInt(figures.winsMinor);
  return {
    ...presented,
    local: {
      bets: local(figures.betsMinor),
      rollbacks: local(figures.rollbacksMinor),
      wins: local(figures.winsMinor),
      ggr: toMajorString(ggrMinor as Minor, localCurrency),
    },
  };
}

/**
 * A rounded decimal string as the wire's JSON number, refusing any that a double would not carry
 * exactly (more than 15 significant digits: beyond ten trillion units with two decimals).
 */
export function exactJsonNumber(text: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || !new Exact(String(n)).eq(new Exact(text)))
    throw new Error(`${text} has more digits than a JSON number carries exactly`);
  return n;
}
