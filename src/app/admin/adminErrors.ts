/**
 * Refusals of the admin API, which follows web conventions (PROTOCOL §8): an HTTP status plus the
 * `{code, message}` body with a code from §7.
 */
import { ResultCode } from '../../domain/resultCodes';

export class AdminRefusal extends Error {
  constructor(
    readonly httpStatus: 400 | 401 | 403 | 404 | 409 | 429,
    readonly code: Exclude<ResultCode, 0>,
    message: string,
    /** With 429: the Retry-After header, in seconds. */
    readonly retryAfterS?: number,
  ) {
    super(message);
    this.name = 'AdminRefusal';
  }
}

export const notFound = (what: string) => new AdminRefusal(404, ResultCode.INVALID_PARAMETERS, `${what} not found`);
export const conflict = (message: string) => new AdminRefusal(409, ResultCode.INVALID_PARAMETERS, message);
export const badRequest = (message: string) => new AdminRefusal(400, ResultCode.INVALID_PARAMETERS, message);
