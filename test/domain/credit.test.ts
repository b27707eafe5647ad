// Risk covered: a fee rounded the wrong way or on a GGR rounded first, a negative day billed or carried over,
// exact base sums misread (decimals lost, sign dropped) on their way from the aggregate (PROTOCOL §11, §12).
import { dailyFee, exactText, exactUnits, feeBasisPoints } from '../../src/domain/credit';

const units = (text: string) => {
  const parsed = exactUnits(text);
  if (parsed === null) throw new Error(`not exact: ${text}`);
  return parsed;
};
const fee = (bets: string, rollbacks: string, wins: string, percent: string, exponent = 2) =>
  dailyFee(
    { betsBase: units(bets), rollbacksBase: units(rollbacks), winsBase: units(wins) },
    feeBasisPoints(percent)!,
    exponent,
  );

test.each([
  // bets, rollbacks, wins, feePercent, exponent -> ggrExact, ggrMinor (half-even), feeMinor (half up)
  ['10.2', '0', '10', '12.5', 2, '0.2', 20n, 3n], // 0.025 half up: 0.03 (half-even would give 0.02)
  ['0.509', '0', '0', '50', 2, '0.509', 51n, 25n], // 0.2545: 0.25 (on a rounded 0.51 it would be 0.26)
  ['0.125', '0', '0', '100', 2, '0.125', 12n, 13n], // the GGR shown half-even 0.12, the fee half up 0.13
  ['1.000000000000000001', '0', '0', '100', 2, '1.000000000000000001', 100n, 100n],
  ['5', '1', '4.5', '10', 2, '-0.5', -50n, 0n], // players won: no fee, nothing carried over
  ['5', '0', '5', '10', 2, '0', 0n, 0n],
  ['1234.5', '0', '0', '0.01', 0, '1234.5', 1234n, 0n], // JPY-like base: 0.12345 rounds to 0
  ['99999.995', '0', '0', '100', 2, '99999.995', 10000000n, 10000000n], // half-even up (odd 999999.9|5)
])('bets %s − rollbacks %s − wins %s at %s%% (exponent %d)', (b, r, w, p, e, exact, ggrMinor, feeMinor) => {
  expect(fee(b, r, w, p, e)).toEqual({ ggrExact: exact, ggrMinor, feeMinor });
});

test('exact decimals round-trip; more than 18 decimals or not a decimal is refused', () => {
  for (const text of ['0', '-0.5', '12', '0.000000000000000001', '123456789012345678901234567890.123456789012345678'])
    expect(exactText(units(text))).toBe(text);
  expect(exactText(units('1.500000000000000000'))).toBe('1.5');
  expect(exactUnits('0.0000000000000000001')).toBeNull();
  expect(exactUnits('1e3')).toBeNull();
  expect(exactUnits('')).toBeNull();
});
