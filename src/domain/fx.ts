/**
 * FX rates and base-currency amounts (PROTOCOL §12), exact: a rate is a decimal string of base units
 * for one unit of a currency (at most 12 integer and 12 decimal digits, > 0), and an amount in base
 * currency is the exact product of the amount in major units and that rate. Nothing here rounds:
 * decimal.js runs with more significant digits than any product of a 15-digit amount and a 24-digit
 * rate has, so every operation below is exact, and binary floating point is never involved.
 */
import Decimal from 'decimal.js';
import { currencyExponent } from './currencies';
import { Minor } from './money';

/** 15 digits of amount times 24 of rate fit in 39; 80 leaves room for sums of many of them. */
const Exact = Decimal.clone({ precision: 80, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -100, toExpPos: 100 });

/** The column is DECIMAL(24, 12): 12 integer digits, 12 decimals. */
export const MAX_RATE_DECIMALS = 12;
const RATE_TEXT = /^(\d{1,12})(?:\.(\d{1,12}))?$/;

export type ParsedRate = { ok: true; rate: string } | { ok: false; reason: string };

/** A wire rate: a plain decimal string (no sign, exponent or spaces), > 0; answered normalised. */
export function parseRate(text: unknown): ParsedRate {
  if (typeof text !== 'string') return { ok: false, reason: 'must be a decimal string such as "1.0845"' };
  if (!RATE_TEXT.test(text)) {
    return {
      ok: false,
      reason: `"${text}" must be a decimal string with at most 12 digits before and after the point`,
    };
  }
  const rate = new Exact(text);
  if (rate.lte(0)) return { ok: false, reason: `"${text}" must be greater than 0` };
  return { ok: true, rate: rate.toFixed() };
}

/** A stored DECIMAL as the wire shows it: exact, without trailing zeros or exponent ("1.085000000000" → "1.085"). */
export function decimalText(stored: string): string {
  return new Exact(stored).toFixed();
}

/** amount (minor units of `currency`) × rate, in base major units, exact and unrounded, as a decimal string. */
export function amountInBase(amount: Minor, currency: string, rate: string): string {
  const major = new Exact(amount.toString()).div(new Exact(10).pow(currencyExponent(currency)));
  return major.times(new Exact(rate)).toFixed();
}

/** Sums decimal strings exactly. */
export function sumDecimals(values: readonly string[]): string {
  return values.reduce((sum, value) => sum.plus(new Exact(value)), new Exact(0)).toFixed();
}

export interface DatedRate {
  /** `YYYY-MM-DD` (UTC day). */
  readonly day: string;
  readonly rate: string;
}

/**
 * The rate in force on `day` (§12: the latest day on or before it that has one), from one currency's
 * rates sorted by day ascending; null when none is on or before it.
 */
export function rateInForce(sortedRates: readonly DatedRate[], day: string): string | null {
  let found: string | null = null;
  for (const entry of sortedRates) {
    if (entry.day > day) break;
    found = entry.rate;
  }
  return found;
}

/** The UTC day of an instant, `YYYY-MM-DD`. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** A real calendar day `YYYY-MM-DD` (not 2026-02-30). */
export function isCalendarDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const parsed = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(parsed.getTime()) && utcDay(parsed) === text;
}
