/**
 * Certification runs as staff start and read them (PROTOCOL §11): `certification/run` stores a run as
 * `running` with the wallet's URL and scheme as they are now, queues it for the workers and answers at
 * once; `certification/get` and `certification/list` show runs with their checks and load figures.
 * The run itself is callbacks/certification/runCertification.ts, in jobs/certificationJob.ts.
 */
import { AdminRefusal, badRequest, notFound } from '../admin/adminErrors';
import { ResultCode } from '../../domain/resultCodes';

export type RunStatus = 'running' | 'passed' | 'failed';

export interface RunView {
  id: string;
  agentID: string;
  status: RunStatus;
  callbackUrl: string;
  scheme: 'hmac' | 'md5';
  userID: string;
  currency: string;
  loadSeconds: number;
  soakSeconds: number;
  ratePerSecond: number;
  startedAt: string;
  finishedAt: string | null;
  checks: unknown[];
  load: unknown;
  soak: unknown;
}

export interface OperatorForCertification {
  id: number;
  agentId: string;
  callbackUrl: string | null;
  scheme: 'hmac' | 'md5';
  currencies: string[];
  peakPerSecond: number;
}

export interface NewRun {
  operatorId: number;
  agentId: string;
  callbackUrl: string;
  scheme: 'hmac' | 'md5';
  userId: string;
  currency: string;
  loadSeconds: number;
  soakSeconds: number;
  ratePerSecond: number;
}

/** What a finished run stores (checks, load and soak as §11 shows them). */
export interface RunOutcome {
  passed: boolean;
  checks: unknown[];
  load: unknown;
  soak: unknown;
}

export interface CertificationRunStore {
  operator(agentId: string): Promise<OperatorForCertification | null>;
  /** Stores the run as running and audits who started it, in one transaction. */
  create(actor: string, run: NewRun): Promise<string>;
  get(id: string): Promise<RunView | null>;
  list(filter: { agentId?: string; limit: number }): Promise<RunView[]>;
  /** Ends a run that is still running (a second finish changes nothing). */
  finish(id: string, outcome: RunOutcome): Promise<void>;
}

export interface CertificationQueuePort {
  /** False when not queued (Redis unavailable). */
  enqueue(runId: string): Promise<boolean>;
}

export interface StartInput {
  agentID: string;
  userID: string;
  currency: string;
  loadSeconds?: number;
  soakSeconds?: number;
  ratePerSecond?: number;
}

/** §11 defaults: 30 s of load at twice the operator's expected peak, no soak. */
export const DEFAULT_LOAD_SECONDS = 30;

export async function startCertification(
  store: CertificationRunStore,
  queue: CertificationQueuePort,
  actor: string,
  input: StartInput,
): Promise<{ id: string; status: 'running' }> {
  const operator = await store.operator(input.agentID);
  if (!operator) throw notFound(`operator ${input.agentID}`);
  if (!operator.callbackUrl)
    throw new AdminRefusal(
      'conflict',
      ResultCode.WRONG_WALLET_MODE,
      `operator ${input.agentID} is in transfer mode: certification tries a seamless wallet (set its callbackUrl)`,
    );
  if (!operator.currencies.includes(input.currency))
    throw badRequest(`currency: ${input.currency} is not enabled for operator ${input.agentID}`);
  const id = await store.create(actor, {
    operatorId: operator.id,
    agentId: operator.agentId,
    callbackUrl: operator.callbackUrl,
    scheme: operator.scheme,
    userId: input.userID,
    currency: input.currency,
    loadSeconds: input.loadSeconds ?? DEFAULT_LOAD_SECONDS,
    soakSeconds: input.soakSeconds ?? 0,
    ratePerSecond: input.ratePerSecond ?? operator.peakPerSecond * 2,
  });
  if (!(await queue.enqueue(id))) {
    // Not left `running` for ever: the operator starts it again once Redis is back.
    await store.finish(id, {
      passed: false,
      checks: [
        { name: 'queued', passed: false, detail: 'the run could not be queued (Redis unavailable): start it again' },
      ],
      load: null,
      soak: null,
    });
  }
  return { id, status: 'running' };
}
