/** The authenticated caller of a platform or provider call, as the envelope check resolved it. */
import { Refusal, ResultCode, refuse } from '../domain/resultCodes';
import { OperatorStatus } from '../domain/operatorStatus';
import { WalletMode } from '../domain/walletMode';
import { AllowList } from './ipAllowList';

export interface OperatorCaller {
  readonly id: number;
  readonly agentId: string;
  readonly currencies: ReadonlySet<string>;
  readonly mode: WalletMode;
  readonly callbackUrl: string | null;
  readonly callbackScheme: 'hmac' | 'md5';
  readonly status: OperatorStatus;
}

export interface ProviderCaller {
  readonly id: number;
  readonly providerId: string;
}

/** An operator accepts only its enabled currencies (code 14). */
export function requireEnabledCurrency(operator: OperatorCaller, currency: string): Refusal | null {
  return operator.currencies.has(currency)
    ? null
    : refuse(ResultCode.CURRENCY_NOT_SUPPORTED, `currency ${currency} is not enabled for operator ${operator.agentId}`);
}

/** A caller with its secrets opened: decrypted once per load, then held by the caller cache. */
export interface Credentialed<T> {
  readonly caller: T;
  readonly secretKey: string;
  /** The secret before the last rotation, accepted until `expiresAtMs` (PROTOCOL §10). */
  readonly previousSecret: { readonly secretKey: string; readonly expiresAtMs: number } | null;
  /** Null when every client address is admitted. */
  readonly allowedIps: AllowList | null;
  readonly enabled: boolean;
}
