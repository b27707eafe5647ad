/**
 * The `md5` callback scheme (PROTOCOL §6.2): one URL, `action` balance/debit/credit, integer minor units,
 * `key` = md5(timestamp + saltKey). It authenticates the timestamp, not the body: anyone who sees one
 * callback can replay its key with another body inside the window. We offer it because operators use
 * it; docs recommend `hmac` plus an IP allow-list wherever there is a choice.
 */
import { createHash } from 'node:crypto';
import { Minor, MAX_MINOR } from '../../domain/money';
import { postJson } from '../httpTransport';
import { OperatorTarget, WalletCall, WalletCallbackScheme, WalletReply, replyDetail } from '../walletCallback';

export function md5Key(timestampSeconds: number, saltKey: string): string {
  return createHash('md5').update(`${timestampSeconds}${saltKey}`).digest('hex');
}

export function md5RequestBody(target: OperatorTarget, call: WalletCall, nowSeconds: number): Record<string, unknown> {
  const key = md5Key(nowSeconds, target.saltKey);
  if (call.kind === 'balance')
    return { action: 'balance', user_id: call.userId, currency: call.currency, timestamp: nowSeconds, key };
  const body: Record<string, unknown> = {
    action: call.kind === 'withdraw' ? 'debit' : 'credit',
    user_id: call.userId,
    currency: call.currency,
    call_id: call.transactionId,
    round_id: call.roundId ?? null,
    game_id: call.gameId ?? null,
    amount: Number(call.amount ?? 0n),
    rb: call.kind === 'rollback' ? 1 : 0,
    timestamp: nowSeconds,
    key,
  };
  if (call.kind === 'rollback') body.ref_call_id = call.refTransactionId ?? null;
  return body;
}

function minorBalance(value: unknown): Minor | null | 'invalid' {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || BigInt(value) > MAX_MINOR)
    return 'invalid';
  return BigInt(value) as Minor;
}

export function readMd5Answer(call: WalletCall, status: number, answer: unknown): WalletReply {
  if (status !== 200) return { outcome: 'failed', error: `HTTP ${status}` };
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
    return { outcome: 'failed', error: 'answer is not a JSON object' };
  const { code, balance } = answer as Record<string, unknown>;
  if (typeof code !== 'number' || !Number.isInteger(code))
    return { outcome: 'failed', error: 'answer has no integer code' };
  const value = minorBalance(balance);
  if (value === 'invalid') return { outcome: 'failed', error: 'answer balance is not integer minor units' };
  if (code === 0)
    return value === null
      ? { outcome: 'failed', error: 'code 0 without a balance' }
      : { outcome: 'ok', balance: value };
  if (code === 7 && call.kind === 'withdraw') return { outcome: 'insufficient', balance: value };
  if (code === 11 && call.kind !== 'balance') return { outcome: 'duplicate', balance: value };
  return { outcome: 'failed', error: `operator answered code ${code}`, answered: true };
}

export const md5Scheme: WalletCallbackScheme = {
  name: 'md5',
  async call(target: OperatorTarget, call: WalletCall, timeoutMs: number): Promise<WalletReply> {
    const result = await postJson(
      target.callbackUrl,
      md5RequestBody(target, call, Math.floor(Date.now() / 1000)),
      timeoutMs,
    );
    if (!result.ok) return { outcome: 'failed', error: result.error, ...replyDetail(result.status, undefined) };
    return { ...readMd5Answer(call, result.status, result.body), ...replyDetail(result.status, result.body) };
  },
};
