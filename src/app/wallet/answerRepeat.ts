/**
 * The answer to a repeat of a stored transaction (PROTOCOL §4, §5 "Idempotency"), shared by every money
 * call: the same content gets the original outcome (11 with the original id and balance-after, or the
 * remembered refusal with today's balance); other content under the same id gets 13.
 */
import { judgeRepeat } from '../../domain/idempotency';
import { Minor } from '../../domain/money';
import { Refusal, ResultCode, defaultMessage, refuse } from '../../domain/resultCodes';
import { MoneyAnswer } from './answers';
import { StoredTransaction } from './walletStore';

export async function answerRepeat(
  stored: StoredTransaction,
  incomingHash: Buffer,
  transactionId: string,
  currentBalance: () => Promise<Minor | null>,
  /** Seamless credits: the balance the operator reported when the delivery arrived, if it has. */
  deliveredBalance: () => Promise<Minor | null> = async () => null,
): Promise<MoneyAnswer> {
  if (judgeRepeat(stored.requestHash, incomingHash) === 'conflict') {
    return {
      ...refuse(
        ResultCode.TRANSACTION_CONFLICT,
        `transactionID ${transactionId} was already used for another request (a ${stored.type})`,
      ),
      balance: await currentBalance(),
    };
  }
  if (stored.status === 'refused') {
    // TigerBeetle's id_already_failed: a refused transaction stays refused, whatever changed since.
    return { ...refuse(stored.resultCode as Refusal['code']), balance: await currentBalance() };
  }
  return {
    code: ResultCode.DUPLICATE_TRANSACTION,
    message: defaultMessage(ResultCode.DUPLICATE_TRANSACTION),
    // Seamless rows mirror the operator's wallet: the balance after is the one it reported, and for a
    // credit still on its way (or delivered later) the last balance the operator told us.
    balance: stored.mirrored
      ? (stored.operatorBalance ?? (await deliveredBalance()) ?? (await currentBalance()))
      : stored.balanceAfter,
    platformTransactionId: stored.platformTransactionId,
  };
}
