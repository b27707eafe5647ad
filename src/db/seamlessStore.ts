/** The seamless store: the ledger scope plus player locks and the callback outbox, in SQL. */
import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { Minor, minor } from '../domain/money';
import { WalletMode, walletModeOf } from '../domain/walletMode';
import { assertDeliveryTransition, assertTransitioned } from '../domain/delivery';
import {
  Delivery,
  DeliveryStatus,
  DeliveryUpdate,
  NewDelivery,
  SeamlessScope,
  SeamlessStore,
} from '../app/seamless/seamlessStore';
import { MysqlErrno, Queryable, inMysqlTransaction, mysqlErrno, poolQueryable } from './mysqlPool';
import { fxRatesOf } from './fxRateCache';
import { DuplicateTransactionIdError } from '../app/wallet/walletStore';
import {
  MysqlLedgerScope,
  MysqlWalletStore,
  OPERATOR_CALLBACK_URL,
  PROTECTION_JOIN,
  PROTECTION_SELECT,
  ROUND_COLUMNS,
  roundFromRow,
  roundKeyText,
  tombstoneJoin,
  tombstoneParams,
  tombstoneSelect,
  protectionParams,
} from './walletStore';
import { RoundKey } from '../app/provider/providerLedgerStore';

const DELIVERY_COLUMNS = `id, operator_id, kind, platform_transaction_id, provider_id, transaction_id, payload, status, attempts,
  max_attempts, last_error, next_attempt_at, operator_balance_minor, created_at`;

export function deliveryFromRow(row: RowDataPacket): Delivery {
  return {
    id: String(row.id),
    operatorId: row.operator_id as number,
    kind: row.kind as Delivery['kind'],
    platformTransactionId: row.platform_transaction_id as string,
    providerId: (row.provider_id as number | null) ?? null,
    transactionId: (row.transaction_id as string | null) ?? null,
    payload: JSON.parse(row.payload as string),
    status: row.status as DeliveryStatus,
    attempts: row.attempts as number,
    maxAttempts: row.max_attempts as number,
    lastError: (row.last_error as string | null) ?? null,
    nextAttemptAt: (row.next_attempt_at as Date | null) ?? null,
    operatorBalance: row.operator_balance_minor === null ? null : minor(row.operator_balance_minor as string),
    createdAt: row.created_at as Date,
  };
}

