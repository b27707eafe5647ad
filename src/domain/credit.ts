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

/**
 * The day's fee: `feePercent` % of a positive GGR, rounded half up to the minor unit, computed on the
 * exact GGR and rounded once; 0 when the GGR is zero or negative (a day the players won is not billed,
 * nor carried over).
 */
export function dailyFeeMinor(ggrMinor: bigint, basisPoints: bigint): Minor {
  if (ggrMinor <= 0n) return 0n as Minor;
  return ((ggrMinor * basisPoints + 5_000n) / 10_000n) as Minor;
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
