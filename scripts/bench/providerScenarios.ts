/**
 * The provider API (PROTOCOL §5) in transfer mode: what a studio sends us during play. Every worker is
 * its own player with its own launch token (distinct players, like `R distinct`), funded by the bench's
 * transfer-mode operator, on the bench's studio and game (set up through the admin API in bench.ts).
 *
 *   provider bet        fresh transactionIDs; a new roundID every ROUND_EVERY bets, so both the "open a
 *                       round" and the "join an open round" paths are in the mix.
 *   provider duplicate  a replayed bet: re-sending bets stored in set-up, same fields, fresh signature;
 *                       expected code 11 (with the original's id and balance). Compared with the fresh
 *                       bet: a replay must be at least as cheap as the bet it repeats.
 *   provider win        pays a bet placed before the round (see "Stock" below), with refTransactionID
 *                       and roundClosed: a slot round of one bet and one win.
 *   provider rollback   reverses a bet placed before the round (see "Stock").
 *
 * Stock. A win needs a stored bet of its round and a rollback needs a bet not yet rolled back, one per
 * measured request. Two designs were possible: alternate bet + win in each worker and time only the win
 * (but then half of what the server does is unmeasured bets, so "win req/s" could not be compared with
 * R), or place the bets beforehand. The bench does the latter: right before the scenario runs in a
 * round, each worker gets `requestsPerWorker` bets (worker w's seq-th request pays or reverses the bet
 * `<run>.<key>.<w>.<seq>.b` of round `<run>.<key>.<w>.<seq>`), sized from the same round's measured bet
 * rate (x1.5, see bench.ts), so the measured window sees only wins or only rollbacks, each on its own
 * round, exactly as in play. A worker that still runs out is reported as an error ("stock exhausted"),
 * never silently.
 */
import { signBody } from '../../src/domain/signing';
import {
  AMOUNT,
  BenchContext,
  LoadScenario,
  createAndFundPlayers,
  forEachConcurrently,
  nowSeconds,
  pad,
} from './scenarioKit';

/** A new roundID every this many bets in `provider bet`. */
const ROUND_EVERY = 5;
/** Stored bets per worker that `provider duplicate` replays in turn. */
const REPLAYED_BETS = 10;
const WIN_AMOUNT = 2.5;

/** Launches `gameID` for each player through `call` (a platform API caller); returns the tokens in order. */
export async function launchTokens(
  ctx: BenchContext,
  call: (path: string, fields: Record<string, unknown>) => Promise<Record<string, unknown>>,
  userIds: readonly string[],
): Promise<string[]> {
  const tokens: string[] = new Array(userIds.length);
  await forEachConcurrently(
    userIds.map((userID, index) => ({ userID, index })),
    8,
    async ({ userID, index }) => {
      const launched = await call('/v1/games/launch', { userID, gameID: ctx.provider.gameID, currency: 'EUR' });
      if (typeof launched.token !== 'string')
        throw new Error(`launch of ${userID} gave no token: ${JSON.stringify(launched)}`);
      tokens[index] = launched.token;
    },
  );
  return tokens;
}

/** Funded transfer-mode players `bench_<key>_<w>` with a real-money launch token each. */
async function transferPlayers(ctx: BenchContext, key: string): Promise<string[]> {
  const userIds = Array.from({ length: ctx.workers }, (_, w) => `bench_${key}_${pad(w)}`);
  await createAndFundPlayers(ctx, userIds);
  return launchTokens(ctx, (path, fields) => ctx.app.call(path, fields), userIds);
}

export const providerBody = (ctx: BenchContext, fields: Record<string, unknown>) =>
  signBody(ctx.provider.secretKey, { providerID: ctx.provider.providerID, ...fields }, nowSeconds());

/** Fresh bets; also the seamless bet (the same request, another operator's players). */
export function freshBetScenario(
  name: string,
  key: string,
  options: {
    baseline: string;
    players: (ctx: BenchContext, key: string) => Promise<string[]>;
    watch?: LoadScenario['watch'];
    requires?: readonly string[];
    target?: LoadScenario['target'];
  },
): LoadScenario {
  let tokens: string[] = [];
  return {
    kind: 'load',
    name,
    target: options.target ?? 'app',
    baseline: options.baseline,
    requires: options.requires,
    watch: options.watch,
    expectedCode: 0,
    async setup(ctx) {
      tokens = await options.players(ctx, key);
    },
    makeRequest(ctx, w, seq) {
      return {
        path: '/provider/v1/bet',
        body: providerBody(ctx, {
          token: tokens[w],
          transactionID: `${ctx.runId}.${key}.${w}.${seq}`,
          roundID: `${ctx.runId}.${key}.${w}.r${Math.floor(seq / ROUND_EVERY)}`,
          gameID: ctx.provider.gameID,
          amount: AMOUNT,
        }),
      };
    },
  };
}

