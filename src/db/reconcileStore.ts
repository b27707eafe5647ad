/**
 * The reads behind the ledger's invariants (app/reconcile/invariants.ts), all in one read-only
 * transaction on one consistent snapshot (REPEATABLE READ, WITH CONSISTENT SNAPSHOT): a balance and the
 * entries that made it are seen as of the same instant, whatever is being written meanwhile. Nothing is
 * locked and nothing is written. Each check reports at most BREACH_LIMIT breaches.
 */
import { Pool, PoolConnection, RowDataPacket } from 'mysql2/promise';
import { Breach, CheckResult, InvariantName } from '../app/reconcile/invariants';

export const BREACH_LIMIT = 1_000;

export interface ReconcileOptions {
  /** A Withdraw attempt created before this and still `sending` without its ledger row is stuck. */
  readonly stuckBefore: Date;
}

type Check = (connection: PoolConnection, options: ReconcileOptions) => Promise<CheckResult>;

async function rows(connection: PoolConnection, sql: string, values: unknown[] = []): Promise<RowDataPacket[]> {
  const [result] = await connection.query<RowDataPacket[]>(sql, values);
  return result;
}

async function count(connection: PoolConnection, sql: string, values: unknown[] = []): Promise<number> {
  return Number((await rows(connection, sql, values))[0]?.n ?? 0);
}

function result(invariant: InvariantName, checked: number, found: readonly Omit<Breach, 'invariant'>[]): CheckResult {
  return { invariant, checked, breaches: found.map((breach) => ({ invariant, ...breach })) };
}

const walletName = (row: RowDataPacket) =>
  `wallet ${row.id} (${row.agent_id ?? `operator#${row.operator_id}`}/${row.user_id}/${row.currency})`;

/** Balances against the ledger, and negative balances, in one pass over the wallets. */
async function walletChecks(connection: PoolConnection): Promise<CheckResult[]> {
  const wallets = await count(connection, 'SELECT COUNT(*) AS n FROM wallets');
  const found = await rows(
    connection,
    `SELECT w.id, w.operator_id, o.agent_id, w.user_id, w.currency, w.balance_minor AS balance, COALESCE(s.total, 0) AS ledger_sum
       FROM wallets w
       LEFT JOIN operators o ON o.id = w.operator_id
       LEFT JOIN (SELECT wallet_id, SUM(delta_minor) AS total FROM transactions
                   WHERE status = 'applied' AND wallet_id IS NOT NULL GROUP BY wallet_id) s ON s.wallet_id = w.id
      WHERE w.balance_minor <> COALESCE(s.total, 0) OR w.balance_minor < 0
      ORDER BY w.id LIMIT ?`,
    [BREACH_LIMIT * 2],
  );
  const mismatched = found.filter((row) => BigInt(row.balance) !== BigInt(row.ledger_sum));
  const negative = found.filter((row) => BigInt(row.balance) < 0n);
  return [
    result(
      'balance-equals-ledger',
      wallets,
      mismatched.slice(0, BREACH_LIMIT).map((row) => ({
        subject: walletName(row),
        detail: `balance ${row.balance} but its applied entries sum to ${row.ledger_sum} (off by ${BigInt(row.balance) - BigInt(row.ledger_sum)} minor units)`,
      })),
    ),
    result(
      'no-negative-balance',
      wallets,
      negative.slice(0, BREACH_LIMIT).map((row) => ({ subject: walletName(row), detail: `balance ${row.balance}` })),
    ),
  ];
}

const replayMatchesBalanceAfter: Check = async (connection) => {
  const entries = await count(
    connection,
    "SELECT COUNT(*) AS n FROM transactions WHERE status = 'applied' AND wallet_id IS NOT NULL",
  );
  const found = await rows(
    connection,
    `SELECT id, wallet_id, balance_after_minor, running FROM (
       SELECT id, wallet_id, balance_after_minor, SUM(delta_minor) OVER (PARTITION BY wallet_id ORDER BY id) AS running
         FROM transactions WHERE status = 'applied' AND wallet_id IS NOT NULL) replay
      WHERE running < 0 OR (balance_after_minor IS NOT NULL AND balance_after_minor <> running)
      ORDER BY id LIMIT ?`,
    [BREACH_LIMIT],
  );
  return result(
    'replay-matches-balance-after',
    entries,
    found.map((row) => ({
      subject: `entry ${row.id} (wallet ${row.wallet_id})`,
      detail:
        BigInt(row.running) < 0n
          ? `the replay reaches ${row.running}`
          : `balance_after ${row.balance_after_minor} but the replay gives ${row.running}`,
    })),
  );
};

