/** Player creation and balance reads on wallets we keep (transfer mode, PROTOCOL §4). */
import { Minor } from '../../domain/money';
import { Refusal, ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { requireTransferMode } from '../../domain/walletMode';
import { OperatorCaller, requireEnabledCurrency } from '../callers';
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
  const disabledCurrency = requireEnabledCurrency(operator, currency);
  if (disabledCurrency) return disabledCurrency;
  const balance = await store.ensurePlayerWallet(operator.id, userId, currency, nickname);
  return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance };
}

export async function getPlayerBalance(
  store: WalletStore,
  operator: OperatorCaller,
  userId: string,
  currency: string,
): Promise<PlayerAnswer> {
  const disabledCurrency = requireEnabledCurrency(operator, currency);
  if (disabledCurrency) return disabledCurrency;
  const balance = await store.walletBalance(operator.id, userId, currency);
  if (balance === null) return missingWalletRefusal(store, operator.id, userId, currency);
  return { code: ResultCode.OK, message: defaultMessage(ResultCode.OK), balance };
}

/**
 * No wallet in that currency: code 6 when we do not know the player at all, 14 when it has other
 * wallets. `reader` is the store outside a transaction, the transaction's scope inside one.
 */
export async function missingWalletRefusal(
  reader: Pick<WalletStore, 'playerExists'>,
  operatorId: number,
  userId: string,
  currency: string,
): Promise<Refusal> {
  return (await reader.playerExists(operatorId, userId))
    ? refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `player ${userId} has no ${currency} wallet`)
    : refuse(ResultCode.PLAYER_NOT_FOUND, `player ${userId} not found`);
}
