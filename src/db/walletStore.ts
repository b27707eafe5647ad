/**
 * The money hot path in raw SQL over mysql2 (see mysqlPool.ts for why not Prisma). Locking story:
 * a transfer locks exactly one wallet row with SELECT ... FOR UPDATE, writes it, inserts one ledger
 * row and commits; one row lock per transaction means no lock-order deadlocks between transfers.
 */
import { Pool, ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import { MAX_MINOR, Minor, minor } from '../domain/money';
import { CampaignFacts } from '../domain/freeSpins';
import { NO_PROTECTION, ProtectionFacts, RestrictionReason } from '../domain/playerProtection';
import { ProviderTransactionFacts } from '../domain/rounds';
import {
  FreeSpinSlot,
  ProviderLedgerScope,
  ProviderLedgerStore,
  RoundChange,
  RoundKey,
  StoredRound,
} from '../app/provider/providerLedgerStore';
import { assertEntryMove } from '../domain/ledgerEntry';
import { assertInvariant, assertMoved } from '../domain/wallet';
import { newPlatformTransactionId } from '../domain/platformIds';
import { walletModeOf } from '../domain/walletMode';
import {
  DuplicateTransactionIdError,
  NewTransaction,
  StoredTransaction,
  TransactionOrigin,
  WalletLock,
  WalletStore,
  WalletTransactionScope,
} from '../app/wallet/walletStore';
import { FxRateSource, fxRatesOf } from './fxRateCache';
import { MysqlErrno, TransactionConnection, inMysqlTransaction, mysqlErrno } from './mysqlPool';

interface TransactionRow extends RowDataPacket {
  transaction_id: string;
  platform_transaction_id: string;
  request_hash: Buffer;
  type: StoredTransaction['type'];
  status: StoredTransaction['status'];
  result_code: number;
  wallet_id: string | null;
  user_id: string;
  currency: string;
  delta_minor: string;
  balance_after_minor: string | null;
  round_id: string | null;
  game_id: number | null;
  free_spin_id: string | null;
  ref_transaction_id: string | null;
  mirrored: number;
  operator_balance_minor: string | null;
}

export const ROUND_COLUMNS = 'r.id, r.status, r.game_id, r.bet_count, r.rolled_back_count, r.win_count';

/**
 * The rollback tombstone of a bet, as a LEFT JOIN of the locking statement rather than a subquery: a
 * subquery reads a snapshot taken when the statement started, which misses a tombstone committed while
 * the statement waited for its row lock; a joined table is read current, like the locked rows.
 */
export function tombstoneJoin(betTransactionId: string | null): string {
  return betTransactionId === null
    ? ''
    : `LEFT JOIN transactions tomb ON tomb.origin = 'provider' AND tomb.origin_id = ? AND tomb.ref_transaction_id = ?
         AND tomb.type = 'rollback' AND tomb.status = 'applied'`;
}

export function tombstoneSelect(betTransactionId: string | null): string {
  return betTransactionId === null ? 'NULL AS tombstone' : 'tomb.id AS tombstone';
}

export function tombstoneParams(key: RoundKey, betTransactionId: string | null): unknown[] {
  return betTransactionId === null ? [] : [key.providerId, betTransactionId];
}

/**
 * The player's restriction and its limit in the bet's currency (PROTOCOL §14), as LEFT JOINs of a bet's
 * locking statement on their primary keys: read current with the locks (a restriction committed while
 * the statement waited is seen), and no round trip of their own. A restriction being written waits for
 * the bets holding its row, and the bets after it read it.
 */
export const PROTECTION_JOIN = `LEFT JOIN player_restrictions pr ON pr.operator_id = ? AND pr.user_id = ?
         LEFT JOIN player_limits pl ON pl.operator_id = ? AND pl.user_id = ? AND pl.currency = ?`;
export const PROTECTION_SELECT = 'pr.reason AS restriction_reason, pr.until AS restriction_until, pl.max_bet_minor';

export function protectionParams(operatorId: number, userId: string, currency: string): unknown[] {
  return [operatorId, userId, operatorId, userId, currency];
}

export function protectionFromRow(row: RowDataPacket): ProtectionFacts {
  const reason = (row.restriction_reason as RestrictionReason | null) ?? null;
  return {
    restriction: reason === null ? null : { reason, until: (row.restriction_until as Date | null) ?? null },
    maxBet: row.max_bet_minor === null || row.max_bet_minor === undefined ? null : minor(row.max_bet_minor as string),
  };
}

export const protectionKeyText = (operatorId: number, userId: string, currency: string) =>
  `${operatorId}/${userId}/${currency}`;

export function roundKeyText(key: RoundKey): string {
  return `${key.providerId}/${key.operatorId}/${key.userId}/${key.roundId}`;
}

export function roundFromRow(row: RowDataPacket): StoredRound | null {
  if (row.id === null || row.id === undefined) return null;
  return {
    id: String(row.id),
    status: row.status as 'open' | 'closed',
    gameId: row.game_id as number,
    betCount: row.bet_count as number,
    rolledBackCount: row.rolled_back_count as number,
    winCount: row.win_count as number,
  };
}

export const TRANSACTION_COLUMNS = `transaction_id, platform_transaction_id, mirrored, operator_balance_minor, request_hash, type, status, result_code, wallet_id, user_id, currency, delta_minor,
  balance_after_minor, round_id, game_id, free_spin_id, ref_transaction_id`;

export function storedTransaction(row: TransactionRow): StoredTransaction {
  return {
    platformTransactionId: row.platform_transaction_id,
    requestHash: row.request_hash,
    type: row.type,
    status: row.status,
    resultCode: row.result_code,
    walletId: row.wallet_id === null ? null : String(row.wallet_id),
    userId: row.user_id,
    currency: row.currency,
    delta: minor(row.delta_minor),
    balanceAfter: row.balance_after_minor === null ? null : minor(row.balance_after_minor),
    roundId: row.round_id,
    gameId: row.game_id,
    freeSpinId: row.free_spin_id,
    refTransactionId: row.ref_transaction_id,
    mirrored: Boolean(row.mirrored),
    operatorBalance: row.operator_balance_minor === null ? null : minor(row.operator_balance_minor),
  };
}

export class MysqlWalletStore implements WalletStore, ProviderLedgerStore {
  constructor(private readonly pool: Pool) {}

  async findTransaction(
    origin: TransactionOrigin,
    originId: number,
    transactionId: string,
  ): Promise<StoredTransaction | null> {
    const [rows] = await this.pool.query<TransactionRow[]>(
      `SELECT ${TRANSACTION_COLUMNS} FROM transactions WHERE origin = ? AND origin_id = ? AND transaction_id = ?`,
      [origin, originId, transactionId],
    );
    return rows[0] ? storedTransaction(rows[0]) : null;
  }

  async walletBalance(operatorId: number, userId: string, currency: string): Promise<Minor | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT balance_minor FROM wallets WHERE operator_id = ? AND user_id = ? AND currency = ?',
      [operatorId, userId, currency],
    );
    return rows[0] ? minor(rows[0].balance_minor as string) : null;
  }

  async playerExists(operatorId: number, userId: string): Promise<boolean> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT 1 FROM players WHERE operator_id = ? AND user_id = ?',
      [operatorId, userId],
    );
    return rows.length > 0;
  }

  async ensurePlayerWallet(
    operatorId: number,
    userId: string,
    currency: string,
    nickname: string | null,
  ): Promise<Minor> {
    const now = new Date();
    // INSERT IGNORE on the unique keys makes concurrent creations of one player converge on one row.
    await this.pool.query(
      'INSERT IGNORE INTO players (operator_id, user_id, nickname, created_at) VALUES (?, ?, ?, ?)',
      [operatorId, userId, nickname, now],
    );
    await this.pool.query(
      `INSERT IGNORE INTO wallets (operator_id, player_id, user_id, currency, balance_minor, created_at, updated_at)
       SELECT operator_id, id, user_id, ?, 0, ?, ? FROM players WHERE operator_id = ? AND user_id = ?`,
      [currency, now, now, operatorId, userId],
    );
    const balance = await this.walletBalance(operatorId, userId, currency);
    assertInvariant(balance !== null, `wallet ${operatorId}/${userId}/${currency} missing right after its creation`);
    return balance;
  }

  inTransaction<T>(work: (scope: WalletTransactionScope) => Promise<T>): Promise<T> {
    return inMysqlTransaction(this.pool, (connection) => work(new MysqlLedgerScope(connection, fxRatesOf(this.pool))));
  }

  inProviderTransaction<T>(work: (scope: ProviderLedgerScope) => Promise<T>): Promise<T> {
    return inMysqlTransaction(this.pool, (connection) => work(new MysqlLedgerScope(connection, fxRatesOf(this.pool))));
  }
}