const refusedMovedNothing: Check = async (connection) => {
  const refused = await count(connection, "SELECT COUNT(*) AS n FROM transactions WHERE status = 'refused'");
  const found = await rows(
    connection,
    "SELECT id, type, delta_minor FROM transactions WHERE status = 'refused' AND delta_minor <> 0 ORDER BY id LIMIT ?",
    [BREACH_LIMIT],
  );
  return result(
    'refused-moved-nothing',
    refused,
    found.map((row) => ({ subject: `entry ${row.id} (${row.type})`, detail: `refused but moved ${row.delta_minor}` })),
  );
};

/** The unique indexes that make "one per key" hold under any concurrency; a missing one is a breach in itself. */
const KEY_INDEXES = [
  { table: 'transactions', index: 'transactions_idempotency_key', columns: ['origin', 'origin_id', 'transaction_id'] },
  {
    table: 'callback_deliveries',
    index: 'callback_deliveries_kind_transaction_key',
    columns: ['kind', 'platform_transaction_id'],
  },
] as const;

const onePerKey: Check = async (connection) => {
  const found: Omit<Breach, 'invariant'>[] = [];
  for (const key of KEY_INDEXES) {
    const columns = await rows(
      connection,
      `SELECT column_name AS name, non_unique AS non_unique FROM information_schema.statistics
        WHERE table_schema = DATABASE() AND table_name = ? AND index_name = ? ORDER BY seq_in_index`,
      [key.table, key.index],
    );
    const unique = columns.length > 0 && columns.every((column) => Number(column.non_unique) === 0);
    if (!unique || columns.map((column) => String(column.name)).join(',') !== key.columns.join(',')) {
      found.push({
        subject: `index ${key.table}.${key.index}`,
        detail: `missing or not UNIQUE (${key.columns.join(', ')}): nothing stops a second entry under one key`,
      });
    }
  }
  const entries = await count(connection, 'SELECT COUNT(*) AS n FROM transactions');
  // Grouped byte for byte: two ids that differ only in case are two keys (PROTOCOL §2), never one.
  const duplicates = await rows(
    connection,
    `SELECT origin, origin_id, MIN(transaction_id) AS transaction_id, COUNT(*) AS n, MIN(id) AS first_id, MAX(id) AS last_id FROM transactions
      GROUP BY origin, origin_id, CAST(transaction_id AS BINARY) HAVING COUNT(*) > 1 LIMIT ?`,
    [BREACH_LIMIT],
  );
  for (const row of duplicates) {
    found.push({
      subject: `key ${row.origin}#${row.origin_id}/${row.transaction_id}`,
      detail: `${row.n} entries (ids ${row.first_id}..${row.last_id})`,
    });
  }
  const deliveries = await rows(
    connection,
    `SELECT kind, MIN(platform_transaction_id) AS platform_transaction_id, COUNT(*) AS n FROM callback_deliveries
      GROUP BY kind, CAST(platform_transaction_id AS BINARY) HAVING COUNT(*) > 1 LIMIT ?`,
    [BREACH_LIMIT],
  );
  for (const row of deliveries)
    found.push({ subject: `delivery ${row.kind} of ${row.platform_transaction_id}`, detail: `${row.n} delivery rows` });
  return result('one-entry-per-key', entries, found.slice(0, BREACH_LIMIT));
};

