/**
 * A certification run (PROTOCOL §11) against one operator wallet: the named functional checks, the load
 * phase, the optional soak, then the player's balance put back where it started. The same function runs
 * in the workers (jobs/certificationJob.ts) and from the command line (src/certify.ts).
 */
import { randomBytes } from 'node:crypto';
import { currencyExponent } from '../../domain/currencies';
import { Minor } from '../../domain/money';
import { CertificationTarget, Exchange, describeReply } from './certWallet';
import { CHECKS, CheckContext, CheckFailed } from './checks';
import { PhaseResult, runLoadPhase } from './loadPhase';

export interface CertificationPlan {
  readonly userId: string;
  readonly currency: string;
  /** 0: no load phase. */
  readonly loadSeconds: number;
  /** 0: no soak. */
  readonly soakSeconds: number;
  readonly ratePerSecond: number;
  /** Per call: the product's CALLBACK_TIMEOUT_MS. */
  readonly timeoutMs: number;
  /** Unique per run (ids of the run's transactions); random when not given. */
  readonly tag?: string;
}

export interface CheckResult {
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
  /** The exact requests and answers of a failed check. */
  readonly exchanges?: readonly Exchange[];
}

export interface CertificationReport {
  readonly passed: boolean;
  readonly checks: readonly CheckResult[];
  readonly load: PhaseResult | null;
  readonly soak: PhaseResult | null;
}

/** `restore` is the last check: every debit the run made, it reverses (§11). */
export const RESTORE_CHECK = 'restore';

export type ProgressListener = (event: { step: string; passed?: boolean }) => void;

async function runCheck(ctx: CheckContext, name: string, check: (ctx: CheckContext) => Promise<string>) {
  ctx.exchanges = [];
  try {
    return { name, passed: true, detail: await check(ctx) };
  } catch (error) {
    const detail = error instanceof CheckFailed ? error.message : `the check stopped: ${(error as Error).message}`;
    return { name, passed: false, detail, exchanges: ctx.exchanges };
  }
}

/** Puts the player back at `start`: a Deposit of what is missing, or a Withdraw of what is extra. */
async function restore(ctx: CheckContext, start: Minor): Promise<string> {
  const now = await ctx.balance('at the end of the run');
  if (now === start) return `the player ends at its starting balance ${ctx.money(start)}`;
  const reply =
    now < start
      ? await ctx.deposit(ctx.id('restore'), (start - now) as Minor, null)
      : await ctx.withdraw(ctx.id('restore'), (now - start) as Minor);
  if (reply.outcome !== 'ok')
    throw new CheckFailed(
      `putting back ${ctx.money((now < start ? start - now : now - start) as Minor)} failed (${describeReply(reply)})`,
    );
  await ctx.expectBalance(start, 'putting the player back');
  return `the run left ${ctx.money(now)}; ${now < start ? 'credited' : 'debited'} ${ctx.money((now < start ? start - now : now - start) as Minor)}, the player ends at ${ctx.money(start)}`;
}

export async function runCertification(
  target: CertificationTarget,
  plan: CertificationPlan,
  progress: ProgressListener = () => undefined,
): Promise<CertificationReport> {
  const tag = plan.tag ?? randomBytes(6).toString('hex');
  const unit = (10n ** BigInt(currencyExponent(plan.currency))) as Minor;
  const ctx = new CheckContext(target, plan.userId, plan.currency, plan.timeoutMs, tag, unit);
  const checks: CheckResult[] = [];
  const first = await runCheck(ctx, 'balance', CHECKS[0]![1]);
  checks.push(first);
  progress({ step: 'balance', passed: first.passed });
  // Without a working Balance nothing else can be verified, nor can the player be put back.
  if (!first.passed) {
    for (const [name] of CHECKS.slice(1))
      checks.push({ name, passed: false, detail: 'not run: the balance check failed' });
    checks.push({ name: RESTORE_CHECK, passed: false, detail: 'not run: the balance check failed' });
    return { passed: false, checks, load: null, soak: null };
  }
  const start = (await ctx.balance('at the start').catch(() => null)) ?? (0n as Minor);
  for (const [name, check] of CHECKS.slice(1)) {
    const result = await runCheck(ctx, name, check);
    checks.push(result);
    progress({ step: name, passed: result.passed });
  }
  const phase = async (name: 'load' | 'soak', seconds: number) => {
    if (seconds <= 0) return null;
    progress({ step: name });
    const result = await runLoadPhase(ctx, name, seconds, plan.ratePerSecond);
    progress({ step: name, passed: result.passed });
    return result;
  };
  const load = await phase('load', plan.loadSeconds);
  const soak = await phase('soak', plan.soakSeconds);
  const restored = await runCheck(ctx, RESTORE_CHECK, (c) => restore(c, start));
  checks.push(restored);
  progress({ step: RESTORE_CHECK, passed: restored.passed });
  const passed = checks.every((c) => c.passed) && (load?.passed ?? true) && (soak?.passed ?? true);
  return { passed, checks, load, soak };
}
