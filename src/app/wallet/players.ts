/** Player creation and balance reads on wallets we keep (transfer mode, PROTOCOL §4). */
import { Minor } from '../../domain/money';
import { ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { requireTransferMode } from '../../domain/walletMode';
import { OperatorCaller } from '../callers';
import { MoneyAnswer } from './answers';
import { WalletStore } from './walletStore';

export interface PlayerAnswer extends MoneyAnswer {
  readonly balance?: Minor | null;
}

/** Creating an existing player is not an error: it answers the existing wallet (code 0). */
export async function createPlayer(
  store: WalletStore,
  operator: OperatorCaller,
  userId: string,
  currency: string,
  nickname: string | null,
): Promise<PlayerAnswer> {
  const wrongMode = requireTransferMode(operator.mode, 'player creation');
  if (wrongMode) return wrongMode;
  if (!operator.currencies.has(currency)) {
    return refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `currency ${currency} is not enabled for operator ${operator.agentId}`);
  }
  const balance = await store.ensurePlayerWallet(operator.id, userId, currency, nickname);
  return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance };
}

export async function getPlayerBalance(
  store: WalletStore,
  operator: OperatorCaller,
  userId: string,
  currency: string,
): Promise<PlayerAnswer> {
  if (!operator.currencies.has(currency)) {
    return refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `currency ${currency} is not enabled for operator ${operator.agentId}`);
  }
  const balance = await store.walletBalance(operator.id, userId, currency);
  if (balance === null) {
    return (await store.playerExists(operator.id, userId))
      ? refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `player ${userId} has no ${currency} wallet`)
      : refuse(ResultCode.PLAYER_NOT_FOUND, `player ${userId} not found`);
  }
  return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance };
}
