/**
 * FX rates, staff side (PROTOCOL §12 `fx/set`, `fx/list`): a day's rates, base-currency units for one
 * unit of each currency, exact decimal strings. Setting a day again replaces that day's rates whole for
 * transactions stored from then on; stored transactions keep the rate they captured. The base currency
 * is never stored: its rate is always 1 (sending it is accepted only as "1").
 */
import { isKnownCurrency } from '../../domain/currencies';
import { isCalendarDay, parseRate } from '../../domain/fx';
import { badRequest } from '../admin/adminErrors';

/** A day and its rates, currency → decimal string (as normalised: no trailing zeros). */
export interface FxDay {
  readonly date: string;
  readonly rates: Readonly<Record<string, string>>;
}

export interface FxRateStore {
  /** Replaces the day's rates and writes the audit entry, in one transaction. */
  replaceDay(actor: string, day: FxDay): Promise<void>;
  /** Days in [from, to) (either bound optional), oldest first, at most `limit`. */
  listDays(range: { from?: string; to?: string }, limit: number): Promise<FxDay[]>;
}

/** Told after a change commits, so every process's cache drops the rates it holds. */
export interface FxRatesChanged {
  changed(): Promise<void>;
}

export const MAX_RATES_PER_DAY = 200;
export const MAX_LISTED_DAYS = 1_000;

/** Checks and normalises a day's rates; a bad one is HTTP 400 code 2, naming it. */
export function judgeDay(date: string, rates: Record<string, unknown>, baseCurrency: string): FxDay {
  if (!isCalendarDay(date)) throw badRequest(`date: "${date}" must be a day YYYY-MM-DD`);
  const entries = Object.entries(rates);
  if (entries.length > MAX_RATES_PER_DAY) throw badRequest(`rates: at most ${MAX_RATES_PER_DAY} currencies`);
  const normalised: Record<string, string> = {};
  for (const [currency, text] of entries) {
    if (!/^[A-Z]{3}$/.test(currency) || !isKnownCurrency(currency))
      throw badRequest(`rates.${currency}: not a currency we support`);
    const parsed = parseRate(text);
    if (!parsed.ok) throw badRequest(`rates.${currency}: ${parsed.reason}`);
    if (currency === baseCurrency) {
      if (parsed.rate !== '1') throw badRequest(`rates.${currency}: the base currency's rate is always 1`);
      continue;
    }
    normalised[currency] = parsed.rate;
  }
  return { date, rates: normalised };
}

export async function setRates(
  store: FxRateStore,
  cache: FxRatesChanged,
  actor: string,
  fields: { date: string; rates: Record<string, unknown> },
  baseCurrency: string,
): Promise<FxDay> {
  const day = judgeDay(fields.date, fields.rates, baseCurrency);
  await store.replaceDay(actor, day);
  await cache.changed();
  return day;
}

export async function listRates(
  store: FxRateStore,
  range: { from?: string; to?: string },
): Promise<{ days: FxDay[]; more: boolean }> {
  for (const [name, value] of Object.entries(range))
    if (value !== undefined && !isCalendarDay(value)) throw badRequest(`${name}: "${value}" must be a day YYYY-MM-DD`);
  if (range.from !== undefined && range.to !== undefined && range.from > range.to)
    throw badRequest('from: must not be after to');
  const days = await store.listDays(range, MAX_LISTED_DAYS + 1);
  return { days: days.slice(0, MAX_LISTED_DAYS), more: days.length > MAX_LISTED_DAYS };
}
