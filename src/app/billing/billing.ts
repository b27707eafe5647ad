/**
 * Daily fees (PROTOCOL §11): for each live operator and ended UTC day, feePercent % of the day's
 * positive GGR in the base currency, debited from the prepaid credit exactly once. The figures come
 * from the daily GGR aggregate (§12: ggr_daily, exact base sums) and are computed first, outside any
 * transaction; the bill is stored with its fee entry in one transaction whose primary key (operator,
 * day) is the claim, so any number of processes (billing/run, the scheduler in every worker) and a
 * crash between computing and storing leave exactly one fee.
 */
import { currencyExponent } from '../../domain/currencies';
import { dailyFee, exactUnits, feeBasisPoints } from '../../domain/credit';
import { assertInvariant } from '../../domain/wallet';
import { Minor, toMajorNumber } from '../../domain/money';
import { BillableOperator, BillingStore, DayFigures, StoredBill } from './billingStore';

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
  /** Operators whose day could not be billed (play not folded yet, or without an FX rate): nothing was stored. */
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
 * Why a day cannot be billed yet or at all, or null: play the sequencer has not folded into the
 * aggregate yet (a later pass bills it), or play stored without an FX rate (never guessed: §12 keeps
 * the rate captured at storage, so setting one later does not convert these).
 */
export function unbillableReason(figures: DayFigures, day: string, settings: BillingSettings): string | null {
  if (figures.unfolded > 0)
    return `not billed yet: ${figures.unfolded} provider transaction(s) of ${day} are not in the daily GGR aggregate yet; a later pass bills the day`;
  const missing = figures.currencies.filter((row) => row.missingRates > 0);
  if (missing.length === 0) return null;
  const named = missing.map((row) => `${row.currency} (${row.missingRates} transaction(s))`).join(', ');
  return `not billed: no FX rate to ${settings.baseCurrency} was in force for ${named} on ${day} when the play was stored; the fee is not guessed (charge it with credit/adjust once agreed)`;
}

/** The day's bill from the daily GGR aggregate (§12) in the base currency, or why it cannot be made. */
export async function computeBill(
  store: BillingStore,
  operator: BillableOperator,
  day: string,
  settings: BillingSettings,
  options: { requireFolded: boolean } = { requireFolded: true },
): Promise<Computed> {
  const figures = await store.dayFigures(operator.id, day);
  const reason = unbillableReason(options.requireFolded ? figures : { ...figures, unfolded: 0 }, day, settings);
  if (reason !== null) return { ok: false, refusal: { agentID: operator.agentId, day, reason } };
  const feePercent = operator.feePercent ?? settings.defaultFeePercent;
  const points = feeBasisPoints(feePercent);
  if (points === null) throw new Error(`operator ${operator.agentId} has an invalid feePercent ${feePercent}`);
  const fee = dailyFee(sumsOf(figures), points, currencyExponent(settings.baseCurrency));
  return {
    ok: true,
    bill: {
      operatorId: operator.id,
      agentId: operator.agentId,
      day,
      currency: settings.baseCurrency,
      ggrMinor: fee.ggrMinor,
      ggrExact: fee.ggrExact,
      feePercent,
      feeMinor: fee.feeMinor,
    },
  };
}

/** Every currency's exact base sums added up (counts of 10^-18; the aggregate's decimals are 18). */
function sumsOf(figures: DayFigures): { betsBase: bigint; rollbacksBase: bigint; winsBase: bigint } {
  const exact = (text: string): bigint => {
    const units = exactUnits(text);
    assertInvariant(units !== null, `the aggregate's base sum ${text} has more than 18 decimals`);
    return units;
  };
  let betsBase = 0n;
  let rollbacksBase = 0n;
  let winsBase = 0n;
  for (const row of figures.currencies) {
    betsBase += exact(row.betsBase);
    rollbacksBase += exact(row.rollbacksBase);
    winsBase += exact(row.winsBase);
  }
  return { betsBase, rollbacksBase, winsBase };
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
    // A dry run answers the figures folded so far (today included); a bill waits for the whole day.
    const computed = await computeBill(store, operator, day, options.settings, { requireFolded: !options.dryRun });
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
