/**
 * `/v1/account` (PROTOCOL §4): what an operator needs to know about its own standing with us: status,
 * mode, currencies, base currency, prepaid credit, credit limit, fee share, and in seamless mode the
 * circuit breaker state of its wallet (§6.3).
 */
import { OperatorCaller } from '../callers';
import { Minor, toMajorNumber } from '../../domain/money';
import { CreditStore } from './creditStore';

export type WalletBreakerState = 'closed' | 'open' | 'half-open';

export interface AccountSettings {
  readonly baseCurrency: string;
  readonly defaultFeePercent: string;
  /** The breaker's state for an operator; until the breaker reports one, a wallet counts as closed. */
  readonly walletState?: (operatorId: number) => Promise<WalletBreakerState> | WalletBreakerState;
}

export async function accountView(store: CreditStore, operator: OperatorCaller, settings: AccountSettings) {
  const standing = await store.standing(operator.agentId);
  const base = settings.baseCurrency;
  const wallet =
    operator.mode === 'seamless' ? { state: (await settings.walletState?.(operator.id)) ?? 'closed' } : null;
  return {
    agentID: operator.agentId,
    status: operator.status,
    mode: operator.mode,
    currencies: [...operator.currencies].sort(),
    baseCurrency: base,
    credit: toMajorNumber((standing?.balanceMinor ?? 0n) as Minor, base),
    creditLimit: toMajorNumber((standing?.creditLimitMinor ?? 0n) as Minor, base),
    feePercent: Number(standing?.feePercent ?? settings.defaultFeePercent),
    wallet,
  };
}
