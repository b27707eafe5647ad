/**
 * An operator starts in the sandbox and goes live through operators/go-live (PROTOCOL §11). Sandbox
 * transactions are marked `sandbox: true`, never billed and left out of reports by default.
 */
export type OperatorStatus = 'sandbox' | 'live';

export function operatorStatusOf(stored: string | null | undefined): OperatorStatus {
  return stored === 'live' ? 'live' : 'sandbox';
}
