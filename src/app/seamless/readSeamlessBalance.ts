/**
 * A balance read in seamless mode: a Balance callback while the caller waits; 17 with the last known
 * balance on failure, under a generic message (§10: transport errors and addresses are not the studio's).
 */
import { ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { MoneyAnswer } from '../wallet/answers';
import { OPERATOR_WALLET_UNAVAILABLE_MESSAGE, SeamlessDeps } from './seamlessDeps';
import { NO_BREAKER, breakerFailure } from './walletBreaker';

export async function readSeamlessBalance(
  deps: SeamlessDeps,
  player: { operatorId: number; userId: string; currency: string },
): Promise<MoneyAnswer> {
  const breaker = deps.breaker ?? NO_BREAKER;
  const admission = await breaker.admit(player.operatorId);
  if (admission === 'refuse') return unavailable(deps, player);
  const reply = await deps.wallet.call(
    player.operatorId,
    { kind: 'balance', userId: player.userId, currency: player.currency },
    deps.settings.callbackTimeoutMs,
  );
  await breaker.record(player.operatorId, admission, breakerFailure(reply));
  if (reply.outcome === 'ok' && reply.balance !== null) {
    await deps.store.rememberBalance(player.operatorId, player.userId, player.currency, reply.balance);
    return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance: reply.balance };
  }
  return unavailable(deps, player);
}

/** 17 with the last balance we know (null when we never learnt one). */
async function unavailable(
  deps: SeamlessDeps,
  player: { operatorId: number; userId: string; currency: string },
): Promise<MoneyAnswer> {
  return {
    // Generic on purpose: the operator's addresses and errors are not the studio's to read (logged instead).
    ...refuse(ResultCode.OPERATOR_WALLET_UNAVAILABLE, OPERATOR_WALLET_UNAVAILABLE_MESSAGE),
    balance: await deps.store.lastKnownBalance(player.operatorId, player.userId, player.currency),
  };
}
