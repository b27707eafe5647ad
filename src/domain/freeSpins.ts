/**
 * Free-spin campaign rules (PROTOCOL §4, §5). A campaign pays the stake of a bet carrying its
 * freeSpinID and counts one spin; wins of spins already played are paid whatever the campaign's state.
 */
import { Minor } from './money';
import { Refusal, ResultCode, refuse } from './resultCodes';

export type CampaignStatus = 'active' | 'cancelled' | 'expired' | 'finished';

export interface CampaignFacts {
  readonly spins: number;
  readonly betAmount: Minor;
  readonly currency: string;
  readonly expiresAt: Date;
  readonly cancelledAt: Date | null;
  /** True when every player of the campaign has used every spin. */
  readonly allSpinsUsed: boolean;
}

export function campaignStatus(campaign: CampaignFacts, now: Date): CampaignStatus {
  if (campaign.cancelledAt) return 'cancelled';
  if (campaign.allSpinsUsed) return 'finished';
  if (campaign.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'active';
}

/** A free bet: 16 unless the campaign is active, has this player with a spin left, this game, this stake. */
export function judgeFreeSpinBet(facts: {
  campaign: CampaignFacts | null;
  now: Date;
  spinsUsed: number | null;
  gameIncluded: boolean;
  amount: Minor;
  currency: string;
}): Refusal | null {
  const { campaign } = facts;
  if (!campaign) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, 'unknown freeSpinID');
  const status = campaignStatus(campaign, facts.now);
  if (status !== 'active') return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, `the campaign is ${status}`);
  if (facts.spinsUsed === null) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, 'the player is not in this campaign');
  if (!facts.gameIncluded) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, 'the game is not in this campaign');
  if (facts.currency !== campaign.currency)
    return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, `the campaign pays in ${campaign.currency}`);
  if (facts.amount !== campaign.betAmount)
    return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, "the amount is not the campaign's bet amount");
  if (facts.spinsUsed >= campaign.spins) return refuse(ResultCode.FREE_SPINS_UNAVAILABLE, 'no spins left');
  return null;
}
