/**
 * `tsx scripts/bench/reportsStatements.ts`: on the database `npm run bench:reports` keeps
 * (BENCH_REPORTS_KEEP=1), one operator's 30-day report by day and by game as the store ran it before
 * (the groups, then the totals: two statements) and as it runs it now (one statement WITH ROLLUP),
 * alternated run by run so both see the same load; medians in ms, and a check that both give the same
 * figures. A benchmark, not a test.
 *
 * Environment: BENCH_STATEMENT_RUNS (default 7), BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306).
 */
import mysql from 'mysql2/promise';
import type { GroupKey } from '../../src/domain/ggr';
import { reportSql } from '../../src/db/ggrReportStore';
import { databaseUrl } from './benchDatabase';

const PREFIX = "SET STATEMENT optimizer_switch = 'split_materialized=off' FOR ";
const FIGURES = [
  'bet_count',
  'bets_minor',
  'rollbacks_minor',
  'wins_minor',
  'bets_base',
  'rollbacks_base',
  'wins_base',
  'missing_rates',
  'players',
  'rounds',
];
const KEY: Partial<Record<GroupKey, string>> = { day: 'k_day', gameID: 'k_game' };
const runs = Number(process.env.BENCH_STATEMENT_RUNS || 7);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main() {
  const pool = mysql.createPool({
    uri: databaseUrl('casino_bench_reports'),
    connectionLimit: 1,
    supportBigNumbers: true,
  });
  const [operators] = await pool.query<mysql.RowDataPacket[]>('SELECT id FROM operators ORDER BY id');
  const operatorId = Number(operators[7]!.id);
  for (const groupBy of [['day'], ['gameID']] as GroupKey[][]) {
    const query = { from: '2026-10-01', to: '2026-10-31', groupBy, includeSandbox: false, operatorId };
    const grouped = reportSql(query, groupBy, 50_001);
    const totals = reportSql(query, []);
    const rollup = reportSql(query, groupBy, 50_002, true);
    const two: number[] = [];
    const one: number[] = [];
    let same = true;
    for (let run = 0; run < runs; run++) {
      let started = performance.now();
      const [oldRows] = await pool.query<mysql.RowDataPacket[]>(PREFIX + grouped.sql, grouped.params);
      const [oldTotals] = await pool.query<mysql.RowDataPacket[]>(PREFIX + totals.sql, totals.params);
      two.push(performance.now() - started);
      started = performance.now();
      const [newRows] = await pool.query<mysql.RowDataPacket[]>(PREFIX + rollup.sql, rollup.params);
      one.push(performance.now() - started);
      // The rollup's totals row has its keys NULL; the totals statement has no key columns.
      const figures = (rows: mysql.RowDataPacket[]) =>
        JSON.stringify(rows.map((row) => FIGURES.map((f) => String(row[f]))));
      same &&= figures([oldTotals[0]!, ...oldRows]) === figures(newRows) && newRows[0]![KEY[groupBy[0]!]!] === null;
    }
    process.stdout.write(
      `by ${groupBy.join(',')}: two statements median ${median(two).toFixed(0)} ms (first ${two[0]!.toFixed(0)}), ` +
        `one WITH ROLLUP median ${median(one).toFixed(0)} ms (first ${one[0]!.toFixed(0)}), same figures: ${same}\n`,
    );
  }
  await pool.end();
}

void main();
