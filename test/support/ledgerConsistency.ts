/**
 * The ledger's invariants, checked from the database after every money test (transfer and seamless):
 * the same checks as `npm run reconcile` (src/app/reconcile/invariants.ts, src/db/reconcileStore.ts),
 * on one consistent snapshot. Throws with the report when any invariant is breached.
 */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { buildReport, renderReport, stuckAfterMs } from '../../src/app/reconcile/invariants';
import { readInvariants } from '../../src/db/reconcileStore';

/** The server's callback timeout decides when an attempt counts as stuck; the default one when not given. */
export async function assertLedgerConsistent(
  db: Pool,
  options: { callbackTimeoutMs?: number } = {},
): Promise<{ wallets: number; entries: number }> {
  const now = new Date();
  const stuckBefore = new Date(now.getTime() - stuckAfterMs(options.callbackTimeoutMs ?? 5_000));
  const results = await readInvariants(db, { stuckBefore });
  const [[database]] = await db.query<RowDataPacket[]>('SELECT DATABASE() AS name');
  const report = buildReport(String(database?.name), now, results);
  if (!report.ok) throw new Error(`ledger inconsistent:\n${renderReport(report)}`);
  const checked = (name: string) => results.find((result) => result.invariant === name)?.checked ?? 0;
  return { wallets: checked('balance-equals-ledger'), entries: checked('replay-matches-balance-after') };
}
