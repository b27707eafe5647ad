/**
 * Prepaid credit and fees (PROTOCOL §11): pure rules. Credit is an integer balance in the base
 * currency's minor units; percentages have at most 2 decimals and are held as integer hundredths of a
 * percent (basis points), so a fee is computed on integers only and rounded once.
 */
import { Minor } from './money';
import { assertInvariant } from './wallet';

export type CreditEntryKind = 'topup' | 'adjustment' | 'fee';

/** `12.5` → 1250n hundredths of a percent; null when not 0 to 100 with at most 2 decimals. */
export function feeBasisPoints(percent: string | number): bigint | null {
  const text = String(percent);
  const match = /^(\d{1,3})(?:\.(\d{1,2}))?$/.exec(text);
  if (!match) return null;
  const points = BigInt(match[1]!) * 100n + BigInt((match[2] ?? '').padEnd(2, '0'));
  return points <= 10_000n ? points : null;
}

/** Decimals of the daily aggregate's base sums (DECIMAL(48, 18)): the exact figures are counts of 10^-18. */
export const EXACT_BASE_DIGITS = 18;
const EXACT_SCALE = 10n ** BigInt(EXACT_BASE_DIGITS);

/** A decimal string (`-0.5`, `12`, `0.000000000000000001`) as a count of 10^-18; null past 18 decimals. */
export function exactUnits(text: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
  if (!match || (match[3] ?? '').length > EXACT_BASE_DIGITS) return null;
  const units = BigInt(match[2]!) * EXACT_SCALE + BigInt((match[3] ?? '').padEnd(EXACT_BASE_DIGITS, '0') || '0');
  return match[1] === '-' ? -units : units;
}

/** A count of 10^-18 written back as the shortest exact decimal string. */
export function exactText(units: bigint): string {
  const sign = units < 0n ? '-' : '';
  const abs = units < 0n ? -units : units;
  const fraction = (abs % EXACT_SCALE).toString().padStart(EXACT_BASE_DIGITS, '0').replace(/0+$/, '');
  return `${sign}${abs / EXACT_SCALE}${fraction ? `.${fraction}` : ''}`;
}

/** n / d (d > 0) rounded half-even to an integer. */
function divideHalfEven(n: bigint, d: bigint): bigint {
  let q = n / d;
  let r = n % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  if (2n * r > d || (2n * r === d && q % 2n !== 0n)) q += 1n;
  return q;
}

export interface DailyFee {
  /** The day's GGR in base currency, exact (bets − rollbacks − wins of the aggregate's sums). */
  readonly ggrExact: string;
  /** The same rounded half-even to the base minor unit, as a GGR report shows it (PROTOCOL §12). */
  readonly ggrMinor: Minor;
  /** feePercent % of the exact GGR when positive, else 0, rounded half up to the minor unit, once. */
  readonly feeMinor: Minor;
}

/**
 * The day's fee (PROTOCOL §11) from the exact base sums: `feePercent` % of a positive GGR, computed on
 * the exact GGR and rounded once, half up, to the base currency's minor unit; 0 when the GGR is zero or
 * negative (a day the players won is not billed, nor carried over). Integers only: the sums are counts
 * of 10^-18 and the percentage hundredths of a percent.
 */
export function dailyFee(
  sums: { readonly betsBase: bigint; readonly rollbacksBase: bigint; readonly winsBase: bigint },
  basisPoints: bigint,
  baseExponent: number,
): DailyFee {
  const ggr = sums.betsBase - sums.rollbacksBase - sums.winsBase;
  const minorScale = 10n ** BigInt(baseExponent);
  const ggrMinor = divideHalfEven(ggr * minorScale, EXACT_SCALE) as Minor;
  if (ggr <= 0n) return { ggrExact: exactText(ggr), ggrMinor, feeMinor: 0n as Minor };
  // fee = ggr × 10^exp × points / (10,000 × 10^18), half up: (2n + d) / 2d for a positive n.
  const numerator = ggr * minorScale * basisPoints;
  const denominator = 10_000n * EXACT_SCALE;
  const feeMinor = ((2n * numerator + denominator) / (2n * denominator)) as Minor;
  return { ggrExact: exactText(ggr), ggrMinor, feeMinor };
}

/**
 * The pair around every move of an operator's prepaid credit: a top-up adds, a fee takes (or is 0),
 * an adjustment does either but is never 0, and the balance after is exactly the one before plus the
 * entry's amount. Credit may go below zero (down to the credit limit, by fees): no range to check.
 */
export function assertCreditMove(kind: CreditEntryKind, before: bigint, amountMinor: bigint, after: bigint): void {
  if (kind === 'topup') assertInvariant(amountMinor > 0n, `a top-up of ${amountMinor}`);
  if (kind === 'fee') assertInvariant(amountMinor <= 0n, `a fee of ${amountMinor} would add credit`);
  if (kind === 'adjustment') assertInvariant(amountMinor !== 0n, 'an adjustment of 0');
  assertInvariant(before + amountMinor === after, `credit ${before} moved by ${amountMinor} is not ${after}`);
}

/** A live operator is out of credit when its balance is at or below minus its credit limit. */
export function isOutOfCredit(balanceMinor: bigint, creditLimitMinor: bigint): boolean {
  return balanceMinor <= -creditLimitMinor;
}

/** What go-live needs (§11); each unmet condition is named in the refusal. */
export interface GoLiveFacts {
  readonly mode: 'transfer' | 'seamless';
  readonly creditMinor: bigint;
  /** Seamless only: a passed run, finished within the last 30 days, for the current URL and scheme. */
  readonly hasRecentPassedCertification: boolean;
  readonly certificationProblem: string | null;
}

export function unmetGoLiveConditions(facts: GoLiveFacts): string[] {
  const unmet: string[] = [];
  if (facts.mode === 'seamless' && !facts.hasRecentPassedCertification) {
    unmet.push(
      facts.certificationProblem ??
        'certification: no passed certification run of the current callbackUrl and scheme within the last 30 days',
    );
  }
  if (facts.creditMinor <= 0n) unmet.push('credit: the prepaid credit must be above zero (top it up first)');
  return unmet;
}

export const CERTIFICATION_VALID_DAYS = 30;