async function loadDelivery(sql: Queryable, id: string): Promise<Delivery | null> {
  const [rows] = await sql.query<RowDataPacket[]>(`SELECT ${DELIVERY_COLUMNS} FROM callback_deliveries WHERE id = ?`, [
    id,
  ]);
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

async function findWithdrawAttempt(
  sql: Queryable,
  providerId: number,
  transactionId: string,
): Promise<Delivery | null> {
  const [rows] = await sql.query<RowDataPacket[]>(
    `SELECT ${DELIVERY_COLUMNS} FROM callback_deliveries WHERE provider_id = ? AND transaction_id = ? AND kind = 'withdraw' ORDER BY id LIMIT 1`,
    [providerId, transactionId],
  );
  return rows[0] ? deliveryFromRow(rows[0]) : null;
}

/**
 * The newest balance the operator reported: from a Balance call or a delivery (operator_balances), or
 * from a Withdraw (the bet's ledger row carries it, so a bet writes no extra row to remember it).
 */
async function lastKnownBalance(
  sql: Queryable,
  operatorId: number,
  userId: string,
  currency: string,
): Promise<Minor | null> {
  const [rows] = await sql.query<RowDataPacket[]>(
    `(SELECT balance_minor AS balance, updated_at AS at FROM operator_balances WHERE operator_id = ? AND user_id = ? AND currency = ?)
     UNION ALL
     (SELECT operator_balance_minor, created_at FROM transactions
       WHERE operator_id = ? AND user_id = ? AND currency = ? AND mirrored = 1 AND type = 'bet' AND operator_balance_minor IS NOT NULL
       ORDER BY id DESC LIMIT 1)
     ORDER BY at DESC LIMIT 1`,
    [operatorId, userId, currency, operatorId, userId, currency],
  );
  return rows[0] ? minor(rows[0].balance as string) : null;
}

/** `target`: the row id, or the Withdraw attempt reporting a platformTransactionID (unique key). */
function transitionStatement(
  target: string | { withdrawOf: string },
  from: DeliveryStatus,
  update: DeliveryUpdate,
): [string, unknown[]] {
  assertDeliveryTransition(from, update);
  const sets = ['status = ?', 'updated_at = ?'];
  const params: unknown[] = [update.status, new Date()];
  const set = (column: string, value: unknown) => {
    sets.push(`${column} = ?`);
    params.push(value);
  };
  if (update.attempts !== undefined) set('attempts', update.attempts);
  if (update.lastError !== undefined) set('last_error', update.lastError);
  if (update.nextAttemptAt !== undefined) set('next_attempt_at', update.nextAttemptAt);
  if (update.operatorBalance !== undefined) set('operator_balance_minor', update.operatorBalance);
  if (update.maxAttempts !== undefined) set('max_attempts', update.maxAttempts);
  if (update.status === 'delivered') set('delivered_at', new Date());
  const where =
    typeof target === 'string'
      ? ['id = ?', 'status = ?']
      : ["kind = 'withdraw'", 'platform_transaction_id = ?', 'status = ?'];
  params.push(typeof target === 'string' ? target : target.withdrawOf, from);
  if (update.expectAttempts !== undefined) {
    where.push('attempts = ?');
    params.push(update.expectAttempts);
  }
  return [`UPDATE callback_deliveries SET ${sets.join(', ')} WHERE ${where.join(' AND ')}`, params];
}

async function transitionDelivery(
  sql: Queryable,
  id: string,
  from: DeliveryStatus,
  update: DeliveryUpdate,
): Promise<boolean> {
  const [result] = await sql.query<ResultSetHeader>(...transitionStatement(id, from, update));
  assertTransitioned(result.affectedRows, `delivery ${id} from ${from} to ${update.status}`);
  return result.affectedRows === 1;
}

class MysqlSeamlessScope extends MysqlLedgerScope implements SeamlessScope {
  async lockPlayer(operatorId: number, userId: string): Promise<WalletMode> {
    this.holdOperatorMode(operatorId);
    const lock = () =>
      this.connection.query<RowDataPacket[]>(
        `SELECT p.id, ${OPERATOR_CALLBACK_URL} FROM (SELECT 1 AS one) AS anchor
           LEFT JOIN players p ON p.operator_id = ? AND p.user_id = ? FOR UPDATE`,
        [operatorId, operatorId, userId],
      );
    // Lock first: an INSERT IGNORE on an existing row takes a shared lock, and two transactions each
    // holding one and asking for the exclusive lock deadlock. Only a player new to us (seamless
    // players are the operator's; launches record them) needs the insert.
    const [rows] = await lock();
    const mode = walletModeOf(rows[0]!.callback_url as string | null);
    if (rows[0]!.id !== null || mode !== 'seamless') return mode;
    await this.connection.query('INSERT IGNORE INTO players (operator_id, user_id, created_at) VALUES (?, ?, ?)', [
      operatorId,
      userId,
      new Date(),
    ]);
    await lock();
    return mode;
  }

  async lockPlayerForBet(
    key: RoundKey,
    betTransactionId: string,
    currency: string,
  ): Promise<{ stored: boolean; mode: WalletMode }> {
    this.holdOperatorMode(key.operatorId);
    // Every table joined, none read by subquery: joined rows are read current after the lock wait
    // (see tombstoneJoin), so a stored bet or a tombstone committed meanwhile is seen. The operator's
    // mode is the exception, safe because its row is held shared (holdOperatorMode).
    const read = () =>
      this.connection.query<RowDataPacket[]>(
        `SELECT p.id AS player_id, ${OPERATOR_CALLBACK_URL}, ${ROUND_COLUMNS}, ${tombstoneSelect(betTransactionId)}, stored.id AS stored,
                ${PROTECTION_SELECT}
           FROM (SELECT 1 AS one) AS anchor
           LEFT JOIN players p ON p.operator_id = ? AND p.user_id = ?
           LEFT JOIN rounds r ON r.provider_id = ? AND r.operator_id = p.operator_id AND r.user_id = p.user_id AND r.round_id = ?
           ${tombstoneJoin(betTransactionId)}
           LEFT JOIN transactions stored ON stored.origin = 'provider' AND stored.origin_id = ? AND stored.transaction_id = ?
           ${PROTECTION_JOIN}
            FOR UPDATE`,
        [
          key.operatorId,
          key.operatorId,
          key.userId,
          key.providerId,
          key.roundId,
          ...tombstoneParams(key, betTransactionId),
          key.providerId,
          betTransactionId,
          ...protectionParams(key.operatorId, key.userId, currency),
        ],
      );
    let [rows] = await read();
    const mode = walletModeOf(rows[0]!.callback_url as string | null);
    if (mode !== 'seamless') return { stored: false, mode };
    if (rows[0]!.player_id === null) {
      // A player new to us: create the row, then lock it (see lockPlayer).
      await this.connection.query('INSERT IGNORE INTO players (operator_id, user_id, created_at) VALUES (?, ?, ?)', [
        key.operatorId,
        key.userId,
        new Date(),
      ]);
      [rows] = await read();
    }
    const row = rows[0]!;
    this.rememberProtection(key.operatorId, key.userId, currency, row);
    this.prefetched = {
      key: roundKeyText(key),
      betTransactionId,
      round: roundFromRow(row),
      tombstone: rows.some((r) => r.tombstone !== null),
    };
    return { stored: rows.some((r) => r.stored !== null), mode };
  }

  findWithdrawAttempt(providerId: number, transactionId: string): Promise<Delivery | null> {
    return findWithdrawAttempt(this.connection, providerId, transactionId);
  }

  lastKnownBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null> {
    return lastKnownBalance(this.connection, operatorId, userId, currency);
  }

  async insertDelivery(d: NewDelivery): Promise<string> {
    try {
      const [result] = await this.connection.query<ResultSetHeader>(INSERT_DELIVERY, deliveryValues(d));
      return String(result.insertId);
    } catch (error) {
      throw twinAttemptError(error) ?? error;
    }
  }

  queueDelivery(d: NewDelivery): void {
    this.connection.defer(INSERT_DELIVERY, deliveryValues(d), { mapError: twinAttemptError });
  }

  settleWithdraw(platformTransactionId: string, update: DeliveryUpdate): void {
    this.connection.defer(...transitionStatement({ withdrawOf: platformTransactionId }, 'sending', update));
  }
}

/** A second callback of one kind for one provider transaction: a twin got here first. */
function twinAttemptError(error: unknown): Error | null {
  return mysqlErrno(error) === MysqlErrno.DUPLICATE_ENTRY &&
    /callback_deliveries_provider_transaction_key/.test(String((error as Error).message))
    ? new DuplicateTransactionIdError()
    : null;
}

// round_id repeats the payload's roundId so that a round's deliveries are one indexed read (rounds/get).
const INSERT_DELIVERY = `INSERT INTO callback_deliveries (operator_id, kind, platform_transaction_id, provider_id, transaction_id,
  payload, status, attempts, max_attempts, next_attempt_at, created_at, updated_at, round_id)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;

function deliveryValues(d: NewDelivery): unknown[] {
  const now = new Date();
  return [
    d.operatorId,
    d.kind,
    d.platformTransactionId,
    d.providerId,
    d.transactionId,
    JSON.stringify(d.payload),
    d.status,
    d.attempts,
    d.maxAttempts,
    d.nextAttemptAt,
    now,
    now,
    d.payload.roundId,
  ];
}

/**
 * Withdraw attempts still `sending` whose bet has its ledger row: settled, so moved to what the row
 * says (see SeamlessStore.foldSettledWithdraws), as of when the row was written. Joined on the
 * ledger's idempotency key; no clock of ours, so any client (the admin's Prisma too) can run it.
 */
export const FOLD_SETTLED_WITHDRAWS = `UPDATE callback_deliveries d
    JOIN transactions t ON t.origin = 'provider' AND t.origin_id = d.provider_id AND t.transaction_id = d.transaction_id
     SET d.status = IF(t.status = 'applied', 'delivered', 'refused'), d.operator_balance_minor = t.operator_balance_minor,
         d.delivered_at = IF(t.status = 'applied', t.created_at, NULL), d.updated_at = t.created_at
   WHERE d.kind = 'withdraw' AND d.status = 'sending'`;

const REMEMBER_BALANCE = `INSERT INTO operator_balances (operator_id, user_id, currency, balance_minor, updated_at) VALUES (?, ?, ?, ?, ?)
  ON DUPLICATE KEY UPDATE balance_minor = VALUES(balance_minor), updated_at = VALUES(updated_at)`;

export class MysqlSeamlessStore implements SeamlessStore {
  private readonly ledger: MysqlWalletStore;

  constructor(private readonly pool: Pool) {
    this.ledger = new MysqlWalletStore(pool);
  }

  findTransaction(...args: Parameters<MysqlWalletStore['findTransaction']>) {
    return this.ledger.findTransaction(...args);
  }

  findWithdrawAttempt(providerId: number, transactionId: string): Promise<Delivery | null> {
    return findWithdrawAttempt(poolQueryable(this.pool), providerId, transactionId);
  }

  inSeamlessTransaction<T>(work: (scope: SeamlessScope) => Promise<T>): Promise<T> {
    return inMysqlTransaction(this.pool, (connection) =>
      work(new MysqlSeamlessScope(connection, fxRatesOf(this.pool))),
    );
  }

  lastKnownBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null> {
    return lastKnownBalance(poolQueryable(this.pool), operatorId, userId, currency);
  }

  async rememberBalance(operatorId: number, userId: string, currency: string, balance: Minor): Promise<void> {
    await this.pool.query(REMEMBER_BALANCE, [operatorId, userId, currency, balance, new Date()]);
  }

  loadDelivery(id: string): Promise<Delivery | null> {
    return loadDelivery(poolQueryable(this.pool), id);
  }

  transitionDelivery(id: string, from: DeliveryStatus, update: DeliveryUpdate): Promise<boolean> {
    return transitionDelivery(poolQueryable(this.pool), id, from, update);
  }

  async deliveredBalance(platformTransactionId: string): Promise<Minor | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT operator_balance_minor FROM callback_deliveries
        WHERE kind IN ('deposit', 'rollback') AND platform_transaction_id = ? AND status = 'delivered'`,
      [platformTransactionId],
    );
    return rows[0] && rows[0].operator_balance_minor !== null ? minor(rows[0].operator_balance_minor as string) : null;
  }

  async foldSettledWithdraws(): Promise<number> {
    const [result] = await this.pool.query<ResultSetHeader>(FOLD_SETTLED_WITHDRAWS);
    return result.affectedRows;
  }

  async staleWithdraws(startedBefore: Date, limit: number): Promise<Delivery[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM callback_deliveries WHERE status = 'sending' AND created_at < ? ORDER BY id LIMIT ?`,
      [startedBefore, limit],
    );
    return rows.map(deliveryFromRow);
  }

  async duePending(dueBefore: Date, limit: number): Promise<Delivery[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT ${DELIVERY_COLUMNS} FROM callback_deliveries WHERE status = 'pending' AND next_attempt_at < ? ORDER BY next_attempt_at LIMIT ?`,
      [dueBefore, limit],
    );
    return rows.map(deliveryFromRow);
  }
}
