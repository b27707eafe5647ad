// Risk covered: an interleaving of deposits, withdrawals, bets, wins, rollbacks, jackpots, replays and
// conflicting id reuse (PROTOCOL §4, §5) that answers a code outside the rules, reports a balance the
// wallet does not hold, or leaves the ledger inconsistent.
import fc from 'fast-check';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let world: World;
const players: { userID: string; token: string }[] = [];
const PLAYERS = 3;

beforeAll(async () => {
  server = await startTestServer('ledgerprop');
  world = await buildWorld(await server.admin());
  for (let p = 0; p < PLAYERS; p++) {
    const userID = `prop-player-${p}`;
    players.push({ userID, token: await fundedSession(world, userID, 100) });
  }
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
});

// ---------------------------------------------------------------------------------------------
// Operations, as generated (abstract: ids and references are resolved against the run's state).

type Op =
  | { kind: 'deposit' | 'withdraw'; p: number; cents: number }
  | { kind: 'bet'; p: number; slot: number; cents: number; ghostRoll: number }
  | {
      kind: 'win';
      p: number;
      slot: number;
      ownRound: boolean;
      cents: number;
      ref: 'none' | 'sameRound' | 'own' | 'any' | 'unknown';
      pick: number;
      closeRoll: number;
    }
  | { kind: 'rollback'; p: number; known: boolean; pick: number; ghost: number; slot: number }
  | { kind: 'jackpot'; p: number; slot: number; cents: number }
  | { kind: 'replay'; pick: number }
  | { kind: 'conflict'; pick: number; how: 'amount' | 'user' | 'type' | 'round' };

