/**
 * Refusals of the admin use cases: what kind of refusal it is and a code from PROTOCOL §7. Which web
 * status each kind gets (§8: the admin API follows web conventions) is decided once, at the HTTP edge
 * (src/http/admin/refusalStatus.ts); the use cases know nothing of HTTP.
 */
import { ResultCode } from '../../domain/resultCodes';

export type AdminRefusalKind = 'invalid' | 'unauthenticated' | 'forbidden' | 'not-found' | 'conflict' | 'rate-limited';

export class AdminRefusal extends Error {
  constructor(
    readonly kind: AdminRefusalKind,
    readonly code: Exclude<ResultCode, 0>,
    message: string,
    /** With 'rate-limited': how long until a try is allowed again, in seconds. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'AdminRefusal';
  }
}

export const notFound = (what: string) =>
  new AdminRefusal('not-found', ResultCode.INVALID_PARAMETERS, `${what} not found`);
export const conflict = (message: string) => new AdminRefusal('conflict', ResultCode.INVALID_PARAMETERS, message);
export const badRequest = (message: string) => new AdminRefusal('invalid', ResultCode.INVALID_PARAMETERS, message);
