/**
 * What the bench measures, as data. A load scenario names its target (R, our app, or the bench's own
 * operator wallet), the scenario it is compared with, the result code that counts as success, a set-up
 * (wallets to create and fund, launches) and how worker `w` builds its `seq`-th request (freshly signed,
 * unique transactionID). A drain scenario measures how fast queued work is delivered instead (see
 * drainScenarios.ts). To add one, append to `scenarios`; to hold it to a bar, append to `targets`.
 *
 * The groups: transfer mode (this file), the provider API in transfer mode (providerScenarios.ts), and
 * seamless mode against a local operator wallet (seamlessScenarios.ts, drainScenarios.ts).
 */
import { signBody } from '../../src/domain/signing';
import { REFERENCE_AGENT, REFERENCE_APP_SHAPED_PATH, REFERENCE_PATH, REFERENCE_SECRET } from './benchDatabase';
import { drainScenarios } from './drainScenarios';
import { providerScenarios, sequencerScenarios } from './providerScenarios';
import {
  AMOUNT,
  CURRENCY,
  FUNDING_MINOR,
  LoadScenario,
  Scenario,
  Target,
  createAndFundPlayers,
  nowSeconds,
  pad,
  transactionId,
} from './scenarioKit';
import { seamlessScenarios } from './seamlessScenarios';

export * from './scenarioKit';

// ---------------------------------------------------------------------------------------------
// R: the reference endpoint (referenceServer.ts)

const HOT_REFERENCE_WALLET = 1_000_000;

function referenceScenario(
  name: string,
  key: string,
  walletOf: (workerIndex: number) => number,
  variant: { path: string; baseline?: string; optional?: boolean } = { path: REFERENCE_PATH },
): LoadScenario {
  return {
    kind: 'load',
    name,
    target: 'reference',
    baseline: variant.baseline,
    optional: variant.optional,
    expectedCode: 0,
    async setup(ctx) {
      const wallets = [...new Set(Array.from({ length: ctx.workers }, (_, w) => walletOf(w)))];
      await ctx.referenceDb.query(
        'INSERT INTO bench_ref_wallets (id, balance_minor) VALUES ? ON DUPLICATE KEY UPDATE balance_minor = VALUES(balance_minor)',
        [wallets.map((id) => [id, FUNDING_MINOR])],
      );
    },
    makeRequest(ctx, workerIndex, seq) {
      const fields = {
        agentID: REFERENCE_AGENT,
        userID: `bench_ref_${walletOf(workerIndex)}`,
        walletID: walletOf(workerIndex),
        currency: CURRENCY,
        amount: AMOUNT,
        transactionID: transactionId(ctx, key, workerIndex, seq),
      };
      return { path: variant.path, body: signBody(REFERENCE_SECRET, fields, nowSeconds()) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Our platform API, transfer mode

function appTransferScenario(
  name: string,
  key: string,
  kind: 'deposit' | 'withdraw',
  baseline: string,
  playerOf: (workerIndex: number) => string,
): LoadScenario {
  return {
    kind: 'load',
    name,
    target: 'app',
    baseline,
    expectedCode: 0,
    setup: (ctx) => createAndFundPlayers(ctx, [...new Set(Array.from({ length: ctx.workers }, (_, w) => playerOf(w)))]),
    makeRequest(ctx, workerIndex, seq) {
      const fields = {
        agentID: ctx.app.agentID,
        userID: playerOf(workerIndex),
        currency: CURRENCY,
        amount: AMOUNT,
        transactionID: transactionId(ctx, key, workerIndex, seq),
      };
      return { path: `/v1/player/wallet/${kind}`, body: signBody(ctx.app.secretKey, fields, nowSeconds()) };
    },
  };
}

/**
 * Run in this order, each comparison right after its baseline, so that both see much the same machine
 * (it is shared and noisy); with BENCH_ROUNDS > 1 the list is run again and ratios are paired by round.
 * The provider and seamless groups follow the transfer group, still close to `R distinct`; the drains,
 * compared with each other only, come last.
 */
export const scenarios: readonly Scenario[] = [
  referenceScenario('R distinct', 'rd', (w) => w + 1),
  // Diagnostic (BENCH_ONLY='R7'): R doing our app's 7 statements, to split round-trip cost from code cost.
  referenceScenario('R7 distinct', 'r7d', (w) => 2_000 + w, {
    path: REFERENCE_APP_SHAPED_PATH,
    baseline: 'R distinct',
    optional: true,
  }),
  appTransferScenario('withdraw distinct', 'wd', 'withdraw', 'R distinct', (w) => `bench_wd_${pad(w)}`),
  appTransferScenario('deposit distinct', 'dd', 'deposit', 'R distinct', (w) => `bench_dd_${pad(w)}`),
  ...providerScenarios('R distinct'),
  ...sequencerScenarios('R distinct'),
  ...seamlessScenarios('R distinct'),
  referenceScenario('R hot', 'rh', () => HOT_REFERENCE_WALLET),
  referenceScenario('R7 hot', 'r7h', () => HOT_REFERENCE_WALLET + 1, {
    path: REFERENCE_APP_SHAPED_PATH,
    baseline: 'R hot',
    optional: true,
  }),
  appTransferScenario('withdraw hot', 'wh', 'withdraw', 'R hot', () => 'bench_wd_hot'),
  appTransferScenario('deposit hot', 'dh', 'deposit', 'R hot', () => 'bench_dd_hot'),
  ...drainScenarios(),
];

export const targets: readonly Target[] = [
  { scenario: 'withdraw distinct', minRatio: 0.5, maxErrors: 0 },
  { scenario: 'provider bet', minRatio: 0.5, maxErrors: 0 },
  // A replay (code 11) must be at least as fast as the fresh bet it repeats (its baseline).
  { scenario: 'provider duplicate', minRatio: 1.0, maxErrors: 0 },
  // The feed sequencer may cost the bet path at most 5 % (issue 13), paired with the same bets without it.
  { scenario: 'provider bet, sequencer on', minRatio: 0.95, maxErrors: 0 },
  { scenario: 'seamless bet', minRatio: 0.4, maxErrors: 0 },
  { scenario: 'seamless drain', minRatio: 0.4, maxErrors: 0 },
];

/** Latency comparisons printed under the table: `scenario` minus `over`, p50 and p99. */
export const latencyComparisons: readonly { scenario: string; over: string }[] = [
  { scenario: 'seamless bet', over: 'seamless wallet direct' },
];
