/**
 * `tsx scripts/bench/reportsStatements.ts`: on the database `npm run bench:reports` keeps
 * (BENCH_REPORTS_KEEP=1), one operator's reports counted both ways the store can count players and rounds
 * (db/ggrReportStore.ts CountSource): DISTINCT over the per-game sets (`groupSets`, any report) and plain
 * counts over the day sets (`daySets`, reports by day, agentID and currency), alternated run by run so
 * both see the same load; medians in ms, and a check that both give the same figures, row by row. The
 * ranges include one starting mid-month, where a player seen before the range must still count once. A
 * benchmark, not a test.
 *
 * Environment: BENCH_STATEMENT_RUNS (default 7), BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306).
 */
import mysql from 'mysql2/promise';
import type { GroupKey } from '../../src/domain/ggr';
import { CountSource, reportSql } from '../../src/db/ggrReportStore';
import { databaseUrl } from './benchDatabase';

const PREFIX = "SET STATEMENT optimizer_switch = 'split_materialized=off' FOR ";
const runs = Number(process.env.BENCH_STATEMENT_RUNS || 7);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const SHAPES: GroupKey[][] = [['day'], ['day', 'currency'], [], ['currency'], ['agentID'], ['day', 'agentID']];
const RANGES = [
  { from: '2026-10-01', to: '2026-10-31' },
  { from: '2026-10-11', to: '2026-10-21' },
];

async function main() {
  const pool = mysql.createPool({
    uri: databaseUrl('casino_bench_reports'),
    connectionLimit: 1,
    supportBigNumbers: true,
  });
  const [operators] = await pool.query<mysql.RowDataPacket[]>('SELECT id FROM operators ORDER BY id');
  const operatorId = Number(operators[7]!.id);
  let allSame = true;
  for (const range of RANGES) {
    for (const groupBy of SHAPES) {
      const query = { ...range, groupBy, includeSandbox: false, operatorId };
      const statement = (counts: CountSource) => reportSql(query, groupBy, { limit: 50_002, rollup: true, counts });
      const times: Record<CountSource, number[]> = { groupSets: [], daySets: [] };
      const answers: Record<CountSource, string> = { groupSets: '', daySets: '' };
      for (let run = 0; run < runs; run++) {
        for (const counts of ['groupSets', 'daySets'] as const) {
          const { sql, params } = statement(counts);
          const started = performance.now();
          const [rows] = await pool.query<mysql.RowDataPacket[]>(PREFIX + sql, params);
          times[counts].push(performance.now() - started);
          // As the store reads them: every figure as a string (a COUNT is a number, a SUM a decimal string).
          answers[counts] = JSON.stringify(rows.map((row) => Object.values(row).map(String)));
        }
      }
      const same = answers.groupSets === answers.daySets;
      allSame &&= same;
      process.stdout.write(
        `${range.from}..${range.to} by [${groupBy.join(',')}]: groupSets median ${median(times.groupSets).toFixed(0)} ms ` +
          `(first ${times.groupSets[0]!.toFixed(0)}), daySets median ${median(times.daySets).toFixed(0)} ms ` +
          `(first ${times.daySets[0]!.toFixed(0)}), same figures: ${same}\n`,
      );
    }
  }
  await pool.end();
  if (!allSame) process.exitCode = 1;
}

void main();
