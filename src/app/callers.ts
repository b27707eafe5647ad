/** The authenticated caller of a platform or provider call, as the envelope check resolved it. */
import { WalletMode } from '../domain/walletMode';

export interface OperatorCaller {
  readonly id: number;
  readonly agentId: string;
  readonly currencies: ReadonlySet<string>;
  readonly mode: WalletMode;
  readonly callbackUrl: string | null;
  readonly callbackScheme: 'hmac' | 'md5';
}

export interface ProviderCaller {
  readonly id: number;
  readonly providerId: string;
}
