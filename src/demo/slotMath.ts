/**
 * The demo studio's slot: three reels, one line. The outcome is drawn first (from a table whose return
 * to player is the game's catalogue RTP), then reels are shown that match it. Pure, and exact: wins are
 * integer multiples of the bet, so a win has no more digits than the bet it pays.
 */
import { randomInt } from 'node:crypto';

export const SYMBOLS = ['cherry', 'lemon', 'plum', 'bell', 'bar', 'seven'] as const;
export type SlotSymbol = (typeof SYMBOLS)[number];

export interface SpinOutcome {
  readonly reels: [SlotSymbol, SlotSymbol, SlotSymbol];
  /** The win is the bet times this (0 for a loss). */
  readonly multiplier: number;
}

/** Three of a kind: multiplier and probability in parts per million. Together they return 82%. */
const THREE_OF_A_KIND: ReadonlyArray<{ symbol: SlotSymbol; multiplier: number; ppm: number }> = [
  { symbol: 'seven', multiplier: 100, ppm: 1_000 },
  { symbol: 'bar', multiplier: 25, ppm: 4_000 },
  { symbol: 'bell', multiplier: 10, ppm: 12_000 },
  { symbol: 'plum', multiplier: 5, ppm: 30_000 },
  { symbol: 'lemon', multiplier: 3, ppm: 50_000 },
  { symbol: 'cherry', multiplier: 2, ppm: 100_000 },
];
const BASE_RETURN_PPM = THREE_OF_A_KIND.reduce((sum, row) => sum + row.multiplier * row.ppm, 0);

/**
 * Probability (ppm) of "two cherries", which gives the stake back (×1): the part of the RTP the
 * three-of-a-kind table does not cover, so the slot returns the catalogue RTP (82% to 122%).
 */
export function pairProbabilityPpm(rtpPercent: number): number {
  const target = Math.round(rtpPercent * 10_000);
  return Math.min(400_000, Math.max(0, target - BASE_RETURN_PPM));
}

/** The slot's exact return to player in percent for a catalogue RTP (what the table really pays). */
export function effectiveRtpPercent(rtpPercent: number): number {
  return (BASE_RETURN_PPM + pairProbabilityPpm(rtpPercent)) / 10_000;
}

export function spin(rtpPercent: number, random: (maxExclusive: number) => number = randomInt): SpinOutcome {
  let draw = random(1_000_000);
  for (const row of THREE_OF_A_KIND) {
    if (draw < row.ppm) return { reels: [row.symbol, row.symbol, row.symbol], multiplier: row.multiplier };
    draw -= row.ppm;
  }
  const pick = (choices: readonly SlotSymbol[]) => choices[random(choices.length)]!;
  if (draw < pairProbabilityPpm(rtpPercent)) {
    const reels: SlotSymbol[] = ['cherry', 'cherry', 'cherry'];
    reels[random(3)] = pick(SYMBOLS.filter((s) => s !== 'cherry'));
    return { reels: reels as SpinOutcome['reels'], multiplier: 1 };
  }
  // A loss: not three of a kind, and at most one cherry.
  for (;;) {
    const reels = [pick(SYMBOLS), pick(SYMBOLS), pick(SYMBOLS)] as SpinOutcome['reels'];
    const cherries = reels.filter((s) => s === 'cherry').length;
    if (cherries < 2 && !(reels[0] === reels[1] && reels[1] === reels[2])) return { reels, multiplier: 0 };
  }
}
