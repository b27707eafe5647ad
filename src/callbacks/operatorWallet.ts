/** The operator-wallet port: finds an operator's callback settings and calls its wallet with its scheme. */
import { OperatorWalletPort } from '../app/seamless/seamlessStore';
import { callbackScheme } from './schemes';
import { OperatorTarget, WalletCall, WalletReply } from './walletCallback';

/** An operator's callback settings (cached by the caller: see db/callerCache.ts). */
export type CallbackTargetLookup = (
  operatorId: number,
) => Promise<(OperatorTarget & { scheme: 'hmac' | 'md5' }) | null>;

export type CallObserver = (scheme: 'hmac' | 'md5', call: WalletCall, reply: WalletReply, elapsedMs: number) => void;

/** Where a failed call's detail goes (logs): studios are told only "operator wallet unavailable". */
export type FailureLog = (failure: { agentID: string; kind: WalletCall['kind']; error: string }) => void;

export class OperatorWalletClient implements OperatorWalletPort {
  constructor(
    private readonly lookup: CallbackTargetLookup,
    private readonly observe: CallObserver = () => undefined,
    private readonly logFailure: FailureLog = () => undefined,
  ) {}

  async call(operatorId: number, call: WalletCall, timeoutMs: number): Promise<WalletReply> {
    const target = await this.lookup(operatorId);
    if (!target || !target.callbackUrl)
      return { outcome: 'failed', error: 'the operator has no callback URL (not in seamless mode)' };
    const scheme = callbackScheme(target.scheme);
    const started = performance.now();
    const reply = await scheme.call(target, call, timeoutMs);
    this.observe(scheme.name, call, reply, performance.now() - started);
    if (reply.outcome === 'failed') this.logFailure({ agentID: target.agentId, kind: call.kind, error: reply.error });
    return reply;
  }
}
