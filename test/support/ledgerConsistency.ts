/**
 * The ledger's invariants, checked from the database after every money test:
 *  - every wallet's balance equals the sum of its applied ledger entries, and no balance is negative;
 *  - replaying a wallet's entries in id order reproduces each entry's balance-after;
 *  - refused entries moved nothing;
 *  - one entry per idempotency key.
 */
import { Pool, RowDataPacket } from 'mysql2/promise';

export async function assertLedgerConsistent(db: Pool): Promise<{ wallets: number; entries: number }> {
  const problems: string[] = [];

  const [wallets] = await db.query<RowDataPacket[]>(
    `SELECT w.id, w.balance_minor AS balance,
            COALESCE((SELECT SUM(t.delta_minor) FROM transactions t WHERE t.wallet_id = w.id AND t.status = 'applied'), 0) AS ledger_sum
       FROM wallets w`,
  );
  for (const wallet of wallets) {
    if (BigInt(wallet.balance) < 0n) problems.push(`wallet ${wallet.id} has a negative balance ${wallet.balance}`);
    if (BigInt(wallet.balance) !== BigInt(wallet.ledger_sum)) {
      problems.push(`wallet ${wallet.id}: balance ${wallet.balance} but ledger sum ${wallet.ledger_sum}`);
    }
  }

  const [entries] = await db.query<RowDataPacket[]>(
    `SELECT id, wallet_id, status, delta_minor, balance_after_minor FROM transactions
      WHERE wallet_id IS NOT NULL ORDER BY wallet_id, id`,
  );
  const running = new Map<string, bigint>();
  for (const entry of entries) {
    const walletId = String(entry.wallet_id);
    if (entry.status === 'refused') {
      if (BigInt(entry.delta_minor) !== 0n) problems.push(`refused entry ${entry.id} moved ${entry.delta_minor}`);
      continue;
    }
    const after = (running.get(walletId) ?? 0n) + BigInt(entry.delta_minor);
    running.set(walletId, after);
    if (after < 0n) problems.push(`entry ${entry.id} took wallet ${walletId} to ${after}`);
    if (entry.balance_after_minor !== null && BigInt(entry.balance_after_minor) !== after) {
      problems.push(`entry ${entry.id}: balance_after ${entry.balance_after_minor} but replay gives ${after}`);
    }
  }

  const [duplicates] = await db.query<RowDataPacket[]>(
    `SELECT origin, origin_id, transaction_id, COUNT(*) AS n FROM transactions
      GROUP BY origin, origin_id, transaction_id HAVING COUNT(*) > 1`,
  );
  for (const row of duplicates) problems.push(`idempotency key ${row.origin}/${row.origin_id}/${row.transaction_id} stored ${row.n} times`);

  if (problems.length) throw new Error(`ledger inconsistent:\n  ${problems.slice(0, 20).join('\n  ')}`);
  return { wallets: wallets.length, entries: entries.length };
}