function providerFacts(row: TransactionRow): ProviderTransactionFacts {
  const stored = storedTransaction(row);
  return {
    platformTransactionId: stored.platformTransactionId,
    type: stored.type,
    status: stored.status,
    userId: stored.userId,
    roundId: stored.roundId,
    gameId: stored.gameId,
    debited: (stored.delta < 0n ? -stored.delta : 0n) as Minor,
    freeSpinId: stored.freeSpinId,
    balanceAfter: stored.balanceAfter,
  };
}

/**
 * The operator's callback URL as a column of a locking statement. Read by subquery, which is safe here
 * (a subquery may read a snapshot older than the statement's lock wait) only because holdOperatorMode
 * already holds the operator row shared: nobody can have changed it since.
 */
export const OPERATOR_CALLBACK_URL = '(SELECT o.callback_url FROM operators o WHERE o.id = ?) AS callback_url';

/** Every read and write of one money transaction, on the connection that holds its locks. */
export class MysqlLedgerScope implements ProviderLedgerScope {
  private readonly modeHeld = new Set<number>();

  constructor(
    readonly connection: TransactionConnection,
    private readonly rates: FxRateSource,
  ) {}

  /**
   * A shared lock on the operator row until COMMIT, sent with the transaction's first lock and taken
   * before it: a mode switch (operators/update locks the row exclusively) then either waits for this
   * transaction and counts what it wrote, or runs first and this transaction reads the new mode. Shared
   * locks do not wait for each other, so money calls of one operator do not queue behind one another;
   * and every money transaction takes this lock before any wallet or player lock (no lock-order cycle).
   */
  protected holdOperatorMode(operatorId: number): void {
    if (this.modeHeld.has(operatorId)) return;
    this.modeHeld.add(operatorId);
    this.connection.defer('SELECT id FROM operators WHERE id = ? LOCK IN SHARE MODE', [operatorId]);
  }

