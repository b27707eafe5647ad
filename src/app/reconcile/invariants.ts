/**
 * The ledger's invariants, as `npm run reconcile` and every money test check them against a database,
 * and the report built from what a check found. Pure: the reads live in db/reconcileStore.ts.
 */

export type InvariantName =
  | 'balance-equals-ledger'
  | 'no-negative-balance'
  | 'replay-matches-balance-after'
  | 'refused-moved-nothing'
  | 'one-entry-per-key'
  | 'one-rollback-per-bet'
  | 'mirrored-credit-has-delivery'
  | 'no-withdraw-stuck-sending';

/** What each invariant promises, in the words the report prints. */
export const INVARIANTS: Readonly<Record<InvariantName, string>> = {
  'balance-equals-ledger': "every wallet's balance is the sum of its applied ledger entries",
  'no-negative-balance': 'no wallet balance is below zero',
  'replay-matches-balance-after':
    "replaying a wallet's entries in id order gives each entry's balance-after, never below zero",
  'refused-moved-nothing': 'a refused entry moved no money',
  'one-entry-per-key':
    'one ledger entry per idempotency key and one delivery per (kind, transaction), each backed by its unique index',
  'one-rollback-per-bet': 'no bet is reversed by more than one applied rollback',
  'mirrored-credit-has-delivery':
    'every seamless win, jackpot and refunding rollback has its Deposit or Rollback delivery row',
  'no-withdraw-stuck-sending':
    'no Withdraw attempt is left `sending` without its ledger row past the time the sweeper resolves it',
};

export interface Breach {
  readonly invariant: InvariantName;
  /** What is wrong, e.g. `wallet 12 (op-a/alice01/EUR)`. */
  readonly subject: string;
  readonly detail: string;
}

export interface CheckResult {
  readonly invariant: InvariantName;
  /** How many rows the check looked at (wallets, entries, deliveries). */
  readonly checked: number;
  readonly breaches: readonly Breach[];
}

export interface ReconcileReport {
  readonly database: string;
  readonly checkedAt: string;
  readonly ok: boolean;
  readonly checks: readonly {
    readonly invariant: InvariantName;
    readonly description: string;
    readonly checked: number;
    readonly breaches: number;
  }[];
  readonly breaches: readonly Breach[];
}

export function buildReport(database: string, checkedAt: Date, results: readonly CheckResult[]): ReconcileReport {
  const breaches = results.flatMap((result) => result.breaches);
  return {
    database,
    checkedAt: checkedAt.toISOString(),
    ok: breaches.length === 0,
    checks: results.map((result) => ({
      invariant: result.invariant,
      description: INVARIANTS[result.invariant],
      checked: result.checked,
      breaches: result.breaches.length,
    })),
    breaches,
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The readable report: one line per invariant, then one line per breach. */
export function renderReport(report: ReconcileReport): string {
  const summary = table(
    ['invariant', 'checked', 'breaches', 'meaning'],
    report.checks.map((check) => [check.invariant, String(check.checked), String(check.breaches), check.description]),
  );
  const verdict = report.ok ? 'OK: no breach' : `BREACH: ${report.breaches.length} found`;
  const parts = [`reconcile ${report.database} at ${report.checkedAt}`, '', summary, '', verdict];
  if (!report.ok) {
    parts.push(
      '',
      table(
        ['invariant', 'subject', 'detail'],
        report.breaches.map((breach) => [breach.invariant, breach.subject, breach.detail]),
      ),
    );
  }
  return parts.join('\n');
}

/**
 * When a Withdraw attempt without an outcome counts as stuck: the sweeper takes over an attempt after
 * twice the callback timeout plus 5 s (jobs/deliverySweeper.ts) and sweeps every few seconds; a
 * minute more than that is far beyond any live call, so what is older was never resolved.
 */
export function stuckAfterMs(callbackTimeoutMs: number): number {
  return callbackTimeoutMs * 2 + 5_000 + 60_000;
}
