/** The outcomes of wallet use cases, before the HTTP edge renders money in major units. */
import { Minor } from '../../domain/money';
import { ResultCode } from '../../domain/resultCodes';

export interface MoneyAnswer {
  readonly code: ResultCode;
  readonly message: string;
  /** The balance to report: after the transaction on success and replay, current on a refusal. */
  readonly balance?: Minor | null;
  readonly platformTransactionId?: string;
}
