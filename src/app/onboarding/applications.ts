/**
 * Applying for operator access (PROTOCOL §11): the public form's request, and staff deciding it once:
 * approve creates the operator in the sandbox and answers its secrets once; reject records the reason.
 * Both are audited (by the store, in the deciding transaction).
 */
import { ResultCode } from '../../domain/resultCodes';
import { AdminRefusal, notFound } from '../admin/adminErrors';
import { OperatorView } from '../admin/operators';

export type ApplicationStatus = 'pending' | 'approved' | 'rejected';

export interface ApplicationInput {
  readonly company: string;
  readonly contactEmail: string;
  readonly website: string | null;
  readonly walletMode: 'transfer' | 'seamless';
  readonly currencies: readonly string[];
  readonly peakPerSecond: number | null;
  readonly clientAddress: string;
}

export interface ApplicationView {
  applicationID: string;
  company: string;
  contactEmail: string;
  website: string | null;
  walletMode: 'transfer' | 'seamless';
  currencies: string[];
  peakPerSecond: number | null;
  clientAddress: string;
  status: ApplicationStatus;
  agentID: string | null;
  reason: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
}

export type Decision =
  { readonly kind: 'approve'; readonly agentId: string } | { readonly kind: 'reject'; readonly reason: string };

export type DecisionOutcome =
  | {
      readonly outcome: 'decided';
      readonly application: ApplicationView;
      readonly created?: { operator: OperatorView; secretKey: string; saltKey: string };
    }
  | { readonly outcome: 'already-decided'; readonly status: ApplicationStatus }
  | { readonly outcome: 'unknown' };

export interface ApplicationStore {
  submit(input: ApplicationInput): Promise<ApplicationView>;
  /** Newest first, before `beforeId`. */
  list(
    status: ApplicationStatus | undefined,
    beforeId: bigint | null,
    limit: number,
  ): Promise<{ id: bigint; application: ApplicationView }[]>;
  /** Locks the application; only a pending one is decided (with the operator created on approval). */
  decide(applicationId: string, decision: Decision, actor: string): Promise<DecisionOutcome>;
}

export async function decideApplication(
  store: ApplicationStore,
  applicationId: string,
  decision: Decision,
  actor: string,
) {
  const outcome = await store.decide(applicationId, decision, actor);
  if (outcome.outcome === 'unknown') throw notFound(`application ${applicationId}`);
  if (outcome.outcome === 'already-decided') {
    throw new AdminRefusal(
      'conflict',
      ResultCode.INVALID_PARAMETERS,
      `application ${applicationId} was already decided (${outcome.status})`,
    );
  }
  return outcome;
}
