/**
 * A round's story for staff (PROTOCOL §14 `/admin/v1/rounds/get`): the operator named by its agentID,
 * or the round a callback delivery reports (the back office links every callback row to its round).
 */
import { RoundStoryStore, StaffRoundTarget } from '../rounds/roundStory';
import { notFound } from './adminErrors';

export async function roundTargetByAgent(
  rounds: RoundStoryStore,
  fields: { agentId: string; userId: string; roundId: string; providerId?: string },
): Promise<StaffRoundTarget> {
  const operator = await rounds.findOperator(fields.agentId);
  if (!operator) throw notFound(`operator ${fields.agentId}`);
  return { ...operator, userId: fields.userId, roundId: fields.roundId, providerId: fields.providerId };
}

export async function roundTargetByCallback(rounds: RoundStoryStore, callbackId: string): Promise<StaffRoundTarget> {
  const target = await rounds.findRoundOfDelivery(callbackId);
  if (!target) throw notFound(`callback ${callbackId}`);
  return target;
}
