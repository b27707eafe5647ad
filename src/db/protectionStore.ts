/**
 * Player protection in the database (PROTOCOL §14): restrictions and per-currency limits, each change
 * written with its audit entry in one Prisma transaction, and the Players view's reads. The bet path
 * never comes here: it reads the same rows inside its own locking statement (walletStore.ts
 * PROTECTION_JOIN).
 */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { recordAudit } from './auditLog';
import {
  PlayerBalance,
  PlayerLimit,
  PlayerSummary,
  PlayersViewStore,
  ProtectionOperator,
  ProtectionStore,
  ProtectionTarget,
  StoredRestriction,
} from '../app/protection/protectionStore';
import { Minor, minor } from '../domain/money';
import { Restriction, RestrictionReason } from '../domain/playerProtection';
import { walletModeOf } from '../domain/walletMode';
import { Prisma } from './prismaClient';
import { retryOnWriteConflict } from './writeConflict';

type Tx = Parameters<Parameters<Prisma['$transaction']>[0]>[0];

const AUDIT_TARGET = 'player';
const targetId = (target: ProtectionTarget) => `${target.agentId}/${target.userId}`;

/** A DATETIME as mysql2 (Date) or a Prisma raw query (Date or ISO text) hands it back. */
const asDate = (value: unknown): Date => (value instanceof Date ? value : new Date(String(value)));

function restrictionFromRow(row: RowDataPacket | undefined): StoredRestriction | null {
  if (!row) return null;
  return {
    reason: row.reason as RestrictionReason,
    until: row.until === null || row.until === undefined ? null : asDate(row.until),
    createdAt: asDate(row.created_at),
    updatedAt: asDate(row.updated_at),
  };
}

/** What the audit entry shows of a restriction. */
function auditedRestriction(restriction: Restriction | null) {
  return restriction && { reason: restriction.reason, until: restriction.until?.toISOString() ?? null };
}

async function lockedRestriction(tx: Tx, target: ProtectionTarget): Promise<StoredRestriction | null> {
  const rows = await tx.$queryRaw<RowDataPacket[]>`
    SELECT reason, until, created_at, updated_at FROM player_restrictions
     WHERE operator_id = ${target.operatorId} AND user_id = ${target.userId} FOR UPDATE`;
  return restrictionFromRow(rows[0]);
}

/** Reads the current restriction of a player with a plain pool query (launches; the Players view). */
export async function readRestriction(
  pool: Pool,
  operatorId: number,
  userId: string,
): Promise<StoredRestriction | null> {
  const [rows] = await pool.query<RowDataPacket[]>(
    'SELECT reason, until, created_at, updated_at FROM player_restrictions WHERE operator_id = ? AND user_id = ?',
    [operatorId, userId],
  );
  return restrictionFromRow(rows[0]);
}

export class MysqlProtectionStore implements ProtectionStore, PlayersViewStore {
  constructor(
    private readonly prisma: Prisma,
    private readonly pool: Pool,
  ) {}

  restrict(target: ProtectionTarget, restriction: { reason: RestrictionReason; until: Date | null }) {
    return retryOnWriteConflict(() =>
      this.prisma.$transaction(async (tx) => {
        const before = await lockedRestriction(tx, target);
        const now = new Date();
        await tx.$executeRaw`
          INSERT INTO player_restrictions (operator_id, user_id, reason, until, created_at, updated_at)
          VALUES (${target.operatorId}, ${target.userId}, ${restriction.reason}, ${restriction.until}, ${now}, ${now})
          ON DUPLICATE KEY UPDATE reason = VALUES(reason), until = VALUES(until), updated_at = VALUES(updated_at)`;
        const after: StoredRestriction = { ...restriction, createdAt: before?.createdAt ?? now, updatedAt: now };
        await recordAudit(tx, {
          actor: target.actor,
          action: 'players.restrict',
          targetType: AUDIT_TARGET,
          targetId: targetId(target),
          before: auditedRestriction(before),
          after: auditedRestriction(after),
        });
        return { before, after };
      }),
    );
  }

  unrestrict(target: ProtectionTarget) {
    return retryOnWriteConflict(() =>
      this.prisma.$transaction(async (tx) => {
        const before = await lockedRestriction(tx, target);
        if (!before) return null;
        await tx.$executeRaw`
          DELETE FROM player_restrictions WHERE operator_id = ${target.operatorId} AND user_id = ${target.userId}`;
        await recordAudit(tx, {
          actor: target.actor,
          action: 'players.unrestrict',
          targetType: AUDIT_TARGET,
          targetId: targetId(target),
          before: auditedRestriction(before),
          after: null,
        });
        return before;
      }),
    );
  }

