// Risk covered: a ledger entry, a prepaid-credit move or a delivery status change that breaks its rule
// (a refusal that moves money, a win that debits, a credit off by its amount, a delivery leaving a final
// status or counting an attempt twice) being written instead of failing loudly. Each row is one case.
import { assertCreditMove } from '../../src/domain/credit';
import { DeliveryMove, DeliveryStatus, assertDeliveryTransition, assertTransitioned } from '../../src/domain/delivery';
import { EntryMove, assertEntryMove } from '../../src/domain/ledgerEntry';
import { MAX_MINOR, Minor } from '../../src/domain/money';

const m = (value: bigint | number) => BigInt(value) as Minor;
const entry = (over: Partial<EntryMove>): EntryMove => ({
  type: 'bet',
  status: 'applied',
  amount: m(10),
  delta: m(-10),
  balanceAfter: null,
  ...over,
});

describe('assertEntryMove', () => {
  test.each<[string, Partial<EntryMove>]>([
    ['an applied bet debits its amount', {}],
    ['an applied withdraw debits its amount', { type: 'withdraw', balanceAfter: m(0) }],
    ['a free-spin bet of 0 moves 0', { amount: m(0), delta: m(0) }],
    ['an applied win credits its amount', { type: 'win', delta: m(10) }],
    [
      'a deposit credits its amount, up to the largest balance',
      { type: 'deposit', delta: m(10), balanceAfter: MAX_MINOR },
    ],
    ['a jackpot credits its amount', { type: 'jackpot', delta: m(10) }],
    ['a rollback refunds its bet', { type: 'rollback', delta: m(10) }],
    ['a tombstone rollback moves 0', { type: 'rollback', amount: m(0), delta: m(0) }],
    [
      'a refused withdraw (7) moves nothing and keeps the balance',
      { type: 'withdraw', status: 'refused', delta: m(0), balanceAfter: m(3) },
    ],
    ['a refused seamless bet (17) moves nothing', { status: 'refused', amount: m(0), delta: m(0) }],
  ])('%s', (_name, over) => {
    expect(() => assertEntryMove(entry(over))).not.toThrow();
  });

  test.each<[string, Partial<EntryMove>, RegExp]>([
    ['a negative amount', { amount: m(-1), delta: m(1) }, /amount is negative/],
    ['a refusal that moved money', { status: 'refused', delta: m(-10) }, /refused bet of 10 moved -10/],
    ['a bet that credits', { delta: m(10) }, /not -10/],
    ['a bet that debits more than its amount', { delta: m(-11) }, /not -10/],
    ['a win that debits', { type: 'win', delta: m(-10) }, /not \+10/],
    ['a rollback that refunds another amount', { type: 'rollback', delta: m(9) }, /not \+10/],
    ['a balance after below zero', { balanceAfter: m(-1) }, /out of range/],
    [
      'a balance after past the largest',
      { type: 'win', delta: m(10), balanceAfter: m(MAX_MINOR + 1n) },
      /out of range/,
    ],
  ])('refused: %s', (_name, over, message) => {
    expect(() => assertEntryMove(entry(over))).toThrow(message);
  });
});

describe('assertCreditMove', () => {
  test.each<[string, Parameters<typeof assertCreditMove>]>([
    ['a top-up adds', ['topup', 0n, 500n, 500n]],
    ['a fee takes, below zero too (the credit limit allows it)', ['fee', 100n, -300n, -200n]],
    ['a fee of 0 (a day the players won)', ['fee', 100n, 0n, 100n]],
    ['an adjustment takes', ['adjustment', 100n, -100n, 0n]],
    ['an adjustment adds', ['adjustment', -50n, 70n, 20n]],
  ])('%s', (_name, args) => {
    expect(() => assertCreditMove(...args)).not.toThrow();
  });

  test.each<[string, Parameters<typeof assertCreditMove>, RegExp]>([
    ['a top-up of 0', ['topup', 0n, 0n, 0n], /a top-up of 0/],
    ['a negative top-up', ['topup', 100n, -1n, 99n], /a top-up of -1/],
    ['a fee that adds', ['fee', 0n, 5n, 5n], /would add credit/],
    ['an adjustment of 0', ['adjustment', 7n, 0n, 7n], /adjustment of 0/],
    ['a balance after off by one', ['topup', 100n, 50n, 151n], /credit 100 moved by 50 is not 151/],
  ])('refused: %s', (_name, args, message) => {
    expect(() => assertCreditMove(...args)).toThrow(message);
  });
});

describe('assertDeliveryTransition', () => {
  test.each<[string, DeliveryStatus, DeliveryMove]>([
    ['a Withdraw refused (7 or 17)', 'sending', { status: 'refused' }],
    ['a debited Withdraw folded', 'sending', { status: 'delivered' }],
    ['an attempt failed, the next one scheduled', 'pending', { status: 'pending', attempts: 1, expectAttempts: 0 }],
    ['delivered at the third attempt', 'pending', { status: 'delivered', attempts: 3, expectAttempts: 2 }],
    ['parked after its last attempt', 'pending', { status: 'failed', attempts: 5, expectAttempts: 4 }],
    ['staff redeliver a parked delivery', 'failed', { status: 'pending', attempts: 0, maxAttempts: 3 }],
  ])('%s', (_name, from, move) => {
    expect(() => assertDeliveryTransition(from, move)).not.toThrow();
  });

  test.each<[string, DeliveryStatus, DeliveryMove, RegExp]>([
    ['a delivered row sent again', 'delivered', { status: 'pending' }, /from delivered to pending/],
    ['a refused Withdraw reopened', 'refused', { status: 'sending' }, /from refused to sending/],
    ['a Withdraw queued for retries', 'sending', { status: 'pending' }, /from sending to pending/],
    ['a parked row marked delivered without an attempt', 'failed', { status: 'delivered' }, /from failed to delivered/],
    ['an attempt not counted', 'pending', { status: 'pending', attempts: 2, expectAttempts: 2 }, /one more than 2/],
    ['an attempt counted twice', 'pending', { status: 'delivered', attempts: 3, expectAttempts: 1 }, /one more than 1/],
    ['an attempt without the guard', 'pending', { status: 'failed', attempts: 3 }, /one more than undefined/],
    ['a negative count', 'failed', { status: 'pending', attempts: -1 }, /attempts -1 is negative/],
    ['a budget of no attempt', 'failed', { status: 'pending', maxAttempts: 0 }, /max attempts 0/],
  ])('refused: %s', (_name, from, move, message) => {
    expect(() => assertDeliveryTransition(from, move)).toThrow(message);
  });

  test('a guarded transition by key moves one row or none', () => {
    expect(() => assertTransitioned(0, 'delivery 1')).not.toThrow();
    expect(() => assertTransitioned(1, 'delivery 1')).not.toThrow();
    expect(() => assertTransitioned(2, 'delivery 1')).toThrow(/delivery 1 moved 2 rows/);
  });
});