  async lockWallet(operatorId: number, userId: string, currency: string): Promise<WalletLock> {
    this.holdOperatorMode(operatorId);
    // One row whether or not the wallet exists (the derived table), so the mode always comes back.
    const [rows] = await this.connection.query<RowDataPacket[]>(
      `SELECT w.id, w.balance_minor, ${OPERATOR_CALLBACK_URL}
         FROM (SELECT 1 AS one) AS anchor
         LEFT JOIN wallets w ON w.operator_id = ? AND w.user_id = ? AND w.currency = ?
          FOR UPDATE`,
      [operatorId, operatorId, userId, currency],
    );
    const row = rows[0]!;
    return {
      mode: walletModeOf(row.callback_url as string | null),
      wallet: row.id === null ? null : { id: String(row.id), balance: minor(row.balance_minor as string) },
    };
  }

  async playerExists(operatorId: number, userId: string): Promise<boolean> {
    const [rows] = await this.connection.query<RowDataPacket[]>(
      'SELECT 1 FROM players WHERE operator_id = ? AND user_id = ?',
      [operatorId, userId],
    );
    return rows.length > 0;
  }

  async moveBalance(operatorId: number, userId: string, currency: string, delta: Minor): Promise<Minor | null> {
    this.holdOperatorMode(operatorId);
    // LAST_INSERT_ID(expr) hands the new balance back in the OK packet: no second round trip, and the
    // row lock is held from here to COMMIT only. The guard is the domain's rule (wallet.ts) in SQL, and
    // transfer mode (walletModeOf in SQL) read under the operator lock taken just before.
    const [result] = await this.connection.query<ResultSetHeader>(
      `UPDATE wallets SET balance_minor = LAST_INSERT_ID(balance_minor + ?), updated_at = ?
        WHERE operator_id = ? AND user_id = ? AND currency = ? AND balance_minor + ? BETWEEN 0 AND ?
          AND (SELECT COALESCE(o.callback_url, '') FROM operators o WHERE o.id = ?) = ''`,
      [delta, new Date(), operatorId, userId, currency, delta, MAX_MINOR, operatorId],
    );
    if (result.affectedRows !== 1) return null;
    return minor(result.insertId);
  }

