/**
 * Free-spin campaigns, the operator's side (PROTOCOL §4 `/v1/freespins/*`). Creation is idempotent on
 * (operator, freeSpinID) with the same rules as money transactions: 11 for a repeat, 13 for other content.
 */
import { CampaignFacts, CampaignStatus, campaignStatus } from '../../domain/freeSpins';
import { judgeRepeat, requestHash } from '../../domain/idempotency';
import { Minor } from '../../domain/money';
import { Refusal, ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { OperatorCaller, requireEnabledCurrency } from '../callers';

export interface CampaignDefinition {
  readonly freeSpinId: string;
  readonly userIds: readonly string[];
  readonly gameIds: readonly number[];
  readonly spins: number;
  readonly betAmount: Minor;
  readonly currency: string;
  readonly expiresAt: Date;
}

export interface StoredCampaign extends CampaignFacts {
  readonly id: number;
  readonly requestHash: Buffer;
  readonly players: readonly { userId: string; spinsUsed: number; totalWin: Minor }[];
}

export interface CampaignStore {
  findCampaign(operatorId: number, freeSpinId: string): Promise<StoredCampaign | null>;
  /** Game ids among these that exist, are enabled and offer free spins. */
  freeSpinGames(gameIds: readonly number[]): Promise<number[]>;
  /** Inserts campaign, players and games at once; false when the freeSpinID was taken meanwhile. */
  insertCampaign(operatorId: number, definition: CampaignDefinition, hash: Buffer): Promise<boolean>;
  cancelCampaign(campaignId: number, at: Date): Promise<void>;
}

function definitionHash(d: CampaignDefinition): Buffer {
  return requestHash({
    userIds: [...new Set(d.userIds)].sort().join(','),
    gameIds: [...new Set(d.gameIds)].sort((a, b) => a - b).join(','),
    spins: d.spins,
    betAmount: d.betAmount,
    currency: d.currency,
    expiresAt: d.expiresAt.toISOString(),
  });
}

export type CampaignAnswer = { code: 0 | 11; message: string; freeSpinId: string } | Refusal;

export async function createCampaign(
  store: CampaignStore,
  operator: OperatorCaller,
  definition: CampaignDefinition,
  now: Date,
): Promise<CampaignAnswer> {
  const disabledCurrency = requireEnabledCurrency(operator, definition.currency);
  if (disabledCurrency) return disabledCurrency;
  const hash = definitionHash(definition);
  const repeat = async (): Promise<CampaignAnswer | null> => {
    const stored = await store.findCampaign(operator.id, definition.freeSpinId);
    if (!stored) return null;
    return judgeRepeat(stored.requestHash, hash) === 'replay'
      ? {
          code: ResultCode.DUPLICATE_TRANSACTION,
          message: defaultMessage(ResultCode.DUPLICATE_TRANSACTION),
          freeSpinId: definition.freeSpinId,
        }
      : refuse(
          ResultCode.TRANSACTION_CONFLICT,
          `freeSpinID ${definition.freeSpinId} was already used for another campaign`,
        );
  };
  const earlier = await repeat();
  if (earlier) return earlier;
  if (definition.expiresAt.getTime() <= now.getTime())
    return refuse(ResultCode.INVALID_PARAMETERS, 'expiresAt: must be in the future');
  const offered = new Set(await store.freeSpinGames(definition.gameIds));
  const missing = definition.gameIds.filter((id) => !offered.has(id));
  if (missing.length)
    return refuse(ResultCode.GAME_NOT_FOUND, `game(s) ${missing.join(', ')} not found, disabled or without free spins`);
  if (await store.insertCampaign(operator.id, definition, hash)) {
    return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), freeSpinId: definition.freeSpinId };
  }
  return (await repeat()) ?? refuse(ResultCode.INTERNAL_ERROR);
}

export interface CampaignReport {
  readonly freeSpinId: string;
  readonly status: CampaignStatus;
  readonly players: readonly { userId: string; spinsLeft: number; totalWin: Minor }[];
  readonly currency: string;
}

function report(freeSpinId: string, campaign: StoredCampaign, now: Date): CampaignReport {
  return {
    freeSpinId,
    status: campaignStatus(campaign, now),
    currency: campaign.currency,
    players: campaign.players.map((p) => ({
      userId: p.userId,
      spinsLeft: Math.max(0, campaign.spins - p.spinsUsed),
      totalWin: p.totalWin,
    })),
  };
}

export async function getCampaign(
  store: CampaignStore,
  operator: OperatorCaller,
  freeSpinId: string,
  now: Date,
): Promise<CampaignReport | Refusal> {
  const campaign = await store.findCampaign(operator.id, freeSpinId);
  if (!campaign) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, `unknown freeSpinID ${freeSpinId}`);
  return report(freeSpinId, campaign, now);
}

/** Stops further spins; wins of spins already played are still paid. Cancelling twice is not an error. */
export async function cancelCampaign(
  store: CampaignStore,
  operator: OperatorCaller,
  freeSpinId: string,
  now: Date,
): Promise<CampaignReport | Refusal> {
  const campaign = await store.findCampaign(operator.id, freeSpinId);
  if (!campaign) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, `unknown freeSpinID ${freeSpinId}`);
  if (!campaign.cancelledAt) await store.cancelCampaign(campaign.id, now);
  return report(freeSpinId, { ...campaign, cancelledAt: campaign.cancelledAt ?? now }, now);
}