const player = fc.nat({ max: PLAYERS - 1 });
const slot = fc.nat({ max: 3 });
const pick = fc.nat({ max: 10_000 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('deposit' as const),
      p: player,
      cents: fc.integer({ min: 1, max: 5000 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('withdraw' as const),
      p: player,
      cents: fc.integer({ min: 1, max: 8000 }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('bet' as const),
      p: player,
      slot,
      cents: fc.integer({ min: 0, max: 6000 }),
      ghostRoll: fc.nat({ max: 9 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('win' as const),
      p: player,
      slot,
      // Mostly on a round where the player has bet, so that wins are paid as often as refused.
      ownRound: fc.nat({ max: 3 }).map((n) => n > 0),
      cents: fc.integer({ min: 0, max: 5000 }),
      ref: fc.constantFrom(
        'none' as const,
        'sameRound' as const,
        'none' as const,
        'sameRound' as const,
        'own' as const,
        'any' as const,
        'unknown' as const,
      ),
      pick,
      closeRoll: fc.nat({ max: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('rollback' as const),
      p: player,
      known: fc.boolean(),
      pick,
      ghost: fc.nat({ max: 2 }),
      slot,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('jackpot' as const),
      p: player,
      slot,
      cents: fc.integer({ min: 1, max: 3000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('conflict' as const),
      pick,
      how: fc.constantFrom('amount' as const, 'user' as const, 'type' as const, 'round' as const),
    }),
  },
);

// ---------------------------------------------------------------------------------------------
// Concrete requests and the model of what the server must answer.

type TxType = 'deposit' | 'withdraw' | 'bet' | 'win' | 'rollback' | 'jackpot';
interface Req {
  readonly api: 'platform' | 'provider';
  readonly type: TxType;
  readonly p: number;
  /** Amount in cents where the type has one. */
  readonly cents?: number;
  readonly fields: Readonly<Record<string, string | number | boolean>>;
}

const PATHS: Record<TxType, string> = {
  deposit: '/v1/player/wallet/deposit',
  withdraw: '/v1/player/wallet/withdraw',
  bet: '/provider/v1/bet',
  win: '/provider/v1/win',
  rollback: '/provider/v1/rollback',
  jackpot: '/provider/v1/jackpot',
};

function send(req: Req): Promise<any> {
  const who = players[req.p]!;
  if (req.api === 'platform')
    return world.operator.call(PATHS[req.type], { userID: who.userID, currency: 'EUR', ...req.fields });
  return world.studio.call(PATHS[req.type], { token: who.token, gameID: world.gameId, ...req.fields });
}

const stable = (o: Readonly<Record<string, unknown>>) =>
  JSON.stringify(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k]]),
  );
/** Two requests are "the same transaction" when type, player and every field agree. */
const sameContent = (a: Req, b: Req) =>
  a.api === b.api && a.type === b.type && a.p === b.p && stable(a.fields) === stable(b.fields);
const storeKey = (req: Req) => `${req.api}:${String(req.fields.transactionID)}`;
const describeReq = (req: Req) => `${req.type} by p${req.p} ${stable(req.fields)}`;

interface Round {
  /** Applied bets of this player on this round. */
  readonly bets: string[];
  readonly rolledBack: Set<string>;
  wins: number;
  closed: boolean;
}

interface Stored {
  readonly req: Req;
  readonly code: 0 | 7;
  readonly pid?: string;
  readonly balance: number;
}

class Model {
  readonly stored = new Map<string, Stored>();
  /** The first applied rollback (refund or tombstone) naming a provider transactionID. */
  readonly rollbackOf = new Map<string, { pid: string; balance: number }>();
  readonly rounds = new Map<string, Round>();
  readonly betsByPlayer: { txid: string; roundID: string }[][] = Array.from({ length: PLAYERS }, () => []);
  readonly allBets: string[] = [];
  readonly log: Req[] = [];
  readonly pids = new Set<string>();
  readonly codes = new Map<string, number>();
  constructor(readonly cents: number[]) {}

  round(p: number, roundID: string): Round | undefined {
    return this.rounds.get(`${p}|${roundID}`);
  }
  openRound(p: number, roundID: string): Round {
    const key = `${p}|${roundID}`;
    let round = this.rounds.get(key);
    if (!round) this.rounds.set(key, (round = { bets: [], rolledBack: new Set(), wins: 0, closed: false }));
    return round;
  }
}

class Violation extends Error {}

/** Sends one request and checks the answer against the model; updates the model with what happened. */
async function perform(model: Model, req: Req, step: string): Promise<void> {
  const prior = model.stored.get(storeKey(req));
  const answer = await send(req);
  const fail = (what: string): never => {
    throw new Violation(
      `${step}: ${what}\n    request: ${describeReq(req)}\n    answer:  ${JSON.stringify(answer)}\n    model balances (cents): ${model.cents.join(', ')}`,
    );
  };
  const check = (ok: boolean, what: string) => {
    if (!ok) fail(what);
  };
  const current = () => model.cents[req.p]! / 100;
  const code = answer.code as number;
  model.codes.set(`${req.type}:${code}`, (model.codes.get(`${req.type}:${code}`) ?? 0) + 1);
  if (req.api === 'provider' && [7, 10, 11, 13, 15, 16].includes(code)) {
    check(typeof answer.balance === 'number', `code ${code} must carry the balance`);
  }
  const balanceIsCurrent = () => {
    if (req.api === 'provider' || answer.balance !== undefined)
      check(answer.balance === current(), `balance ${answer.balance} but the wallet holds ${current()}`);
  };

  if (prior && sameContent(prior.req, req)) {
    // A repeat of a stored transaction: 11 with the original, or the remembered refusal.
    if (prior.code === 0) {
      check(code === 11, `a repeat of a stored transaction must answer 11, got ${code}`);
      check(
        answer.platformTransactionID === prior.pid,
        `a repeat must carry the original platformTransactionID ${prior.pid}`,
      );
      check(
        answer.balance === prior.balance,
        `a repeat must carry the balance right after the original (${prior.balance})`,
      );
    } else {
      check(code === 7, `the repeat of a bet/withdrawal refused with 7 must answer 7 again, got ${code}`);
      balanceIsCurrent();
    }
  } else if (prior) {
    check(code === 13, `a transactionID reused with other content must answer 13, got ${code}`);
    balanceIsCurrent();
  } else {
    // Never stored (first sight, or a repeat of a refusal that is not remembered, such as 10 or 15): the
    // rules decide afresh from the current state, which is the same refusal unless the state moved on.
    const outcomes = decide(model, req);
    const handler = outcomes.get(code);
    if (!handler) fail(`code ${code} is not allowed here; allowed: ${[...outcomes.keys()].join(', ')}`);
    handler!(answer, check, balanceIsCurrent);
  }

  const fresh = await world.studio.call('/provider/v1/balance', { token: players[req.p]!.token });
  check(
    fresh.code === 0 && fresh.balance === current(),
    `a fresh /provider/v1/balance read gives ${JSON.stringify(fresh)}, the model ${current()}`,
  );
}

type Handler = (answer: any, check: (ok: boolean, what: string) => void, balanceIsCurrent: () => void) => void;

/** What a request never seen before may be answered, and what each answer means for the model. */
function decide(model: Model, req: Req): Map<number, Handler> {
  const { p } = req;
  const outcomes = new Map<number, Handler>();
  const applied =
    (delta: number, after: (answer: any) => void = () => undefined): Handler =>
    (answer, check) => {
      check(typeof answer.platformTransactionID === 'string', 'a success must carry a platformTransactionID');
      check(!model.pids.has(answer.platformTransactionID), 'a success must carry a new platformTransactionID');
      model.cents[p] = model.cents[p]! + delta;
      check(
        answer.balance === model.cents[p]! / 100,
        `balance ${answer.balance} but the model says ${model.cents[p]! / 100} after a change of ${delta} cents`,
      );
      model.pids.add(answer.platformTransactionID);
      model.stored.set(storeKey(req), { req, code: 0, pid: answer.platformTransactionID, balance: answer.balance });
      after(answer);
    };
  const refusedRemembered: Handler = (answer, _check, balanceIsCurrent) => {
    balanceIsCurrent();
    model.stored.set(storeKey(req), { req, code: 7, balance: answer.balance });
  };
  const refused: Handler = (_answer, _check, balanceIsCurrent) => balanceIsCurrent();
  const duplicateOf =
    (original: { pid: string; balance: number }): Handler =>
    (answer, check) => {
      check(answer.platformTransactionID === original.pid, `must answer as the first rollback ${original.pid}`);
      check(answer.balance === original.balance, `must carry the first rollback's balance-after ${original.balance}`);
    };
  const cents = req.cents ?? 0;
  const txid = String(req.fields.transactionID);
  const roundID = String(req.fields.roundID ?? '');

  switch (req.type) {
    case 'deposit':
    case 'jackpot':
      outcomes.set(0, applied(cents));
      break;
    case 'withdraw':
      if (cents <= model.cents[p]!) outcomes.set(0, applied(-cents));
      else outcomes.set(7, refusedRemembered);
      break;
    case 'bet': {
      const round = model.round(p, roundID);
      if (model.rollbackOf.has(txid)) {
        outcomes.set(10, refused);
        if (round?.closed) outcomes.set(15, refused);
      } else if (round?.closed) outcomes.set(15, refused);
      else if (cents > model.cents[p]!) outcomes.set(7, refusedRemembered);
      else
        outcomes.set(
          0,
          applied(-cents, () => model.openRound(p, roundID).bets.push(txid)),
        );
      break;
    }
    case 'win': {
      const round = model.round(p, roundID);
      const ref = req.fields.refTransactionID === undefined ? undefined : String(req.fields.refTransactionID);
      const refBet = ref === undefined ? undefined : model.stored.get(`provider:${ref}`);
      const refValid =
        refBet !== undefined &&
        refBet.req.type === 'bet' &&
        refBet.code === 0 &&
        refBet.req.p === p &&
        refBet.req.fields.roundID === roundID;
      const pay = applied(cents, () => {
        const r = model.openRound(p, roundID);
        r.wins++;
        if (req.fields.roundClosed === true) r.closed = true;
      });
      if (round?.closed) {
        outcomes.set(15, refused);
        if (ref !== undefined && !refValid) outcomes.set(10, refused);
      } else if (!round || round.bets.length === 0) outcomes.set(10, refused);
      else if (ref !== undefined) {
        if (!refValid) outcomes.set(10, refused);
        else if (round.rolledBack.has(ref)) outcomes.set(15, refused);
        else outcomes.set(0, pay);
      } else if (round.bets.every((b) => round.rolledBack.has(b))) outcomes.set(15, refused);
      else outcomes.set(0, pay);
      break;
    }
    case 'rollback': {
      const ref = String(req.fields.refTransactionID);
      const previous = model.rollbackOf.get(ref);
      const bet = model.stored.get(`provider:${ref}`);
      const round = model.round(p, roundID);
      const ownBetOfRound =
        bet !== undefined && bet.req.type === 'bet' && bet.req.p === p && bet.req.fields.roundID === roundID;
      const remember = (answer: any) =>
        model.rollbackOf.set(ref, { pid: answer.platformTransactionID, balance: answer.balance });
      if (previous) {
        outcomes.set(11, duplicateOf(previous));
        // Both rules apply (second rollback; round already has a win): either answer is acceptable.
        if (ownBetOfRound && round && round.wins > 0) outcomes.set(15, refused);
      } else if (!bet) outcomes.set(0, applied(0, remember));
      else if (!ownBetOfRound) outcomes.set(10, refused);
      else if (round && round.wins > 0) outcomes.set(15, refused);
      else {
        const refund = bet.code === 0 ? (bet.req.cents ?? 0) : 0;
        outcomes.set(
          0,
          applied(refund, (answer) => {
            remember(answer);
            if (bet.code === 0) model.openRound(p, roundID).rolledBack.add(ref);
          }),
        );
      }
      break;
    }
  }
  return outcomes;
}

/** Turns an abstract operation into a concrete request (or null when it has nothing to act on). */
function concretise(model: Model, op: Op, run: string, i: number): Req | null {
  const roundOf = (s: number) => `${run}-r${s}`;
  const ghostOf = (p: number, k: number) => `${run}-p${p}-ghost${k}`;
  const amount = (cents: number) => cents / 100;
  switch (op.kind) {
    case 'deposit':
    case 'withdraw':
      return {
        api: 'platform',
        type: op.kind,
        p: op.p,
        cents: op.cents,
        fields: { transactionID: `${run}-${op.kind}${i}`, amount: amount(op.cents) },
      };
    case 'bet': {
      // Now and then the bet is one that a rollback may already have named (a tombstone's bet).
      const txid = op.ghostRoll < 3 ? ghostOf(op.p, op.ghostRoll) : `${run}-bet${i}`;
      return {
        api: 'provider',
        type: 'bet',
        p: op.p,
        cents: op.cents,
        fields: { transactionID: txid, roundID: roundOf(op.slot), amount: amount(op.cents) },
      };
    }
    case 'win': {
      const own = model.betsByPlayer[op.p]!;
      const roundID = op.ownRound && own.length ? own[(op.pick >> 3) % own.length]!.roundID : roundOf(op.slot);
      const sameRound = own.filter((b) => b.roundID === roundID);
      let ref: string | undefined;
      if (op.ref === 'sameRound') ref = sameRound.length ? sameRound[op.pick % sameRound.length]!.txid : undefined;
      else if (op.ref === 'own' && own.length) ref = own[op.pick % own.length]!.txid;
      else if (op.ref === 'any' && model.allBets.length) ref = model.allBets[op.pick % model.allBets.length]!;
      else if (op.ref !== 'none') ref = `${run}-unknown${i}`;
      return {
        api: 'provider',
        type: 'win',
        p: op.p,
        cents: op.cents,
        fields: {
          transactionID: `${run}-win${i}`,
          roundID,
          amount: amount(op.cents),
          roundClosed: op.closeRoll === 0,
          ...(ref === undefined ? {} : { refTransactionID: ref }),
        },
      };
    }
    case 'rollback': {
      const own = model.betsByPlayer[op.p]!;
      const target =
        op.known && own.length
          ? own[op.pick % own.length]!
          : { txid: ghostOf(op.p, op.ghost), roundID: roundOf(op.slot) };
      return {
        api: 'provider',
        type: 'rollback',
        p: op.p,
        fields: { transactionID: `${run}-rb${i}`, refTransactionID: target.txid, roundID: target.roundID },
      };
    }
    case 'jackpot':
      return {
        api: 'provider',
        type: 'jackpot',
        p: op.p,
        cents: op.cents,
        fields: {
          transactionID: `${run}-jp${i}`,
          roundID: roundOf(op.slot),
          amount: amount(op.cents),
          jackpotID: 'prop',
        },
      };
    case 'replay':
      return model.log.length ? model.log[op.pick % model.log.length]! : null;
    case 'conflict': {
      const stored = [...model.stored.values()];
      if (!stored.length) return null;
      const original = stored[op.pick % stored.length]!.req;
      const fields = { ...original.fields };
      switch (op.how) {
        case 'user':
          return { ...original, p: (original.p + 1) % PLAYERS };
        case 'type':
          if (original.api === 'platform')
            return { ...original, type: original.type === 'deposit' ? 'withdraw' : 'deposit' };
          if (original.type === 'jackpot')
            return {
              api: 'provider',
              type: 'bet',
              p: original.p,
              cents: 0,
              fields: { transactionID: fields.transactionID!, roundID: fields.roundID!, amount: 0 },
            };
          return {
            api: 'provider',
            type: 'jackpot',
            p: original.p,
            cents: 1,
            fields: { transactionID: fields.transactionID!, roundID: fields.roundID!, amount: 0.01, jackpotID: 'prop' },
          };
        case 'round':
        case 'amount':
          // A platform transfer has no round: its amount changes instead.
          if (op.how === 'round' && original.api === 'provider')
            return { ...original, fields: { ...fields, roundID: `${String(fields.roundID)}-other` } };
          if (original.type === 'rollback')
            return { ...original, fields: { ...fields, refTransactionID: `${run}-other${i}` } };
          return {
            ...original,
            cents: (original.cents ?? 0) + 1,
            fields: { ...fields, amount: ((original.cents ?? 0) + 1) / 100 },
          };
      }
      return null;
    }
  }
  return null;
}

/** Runs one generated sequence, checking every answer, then the final balances and the ledger. */
async function runSequence(model: Model, ops: Op[], run: string): Promise<void> {
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const req = concretise(model, op, run, i);
    if (!req) continue;
    await perform(model, req, `${run} step ${i} (${op.kind})`);
    if (op.kind !== 'replay') model.log.push(req);
    if (req.type === 'bet' && op.kind === 'bet') {
      model.betsByPlayer[req.p]!.push({ txid: String(req.fields.transactionID), roundID: String(req.fields.roundID) });
      model.allBets.push(String(req.fields.transactionID));
    }
  }
  for (let p = 0; p < PLAYERS; p++) {
    const read = await world.studio.call('/provider/v1/balance', { token: players[p]!.token });
    if (read.balance !== model.cents[p]! / 100)
      throw new Violation(`${run}: player ${p} ends at ${read.balance}, the model at ${model.cents[p]! / 100}`);
  }
  await assertLedgerConsistent(server.db);
}

let runNo = 0;

test('random sequences of money calls across 3 players keep every answer within the rules and the ledger consistent', async () => {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Date.now() % 2 ** 31;
  const allCodes = new Map<string, number>();
  let firstFailure: string | undefined;
  const property = fc.asyncProperty(fc.array(opArb, { minLength: 10, maxLength: 40 }), async (ops) => {
    const run = `run${++runNo}x${seed.toString(36)}`;
    const initial: number[] = [];
    for (const who of players) {
      const read = await world.studio.call('/provider/v1/balance', { token: who.token });
      initial.push(Math.round(read.balance * 100));
    }
    const model = new Model(initial);
    try {
      await runSequence(model, ops, run);
    } catch (error) {
      firstFailure ??= (error as Error).message;
      throw error;
    }
    for (const [k, n] of model.codes) allCodes.set(k, (allCodes.get(k) ?? 0) + n);
  });
  // Shrinking replays sequences against the live server; the time limit bounds it (and the whole file).
  const details = await fc.check(property, { numRuns: 25, seed, interruptAfterTimeLimit: 40_000 });
  if (details.failed) {
    const cause = (details.errorInstance as Error | null)?.message ?? '';
    throw new Error(
      `ledger property failed; rerun with FC_SEED=${seed}\n${fc.defaultReportMessage(details) ?? ''}\n\nShrunk failure: ${cause}\n\nFirst failure: ${firstFailure ?? ''}`,
    );
  }
  expect(details.numRuns).toBeGreaterThanOrEqual(5);
  if (!details.interrupted) {
    // The generator must reach the interesting answers, or the property proves little.
    const seen = new Set([...allCodes.keys()]);
    for (const must of ['bet:0', 'bet:7', 'win:0', 'win:10', 'rollback:0', 'deposit:0', 'jackpot:0'])
      expect(seen).toContain(must);
    expect([...seen].some((k) => k.endsWith(':11'))).toBe(true);
    expect([...seen].some((k) => k.endsWith(':13'))).toBe(true);
  }
}, 120_000);