  // Writes whose results nobody waits for are deferred: they travel with the next read or the COMMIT
  // (TransactionConnection), their checks run when their results arrive, still before COMMIT succeeds.
  async moveLockedBalance(walletId: string, before: Minor, after: Minor): Promise<void> {
    // A relative update of a row this transaction holds locked: it lands exactly on `after`, and the
    // CHECK (balance_minor >= 0) constraint still refuses anything below zero before the COMMIT runs.
    assertMoved(before, (after - before) as Minor, after);
    this.connection.defer('UPDATE wallets SET balance_minor = balance_minor + ?, updated_at = ? WHERE id = ?', [
      after - before,
      new Date(),
      walletId,
    ]);
  }

  async insertTransaction(row: NewTransaction): Promise<string> {
    assertEntryMove(row);
    const platformTransactionId = row.platformTransactionId ?? newPlatformTransactionId();
    const createdAt = new Date();
    // Captured now and never changed (PROTOCOL §11, §12): the rate in force (from the process's cache, no
    // query) with the exact amount in base currency, and whether the operator is in the sandbox, read
    // from its row inside the INSERT (the row this transaction already holds shared): no round trip.
    const fx = await this.rates.capture(row.currency, row.amount, createdAt);
    this.connection.defer(
      `INSERT INTO transactions (platform_transaction_id, origin, origin_id, transaction_id, request_hash, operator_id,
         wallet_id, user_id, currency, type, status, result_code, amount_minor, delta_minor, balance_after_minor,
         provider_id, game_id, round_id, free_spin_id, ref_transaction_id, mirrored, operator_balance_minor, created_at,
         fx_rate, amount_base, sandbox)
       VALUES (?, ?, ?, ?, ?, ?, ${row.walletId === 'by-owner' ? '(SELECT id FROM wallets WHERE operator_id = ? AND user_id = ? AND currency = ?)' : '?'},
         ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
         (SELECT o.status = 'sandbox' FROM operators o WHERE o.id = ?))`,
      [
        platformTransactionId,
        row.origin,
        row.originId,
        row.transactionId,
        row.requestHash,
        row.operatorId,
        ...(row.walletId === 'by-owner' ? [row.operatorId, row.userId, row.currency] : [row.walletId]),
        row.userId,
        row.currency,
        row.type,
        row.status,
        row.resultCode,
        row.amount,
        row.delta,
        row.balanceAfter,
        row.providerId ?? null,
        row.gameId ?? null,
        row.roundId ?? null,
        row.freeSpinId ?? null,
        row.refTransactionId ?? null,
        row.mirrored ?? false,
        row.operatorBalance ?? null,
        createdAt,
        fx.rate,
        fx.amountBase,
        row.operatorId,
      ],
      {
        // Only the idempotency key means "a twin got here first"; any other duplicate is a bug.
        mapError: (error) =>
          mysqlErrno(error) === MysqlErrno.DUPLICATE_ENTRY &&
          /transactions_idempotency_key/.test(String((error as Error).message))
            ? new DuplicateTransactionIdError()
            : null,
      },
    );
    return platformTransactionId;
  }

  // Provider-side reads and writes: rounds, references between transactions, free-spin slots.
  /** The round (and tombstone) read under lock by lockWalletAndRound in this transaction. */
  protected prefetched: {
    key: string;
    betTransactionId: string | null;
    round: StoredRound | null;
    tombstone: boolean;
  } | null = null;

  /** The protection read by this transaction's bet locking statement (see playerProtection). */
  protected prefetchedProtection: { key: string; facts: ProtectionFacts } | null = null;

  protected rememberProtection(operatorId: number, userId: string, currency: string, row: RowDataPacket): void {
    this.prefetchedProtection = { key: protectionKeyText(operatorId, userId, currency), facts: protectionFromRow(row) };
  }

