/**
 * `npm run reconcile`: checks the ledger's invariants (app/reconcile/invariants.ts) against the database
 * of DATABASE_URL, read-only, on one consistent snapshot; prints a table (or `--json`) and exits 0 when
 * every invariant holds, 1 on any breach, 2 when the check could not run.
 *
 *   npm run reconcile [-- --json] [-- --stuck-after-ms 75000]
 */
import { buildReport, renderReport, stuckAfterMs } from './app/reconcile/invariants';
import { loadConfig } from './config';
import { parseDatabaseUrl } from './db/databaseUrl';
import { createMysqlPool } from './db/mysqlPool';
import { readInvariants } from './db/reconcileStore';

interface Options {
  readonly json: boolean;
  readonly stuckAfterMs: number | null;
}

function parseArgs(args: readonly string[]): Options {
  let json = false;
  let stuck: number | null = null;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === '--json') json = true;
    else if (arg === '--stuck-after-ms') {
      stuck = Number(args[++i]);
      if (!Number.isInteger(stuck) || stuck < 0)
        throw new Error('--stuck-after-ms needs a whole number of milliseconds');
    } else throw new Error(`unknown argument ${arg} (known: --json, --stuck-after-ms <ms>)`);
  }
  return { json, stuckAfterMs: stuck };
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  // Only what this check needs, with the app's own defaults and validation (no secrets required).
  const config = loadConfig({
    DATABASE_URL: process.env.DATABASE_URL,
    CALLBACK_TIMEOUT_MS: process.env.CALLBACK_TIMEOUT_MS,
  });
  const target = parseDatabaseUrl(config.databaseUrl);
  const pool = createMysqlPool(target, 1);
  try {
    const now = new Date();
    const stuckBefore = new Date(now.getTime() - (options.stuckAfterMs ?? stuckAfterMs(config.callbackTimeoutMs)));
    const report = buildReport(target.database, now, await readInvariants(pool, { stuckBefore }));
    process.stdout.write(`${options.json ? JSON.stringify(report, null, 2) : renderReport(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await pool.end();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`reconcile could not run: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  },
);
