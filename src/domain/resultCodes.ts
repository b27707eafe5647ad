/**
 * The closed catalogue of result codes (PROTOCOL §7). Every refusal in the system is one of these,
 * carried as a value (`Refusal`) rather than thrown, so a use case's outcomes are visible in its type.
 */
export const ResultCode = {
  OK: 0,
  /** Our fault and nothing was applied: the caller may retry with the same ids. */
  INTERNAL_ERROR: 1,
  /** Missing, mistyped or out-of-range field; the request never reached a business rule. */
  INVALID_PARAMETERS: 2,
  INVALID_SIGNATURE: 3,
  TIMESTAMP_OUTSIDE_WINDOW: 4,
  /** Unknown or disabled operator/provider; in the admin API a bad login, token or role. */
  CALLER_NOT_ALLOWED: 5,
  PLAYER_NOT_FOUND: 6,
  /** Remembered: a retry of a refused transaction gets 7 again, never a late success. */
  INSUFFICIENT_FUNDS: 7,
  GAME_NOT_FOUND: 8,
  SESSION_INVALID: 9,
  REFERENCE_NOT_FOUND: 10,
  /** A repeat of a stored transaction: the original's id and balance-after are returned. */
  DUPLICATE_TRANSACTION: 11,
  /** The operator's wallet mode does not offer this call (transfer-only call in seamless mode). */
  WRONG_WALLET_MODE: 12,
  /** A transaction id reused with other content (user, currency, amount, type, round...). */
  TRANSACTION_CONFLICT: 13,
  CURRENCY_NOT_SUPPORTED: 14,
  ROUND_CLOSED: 15,
  FREE_SPINS_UNAVAILABLE: 16,
  OPERATOR_WALLET_UNAVAILABLE: 17,
  /** A live operator's prepaid credit is exhausted: real-money launches only are refused (§11). */
  OPERATOR_OUT_OF_CREDIT: 18,
  /** The player is restricted (self-exclusion, cool-off, operator) or the bet is above its limit (§14). */
  PLAYER_RESTRICTED: 19,
} as const;

export type ResultCode = (typeof ResultCode)[keyof typeof ResultCode];

const DEFAULT_MESSAGES: Record<ResultCode, string> = {
  0: 'OK',
  1: 'internal error, nothing was applied',
  2: 'invalid parameters',
  3: 'invalid signature',
  4: 'timestamp outside the allowed window',
  5: 'caller not recognised or not allowed',
  6: 'player not found',
  7: 'insufficient funds',
  8: 'game not found or disabled',
  9: 'session token invalid or expired',
  10: 'referenced transaction not found',
  11: 'duplicate transaction',
  12: 'operation not available in this wallet mode',
  13: 'transaction id reused with different content',
  14: 'currency not supported',
  15: 'round closed or settled',
  16: 'free spins unavailable',
  17: 'operator wallet unavailable',
  18: 'operator out of prepaid credit',
  19: 'player restricted',
};

export function defaultMessage(code: ResultCode): string {
  return DEFAULT_MESSAGES[code];
}

/** A business refusal: a code from the catalogue, a message for humans, and extra answer fields. */
export interface Refusal {
  readonly ok: false;
  readonly code: Exclude<ResultCode, 0>;
  readonly message: string;
}

export function refuse(code: Exclude<ResultCode, 0>, message?: string): Refusal {
  return { ok: false, code, message: message ?? DEFAULT_MESSAGES[code] };
}

/**
 * Thrown only where a refusal has to cross a layer that cannot return it (an Express middleware, a
 * database transaction callback that must roll back). Caught at the HTTP edge and rendered as its code.
 */
export class RefusalError extends Error {
  constructor(
    readonly code: Exclude<ResultCode, 0>,
    message?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message ?? DEFAULT_MESSAGES[code]);
    this.name = 'RefusalError';
  }
}
