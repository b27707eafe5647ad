/**
 * operators/go-live (PROTOCOL §11): live, or HTTP 409 code 12 naming every condition not met. The
 * facts are read and the status written in one transaction under the operator's row lock (the store),
 * so a certification run or credit change racing it is seen before, or not at all.
 */
import { CERTIFICATION_VALID_DAYS, GoLiveFacts, unmetGoLiveConditions } from '../../domain/credit';
import { ResultCode } from '../../domain/resultCodes';
import { AdminRefusal, notFound } from './adminErrors';
import { OperatorView } from './operators';

export interface PassedRun {
  readonly callbackUrl: string;
  readonly scheme: 'hmac' | 'md5';
  readonly finishedAt: Date;
}

export interface GoLiveReadings {
  readonly mode: 'transfer' | 'seamless';
  readonly callbackUrl: string | null;
  readonly scheme: 'hmac' | 'md5';
  readonly creditMinor: bigint;
  /** The operator's latest passed certification runs, newest first. */
  readonly passedRuns: readonly PassedRun[];
}

export type GoLiveOutcome =
  | { readonly outcome: 'live'; readonly operator: OperatorView; readonly changed: boolean }
  | { readonly outcome: 'refused'; readonly unmet: string[] }
  | { readonly outcome: 'unknown-operator' };

export interface GoLiveStore {
  /** Locks the operator, reads, asks `judge`; with no unmet condition sets it live and audits it. */
  goLive(agentId: string, actor: string, judge: (readings: GoLiveReadings) => string[]): Promise<GoLiveOutcome>;
}

/** The facts of §11 from what the store read: a run counts for the current URL and scheme only. */
export function judgeGoLive(readings: GoLiveReadings, now: Date): string[] {
  const oldest = now.getTime() - CERTIFICATION_VALID_DAYS * 86_400_000;
  const current = readings.passedRuns.filter(
    (run) => run.callbackUrl === readings.callbackUrl && run.scheme === readings.scheme,
  );
  const recent = current.some((run) => run.finishedAt.getTime() >= oldest);
  let certificationProblem: string | null = null;
  if (!recent) {
    if (current.length) {
      certificationProblem = `certification: the last passed run of this callbackUrl and scheme finished ${current[0]!.finishedAt.toISOString()}, more than ${CERTIFICATION_VALID_DAYS} days ago; run it again`;
    } else if (readings.passedRuns.length) {
      certificationProblem = `certification: no passed run of the current callbackUrl and scheme (${readings.scheme}); the passed runs tried another wallet`;
    }
  }
  const facts: GoLiveFacts = {
    mode: readings.mode,
    creditMinor: readings.creditMinor,
    hasRecentPassedCertification: recent,
    certificationProblem,
  };
  return unmetGoLiveConditions(facts);
}

export async function goLive(store: GoLiveStore, actor: string, agentId: string, now = new Date()) {
  const outcome = await store.goLive(agentId, actor, (readings) => judgeGoLive(readings, now));
  if (outcome.outcome === 'unknown-operator') throw notFound(`operator ${agentId}`);
  if (outcome.outcome === 'refused') {
    throw new GoLiveRefusal(outcome.unmet);
  }
  return outcome;
}

/** A conflict (HTTP 409) code 12 with the list of unmet conditions beside the message. */
export class GoLiveRefusal extends AdminRefusal {
  constructor(readonly unmet: string[]) {
    super('conflict', ResultCode.WRONG_WALLET_MODE, `cannot go live: ${unmet.join('; ')}`);
  }
}
