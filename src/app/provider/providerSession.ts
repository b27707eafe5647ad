/**
 * Which player, wallet and game a provider call is about, from its launch token (PROTOCOL §5
 * "Sessions"). A token that is forged, from a demo launch, for another provider's game or for another
 * game than the call names gets code 9; an expired one is refused only where the caller says so (bets).
 */
import { Refusal, ResultCode, refuse } from '../../domain/resultCodes';
import { OperatorStatus } from '../../domain/operatorStatus';
import { WalletMode } from '../../domain/walletMode';
import { ProviderCaller } from '../callers';
import { LaunchSession, readLaunchToken } from './../sessions/launchToken';

export interface PlayerSession extends LaunchSession {
  readonly userId: string;
  readonly operatorMode: WalletMode;
  readonly operatorEnabled: boolean;
  /** Sandbox transactions are stored with `sandbox` set (PROTOCOL §11). */
  readonly operatorStatus: OperatorStatus;
}

export interface OperatorLookup {
  operatorById(id: number): Promise<{ mode: WalletMode; enabled: boolean; status: OperatorStatus } | null>;
}

export async function resolvePlayerSession(
  operators: OperatorLookup,
  jwtSecret: string,
  provider: ProviderCaller,
  token: string,
  options: { gameId?: number; allowExpired: boolean },
): Promise<{ ok: true; session: PlayerSession } | { ok: false; refusal: Refusal }> {
  const invalid = (message: string) => ({ ok: false as const, refusal: refuse(ResultCode.SESSION_INVALID, message) });
  const check = readLaunchToken(jwtSecret, token);
  if (!check.ok) return invalid(check.reason);
  const { session } = check;
  if (session.mode !== 'real' || !session.userId) return invalid('a demo session cannot move money');
  if (session.providerId !== provider.id) return invalid("the token was issued for another provider's game");
  if (options.gameId !== undefined && options.gameId !== session.gameId)
    return invalid(`the token was issued for game ${session.gameId}`);
  if (check.expired && !options.allowExpired) return invalid('the session has expired');
  const operator = await operators.operatorById(session.operatorId);
  if (!operator) return invalid('the operator of this session no longer exists');
  if (!operator.enabled && !options.allowExpired) return invalid('the operator of this session is disabled');
  return {
    ok: true,
    session: {
      ...session,
      userId: session.userId,
      operatorMode: operator.mode,
      operatorEnabled: operator.enabled,
      operatorStatus: operator.status,
    },
  };
}
