/**
 * Seamless mode (PROTOCOL §6): the bench's seamless operator (`hmac` scheme) points at the bench's own
 * zero-latency operator wallet (walletServer.ts, a child process), so that a seamless bet costs what we
 * add: our bet rule and bookkeeping around one Withdraw callback.
 *
 *   seamless bet             the provider's bet, exactly as `provider bet`, for a seamless operator's players
 *                            (each worker its own player and token): Withdraw while the studio waits.
 *   seamless wallet direct   the wallet's own latency: the bench posts the same signed Withdraw body our
 *                            app sends (hmacRequestBody) straight to the wallet, at the same concurrency.
 *                            Printed next to `seamless bet` as "latency we add" (p50/p99 and difference).
 *
 * Queued delivery (the drain) is in drainScenarios.ts.
 */
import { hmacRequestBody } from '../../src/callbacks/hmac/hmacScheme';
import { Minor } from '../../src/domain/money';
import { freshBetScenario, launchTokens } from './providerScenarios';
import { AMOUNT, BenchContext, CURRENCY, LoadScenario, nowSeconds, pad } from './scenarioKit';

export const SEAMLESS_BET = 'seamless bet';
export const WALLET_DIRECT = 'seamless wallet direct';
const AMOUNT_MINOR = BigInt(Math.round(AMOUNT * 100)) as Minor;

const seamlessUser = (w: number) => `bench_sb_${pad(w)}`;

/** Seamless players need no funding (the wallet says every player is rich): a launch each. */
export async function seamlessPlayers(ctx: BenchContext, userIds: readonly string[]): Promise<string[]> {
  return launchTokens(ctx, (path, fields) => ctx.seamless.call(path, fields), userIds);
}

function walletDirectScenario(name: string, key: string): LoadScenario {
  return {
    kind: 'load',
    name,
    target: 'wallet',
    expectedCode: 0,
    async setup() {
      /* the wallet keeps nothing to set up */
    },
    makeRequest(ctx, w, seq) {
      const target = {
        agentId: ctx.seamless.agentID,
        callbackUrl: ctx.seamless.walletUrl,
        secretKey: ctx.seamless.secretKey,
        saltKey: '',
      };
      const body = hmacRequestBody(
        target,
        {
          kind: 'withdraw',
          userId: seamlessUser(w),
          currency: CURRENCY,
          amount: AMOUNT_MINOR,
          transactionId: `${ctx.runId}.${key}.${w}.${seq}`,
          refTransactionId: null,
          roundId: `${ctx.runId}.${key}.${w}.r${Math.floor(seq / 5)}`,
          gameId: ctx.provider.gameID,
          freeSpinId: null,
        },
        nowSeconds(),
      );
      return { path: '/Withdraw', body };
    },
  };
}

export const seamlessScenarios = (baseline: string): LoadScenario[] => [
  freshBetScenario(SEAMLESS_BET, 'sb', {
    baseline,
    watch: ['wallet'],
    requires: [WALLET_DIRECT],
    players: (ctx) =>
      seamlessPlayers(
        ctx,
        Array.from({ length: ctx.workers }, (_, w) => seamlessUser(w)),
      ),
  }),
  walletDirectScenario(WALLET_DIRECT, 'swd'),
];