/** No index says this one: a second rollback of a bet must be answered 11, never stored (§5). */
const oneRollbackPerBet: Check = async (connection) => {
  const rollbacks = await count(
    connection,
    "SELECT COUNT(*) AS n FROM transactions WHERE type = 'rollback' AND status = 'applied'",
  );
  const found = await rows(
    connection,
    `SELECT origin_id, MIN(ref_transaction_id) AS ref_transaction_id, COUNT(*) AS n, SUM(delta_minor) AS refunded FROM transactions
      WHERE type = 'rollback' AND status = 'applied' AND ref_transaction_id IS NOT NULL
      GROUP BY origin, origin_id, CAST(ref_transaction_id AS BINARY) HAVING COUNT(*) > 1 LIMIT ?`,
    [BREACH_LIMIT],
  );
  return result(
    'one-rollback-per-bet',
    rollbacks,
    found.map((row) => ({
      subject: `bet provider#${row.origin_id}/${row.ref_transaction_id}`,
      detail: `${row.n} applied rollbacks, refunding ${row.refunded} in all`,
    })),
  );
};

/** Seamless credits that must reach the operator: a win or jackpot (Deposit), a rollback that refunds (Rollback). */
const OWED_CREDIT = `t.mirrored = 1 AND t.status = 'applied' AND (t.type IN ('win', 'jackpot') OR (t.type = 'rollback' AND t.delta_minor > 0))`;

const mirroredCreditHasDelivery: Check = async (connection) => {
  const credits = await count(connection, `SELECT COUNT(*) AS n FROM transactions t WHERE ${OWED_CREDIT}`);
  const found = await rows(
    connection,
    `SELECT t.id, t.type, t.platform_transaction_id, t.transaction_id, t.user_id, o.agent_id FROM transactions t
       LEFT JOIN operators o ON o.id = t.operator_id
       LEFT JOIN callback_deliveries d ON d.kind = IF(t.type = 'rollback', 'rollback', 'deposit') AND d.platform_transaction_id = t.platform_transaction_id
      WHERE ${OWED_CREDIT} AND d.id IS NULL ORDER BY t.id LIMIT ?`,
    [BREACH_LIMIT],
  );
  return result(
    'mirrored-credit-has-delivery',
    credits,
    found.map((row) => ({
      subject: `entry ${row.id} (${row.type} ${row.transaction_id} of ${row.agent_id}/${row.user_id})`,
      detail: `no ${row.type === 'rollback' ? 'Rollback' : 'Deposit'} delivery for ${row.platform_transaction_id}: the operator would never be paid`,
    })),
  );
};

/**
 * A debited bet's attempt stays `sending` until the sweeper folds it (its ledger row is the outcome), so
 * only an attempt without a ledger row is unresolved, and it is stuck once older than `stuckBefore`.
 */
const noWithdrawStuckSending: Check = async (connection, options) => {
  const sending = await count(
    connection,
    "SELECT COUNT(*) AS n FROM callback_deliveries WHERE kind = 'withdraw' AND status = 'sending'",
  );
  const found = await rows(
    connection,
    `SELECT d.id, d.platform_transaction_id, d.transaction_id, d.created_at, o.agent_id FROM callback_deliveries d
       LEFT JOIN operators o ON o.id = d.operator_id
       LEFT JOIN transactions t ON t.origin = 'provider' AND t.origin_id = d.provider_id AND t.transaction_id = d.transaction_id
      WHERE d.kind = 'withdraw' AND d.status = 'sending' AND d.created_at < ? AND t.id IS NULL
      ORDER BY d.id LIMIT ?`,
    [options.stuckBefore, BREACH_LIMIT],
  );
  return result(
    'no-withdraw-stuck-sending',
    sending,
    found.map((row) => ({
      subject: `delivery ${row.id} (Withdraw ${row.platform_transaction_id} of ${row.agent_id}, bet ${row.transaction_id})`,
      detail: `sending since ${(row.created_at as Date).toISOString()} with no outcome recorded`,
    })),
  );
};

/** Every invariant, read from one consistent snapshot. */
export async function readInvariants(pool: Pool, options: ReconcileOptions): Promise<CheckResult[]> {
  const connection = await pool.getConnection();
  try {
    await connection.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await connection.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    try {
      const results = [...(await walletChecks(connection))];
      for (const check of [
        replayMatchesBalanceAfter,
        refusedMovedNothing,
        onePerKey,
        oneRollbackPerBet,
        mirroredCreditHasDelivery,
        noWithdrawStuckSending,
      ]) {
        results.push(await check(connection, options));
      }
      return results;
    } finally {
      await connection.query('COMMIT');
    }
  } finally {
    connection.release();
  }
}
