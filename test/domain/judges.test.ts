// Risk covered: the pure rules behind every bet, rollback, free-spin bet, repeated transaction and mode
// switch answering the wrong code for some combination of facts. Each table row is one combination and
// the code (or decision) the contract gives it (PROTOCOL §1, §4, §5).
import { judgeFreeSpinBet, CampaignFacts } from '../../src/domain/freeSpins';
import { judgeRepeat, requestHash } from '../../src/domain/idempotency';
import { Minor } from '../../src/domain/money';
import { ResultCode } from '../../src/domain/resultCodes';
import { ProviderTransactionFacts, RoundFacts, judgeBet, judgeRollback } from '../../src/domain/rounds';
import { judgeModeSwitch } from '../../src/domain/walletMode';

const minor = (value: number) => BigInt(value) as Minor;
const openRound: RoundFacts = { status: 'open', gameId: 1, betCount: 1, rolledBackCount: 0, winCount: 0 };
const closedRound: RoundFacts = { ...openRound, status: 'closed' };
const wonRound: RoundFacts = { ...openRound, winCount: 1 };

describe('judgeBet', () => {
  test.each<[string, Parameters<typeof judgeBet>[0], number | null]>([
    ['a first bet of a new round is accepted', { round: null, tombstone: false, gameId: 1 }, null],
    [
      'a further bet of an open round of the same game is accepted',
      { round: openRound, tombstone: false, gameId: 1 },
      null,
    ],
    [
      'a bet rolled back before it arrived is 10',
      { round: null, tombstone: true, gameId: 1 },
      ResultCode.REFERENCE_NOT_FOUND,
    ],
    [
      'the tombstone wins over a closed round',
      { round: closedRound, tombstone: true, gameId: 1 },
      ResultCode.REFERENCE_NOT_FOUND,
    ],
    ['a bet on a closed round is 15', { round: closedRound, tombstone: false, gameId: 1 }, ResultCode.ROUND_CLOSED],
    [
      "a bet on another game's round is 2",
      { round: openRound, tombstone: false, gameId: 2 },
      ResultCode.INVALID_PARAMETERS,
    ],
  ])('%s', (_name, facts, expected) => {
    expect(judgeBet(facts)?.code ?? null).toBe(expected);
  });
});

const bet = (overrides: Partial<ProviderTransactionFacts> = {}): ProviderTransactionFacts => ({
  platformTransactionId: 'P1',
  type: 'bet',
  status: 'applied',
  userId: 'u1',
  roundId: 'r1',
  gameId: 1,
  debited: minor(500),
  freeSpinId: null,
  balanceAfter: minor(1000),
  ...overrides,
});

describe('judgeRollback', () => {
  const base = { bet: bet(), previousRollback: null, round: openRound, roundId: 'r1', userId: 'u1' };
  test.each<[string, Partial<Parameters<typeof judgeRollback>[0]>, string, number | bigint | null]>([
    ['an applied bet is reversed for what it took', {}, 'reverse', 500n],
    ['a refused bet is reversed for nothing', { bet: bet({ status: 'refused' }) }, 'reverse', 0n],
    [
      'a free-spin bet gives back 0 and its spin',
      { bet: bet({ debited: minor(0), freeSpinId: 'fs1' }) },
      'reverse',
      0n,
    ],
    ['an unknown bet leaves a tombstone', { bet: null, round: null }, 'tombstone', null],
    [
      'a bet already rolled back by this player is a duplicate',
      { previousRollback: bet({ type: 'rollback' }) },
      'already-rolled-back',
      null,
    ],
    [
      "another player's earlier rollback is 10",
      { previousRollback: bet({ type: 'rollback', userId: 'u2' }) },
      'refused',
      ResultCode.REFERENCE_NOT_FOUND,
    ],
    ['a reference to a win is 10', { bet: bet({ type: 'win' }) }, 'refused', ResultCode.REFERENCE_NOT_FOUND],
    ['a bet of another round is 10', { roundId: 'r2' }, 'refused', ResultCode.REFERENCE_NOT_FOUND],
    ['a bet of another player is 10', { userId: 'u2' }, 'refused', ResultCode.REFERENCE_NOT_FOUND],
    ['a round that already has a win is 15', { round: wonRound }, 'refused', ResultCode.ROUND_CLOSED],
  ])('%s', (_name, overrides, kind, detail) => {
    const decision = judgeRollback({ ...base, ...overrides });
    expect(decision.kind).toBe(kind);
    if (decision.kind === 'reverse') expect(decision.refund).toBe(detail);
    if (decision.kind === 'refused') expect(decision.refusal.code).toBe(detail);
  });
});

