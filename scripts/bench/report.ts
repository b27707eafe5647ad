/** The printed table, the targets' verdicts and the optional JSON file (BENCH_OUT). */
import { LoadResult } from './loadRunner';
import { Scenario, Target } from './scenarios';

export interface ScenarioSummary {
  readonly scenario: string;
  readonly target: string;
  readonly baseline: string | null;
  /** The round with the median req/s (the only round when BENCH_ROUNDS=1). */
  readonly result: LoadResult;
  /** Errors over every round. */
  readonly errors: number;
  readonly rounds: readonly LoadResult[];
  /** req/s over the baseline's in the same round (median over rounds), or null without a baseline. */
  readonly ratio: number | null;
}

export interface TargetVerdict extends Target {
  readonly ratio: number | null;
  readonly errors: number | null;
  readonly pass: boolean;
}

export function summarize(selected: readonly Scenario[], results: ReadonlyMap<string, LoadResult[]>): ScenarioSummary[] {
  const median = (rounds: readonly LoadResult[]) => [...rounds].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor((rounds.length - 1) / 2)]!;
  const medians = new Map<string, LoadResult>();
  for (const [name, rounds] of results) if (rounds.length) medians.set(name, median(rounds));
  return selected
    .filter((scenario) => medians.has(scenario.name))
    .map((scenario) => {
      const rounds = results.get(scenario.name)!;
      const result = medians.get(scenario.name)!;
      const baseRounds = scenario.baseline ? results.get(scenario.baseline) ?? [] : [];
      const ratios = rounds
        .map((round, i) => (baseRounds[i] && baseRounds[i].reqPerSec > 0 ? round.reqPerSec / baseRounds[i].reqPerSec : null))
        .filter((ratio): ratio is number => ratio !== null)
        .sort((a, b) => a - b);
      return {
        scenario: scenario.name,
        target: scenario.target,
        baseline: scenario.baseline ?? null,
        result,
        errors: rounds.reduce((sum, round) => sum + round.errors, 0),
        rounds,
        ratio: ratios.length ? ratios[Math.floor((ratios.length - 1) / 2)]! : null,
      };
    });
}

export function judgeTargets(targets: readonly Target[], summaries: readonly ScenarioSummary[]): TargetVerdict[] {
  return targets.map((target) => {
    const summary = summaries.find((s) => s.scenario === target.scenario);
    const ratio = summary?.ratio ?? null;
    const errors = summary ? summary.errors : null;
    return { ...target, ratio, errors, pass: ratio !== null && errors !== null && ratio >= target.minRatio && errors <= target.maxErrors };
  });
}

export function renderTable(summaries: readonly ScenarioSummary[]): string {
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'vs R', 'server cpu', 'db cpu', 'loader cpu', 'db stmts'];
  const cpu = (s: ScenarioSummary, label: string) => {
    const value = s.result.cpuMsPerRequest[label];
    return value === undefined ? '-' : value.toFixed(2);
  };
  const rows = summaries.map((s) => [
    s.scenario,
    s.result.reqPerSec.toFixed(0),
    s.result.p50Ms.toFixed(1),
    s.result.p99Ms.toFixed(1),
    String(s.errors),
    s.baseline === null ? '(baseline)' : s.ratio === null ? 'n/a' : `${s.ratio.toFixed(2)}x ${s.baseline}`,
    cpu(s, 'server'),
    cpu(s, 'db'),
    cpu(s, 'loader'),
    s.result.dbStatementsPerRequest === null ? '-' : s.result.dbStatementsPerRequest.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function renderVerdicts(verdicts: readonly TargetVerdict[]): string {
  return verdicts
    .map((v) => {
      const measured = v.ratio === null ? 'not measured' : `${v.ratio.toFixed(2)}x with ${v.errors} error(s)`;
      return `${v.pass ? 'PASS' : 'FAIL'}  ${v.scenario} >= ${v.minRatio}x its baseline with <= ${v.maxErrors} errors: ${measured}`;
    })
    .join('\n');
}

export function renderErrorKinds(summaries: readonly ScenarioSummary[]): string {
  const lines: string[] = [];
  for (const s of summaries) {
    const kinds = new Map<string, number>();
    for (const round of s.rounds) for (const [kind, count] of Object.entries(round.errorKinds)) kinds.set(kind, (kinds.get(kind) ?? 0) + count);
    for (const [kind, count] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 5)) lines.push(`  ${s.scenario}: ${count} x ${kind}`);
  }
  return lines.join('\n');
}
