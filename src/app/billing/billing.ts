/**
 * Daily fees (PROTOCOL §11): for each live operator and ended UTC day, feePercent % of the day's
 * positive GGR in the base currency, debited from the prepaid credit exactly once. The figures are
 * computed first, outside any transaction; the bill is stored with its fee entry in one transaction
 * whose primary key (operator, day) is the claim, so any number of processes (billing/run, the
 * scheduler in every worker) and a crash between computing and storing leave exactly one fee.
 */
import { dailyFeeMinor, feeBasisPoints } from '../../domain/credit';
import { Minor, toMajorNumber } from '../../domain/money';
import { BillableOperator, BillingStore, StoredBill } from './billingStore';

export interface BillingSettings {
  readonly baseCurrency: string;
  readonly defaultFeePercent: string;
}

export interface FeeView {
  agentID: string;
  day: string;
  ggr: number;
  feePercent: number;
  fee: number;
}

export interface UnbilledView {
  agentID: string;
  day: string;
  reason: string;
}

export interface BillingReport {
  fees: FeeView[];
  /** Operators whose day could not be billed (another currency than the base one): nothing was stored. */
  refused: UnbilledView[];
}

export const utcDay = (at: Date): string => at.toISOString().slice(0, 10);

export function isEndedDay(day: string, now: Date): boolean {
  return day < utcDay(now);
}

export function feeView(bill: StoredBill, baseCurrency: string): FeeView {
  return {
    agentID: bill.agentId,
    day: bill.day,
    ggr: toMajorNumber(bill.ggrMinor as Minor, baseCurrency),
    feePercent: Number(bill.feePercent),
    fee: toMajorNumber(bill.feeMinor as Minor, baseCurrency),
  };
}

type Computed = { ok: true; bill: StoredBill } | { ok: false; refusal: UnbilledView };

/**
 * Until reports (§12) land, GGR is taken from the ledger in the operator's currency when it is the
 * base currency; a day with play in any other currency is refused rather than converted by guess.
 */
export async function computeBill(
  store: BillingStore,
  operator: BillableOperator,
  day: string,
  settings: BillingSettings,
): Promise<Computed> {
  const perCurrency = await store.dayGgr(operator.id, day);
  const foreign = perCurrency.filter((row) => row.currency !== settings.baseCurrency).map((row) => row.currency);
  if (foreign.length) {
    const reason = `not billed: play in ${foreign.join(', ')} on ${day}; fees are computed in the base currency ${settings.baseCurrency} only until FX-converted GGR reports are available`;
    return { ok: false, refusal: { agentID: operator.agentId, day, reason } };
  }
  const ggrMinor = perCurrency.find((row) => row.currency === settings.baseCurrency)?.ggrMinor ?? 0n;
  const feePercent = operator.feePercent ?? settings.defaultFeePercent;
  const points = feeBasisPoints(feePercent);
  if (points === null) throw new Error(`operator ${operator.agentId} has an invalid feePercent ${feePercent}`);
  return {
    ok: true,
    bill: {
      operatorId: operator.id,
      agentId: operator.agentId,
      day,
      currency: settings.baseCurrency,
      ggrMinor,
      feePercent,
      feeMinor: dailyFeeMinor(ggrMinor, points),
    },
  };
}

export interface BillingHooks {
  /** Called between computing a bill and storing it (tests stand a crash in here). */
  readonly afterCompute?: (bill: StoredBill) => Promise<void> | void;
}

/** Bills (or, with dryRun, only computes) one day for every operator that was live on it. */
export async function billDay(
  store: BillingStore,
  day: string,
  options: { dryRun: boolean; settings: BillingSettings; hooks?: BillingHooks },
): Promise<BillingReport> {
  const report: BillingReport = { fees: [], refused: [] };
  const already = new Map((await store.bills(day)).map((bill) => [bill.operatorId, bill]));
  for (const operator of await store.liveOperators()) {
    if (operator.liveSinceDay > day) continue;
    const existing = already.get(operator.id);
    if (existing) {
      report.fees.push(feeView(existing, options.settings.baseCurrency));
      continue;
    }
    const computed = await computeBill(store, operator, day, options.settings);
    if (!computed.ok) {
      report.refused.push(computed.refusal);
      continue;
    }
    if (!options.dryRun) await storeComputed(store, computed.bill, options.hooks);
    report.fees.push(feeView(computed.bill, options.settings.baseCurrency));
  }
  for (const bill of already.values()) {
    if (!report.fees.some((fee) => fee.agentID === bill.agentId))
      report.fees.push(feeView(bill, options.settings.baseCurrency));
  }
  return report;
}

async function storeComputed(store: BillingStore, bill: StoredBill, hooks: BillingHooks | undefined) {
  await hooks?.afterCompute?.(bill);
  // 'exists': another process billed the day between our read and our insert; its figures are the
  // same ledger's, and ours are dropped with the rolled-back transaction.
  await store.storeBill(bill);
}

/** The grace after midnight before the scheduler bills a day: commits of the day's last calls land first. */
export const BILLING_GRACE_MS = 5 * 60_000;

/**
 * The scheduled job: every ended day (past the grace) from each live operator's go-live day on that
 * has no bill yet, oldest first. Days missed while no worker ran, or lost to a crash mid-run, are
 * billed on the next pass: there is no gap, and the claim makes a repeat a no-op.
 */
export async function billEndedDays(
  store: BillingStore,
  now: Date,
  settings: BillingSettings,
  hooks?: BillingHooks,
): Promise<{ billed: number; refused: UnbilledView[] }> {
  const lastDay = utcDay(new Date(now.getTime() - BILLING_GRACE_MS - 24 * 3_600_000));
  let billed = 0;
  const refused: UnbilledView[] = [];
  for (const operator of await store.liveOperators()) {
    const done = await store.billedDays(operator.id, operator.liveSinceDay);
    for (let day = operator.liveSinceDay; day <= lastDay; day = nextDay(day)) {
      if (done.has(day)) continue;
      const computed = await computeBill(store, operator, day, settings);
      if (!computed.ok) {
        refused.push(computed.refusal);
        continue;
      }
      await storeComputed(store, computed.bill, hooks);
      billed++;
    }
  }
  return { billed, refused };
}

export function nextDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + 24 * 3_600_000));
}