describe('judgeFreeSpinBet', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const campaign: CampaignFacts = {
    spins: 3,
    betAmount: minor(100),
    currency: 'EUR',
    expiresAt: new Date('2026-12-02T00:00:00Z'),
    cancelledAt: null,
    allSpinsUsed: false,
  };
  const base = { campaign, now, spinsUsed: 0, gameIncluded: true, amount: minor(100), currency: 'EUR' };
  test.each<[string, Partial<Parameters<typeof judgeFreeSpinBet>[0]>, string | null]>([
    ['a spin of an active campaign is accepted', {}, null],
    ['the last spin is accepted', { spinsUsed: 2 }, null],
    ['an unknown campaign is 16', { campaign: null }, 'unknown freeSpinID'],
    ['a cancelled campaign is 16', { campaign: { ...campaign, cancelledAt: now } }, 'the campaign is cancelled'],
    ['an expired campaign is 16', { now: campaign.expiresAt }, 'the campaign is expired'],
    ['a finished campaign is 16', { campaign: { ...campaign, allSpinsUsed: true } }, 'the campaign is finished'],
    ['a player outside the campaign is 16', { spinsUsed: null }, 'the player is not in this campaign'],
    ['another game is 16', { gameIncluded: false }, 'the game is not in this campaign'],
    ['another currency is 16', { currency: 'USD' }, 'the campaign pays in EUR'],
    ['another stake is 16', { amount: minor(101) }, "the amount is not the campaign's bet amount"],
    ['no spins left is 16', { spinsUsed: 3 }, 'no spins left'],
  ])('%s', (_name, overrides, message) => {
    const refusal = judgeFreeSpinBet({ ...base, ...overrides });
    if (message === null) expect(refusal).toBeNull();
    else expect(refusal).toEqual({ ok: false, code: ResultCode.FREE_SPINS_UNAVAILABLE, message });
  });
});

describe('judgeRepeat', () => {
  const fields = { userID: 'u1', amount: 500n, currency: 'EUR' };
  test.each<[string, Record<string, string | bigint>, string]>([
    ['the same fields are a replay', { ...fields }, 'replay'],
    ['the same fields in another order are a replay', { currency: 'EUR', amount: 500n, userID: 'u1' }, 'replay'],
    ['another amount is a conflict', { ...fields, amount: 501n }, 'conflict'],
    ['another player is a conflict', { ...fields, userID: 'U1' }, 'conflict'],
  ])('%s', (_name, incoming, expected) => {
    expect(judgeRepeat(requestHash(fields), requestHash(incoming))).toBe(expected);
  });
});

describe('judgeModeSwitch', () => {
  const none = { nonZeroWallets: 0, openRounds: 0, pendingDeliveries: 0 };
  test.each<[string, 'transfer' | 'seamless', 'transfer' | 'seamless', typeof none, RegExp | null]>([
    ['staying in the same mode is always allowed', 'transfer', 'transfer', { ...none, nonZeroWallets: 3 }, null],
    ['to seamless with nothing in the way', 'transfer', 'seamless', none, null],
    [
      'to seamless with funded wallets is 12',
      'transfer',
      'seamless',
      { ...none, nonZeroWallets: 2 },
      /2 transfer wallet/,
    ],
    ['to seamless with open rounds is 12', 'transfer', 'seamless', { ...none, openRounds: 1 }, /1 round/],
    [
      'both reasons are named',
      'transfer',
      'seamless',
      { ...none, nonZeroWallets: 1, openRounds: 4 },
      /wallet.*and 4 round/,
    ],
    ['pending deliveries do not block going seamless', 'transfer', 'seamless', { ...none, pendingDeliveries: 5 }, null],
    [
      'to transfer with pending deliveries is 12',
      'seamless',
      'transfer',
      { ...none, pendingDeliveries: 5 },
      /5 seamless deliveries/,
    ],
    [
      'funded wallets do not block going back to transfer',
      'seamless',
      'transfer',
      { ...none, nonZeroWallets: 1 },
      null,
    ],
  ])('%s', (_name, from, to, blockers, message) => {
    const refusal = judgeModeSwitch(from, to, blockers);
    if (message === null) expect(refusal).toBeNull();
    else {
      expect(refusal?.code).toBe(ResultCode.WRONG_WALLET_MODE);
      expect(refusal?.message).toMatch(message);
    }
  });
});