  async playerProtection(operatorId: number, userId: string, currency: string): Promise<ProtectionFacts> {
    const memo = this.prefetchedProtection;
    if (memo?.key === protectionKeyText(operatorId, userId, currency)) return memo.facts;
    // Not read with a lock yet in this transaction: read it now, current and locked like the bet's read.
    const [rows] = await this.connection.query<RowDataPacket[]>(
      `SELECT ${PROTECTION_SELECT} FROM (SELECT 1 AS one) AS anchor ${PROTECTION_JOIN} FOR UPDATE`,
      protectionParams(operatorId, userId, currency),
    );
    return rows[0] ? protectionFromRow(rows[0]) : NO_PROTECTION;
  }

  async lockRound(key: RoundKey): Promise<StoredRound | null> {
    if (this.prefetched?.key === roundKeyText(key)) return this.prefetched.round;
    return (await this.lockRoundForBet(key, null)).round;
  }

  async lockRoundForBet(
    key: RoundKey,
    betTransactionId: string | null,
  ): Promise<{ round: StoredRound | null; tombstone: boolean }> {
    const memo = this.prefetched;
    if (memo?.key === roundKeyText(key) && memo.betTransactionId === betTransactionId) return memo;
    // One row whether or not the round exists (the derived table), so the tombstone answer always comes back.
    const [rows] = await this.connection.query<RowDataPacket[]>(
      `SELECT ${ROUND_COLUMNS}, ${tombstoneSelect(betTransactionId)}
         FROM (SELECT 1 AS one) AS anchor
         LEFT JOIN rounds r ON r.provider_id = ? AND r.operator_id = ? AND r.user_id = ? AND r.round_id = ?
         ${tombstoneJoin(betTransactionId)}
          FOR UPDATE`,
      [key.providerId, key.operatorId, key.userId, key.roundId, ...tombstoneParams(key, betTransactionId)],
    );
    return { round: roundFromRow(rows[0]!), tombstone: rows.some((row) => row.tombstone !== null) };
  }

  async lockWalletAndRound(
    operatorId: number,
    userId: string,
    currency: string,
    key: RoundKey,
    betTransactionId: string | null,
  ): Promise<WalletLock> {
    this.holdOperatorMode(operatorId);
    // A bet also reads the player's protection (§14) here; wins, rollbacks and jackpots never need it.
    const betting = betTransactionId !== null;
    const [rows] = await this.connection.query<RowDataPacket[]>(
      `SELECT w.id AS wallet_id, w.balance_minor, ${OPERATOR_CALLBACK_URL}, ${ROUND_COLUMNS}, ${tombstoneSelect(betTransactionId)}
              ${betting ? `, ${PROTECTION_SELECT}` : ''}
         FROM (SELECT 1 AS one) AS anchor
         LEFT JOIN wallets w ON w.operator_id = ? AND w.user_id = ? AND w.currency = ?
         LEFT JOIN rounds r ON r.provider_id = ? AND r.operator_id = w.operator_id AND r.user_id = w.user_id AND r.round_id = ?
         ${tombstoneJoin(betTransactionId)}
         ${betting ? PROTECTION_JOIN : ''}
          FOR UPDATE`,
      [
        operatorId,
        operatorId,
        userId,
        currency,
        key.providerId,
        key.roundId,
        ...tombstoneParams(key, betTransactionId),
        ...(betting ? protectionParams(operatorId, userId, currency) : []),
      ],
    );
    const row = rows[0]!;
    const mode = walletModeOf(row.callback_url as string | null);
    if (betting) this.rememberProtection(operatorId, userId, currency, row);
    if (row.wallet_id === null) return { mode, wallet: null };
    this.prefetched = {
      key: roundKeyText(key),
      betTransactionId,
      round: roundFromRow(row),
      tombstone: rows.some((r) => r.tombstone !== null),
    };
    return { mode, wallet: { id: String(row.wallet_id), balance: minor(row.balance_minor as string) } };
  }

  async findWithRollback(providerId: number, transactionId: string) {
    const [rows] = await this.connection.query<TransactionRow[]>(
      `SELECT ${TRANSACTION_COLUMNS} FROM transactions
        WHERE origin = 'provider' AND origin_id = ?
          AND (transaction_id = ? OR (ref_transaction_id = ? AND type = 'rollback' AND status = 'applied'))
        ORDER BY id`,
      [providerId, transactionId, transactionId],
    );
    const transaction = rows.find((row) => row.transaction_id === transactionId);
    const rollback = rows.find(
      (row) => row.type === 'rollback' && row.ref_transaction_id === transactionId && row.status === 'applied',
    );
    return {
      transaction: transaction ? providerFacts(transaction) : null,
      rollback: rollback ? providerFacts(rollback) : null,
    };
  }

