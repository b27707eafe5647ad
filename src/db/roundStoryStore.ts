/** The reads of a round's story (app/rounds/roundStory.ts): rounds, their deliveries and attempts. Lock-free. */
import { Pool, RowDataPacket } from 'mysql2/promise';
import { minor } from '../domain/money';
import {
  AttemptRecord,
  DeliveryRecord,
  RoundListFilter,
  RoundRecord,
  RoundStatus,
  RoundStoryStore,
  StaffRoundTarget,
} from '../app/rounds/roundStory';
import { walletModeOf } from '../domain/walletMode';
import { AttemptVia } from '../app/seamless/attemptLog';
import { DeliveryKind, DeliveryPayload } from '../app/seamless/seamlessStore';

const ROUND_SELECT = `SELECT r.id, r.operator_id, r.provider_id, p.provider_id AS provider_code, r.user_id, r.round_id, r.game_id,
       r.status, r.close_reason, r.opened_at, r.closed_at, r.bet_count, r.win_count, r.rolled_back_count
  FROM rounds r JOIN providers p ON p.id = r.provider_id`;

/** More than one studio with one player's roundID is already ambiguous: two rows say so. */
const AMBIGUITY_PROBE = 2;

function roundOf(row: RowDataPacket): RoundRecord {
  return {
    rowId: String(row.id),
    operatorId: row.operator_id as number,
    providerRowId: row.provider_id as number,
    providerId: row.provider_code as string,
    userId: row.user_id as string,
    roundId: row.round_id as string,
    gameId: row.game_id as number,
    status: row.status as RoundStatus,
    closeReason: (row.close_reason as string | null) ?? null,
    openedAt: row.opened_at as Date,
    closedAt: (row.closed_at as Date | null) ?? null,
    betCount: row.bet_count as number,
    winCount: row.win_count as number,
    rolledBackCount: row.rolled_back_count as number,
  };
}

// A Withdraw whose bet has its ledger row is settled even while its row still says `sending` (the
// sweeper folds it later): shown as the ledger row says, without writing anything.
const DELIVERY_SELECT = `SELECT d.id, d.kind, d.platform_transaction_id, d.transaction_id, d.payload, d.status, d.attempts,
       d.max_attempts, d.last_error, d.next_attempt_at, d.created_at, d.delivered_at, t.status AS bet_status, t.created_at AS bet_at
  FROM callback_deliveries d
  LEFT JOIN transactions t ON d.kind = 'withdraw' AND d.status = 'sending'
       AND t.origin = 'provider' AND t.origin_id = d.provider_id AND t.transaction_id = d.transaction_id
 WHERE d.operator_id = ? AND d.round_id = ? AND d.provider_id = ?
 ORDER BY d.id
 LIMIT 1000`;

function deliveryOf(row: RowDataPacket, payload: DeliveryPayload): Omit<DeliveryRecord, 'attempts'> {
  const settled = row.bet_status as 'applied' | 'refused' | null;
  const status = settled === null ? (row.status as string) : settled === 'applied' ? 'delivered' : 'refused';
  return {
    id: String(row.id),
    kind: row.kind as DeliveryKind,
    platformTransactionId: row.platform_transaction_id as string,
    refTransactionId: payload.refTransactionId,
    transactionId: (row.transaction_id as string | null) ?? null,
    currency: payload.currency,
    amount: minor(payload.amount),
    status,
    attemptCount: row.attempts as number,
    maxAttempts: row.max_attempts as number,
    lastError: (row.last_error as string | null) ?? null,
    nextAttemptAt: (row.next_attempt_at as Date | null) ?? null,
    createdAt: row.created_at as Date,
    deliveredAt: (row.delivered_at as Date | null) ?? (settled === 'applied' ? (row.bet_at as Date) : null),
  };
}

export class MysqlRoundStoryStore implements RoundStoryStore {
  constructor(private readonly pool: Pool) {}

