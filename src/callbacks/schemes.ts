/** The callback scheme of an operator, by name. */
import { hmacScheme } from './hmac/hmacScheme';
import { md5Scheme } from './md5/md5Scheme';
import { WalletCallbackScheme } from './walletCallback';

export function callbackScheme(name: 'hmac' | 'md5'): WalletCallbackScheme {
  return name === 'md5' ? md5Scheme : hmacScheme;
}