  async openRound(key: RoundKey, gameId: number, change: RoundChange): Promise<void> {
    const now = new Date();
    this.connection.defer(
      `INSERT INTO rounds (provider_id, operator_id, user_id, round_id, game_id, status, bet_count, rolled_back_count,
         win_count, close_reason, opened_at, closed_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        key.providerId,
        key.operatorId,
        key.userId,
        key.roundId,
        gameId,
        change.closeReason ? 'closed' : 'open',
        change.bets ?? 0,
        change.rolledBack ?? 0,
        change.wins ?? 0,
        change.closeReason ?? null,
        now,
        change.closeReason ? now : null,
      ],
    );
  }

  async countBet(key: RoundKey, gameId: number): Promise<void> {
    this.connection.defer(
      `INSERT INTO rounds (provider_id, operator_id, user_id, round_id, game_id, status, bet_count, rolled_back_count, win_count, opened_at)
       VALUES (?, ?, ?, ?, ?, 'open', 1, 0, 0, ?)
       ON DUPLICATE KEY UPDATE bet_count = bet_count + 1`,
      [key.providerId, key.operatorId, key.userId, key.roundId, gameId, new Date()],
    );
  }

  async changeRound(id: string, change: RoundChange): Promise<void> {
    const closing = change.closeReason !== undefined;
    this.connection.defer(
      `UPDATE rounds SET bet_count = bet_count + ?, rolled_back_count = rolled_back_count + ?, win_count = win_count + ?
         ${closing ? ", status = 'closed', close_reason = ?, closed_at = ?" : ''}
       WHERE id = ?`,
      [
        change.bets ?? 0,
        change.rolledBack ?? 0,
        change.wins ?? 0,
        ...(closing ? [change.closeReason, new Date()] : []),
        id,
      ],
    );
  }

  async lockFreeSpinSlot(
    operatorId: number,
    freeSpinId: string,
    userId: string,
    gameId: number,
  ): Promise<FreeSpinSlot | null> {
    const [campaigns] = await this.connection.query<RowDataPacket[]>(
      `SELECT c.id, c.spins, c.bet_amount_minor, c.currency, c.expires_at, c.cancelled_at,
              NOT EXISTS (SELECT 1 FROM free_spin_players q WHERE q.campaign_id = c.id AND q.spins_used < c.spins) AS all_used,
              EXISTS (SELECT 1 FROM free_spin_games g WHERE g.campaign_id = c.id AND g.game_id = ?) AS game_included
         FROM free_spin_campaigns c WHERE c.operator_id = ? AND c.free_spin_id = ?`,
      [gameId, operatorId, freeSpinId],
    );
    const campaign = campaigns[0];
    if (!campaign) return null;
    const [players] = await this.connection.query<RowDataPacket[]>(
      'SELECT spins_used FROM free_spin_players WHERE campaign_id = ? AND user_id = ? FOR UPDATE',
      [campaign.id, userId],
    );
    const facts: CampaignFacts = {
      spins: campaign.spins as number,
      betAmount: minor(campaign.bet_amount_minor as string),
      currency: campaign.currency as string,
      expiresAt: campaign.expires_at as Date,
      cancelledAt: (campaign.cancelled_at as Date | null) ?? null,
      allSpinsUsed: Boolean(Number(campaign.all_used)),
    };
    return {
      campaignId: campaign.id as number,
      campaign: facts,
      spinsUsed: players[0] ? (players[0].spins_used as number) : null,
      gameIncluded: Boolean(Number(campaign.game_included)),
    };
  }

  async changeFreeSpinPlayer(
    campaignId: number,
    userId: string,
    change: { spinsUsed?: 1 | -1; win?: Minor },
  ): Promise<void> {
    // The player's row was read FOR UPDATE by lockFreeSpinSlot in this transaction, so it exists.
    this.connection.defer(
      `UPDATE free_spin_players SET spins_used = spins_used + ?, total_win_minor = total_win_minor + ?
        WHERE campaign_id = ? AND user_id = ?`,
      [change.spinsUsed ?? 0, change.win ?? 0n, campaignId, userId],
    );
  }
}
