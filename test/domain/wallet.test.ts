// Risk covered: a balance move with a wrong sign, a stale "before" or a result out of range reaching the
// books; the paired assertions around every move must stop each, and applyMovement must keep its rule.
import { MAX_MINOR, Minor } from '../../src/domain/money';
import { ResultCode } from '../../src/domain/resultCodes';
import { applyMovement, assertMoved } from '../../src/domain/wallet';

const minor = (value: bigint | number) => BigInt(value) as Minor;

describe('assertMoved', () => {
  test.each<[string, bigint, bigint, bigint]>([
    ['a debit to zero', 500n, -500n, 0n],
    ['a credit to the largest balance', MAX_MINOR - 1n, 1n, MAX_MINOR],
    ['no move', 7n, 0n, 7n],
  ])('accepts %s', (_name, before, delta, after) => {
    expect(() => assertMoved(minor(before), minor(delta), minor(after))).not.toThrow();
  });
  test.each<[string, bigint, bigint, bigint, RegExp]>([
    ['a wrong sign', 500n, -100n, 600n, /moved by -100 is not 600/],
    ['a stale before', 400n, -100n, 400n, /moved by -100 is not 400/],
    ['a result below zero', 100n, -200n, -100n, /out of range after/],
    ['a result past MAX_MINOR', MAX_MINOR, 1n, MAX_MINOR + 1n, /out of range after/],
    ['a negative start', -1n, 1n, 0n, /out of range before/],
  ])('refuses %s', (_name, before, delta, after, message) => {
    expect(() => assertMoved(minor(before), minor(delta), minor(after))).toThrow(message);
  });
});

describe('applyMovement', () => {
  test('a debit beyond the balance is 7 and moves nothing', () => {
    expect(applyMovement(minor(100), 'debit', minor(101))).toMatchObject({
      applied: false,
      refusal: { code: ResultCode.INSUFFICIENT_FUNDS },
    });
  });
  test('a debit of the whole balance lands on zero', () => {
    expect(applyMovement(minor(100), 'debit', minor(100))).toEqual({ applied: true, balanceAfter: 0n, delta: -100n });
  });
  test('a credit past MAX_MINOR is 2', () => {
    expect(applyMovement(minor(MAX_MINOR), 'credit', minor(1))).toMatchObject({
      applied: false,
      refusal: { code: ResultCode.INVALID_PARAMETERS },
    });
  });
  test('a negative balance is a bug, not a refusal', () => {
    expect(() => applyMovement(minor(-1), 'credit', minor(1))).toThrow(/invariant violated/);
  });
});
