/**
 * A provider transaction whose Withdraw is still on its way to the operator has no outcome yet. A twin
 * of that bet, or a rollback of it, waits for the outcome (bounded by the callback timeout) rather than
 * guessing: answering before the operator has would give the provider two different answers.
 */
import { StoredTransaction } from '../wallet/walletStore';
import { SeamlessStore } from './seamlessStore';

const POLL_MS = 25;

export async function waitForWithdrawOutcome(
  store: SeamlessStore,
  providerId: number,
  transactionId: string,
  timeoutMs: number,
): Promise<{ settled: true; stored: StoredTransaction | null } | { settled: false }> {
  const deadline = Date.now() + timeoutMs + 2_000;
  for (;;) {
    const stored = await store.findTransaction('provider', providerId, transactionId);
    if (stored) return { settled: true, stored };
    const attempt = await store.findWithdrawAttempt(providerId, transactionId);
    if (!attempt || attempt.status !== 'sending') {
      // Resolved attempts are written together with their ledger row: read it once more.
      return { settled: true, stored: await store.findTransaction('provider', providerId, transactionId) };
    }
    if (Date.now() > deadline) return { settled: false };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
