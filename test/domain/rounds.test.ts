// Risk covered: the §5 win rule paying money it must not (PROTOCOL 1.1, "Wins"): a studio paying itself
// through another studio's or operator's free-spin campaign, a freeSpinID win for a player or game not
// in the campaign, or a legitimate free-spin win without a bet refused.
import { Minor } from '../../src/domain/money';
import { ResultCode } from '../../src/domain/resultCodes';
import { FreeSpinWinFacts, ProviderTransactionFacts, RoundFacts, WinFacts, judgeWin } from '../../src/domain/rounds';

const GAME = 7;
const openRound = (fields: Partial<RoundFacts> = {}): RoundFacts => ({
  status: 'open',
  gameId: GAME,
  betCount: 1,
  rolledBackCount: 0,
  winCount: 0,
  ...fields,
});
const bet: ProviderTransactionFacts = {
  platformTransactionId: 'p1',
  type: 'bet',
  status: 'applied',
  userId: 'u1',
  roundId: 'r1',
  gameId: GAME,
  debited: 100n as Minor,
  freeSpinId: null,
  balanceAfter: 0n as Minor,
};
const inCampaign: FreeSpinWinFacts = { playerInCampaign: true, gameIncluded: true };

function win(fields: Partial<WinFacts>): WinFacts {
  return { round: null, gameId: GAME, userId: 'u1', roundId: 'r1', ref: undefined, refRolledBack: false, ...fields };
}

const cases: Array<[string, Partial<WinFacts>, number | null]> = [
  // No freeSpinID: the ordinary rule.
  ['a win on a round with a bet of this game', { round: openRound() }, null],
  ['a win without a bet', { round: null }, ResultCode.REFERENCE_NOT_FOUND],
  ['a win on a round of another game', { round: openRound({ gameId: GAME + 1 }) }, ResultCode.REFERENCE_NOT_FOUND],
  ['a win on a closed round', { round: openRound({ status: 'closed' }) }, ResultCode.ROUND_CLOSED],
  ['a win for a rolled-back bet', { round: openRound(), ref: bet, refRolledBack: true }, ResultCode.ROUND_CLOSED],
  // freeSpinID: the exception, and only it.
  ['a free-spin win on the campaign game for a player in it, no bet', { freeSpin: inCampaign }, null],
  [
    'a free-spin win on the campaign game for a player in it, with a bet in the round',
    { round: openRound(), freeSpin: inCampaign },
    null,
  ],
  [
    "another studio's game (the cross-studio attack), no bet",
    { freeSpin: { playerInCampaign: true, gameIncluded: false } },
    ResultCode.FREE_SPINS_UNAVAILABLE,
  ],
  [
    'a game not in the campaign, even with a bet in the round',
    { round: openRound(), freeSpin: { playerInCampaign: true, gameIncluded: false } },
    ResultCode.FREE_SPINS_UNAVAILABLE,
  ],
  [
    'a player not in the campaign, no bet',
    { freeSpin: { playerInCampaign: false, gameIncluded: true } },
    ResultCode.FREE_SPINS_UNAVAILABLE,
  ],
  [
    'a player not in the campaign, with a bet in the round',
    { round: openRound(), freeSpin: { playerInCampaign: false, gameIncluded: true } },
    ResultCode.FREE_SPINS_UNAVAILABLE,
  ],
  ["an unknown freeSpinID (or another operator's campaign)", { freeSpin: null }, ResultCode.FREE_SPINS_UNAVAILABLE],
  [
    'an unknown freeSpinID with a bet in the round',
    { round: openRound(), ref: bet, freeSpin: null },
    ResultCode.FREE_SPINS_UNAVAILABLE,
  ],
  [
    'a free-spin win on a closed round',
    { round: openRound({ status: 'closed' }), freeSpin: inCampaign },
    ResultCode.ROUND_CLOSED,
  ],
  [
    'a free-spin win naming a rolled-back bet',
    { round: openRound(), ref: bet, refRolledBack: true, freeSpin: inCampaign },
    ResultCode.ROUND_CLOSED,
  ],
  [
    'a free-spin win naming a refTransactionID we do not have',
    { freeSpin: inCampaign, ref: null },
    ResultCode.REFERENCE_NOT_FOUND,
  ],
];

describe('judgeWin', () => {
  test.each(cases)('%s', (_name, fields, expected) => {
    const refusal = judgeWin(win(fields));
    expect(refusal?.code ?? null).toBe(expected);
  });
});
