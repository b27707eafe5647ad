/**
 * Our fault, and nothing was applied: the database refused the transaction too many times in a row
 * (conflicts under load), no connection was free in time, or the node failed before COMMIT was sent.
 * Answered as HTTP 503 with code 1 (PROTOCOL §2: the caller may retry with the same ids).
 */
export class DatabaseBusyError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'DatabaseBusyError';
  }
}
