/**
 * The last figure of `npm run bench:reports` (issue 13): what keeping the aggregate costs the bet path.
 * Runs `npm run bench`'s sequencer group (scripts/bench.ts with BENCH_ONLY=sequencer): the same fresh
 * provider bets against our app with its sequencer folding every 200 ms and against a second process of
 * our app on a database of its own whose sequencer never runs, paired round by round, and reads back the
 * median ratio and its verdict (>= 0.95).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ScenarioSummary, TargetVerdict } from './report';

const ON = 'provider bet, sequencer on';
const OFF = 'provider bet, no sequencer';

export interface BetPathFigures {
  readonly rounds: number;
  readonly onReqPerSec: number;
  readonly offReqPerSec: number;
  /** Round by round, on over off. */
  readonly roundRatios: number[];
  readonly verdict: TargetVerdict;
}

/** Runs the group with its output shown as it comes; rejects when the bench itself fails. */
export async function measureBetPath(rounds: number): Promise<BetPathFigures> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-reports-bet-'));
  const out = path.join(dir, 'bench.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench.ts'], {
        env: { ...process.env, BENCH_ONLY: 'sequencer', BENCH_ROUNDS: String(rounds), BENCH_OUT: out },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`scripts/bench.ts exited ${code}`))));
    });
    const results = JSON.parse(readFileSync(out, 'utf8')) as {
      summaries: ScenarioSummary[];
      verdicts: TargetVerdict[];
    };
    const summary = (name: string) => {
      const found = results.summaries.find((s) => s.scenario === name);
      if (!found) throw new Error(`the bench reported no "${name}"`);
      return found;
    };
    const on = summary(ON);
    const off = summary(OFF);
    const verdict = results.verdicts.find((v) => v.scenario === ON);
    if (!verdict) throw new Error(`the bench judged no "${ON}"`);
    return {
      rounds,
      onReqPerSec: on.result.reqPerSec,
      offReqPerSec: off.result.reqPerSec,
      roundRatios: on.rounds.map((round, i) => round.reqPerSec / off.rounds[i]!.reqPerSec),
      verdict,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function renderBetPath(figures: BetPathFigures): string {
  const { verdict } = figures;
  return (
    `bet path, ${figures.rounds} paired rounds: sequencer on ${figures.onReqPerSec.toFixed(0)} req/s, ` +
    `without the aggregate ${figures.offReqPerSec.toFixed(0)} req/s (median rounds); on / off median ` +
    `${verdict.ratio === null ? 'not measured' : verdict.ratio.toFixed(2)} ` +
    `(rounds ${figures.roundRatios.map((r) => r.toFixed(2)).join(', ')})  target >= ${verdict.minRatio}  ` +
    `${verdict.pass ? 'PASS' : 'FAIL'}`
  );
}