function duplicateBetScenario(name: string, key: string, baseline: string): LoadScenario {
  let tokens: string[] = [];
  const bet = (ctx: BenchContext, w: number, i: number) => ({
    token: tokens[w],
    transactionID: `${ctx.runId}.${key}.${w}.${i}`,
    roundID: `${ctx.runId}.${key}.${w}.r0`,
    gameID: ctx.provider.gameID,
    amount: AMOUNT,
  });
  return {
    kind: 'load',
    name,
    target: 'app',
    baseline,
    expectedCode: 11,
    async setup(ctx) {
      tokens = await transferPlayers(ctx, key);
      const bets = Array.from({ length: ctx.workers * REPLAYED_BETS }, (_, n) => ({
        w: n % ctx.workers,
        i: Math.floor(n / ctx.workers),
      }));
      await forEachConcurrently(bets, ctx.workers, async ({ w, i }) => {
        await ctx.provider.call('/provider/v1/bet', bet(ctx, w, i));
      });
    },
    makeRequest(ctx, w, seq) {
      return { path: '/provider/v1/bet', body: providerBody(ctx, bet(ctx, w, seq % REPLAYED_BETS)) };
    },
  };
}

/** Win or rollback of bets placed right before the round (the "Stock" design above). */
function stockedScenario(name: string, key: string, kind: 'win' | 'rollback', baseline: string): LoadScenario {
  let tokens: string[] = [];
  /** Per worker, the first seq without a placed bet this round. */
  let stockEnd: number[] = [];
  const ids = (ctx: BenchContext, w: number, seq: number) => {
    const round = `${ctx.runId}.${key}.${w}.${seq}`;
    return { roundID: round, bet: `${round}.b`, own: `${round}.${kind === 'win' ? 'w' : 'r'}` };
  };
  return {
    kind: 'load',
    name,
    target: 'app',
    baseline,
    expectedCode: 0,
    sizedBy: ['provider bet', baseline],
    async setup(ctx) {
      tokens = await transferPlayers(ctx, key);
    },
    async prepareRound(ctx, plan) {
      const bets = Array.from({ length: ctx.workers * plan.requestsPerWorker }, (_, n) => ({
        w: n % ctx.workers,
        seq: plan.seqBase + Math.floor(n / ctx.workers),
      }));
      await forEachConcurrently(bets, ctx.workers, async ({ w, seq }) => {
        const { roundID, bet } = ids(ctx, w, seq);
        await ctx.provider.call('/provider/v1/bet', {
          token: tokens[w],
          transactionID: bet,
          roundID,
          gameID: ctx.provider.gameID,
          amount: AMOUNT,
        });
      });
      stockEnd = Array.from({ length: ctx.workers }, () => plan.seqBase + plan.requestsPerWorker);
    },
    makeRequest(ctx, w, seq) {
      if (seq >= (stockEnd[w] ?? 0)) return null;
      const { roundID, bet, own } = ids(ctx, w, seq);
      const fields: Record<string, unknown> = {
        token: tokens[w],
        transactionID: own,
        refTransactionID: bet,
        roundID,
        gameID: ctx.provider.gameID,
      };
      if (kind === 'win') Object.assign(fields, { amount: WIN_AMOUNT, roundClosed: true });
      return { path: `/provider/v1/${kind}`, body: providerBody(ctx, fields) };
    },
  };
}

/**
 * What the feed sequencer (reconciliation feed and GGR aggregate, PROTOCOL §4 and §12) costs the bet path:
 * the same fresh bets against our app's second process, whose sequencer never runs, then again against our
 * app with its sequencer numbering and folding every 200 ms; the second is compared with the first in
 * the same round (target: at least 0.95), and both are shown against R.
 */
export const sequencerScenarios = (baseline: string): LoadScenario[] => [
  freshBetScenario('provider bet, no sequencer', 'pn', {
    baseline,
    players: transferPlayers,
    target: 'appNoSequencer',
  }),
  freshBetScenario('provider bet, sequencer on', 'ps', {
    baseline: 'provider bet, no sequencer',
    players: transferPlayers,
  }),
];

export const providerScenarios = (baseline: string): LoadScenario[] => [
  freshBetScenario('provider bet', 'pb', { baseline, players: transferPlayers }),
  duplicateBetScenario('provider duplicate', 'pd', 'provider bet'),
  stockedScenario('provider win', 'pw', 'win', baseline),
  stockedScenario('provider rollback', 'pr', 'rollback', baseline),
];
