// Risk covered: the §14 rules themselves off by one: a restriction still refusing at or after its
// `until`, a stake exactly at maxBet refused or one minor unit above accepted, a free-spin bet refused
// by a limit, or an `until` in the past accepted.
import { Minor } from '../../src/domain/money';
import {
  ProtectionFacts,
  judgeProtectedBet,
  judgeProtectedLaunch,
  judgeRestrictionEnd,
} from '../../src/domain/playerProtection';

const now = new Date('2026-12-03T10:00:00.000Z');
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);
const m = (value: number) => BigInt(value) as Minor;

describe('judgeProtectedBet', () => {
  test.each<[string, ProtectionFacts, number, number | null]>([
    ['no restriction, no limit', { restriction: null, maxBet: null }, 1_000_000, null],
    ['restricted indefinitely', { restriction: { reason: 'self-exclusion', until: null }, maxBet: null }, 1, 19],
    ['restricted until later', { restriction: { reason: 'cool-off', until: at(1) }, maxBet: null }, 1, 19],
    ['restriction ending now has lifted', { restriction: { reason: 'cool-off', until: at(0) }, maxBet: null }, 1, null],
    ['restriction ended', { restriction: { reason: 'operator', until: at(-1) }, maxBet: null }, 1, null],
    ['stake exactly maxBet', { restriction: null, maxBet: m(500) }, 500, null],
    ['stake one minor unit above maxBet', { restriction: null, maxBet: m(500) }, 501, 19],
    ['zero maxBet, zero stake', { restriction: null, maxBet: m(0) }, 0, null],
    ['zero maxBet, smallest stake', { restriction: null, maxBet: m(0) }, 1, 19],
  ])('%s', (_what, facts, stake, expected) => {
    expect(judgeProtectedBet(facts, m(stake), now)?.code ?? null).toBe(expected);
  });
});

test('a launch is refused only while the restriction holds', () => {
  expect(judgeProtectedLaunch(null, now)).toBeNull();
  expect(judgeProtectedLaunch({ reason: 'operator', until: null }, now)?.code).toBe(19);
  expect(judgeProtectedLaunch({ reason: 'cool-off', until: at(1) }, now)?.message).toMatch(/cool-off/);
  expect(judgeProtectedLaunch({ reason: 'cool-off', until: at(0) }, now)).toBeNull();
});

test('until must lie in the future, or be null', () => {
  expect(judgeRestrictionEnd(null, now)).toBeNull();
  expect(judgeRestrictionEnd(at(1), now)).toBeNull();
  expect(judgeRestrictionEnd(at(0), now)).toMatch(/future/);
  expect(judgeRestrictionEnd(at(-60_000), now)).toMatch(/future/);
});
