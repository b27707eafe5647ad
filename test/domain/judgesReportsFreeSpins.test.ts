// Risk covered: the pure rules behind a free-spin win and a GGR report's request answering the wrong
// way for some combination of facts (a win paid on a campaign the player is not in, a report range of
// zero days or of more than a year accepted, a grouping naming a key twice). One row per combination.
import { MAX_REPORT_DAYS, judgeGroupBy, judgeReportRange } from '../../src/domain/ggr';
import { ResultCode } from '../../src/domain/resultCodes';
import { FreeSpinWinFacts, judgeFreeSpinWin } from '../../src/domain/rounds';

describe('judgeFreeSpinWin', () => {
  test.each<[string, FreeSpinWinFacts | null, RegExp | null]>([
    ['a player of the campaign on one of its games is paid', { playerInCampaign: true, gameIncluded: true }, null],
    ['an unknown freeSpinID is 16', null, /unknown freeSpinID/],
    ['a player outside the campaign is 16', { playerInCampaign: false, gameIncluded: true }, /not in this campaign/],
    ['another game is 16', { playerInCampaign: true, gameIncluded: false }, /game is not in this campaign/],
    ['neither: the player is named first', { playerInCampaign: false, gameIncluded: false }, /player is not/],
  ])('%s', (_name, facts, message) => {
    const refusal = judgeFreeSpinWin(facts);
    if (message === null) expect(refusal).toBeNull();
    else
      expect(refusal).toMatchObject({
        code: ResultCode.FREE_SPINS_UNAVAILABLE,
        message: expect.stringMatching(message),
      });
  });
});

describe('judgeReportRange', () => {
  test.each<[string, string, string, number | RegExp]>([
    ['one day', '2026-03-01', '2026-03-02', 1],
    ['a leap February', '2028-02-01', '2028-03-01', 29],
    ['the longest range', '2026-01-01', '2027-01-02', MAX_REPORT_DAYS],
    ['across the end of summer time (days, not 24-hour steps)', '2026-10-24', '2026-10-27', 3],
    ['an empty range', '2026-03-01', '2026-03-01', /must be after from/],
    ['a reversed range', '2026-03-02', '2026-03-01', /must be after from/],
    ['one day too long', '2026-01-01', '2027-01-03', /spans 367 days: at most 366/],
    ['a date that does not exist', '2026-02-30', '2026-03-02', /from: 2026-02-30 is not a date/],
    ['not a date', '2026-03-01', 'tomorrow', /to: tomorrow is not a date/],
    ['a time is not a day', '2026-03-01T00:00:00Z', '2026-03-02', /is not a date/],
  ])('%s', (_name, from, to, expected) => {
    const range = judgeReportRange(from, to);
    if (typeof expected === 'number') expect(range).toEqual({ ok: true, from, to, days: expected });
    else expect(range).toMatchObject({ ok: false, message: expect.stringMatching(expected) });
  });
});

describe('judgeGroupBy', () => {
  test.each<[string, Parameters<typeof judgeGroupBy>[0], RegExp | null]>([
    ['no grouping', [], null],
    ['distinct keys', ['day', 'currency'], null],
    ['a key named twice', ['currency', 'day', 'currency'], /groupBy: currency is named twice/],
  ])('%s', (_name, keys, message) => {
    const judged = judgeGroupBy(keys);
    if (message === null) expect(judged).toEqual({ ok: true });
    else expect(judged).toMatchObject({ ok: false, message: expect.stringMatching(message) });
  });
});