  setMaxBet(target: ProtectionTarget, currency: string, maxBet: Minor | null) {
    return retryOnWriteConflict(() =>
      this.prisma.$transaction(async (tx) => {
        const rows = await tx.$queryRaw<RowDataPacket[]>`
          SELECT max_bet_minor FROM player_limits
           WHERE operator_id = ${target.operatorId} AND user_id = ${target.userId} AND currency = ${currency} FOR UPDATE`;
        const before = rows[0] ? minor(rows[0].max_bet_minor as bigint) : null;
        if (before === maxBet) return { before };
        if (maxBet === null) {
          await tx.$executeRaw`DELETE FROM player_limits
            WHERE operator_id = ${target.operatorId} AND user_id = ${target.userId} AND currency = ${currency}`;
        } else {
          await tx.$executeRaw`
            INSERT INTO player_limits (operator_id, user_id, currency, max_bet_minor, updated_at)
            VALUES (${target.operatorId}, ${target.userId}, ${currency}, ${maxBet}, ${new Date()})
            ON DUPLICATE KEY UPDATE max_bet_minor = VALUES(max_bet_minor), updated_at = VALUES(updated_at)`;
        }
        await recordAudit(tx, {
          actor: target.actor,
          action: 'players.limits',
          targetType: AUDIT_TARGET,
          targetId: targetId(target),
          // Minor units, as every stored amount: the audit log is a record of the database's values.
          before: { currency, maxBetMinor: before?.toString() ?? null },
          after: { currency, maxBetMinor: maxBet?.toString() ?? null },
        });
        return { before };
      }),
    );
  }

  restrictionOf(operatorId: number, userId: string): Promise<StoredRestriction | null> {
    return readRestriction(this.pool, operatorId, userId);
  }

  async limitsOf(operatorId: number, userId: string): Promise<PlayerLimit[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT currency, max_bet_minor FROM player_limits WHERE operator_id = ? AND user_id = ? ORDER BY currency',
      [operatorId, userId],
    );
    return rows.map((row) => ({ currency: row.currency as string, maxBet: minor(row.max_bet_minor as string) }));
  }

  async operatorByAgentId(agentId: string): Promise<ProtectionOperator | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id, agent_id, callback_url, currencies FROM operators WHERE agent_id = ?',
      [agentId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id as number,
      agentId: row.agent_id as string,
      mode: walletModeOf(row.callback_url as string | null),
      currencies: String(row.currencies).split(',').filter(Boolean),
    };
  }

  async searchPlayers(
    operatorId: number,
    prefix: string,
    afterUserId: string | null,
    limit: number,
  ): Promise<PlayerSummary[]> {
    // userIDs are [A-Za-z0-9_-]: `_` is LIKE's one-character wildcard, so it is escaped.
    const pattern = `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT p.user_id, p.created_at, pr.reason, pr.until
         FROM players p
         LEFT JOIN player_restrictions pr ON pr.operator_id = p.operator_id AND pr.user_id = p.user_id
        WHERE p.operator_id = ? AND p.user_id LIKE ? AND p.user_id > ?
        ORDER BY p.user_id LIMIT ?`,
      [operatorId, pattern, afterUserId ?? '', limit],
    );
    const now = Date.now();
    return rows.map((row) => ({
      userId: row.user_id as string,
      createdAt: row.created_at as Date,
      restricted: row.reason !== null && (row.until === null || (row.until as Date).getTime() > now),
    }));
  }

  async playerKnown(operatorId: number, userId: string): Promise<{ createdAt: Date } | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT created_at FROM players WHERE operator_id = ? AND user_id = ?',
      [operatorId, userId],
    );
    return rows[0] ? { createdAt: rows[0].created_at as Date } : null;
  }

  async balancesOf(operatorId: number, userId: string): Promise<PlayerBalance[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT currency, balance_minor, 'wallet' AS source, updated_at FROM wallets WHERE operator_id = ? AND user_id = ?
       UNION ALL
       SELECT currency, balance_minor, 'last-known' AS source, updated_at FROM operator_balances WHERE operator_id = ? AND user_id = ?
       ORDER BY currency, source`,
      [operatorId, userId, operatorId, userId],
    );
    return rows.map((row) => ({
      currency: row.currency as string,
      balance: minor(row.balance_minor as string),
      source: row.source as PlayerBalance['source'],
      updatedAt: row.updated_at as Date,
    }));
  }
}
