/**
 * An operator is in exactly one wallet mode (PROTOCOL §1): seamless when it has a callback URL, transfer
 * otherwise. Derived, never stored, so the two can never disagree.
 */
import { Refusal, ResultCode, refuse } from './resultCodes';

export type WalletMode = 'transfer' | 'seamless';

export function walletModeOf(callbackUrl: string | null | undefined): WalletMode {
  return callbackUrl ? 'seamless' : 'transfer';
}

/** Deposit, withdraw and player creation exist in transfer mode only. */
export function requireTransferMode(mode: WalletMode, operation: string): Refusal | null {
  return mode === 'transfer'
    ? null
    : refuse(
        ResultCode.WRONG_WALLET_MODE,
        `${operation} is available in transfer mode only; this operator is in seamless mode`,
      );
}

/**
 * Seamless calls (bets, wins, rollbacks, jackpots on the operator's wallet) exist in seamless mode only:
 * checked again under the operator's lock, since the caller's view of the mode may predate a switch.
 */
export function requireSeamlessMode(mode: WalletMode, operation: string): Refusal | null {
  return mode === 'seamless'
    ? null
    : refuse(
        ResultCode.WRONG_WALLET_MODE,
        `${operation} is available in seamless mode only; this operator is in transfer mode`,
      );
}

/** What stands in the way of a mode switch, counted by the caller under the operator's lock. */
export interface ModeSwitchBlockers {
  /** Transfer wallets of this operator holding a non-zero balance. */
  readonly nonZeroWallets: number;
  /** Rounds of this operator that are still open. */
  readonly openRounds: number;
  /** Seamless deliveries (wins, rollbacks) not yet confirmed by the operator. */
  readonly pendingDeliveries: number;
}

/**
 * The switch guard (PROTOCOL §1): to seamless only with every transfer wallet at zero and no open
 * round; back to transfer only with no seamless delivery pending. Nothing is moved by a switch, so
 * nothing can be lost by one.
 */
export function judgeModeSwitch(from: WalletMode, to: WalletMode, blockers: ModeSwitchBlockers): Refusal | null {
  if (from === to) return null;
  const reasons: string[] = [];
  if (to === 'seamless') {
    if (blockers.nonZeroWallets > 0)
      reasons.push(`${blockers.nonZeroWallets} transfer wallet(s) hold a non-zero balance`);
    if (blockers.openRounds > 0) reasons.push(`${blockers.openRounds} round(s) are still open`);
  } else if (blockers.pendingDeliveries > 0) {
    reasons.push(`${blockers.pendingDeliveries} seamless deliveries are still pending`);
  }
  return reasons.length
    ? refuse(ResultCode.WRONG_WALLET_MODE, `cannot switch to ${to} mode: ${reasons.join(' and ')}`)
    : null;
}
