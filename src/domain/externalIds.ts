/**
 * The id grammar of PROTOCOL §2 for `agentID`, `providerID`, `transactionID`, `roundID`, `freeSpinID`
 * and `jackpotID`: 1 to 64 characters of [A-Za-z0-9_.:-]. An id outside it names nobody.
 */
export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;

export function isExternalId(value: unknown): value is string {
  return typeof value === 'string' && EXTERNAL_ID_PATTERN.test(value);
}
