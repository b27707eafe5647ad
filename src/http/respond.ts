/** Rendering of answers: the `{code, message, ...}` envelope, money in major units (PROTOCOL §2). */
import { Response } from 'express';
import { Minor, toMajorNumber } from '../domain/money';
import { Refusal, ResultCode, defaultMessage } from '../domain/resultCodes';
import { MoneyAnswer } from '../app/wallet/answers';

export function sendAnswer(res: Response, body: { code: number; message?: string } & Record<string, unknown>): void {
  res.status(200).json({ ...body, message: body.message ?? defaultMessage(body.code as ResultCode) });
}

/** A refusal from the domain: its code and message, plus any extra answer fields. */
export function sendRefusal(res: Response, refusal: Refusal, extra: Record<string, unknown> = {}): void {
  res.status(200).json({ code: refusal.code, message: refusal.message, ...extra });
}

/** A money answer: balance (when known) in the currency's major units, platformTransactionID when stored. */
export function sendMoneyAnswer(
  res: Response,
  answer: MoneyAnswer,
  currency: string,
  extra: Record<string, unknown> = {},
): void {
  const body: Record<string, unknown> = { code: answer.code, message: answer.message, ...extra };
  if (answer.balance !== undefined && answer.balance !== null) body.balance = toMajorNumber(answer.balance, currency);
  if (answer.platformTransactionId !== undefined) body.platformTransactionID = answer.platformTransactionId;
  res.status(200).json(body);
}

export function majorOrNull(amount: Minor | null, currency: string): number | null {
  return amount === null ? null : toMajorNumber(amount, currency);
}
