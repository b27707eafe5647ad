// Risk covered: a rounding or float error turns into money created or lost.
import { MAX_MINOR, minor, parseMajorAmount, toMajorNumber, toMajorString } from '../../src/domain/money';
import { applyMovement } from '../../src/domain/wallet';
import { CURRENCY_EXPONENTS } from '../../src/domain/currencies';
import fc from 'fast-check';

const ok = (value: unknown, currency: string) => {
  const parsed = parseMajorAmount(value, currency);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.minor;
};

describe('money at the wire edge', () => {
  test('major units to minor units per currency exponent', () => {
    expect(ok(1.5, 'EUR')).toBe(150n);
    expect(ok(0.1, 'EUR')).toBe(10n);
    expect(ok(1.1, 'EUR')).toBe(110n);
    expect(ok(100, 'JPY')).toBe(100n);
    expect(ok(1.234, 'KWD')).toBe(1234n);
    expect(ok(0, 'EUR')).toBe(0n);
    expect(ok(0.29, 'USD')).toBe(29n); // 0.29 * 100 is 28.999999999999996 in floating point
  });

  test('more digits than the currency has, negatives and non-numbers are refused', () => {
    for (const [value, currency] of [
      [1.234, 'EUR'],
      [1.5, 'JPY'],
      [1.2345, 'KWD'],
      [-1, 'EUR'],
      [-0, 'EUR'],
      [Number.NaN, 'EUR'],
      [Number.POSITIVE_INFINITY, 'EUR'],
      ['1.5', 'EUR'],
      [null, 'EUR'],
      [1e21, 'EUR'],
      [1e-7, 'EUR'],
      [1e16, 'EUR'],
    ] as const) {
      expect(parseMajorAmount(value, currency).ok).toBe(false);
    }
  });

  test('rendering back to the wire is exact', () => {
    expect(toMajorString(minor(150), 'EUR')).toBe('1.50');
    expect(toMajorString(minor(5), 'EUR')).toBe('0.05');
    expect(toMajorString(minor(5), 'JPY')).toBe('5');
    expect(toMajorString(minor(1), 'KWD')).toBe('0.001');
    expect(toMajorNumber(minor(150), 'EUR')).toBe(1.5);
  });

  test('property: every representable amount survives wire → minor → wire', () => {
    const currencies = Object.keys(CURRENCY_EXPONENTS);
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_MINOR }), fc.constantFrom(...currencies), (value, currency) => {
        const wire = toMajorNumber(value as never, currency);
        expect(ok(wire, currency)).toBe(value);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('wallet movement rule', () => {
  test('a debit never takes the balance below zero', () => {
    expect(applyMovement(minor(100), 'debit', minor(100))).toMatchObject({
      applied: true,
      balanceAfter: 0n,
      delta: -100n,
    });
    expect(applyMovement(minor(100), 'debit', minor(101))).toMatchObject({ applied: false, refusal: { code: 7 } });
  });

  test('a credit never takes the balance past the largest amount', () => {
    expect(applyMovement(MAX_MINOR, 'credit', minor(1))).toMatchObject({ applied: false, refusal: { code: 2 } });
    expect(applyMovement(minor(1), 'credit', minor(2))).toMatchObject({ applied: true, balanceAfter: 3n, delta: 2n });
  });
});