  async findRounds(operatorId: number, userId: string, roundId: string, providerId?: string): Promise<RoundRecord[]> {
    const byStudio = providerId === undefined ? '' : ' AND p.provider_id = ?';
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `${ROUND_SELECT} WHERE r.operator_id = ? AND r.user_id = ? AND r.round_id = ?${byStudio} ORDER BY r.id LIMIT ?`,
      [operatorId, userId, roundId, ...(providerId === undefined ? [] : [providerId]), AMBIGUITY_PROBE],
    );
    return rows.map(roundOf);
  }

  async listRounds(filter: RoundListFilter): Promise<RoundRecord[]> {
    const where = ['r.operator_id = ?'];
    const params: unknown[] = [filter.operatorId];
    if (filter.userId !== undefined) {
      where.push('r.user_id = ?');
      params.push(filter.userId);
    }
    if (filter.status !== undefined) {
      where.push('r.status = ?');
      params.push(filter.status);
    }
    if (filter.beforeId !== undefined) {
      where.push('r.id < ?');
      params.push(filter.beforeId);
    }
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `${ROUND_SELECT} WHERE ${where.join(' AND ')} ORDER BY r.id DESC LIMIT ?`,
      [...params, filter.limit],
    );
    return rows.map(roundOf);
  }

  async deliveries(round: RoundRecord): Promise<DeliveryRecord[]> {
    const [rows] = await this.pool.query<RowDataPacket[]>(DELIVERY_SELECT, [
      round.operatorId,
      round.roundId,
      round.providerRowId,
    ]);
    // Another player's round of the same roundID at the same studio shares (operator, round, studio).
    const mine = rows
      .map((row) => ({ row, payload: JSON.parse(row.payload as string) as DeliveryPayload }))
      .filter(({ payload }) => payload.userId === round.userId)
      .map(({ row, payload }) => deliveryOf(row, payload));
    if (mine.length === 0) return [];
    const attempts = await this.attemptsOf(mine);
    return mine.map((d) => ({ ...d, attempts: attempts.get(`${d.kind}:${d.platformTransactionId}`) ?? [] }));
  }

  async findOperator(agentId: string): Promise<{ operatorId: number; agentId: string; seamless: boolean } | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT id, agent_id, callback_url FROM operators WHERE agent_id = ?',
      [agentId],
    );
    const row = rows[0];
    if (!row) return null;
    return {
      operatorId: row.id as number,
      agentId: row.agent_id as string,
      seamless: walletModeOf(row.callback_url as string | null) === 'seamless',
    };
  }

  async findRoundOfDelivery(deliveryId: string): Promise<StaffRoundTarget | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT d.round_id, d.payload, o.id AS operator_id, o.agent_id, o.callback_url, p.provider_id AS provider_code
         FROM callback_deliveries d
         JOIN operators o ON o.id = d.operator_id
         JOIN providers p ON p.id = d.provider_id
        WHERE d.id = ?`,
      [deliveryId],
    );
    const row = rows[0];
    if (!row) return null;
    const payload = JSON.parse(row.payload as string) as DeliveryPayload;
    const roundId = (row.round_id as string | null) ?? payload.roundId;
    if (roundId === null) return null;
    return {
      operatorId: row.operator_id as number,
      agentId: row.agent_id as string,
      seamless: walletModeOf(row.callback_url as string | null) === 'seamless',
      userId: payload.userId,
      roundId,
      providerId: row.provider_code as string,
    };
  }

  private async attemptsOf(deliveries: Omit<DeliveryRecord, 'attempts'>[]): Promise<Map<string, AttemptRecord[]>> {
    const kinds = [...new Set(deliveries.map((d) => d.kind))];
    const ids = [...new Set(deliveries.map((d) => d.platformTransactionId))];
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT kind, platform_transaction_id, via, attempted_at, outcome, http_status, operator_code, latency_ms, error
         FROM callback_attempts WHERE kind IN (?) AND platform_transaction_id IN (?)
        ORDER BY attempted_at, id`,
      [kinds, ids],
    );
    const byDelivery = new Map<string, AttemptRecord[]>();
    for (const row of rows) {
      const key = `${row.kind as string}:${row.platform_transaction_id as string}`;
      const list = byDelivery.get(key) ?? [];
      list.push({
        at: row.attempted_at as Date,
        via: row.via as AttemptVia,
        outcome: row.outcome as string,
        httpStatus: (row.http_status as number | null) ?? null,
        operatorCode: (row.operator_code as number | null) ?? null,
        latencyMs: row.latency_ms as number,
        error: (row.error as string | null) ?? null,
      });
      byDelivery.set(key, list);
    }
    return byDelivery;
  }
}
