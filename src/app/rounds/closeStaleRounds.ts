/**
 * Round lifetime (PROTOCOL §5): a round left open longer than ROUND_TTL_S is closed with the reason
 * recorded; no money moves. Safe to run from every process at once: each pass is one conditional
 * UPDATE per batch, and a round closed twice is closed once.
 */
export const ROUND_TTL_REASON = 'ttl_expired';

export interface StaleRoundStore {
  /** Closes up to `limit` rounds opened before `cutoff`; returns how many it closed. */
  closeRoundsOpenedBefore(cutoff: Date, reason: string, limit: number): Promise<number>;
}

const BATCH = 1_000;

export async function closeStaleRounds(
  store: StaleRoundStore,
  roundTtlS: number,
  now: Date = new Date(),
): Promise<number> {
  const cutoff = new Date(now.getTime() - roundTtlS * 1000);
  let total = 0;
  for (;;) {
    const closed = await store.closeRoundsOpenedBefore(cutoff, ROUND_TTL_REASON, BATCH);
    total += closed;
    if (closed < BATCH) return total;
  }
}

/** How often to look: a quarter of the TTL, between half a second and a minute. */
export function sweepIntervalMs(roundTtlS: number): number {
  return Math.min(60_000, Math.max(500, Math.floor((roundTtlS * 1000) / 4)));
}
