/** The printed table, the targets' verdicts and the optional JSON file (BENCH_OUT). */
import { LoadResult } from './loadRunner';
import { Scenario, Target } from './scenarioKit';

export interface ScenarioSummary {
  readonly scenario: string;
  readonly kind: 'load' | 'drain';
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

export function summarize(
  selected: readonly Scenario[],
  results: ReadonlyMap<string, LoadResult[]>,
): ScenarioSummary[] {
  const median = (rounds: readonly LoadResult[]) =>
    [...rounds].sort((a, b) => a.reqPerSec - b.reqPerSec)[Math.floor((rounds.length - 1) / 2)]!;
  const medians = new Map<string, LoadResult>();
  for (const [name, rounds] of results) if (rounds.length) medians.set(name, median(rounds));
  return selected
    .filter((scenario) => medians.has(scenario.name))
    .map((scenario) => {
      const rounds = results.get(scenario.name)!;
      const result = medians.get(scenario.name)!;
      const baseRounds = scenario.baseline ? (results.get(scenario.baseline) ?? []) : [];
      const ratios = rounds
        .map((round, i) =>
          baseRounds[i] && baseRounds[i].reqPerSec > 0 ? round.reqPerSec / baseRounds[i].reqPerSec : null,
        )
        .filter((ratio): ratio is number => ratio !== null)
        .sort((a, b) => a - b);
      return {
        scenario: scenario.name,
        kind: scenario.kind,
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
    return {
      ...target,
      ratio,
      errors,
      pass: ratio !== null && errors !== null && ratio >= target.minRatio && errors <= target.maxErrors,
    };
  });
}

const CPU_LABELS = ['server', 'db', 'wallet', 'loader'] as const;

function layout(header: string[], rows: string[][], leftAligned: readonly number[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (leftAligned.includes(i) ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const fixed = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');

/**
 * Load scenarios (req/s and latency) or drains (jobs/s from the first to the last delivery). The
 * `wallet cpu` column appears when a row watched the operator wallet.
 */
export function renderTable(summaries: readonly ScenarioSummary[], style: 'load' | 'drain' = 'load'): string {
  const labels = CPU_LABELS.filter(
    (label) => label !== 'wallet' || summaries.some((s) => s.result.cpuMsPerRequest.wallet !== undefined),
  );
  const cpu = (s: ScenarioSummary, label: string) => {
    const value = s.result.cpuMsPerRequest[label];
    return value === undefined ? '-' : value.toFixed(2);
  };
  const vs = (s: ScenarioSummary) =>
    s.baseline === null ? '(baseline)' : s.ratio === null ? 'n/a' : `${s.ratio.toFixed(2)}x ${s.baseline}`;
  const tail = (s: ScenarioSummary) => [
    String(s.errors),
    vs(s),
    ...labels.map((label) => cpu(s, label)),
    s.result.dbStatementsPerRequest === null ? '-' : s.result.dbStatementsPerRequest.toFixed(1),
  ];
  const tailHeader = ['errors', 'vs baseline', ...labels.map((label) => `${label} cpu`), 'db stmts'];
  if (style === 'drain') {
    const header = ['scenario', 'jobs', 'drain s', 'jobs/s', ...tailHeader];
    const rows = summaries.map((s) => [
      s.scenario,
      String(s.result.requests),
      fixed(s.result.measuredMs / 1000, 2),
      s.result.reqPerSec.toFixed(0),
      ...tail(s),
    ]);
    return layout(header, rows, [0, 5]);
  }
  const header = ['scenario', 'req/s', 'p50 ms', 'p99 ms', ...tailHeader];
  const rows = summaries.map((s) => [
    s.scenario,
    s.result.reqPerSec.toFixed(0),
    fixed(s.result.p50Ms),
    fixed(s.result.p99Ms),
    ...tail(s),
  ]);
  return layout(header, rows, [0, 5]);
}

/**
 * Latency a scenario adds over another (seamless bet over the wallet's own Withdraw): p50 and p99 of
 * both (their median rounds) and the difference (the median of the per-round differences).
 */
export function renderLatencyAdded(
  summaries: readonly ScenarioSummary[],
  pairs: readonly { scenario: string; over: string }[],
): string | null {
  const rows: string[][] = [];
  for (const pair of pairs) {
    const ours = summaries.find((s) => s.scenario === pair.scenario);
    const theirs = summaries.find((s) => s.scenario === pair.over);
    if (!ours || !theirs) continue;
    const medianDiff = (pick: (r: LoadResult) => number) => {
      const diffs = ours.rounds
        .map((r, i) => (theirs.rounds[i] ? pick(r) - pick(theirs.rounds[i]!) : NaN))
        .filter(Number.isFinite)
        .sort((a, b) => a - b);
      return diffs.length ? diffs[Math.floor((diffs.length - 1) / 2)]! : NaN;
    };
    rows.push([ours.scenario, fixed(ours.result.p50Ms), fixed(ours.result.p99Ms)]);
    rows.push([theirs.scenario, fixed(theirs.result.p50Ms), fixed(theirs.result.p99Ms)]);
    rows.push([
      `added by us (${pair.scenario} - ${pair.over})`,
      fixed(medianDiff((r) => r.p50Ms)),
      fixed(medianDiff((r) => r.p99Ms)),
    ]);
  }
  return rows.length ? layout(['latency', 'p50 ms', 'p99 ms'], rows, [0]) : null;
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
    for (const round of s.rounds)
      for (const [kind, count] of Object.entries(round.errorKinds)) kinds.set(kind, (kinds.get(kind) ?? 0) + count);
    for (const [kind, count] of [...kinds].sort((a, b) => b[1] - a[1]).slice(0, 5))
      lines.push(`  ${s.scenario}: ${count} x ${kind}`);
  }
  return lines.join('\n');
}
