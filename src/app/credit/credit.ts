/**
 * Prepaid credit (PROTOCOL §11): top-ups and adjustments, idempotent on (agentID, reference) like the
 * player wallets (11 for a repeat with the original entry, 13 for the same reference with other
 * content), and the history. Amounts are base-currency major units on the wire.
 */
import { requestHash } from '../../domain/idempotency';
import { Minor, parseMajorAmount, toMajorNumber } from '../../domain/money';
import { ResultCode } from '../../domain/resultCodes';
import { AdminRefusal, badRequest, notFound } from '../admin/adminErrors';
import { CreditEntry, CreditStore } from './creditStore';

export interface CreditEntryView {
  id: string;
  kind: CreditEntry['kind'];
  amount: number;
  balanceAfter: number;
  reference: string | null;
  reason: string | null;
  day: string | null;
  createdAt: string;
}

export function creditEntryView(entry: CreditEntry, baseCurrency: string): CreditEntryView {
  return {
    id: entry.id.toString(),
    kind: entry.kind,
    amount: toMajorNumber(entry.amountMinor as Minor, baseCurrency),
    balanceAfter: toMajorNumber(entry.balanceAfterMinor as Minor, baseCurrency),
    reference: entry.reference,
    reason: entry.reason,
    day: entry.day,
    createdAt: entry.createdAt.toISOString(),
  };
}

/** A signed wire amount in base major units; `signed: false` refuses zero and negatives. */
export function parseCreditAmount(amount: number, baseCurrency: string, signed: boolean): bigint {
  if (!signed && !(amount > 0)) throw badRequest('amount: must be greater than 0');
  if (signed && amount === 0) throw badRequest('amount: must not be 0');
  const parsed = parseMajorAmount(Math.abs(amount), baseCurrency);
  if (!parsed.ok) throw badRequest(`amount: ${parsed.reason} (base currency ${baseCurrency})`);
  return amount < 0 ? -parsed.minor : parsed.minor;
}

export interface CreditAnswer {
  code: typeof ResultCode.OK | typeof ResultCode.DUPLICATE_TRANSACTION;
  message: string;
  entry: CreditEntryView;
  credit: number;
}

export async function moveCredit(
  store: CreditStore,
  baseCurrency: string,
  actor: string,
  input: { agentID: string; kind: 'topup' | 'adjustment'; amount: number; reference: string; reason?: string },
): Promise<CreditAnswer> {
  const amountMinor = parseCreditAmount(input.amount, baseCurrency, input.kind === 'adjustment');
  const reason = input.reason ?? null;
  const hash = requestHash({ kind: input.kind, amountMinor, reason });
  const outcome = await store.recordMovement({
    agentId: input.agentID,
    kind: input.kind,
    amountMinor,
    reference: input.reference,
    reason,
    actor,
    requestHash: hash,
  });
  if (outcome.outcome === 'unknown-operator') throw notFound(`operator ${input.agentID}`);
  if (outcome.outcome === 'conflict') {
    throw new AdminRefusal(
      'conflict',
      ResultCode.TRANSACTION_CONFLICT,
      `reference ${input.reference} was already used with other content (entry ${outcome.entry.id})`,
    );
  }
  const entry = creditEntryView(outcome.entry, baseCurrency);
  return {
    code: outcome.outcome === 'replay' ? ResultCode.DUPLICATE_TRANSACTION : ResultCode.OK,
    message: outcome.outcome === 'replay' ? `reference ${input.reference} was already applied` : 'OK',
    entry,
    credit: entry.balanceAfter,
  };
}

export const CREDIT_HISTORY_PAGE = 100;

export async function creditHistory(store: CreditStore, baseCurrency: string, agentId: string, afterId: bigint | null) {
  const page = await store.history(agentId, afterId, CREDIT_HISTORY_PAGE + 1);
  if (!page) throw notFound(`operator ${agentId}`);
  const entries = page.entries.slice(0, CREDIT_HISTORY_PAGE);
  const more = page.entries.length > CREDIT_HISTORY_PAGE;
  return { entries: entries.map((e) => creditEntryView(e, baseCurrency)), lastId: more ? entries.at(-1)!.id : null };
}
