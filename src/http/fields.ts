/** Field validation (code 2) after the envelope, and the money checks that need the currency. */
import { Response } from 'express';
import { z } from 'zod';
import { isKnownCurrency } from '../domain/currencies';
import { Minor, parseMajorAmount } from '../domain/money';
import { ResultCode } from '../domain/resultCodes';
import { formatIssues } from './wireFields';
import { sendAnswer } from './respond';

/** Parses the body against the route's schema; on failure answers code 2 and returns undefined. */
export function parseFields<S extends z.ZodType>(schema: S, body: unknown, res: Response): z.infer<S> | undefined {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  sendAnswer(res, { code: ResultCode.INVALID_PARAMETERS, message: formatIssues(parsed.error) });
  return undefined;
}

/**
 * An amount in a currency: unknown currency is code 14, too many digits or out of range is code 2.
 * `positive` refuses zero (deposit, withdraw, jackpot); bets and wins may be zero.
 */
export function parseAmountIn(
  currency: string,
  amount: number,
  res: Response,
  options: { positive: boolean },
): Minor | undefined {
  if (!isKnownCurrency(currency)) {
    sendAnswer(res, { code: ResultCode.CURRENCY_NOT_SUPPORTED, message: `currency ${currency} is not supported` });
    return undefined;
  }
  const parsed = parseMajorAmount(amount, currency);
  if (!parsed.ok) {
    sendAnswer(res, { code: ResultCode.INVALID_PARAMETERS, message: `amount: ${parsed.reason}` });
    return undefined;
  }
  if (options.positive && parsed.minor <= 0n) {
    sendAnswer(res, { code: ResultCode.INVALID_PARAMETERS, message: 'amount: must be greater than 0' });
    return undefined;
  }
  return parsed.minor;
}
