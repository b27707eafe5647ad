/**
 * The `hmac` callback scheme (PROTOCOL §6.1): `POST {callbackUrl}/{Balance|Withdraw|Deposit|Rollback}`,
 * signed like requests to us (§3) with the operator's secretKey, amounts in major units. The operator
 * answers `{code, message, balance, platformTransactionID}`.
 */
import { Minor, parseMajorAmount, toMajorNumber } from '../../domain/money';
import { signBody } from '../../domain/signing';
import { postJson } from '../httpTransport';
import { OperatorTarget, WalletCall, WalletCallbackScheme, WalletReply, replyDetail } from '../walletCallback';

export const HMAC_PATHS = {
  balance: 'Balance',
  withdraw: 'Withdraw',
  deposit: 'Deposit',
  rollback: 'Rollback',
} as const;

export function hmacRequestBody(target: OperatorTarget, call: WalletCall, nowSeconds: number): Record<string, unknown> {
  const body: Record<string, unknown> = { agentID: target.agentId, userID: call.userId, currency: call.currency };
  if (call.kind !== 'balance') {
    body.amount = toMajorNumber(call.amount ?? (0n as Minor), call.currency);
    body.transactionID = call.transactionId;
    body.refTransactionID = call.refTransactionId ?? null;
    body.roundID = call.roundId ?? null;
    body.gameID = call.gameId ?? null;
    body.freeSpinID = call.freeSpinId ?? null;
  }
  // Fresh timestamp and signature on every attempt; the transactionID stays the same.
  return signBody(target.secretKey, body, nowSeconds);
}

export function readHmacAnswer(call: WalletCall, status: number, answer: unknown): WalletReply {
  if (status !== 200) return { outcome: 'failed', error: `HTTP ${status}` };
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer))
    return { outcome: 'failed', error: 'answer is not a JSON object' };
  const { code, balance, message } = answer as Record<string, unknown>;
  if (typeof code !== 'number' || !Number.isInteger(code))
    return { outcome: 'failed', error: 'answer has no integer code' };
  const parsedBalance = balance === undefined || balance === null ? null : parseMajorAmount(balance, call.currency);
  if (parsedBalance && !parsedBalance.ok)
    return { outcome: 'failed', error: `answer balance is not an amount in ${call.currency}: ${parsedBalance.reason}` };
  const value = parsedBalance ? (parsedBalance as { minor: Minor }).minor : null;
  if (code === 0) {
    if (value === null) return { outcome: 'failed', error: 'code 0 without a balance' };
    return { outcome: 'ok', balance: value };
  }
  if (code === 7 && call.kind === 'withdraw') return { outcome: 'insufficient', balance: value };
  if (code === 11 && call.kind !== 'balance') return { outcome: 'duplicate', balance: value };
  return {
    outcome: 'failed',
    error: `operator answered code ${code}${typeof message === 'string' ? `: ${message.slice(0, 200)}` : ''}`,
    answered: true,
  };
}

export const hmacScheme: WalletCallbackScheme = {
  name: 'hmac',
  async call(target: OperatorTarget, call: WalletCall, timeoutMs: number): Promise<WalletReply> {
    const url = `${target.callbackUrl.replace(/\/+$/, '')}/${HMAC_PATHS[call.kind]}`;
    const result = await postJson(url, hmacRequestBody(target, call, Math.floor(Date.now() / 1000)), timeoutMs);
    if (!result.ok) return { outcome: 'failed', error: result.error, ...replyDetail(result.status, undefined) };
    return { ...readHmacAnswer(call, result.status, result.body), ...replyDetail(result.status, result.body) };
  },
};
