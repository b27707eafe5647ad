/**
 * Field schemas of the wire contract (PROTOCOL §2), shared by every route's request schema. The same
 * schemas validate requests and (with the OpenAPI generator) document them.
 */
import { z } from 'zod';

export const userIdField = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9_-]{4,48}$/, 'must be 4 to 48 characters of [A-Za-z0-9_-]');

/** agentID, providerID, transactionID, roundID, freeSpinID, jackpotID. */
export const externalIdField = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1 to 64 characters of [A-Za-z0-9_.:-]');

export const currencyField = z
  .string({ error: 'must be a string' })
  .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR');

/** Major units as a JSON number; digits against the currency's exponent are checked with the currency. */
export const amountField = z
  .number({ error: 'must be a number in major units' })
  .refine((value) => Number.isFinite(value) && value >= 0, 'must be a non-negative finite number');

export const gameIdField = z
  .number({ error: 'must be a positive integer' })
  .int('must be a positive integer')
  .positive('must be a positive integer');

export const isoDateField = z.iso.datetime({
  offset: true,
  error: 'must be an ISO 8601 date-time such as 2026-11-21T10:00:00Z',
});

/** What every signed platform request carries besides its own fields. */
export const platformEnvelope = {
  agentID: externalIdField,
  timestamp: z.number().int(),
  sign: z.string(),
};

export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length ? issue.path.join('.') : 'body';
      const message = issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.join(', ')}` : issue.message;
      return `${where}: ${message}`;
    })
    .join('; ');
}
