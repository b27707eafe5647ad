/**
 * Money is an integer count of minor units held in a `bigint`, branded so that a plain number or an
 * unrelated bigint cannot be passed where an amount is meant. Conversion to and from the wire (major
 * units as JSON numbers) happens only here and refuses any loss of precision.
 */
import { currencyExponent } from './currencies';

export type Minor = bigint & { readonly __unit: 'minor' };

export const ZERO = 0n as Minor;

/**
 * The largest amount or balance we accept: 15 significant digits, so that every value survives the
 * round trip through an IEEE-754 double on the wire (a double holds any 15-digit decimal exactly).
 */
export const MAX_MINOR = 999_999_999_999_999n as Minor;

export function minor(value: bigint | number | string): Minor {
  const result = BigInt(value);
  return result as Minor;
}

export type ParsedAmount = { ok: true; minor: Minor } | { ok: false; reason: string };

/**
 * Parses a wire amount (major units, a JSON number) into minor units. The digits are counted on the
 * parsed number as ECMAScript renders it (`1.10` arrives as `1.1`), so the check needs no raw text.
 */
export function parseMajorAmount(value: unknown, currency: string): ParsedAmount {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, reason: 'amount must be a finite number' };
  }
  if (value < 0 || Object.is(value, -0)) return { ok: false, reason: 'amount must not be negative' };
  const exponent = currencyExponent(currency);
  const text = String(value);
  let integerPart: string;
  let fractionPart: string;
  if (/e/i.test(text)) {
    // ECMAScript uses exponent notation below 1e-6 and from 1e21: both are out of range for money.
    return { ok: false, reason: `amount ${text} is out of range` };
  }
  const dot = text.indexOf('.');
  if (dot === -1) {
    integerPart = text;
    fractionPart = '';
  } else {
    integerPart = text.slice(0, dot);
    fractionPart = text.slice(dot + 1);
  }
  if (fractionPart.length > exponent) {
    return {
      ok: false,
      reason: `amount ${text} has more than ${exponent} decimal digit${exponent === 1 ? '' : 's'} for ${currency}`,
    };
  }
  const result = BigInt(integerPart + fractionPart.padEnd(exponent, '0')) as Minor;
  if (result > MAX_MINOR) return { ok: false, reason: `amount ${text} is out of range` };
  return { ok: true, minor: result };
}

/** Renders minor units as the wire's major-unit JSON number, exactly (see MAX_MINOR). */
export function toMajorNumber(amount: Minor, currency: string): number {
  return Number(toMajorString(amount, currency));
}

/** Renders minor units as a decimal string in major units, e.g. 150n EUR → "1.50". */
export function toMajorString(amount: Minor, currency: string): string {
  const exponent = currencyExponent(currency);
  const negative = amount < 0n;
  const digits = (negative ? -amount : amount).toString().padStart(exponent + 1, '0');
  const integerPart = digits.slice(0, digits.length - exponent);
  const fractionPart = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${integerPart}${exponent > 0 ? `.${fractionPart}` : ''}`;
}
