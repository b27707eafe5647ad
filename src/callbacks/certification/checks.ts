/**
 * The named functional checks of certification (PROTOCOL §11), each verified with Balance calls around
 * it. A check either returns what it saw (passed) or throws CheckFailed saying what went wrong; the
 * runner keeps the exchanges of a failed check. Each check starts from the balance it reads itself, so
 * one wallet fault fails the check that looks for it and no other.
 */
import { Minor, toMajorString } from '../../domain/money';
import { WalletCall, WalletReply } from '../walletCallback';
import { CertificationTarget, Exchange, Fault, describeReply, exchange } from './certWallet';

export class CheckFailed extends Error {}

/** What a check is given: the wallet (recording every exchange), the player, and fresh ids. */
export class CheckContext {
  exchanges: Exchange[] = [];

  constructor(
    readonly target: CertificationTarget,
    readonly userId: string,
    readonly currency: string,
    readonly timeoutMs: number,
    /** Prefixes every transactionID of this run, so two runs never share one. */
    readonly tag: string,
    /** One major unit in minor units: the amount the checks move. */
    readonly unit: Minor,
  ) {}

  id(name: string): string {
    return `cert-${this.tag}-${name}`;
  }

  money(amount: Minor): string {
    return `${toMajorString(amount, this.currency)} ${this.currency}`;
  }

  async send(call: Omit<WalletCall, 'userId' | 'currency'> & { userId?: string }, fault?: Fault): Promise<WalletReply> {
    const full: WalletCall = {
      userId: this.userId,
      currency: this.currency,
      refTransactionId: null,
      roundId: call.kind === 'balance' ? undefined : `cert-${this.tag}-round`,
      gameId: call.kind === 'balance' ? undefined : 1,
      freeSpinId: null,
      ...call,
    };
    const done = await exchange(this.target, full, this.timeoutMs, fault);
    this.exchanges.push(done.exchange);
    return done.reply;
  }

  /** A Balance that must work: the check fails (naming it) when it does not. */
  async balance(when: string): Promise<Minor> {
    const reply = await this.send({ kind: 'balance' });
    if (reply.outcome !== 'ok' || reply.balance === null)
      throw new CheckFailed(`the Balance ${when} did not work (${describeReply(reply)})`);
    return reply.balance;
  }

  withdraw(transactionId: string, amount: Minor, fault?: Fault): Promise<WalletReply> {
    return this.send({ kind: 'withdraw', transactionId, amount }, fault);
  }

  deposit(transactionId: string, amount: Minor, refTransactionId: string | null): Promise<WalletReply> {
    return this.send({ kind: 'deposit', transactionId, amount, refTransactionId });
  }

  rollback(transactionId: string, amount: Minor, refTransactionId: string): Promise<WalletReply> {
    return this.send({ kind: 'rollback', transactionId, amount, refTransactionId });
  }

  /** The balance now must be `expected`; `what` says what should (not) have moved it. */
  async expectBalance(expected: Minor, what: string): Promise<Minor> {
    const now = await this.balance(`after ${what}`);
    if (now !== expected)
      throw new CheckFailed(
        `after ${what} the balance is ${this.money(now)}, expected ${this.money(expected)} (${now > expected ? 'up' : 'down'} ${this.money((now > expected ? now - expected : expected - now) as Minor)})`,
      );
    return now;
  }
}

const accepted = (reply: WalletReply) => reply.outcome === 'ok';
const acceptedOrDuplicate = (reply: WalletReply) => reply.outcome === 'ok' || reply.outcome === 'duplicate';

function demand(condition: boolean, message: string): void {
  if (!condition) throw new CheckFailed(message);
}

/** The minimum a certification player holds (§11: 10.00 in major units). */
export const MIN_PLAYER_MAJOR = 10;

export type Check = (ctx: CheckContext) => Promise<string>;

/** Every named check, in the order they run. */
export const CHECKS: readonly (readonly [string, Check])[] = [
  [
    'balance',
    async (ctx) => {
      const balance = await ctx.balance('of the player');
      const needed = (ctx.unit * BigInt(MIN_PLAYER_MAJOR)) as Minor;
      demand(balance >= needed, `the player holds ${ctx.money(balance)}; certification needs ${ctx.money(needed)}`);
      return `code 0, balance ${ctx.money(balance)}`;
    },
  ],
  [
    'withdraw',
    async (ctx) => {
      const before = await ctx.balance('before the Withdraw');
      const reply = await ctx.withdraw(ctx.id('w1'), ctx.unit);
      demand(accepted(reply), `a Withdraw of ${ctx.money(ctx.unit)} was not accepted (${describeReply(reply)})`);
      await ctx.expectBalance((before - ctx.unit) as Minor, `a Withdraw of ${ctx.money(ctx.unit)}`);
      return `debited exactly ${ctx.money(ctx.unit)}`;
    },
  ],
  [
    'withdraw-duplicate',
    async (ctx) => {
      const before = await ctx.balance('before the repeated Withdraw');
      const reply = await ctx.withdraw(ctx.id('w1'), ctx.unit);
      demand(acceptedOrDuplicate(reply), `the repeated Withdraw was answered ${describeReply(reply)}, not 0 or 11`);
      await ctx.expectBalance(before, 'the same Withdraw (same transactionID) sent again');
      return 'answered 0 or 11, no second debit';
    },
  ],
  [
    'deposit',
    async (ctx) => {
      const before = await ctx.balance('before the Deposit');
      const reply = await ctx.deposit(ctx.id('d1'), ctx.unit, ctx.id('w1'));
      demand(accepted(reply), `a Deposit of ${ctx.money(ctx.unit)} was not accepted (${describeReply(reply)})`);
      await ctx.expectBalance((before + ctx.unit) as Minor, `a Deposit of ${ctx.money(ctx.unit)}`);
      return `credited exactly ${ctx.money(ctx.unit)}`;
    },
  ],
  [
    'deposit-duplicate',
    async (ctx) => {
      const before = await ctx.balance('before the repeated Deposit');
      const reply = await ctx.deposit(ctx.id('d1'), ctx.unit, ctx.id('w1'));
      demand(acceptedOrDuplicate(reply), `the repeated Deposit was answered ${describeReply(reply)}, not 0 or 11`);
      await ctx.expectBalance(before, 'the same Deposit (same transactionID) sent again');
      return 'answered 0 or 11, no second credit';
    },
  ],
  ['rollback', rollbackCheck],
  ['pre-rollback', preRollbackCheck],
  [
    'insufficient-funds',
    async (ctx) => {
      const before = await ctx.balance('before the Withdraw above the balance');
      const reply = await ctx.withdraw(ctx.id('w-over'), (before + ctx.unit) as Minor);
      demand(
        reply.outcome === 'insufficient',
        `a Withdraw above the balance was answered ${describeReply(reply)}, not code 7`,
      );
      await ctx.expectBalance(before, 'a Withdraw above the balance');
      return 'code 7, nothing moved';
    },
  ],
  ['bad-signature', faultCheck('bad-signature', 'a wrong sign/key')],
  ['stale-timestamp', faultCheck('stale-timestamp', 'a timestamp 120 s old')],
  [
    'unknown-player',
    async (ctx) => {
      const reply = await ctx.send({ kind: 'balance', userId: `cert-nobody-${ctx.tag}`.slice(0, 48) });
      demand(!accepted(reply), 'a Balance for a player that does not exist was answered with code 0');
      return `refused (${describeReply(reply)})`;
    },
  ],
];

async function rollbackCheck(ctx: CheckContext): Promise<string> {
  const before = await ctx.balance('before the Withdraw to roll back');
  const withdrawn = await ctx.withdraw(ctx.id('w2'), ctx.unit);
  demand(accepted(withdrawn), `the Withdraw to roll back was not accepted (${describeReply(withdrawn)})`);
  await ctx.expectBalance((before - ctx.unit) as Minor, 'the Withdraw to roll back');
  const rolledBack = await ctx.rollback(ctx.id('r1'), ctx.unit, ctx.id('w2'));
  demand(accepted(rolledBack), `the Rollback was not accepted (${describeReply(rolledBack)})`);
  await ctx.expectBalance(before, 'the Rollback of that Withdraw');
  const repeated = await ctx.rollback(ctx.id('r1'), ctx.unit, ctx.id('w2'));
  demand(acceptedOrDuplicate(repeated), `the repeated Rollback was answered ${describeReply(repeated)}, not 0 or 11`);
  await ctx.expectBalance(before, 'the same Rollback sent again');
  return 'refunded the Withdraw once; its repeat credited nothing';
}

async function preRollbackCheck(ctx: CheckContext): Promise<string> {
  const before = await ctx.balance('before the Rollback of a Withdraw never sent');
  const rolledBack = await ctx.rollback(ctx.id('r2'), ctx.unit, ctx.id('w3'));
  demand(
    acceptedOrDuplicate(rolledBack),
    `a Rollback of a Withdraw never sent was answered ${describeReply(rolledBack)}, not 0 or 11`,
  );
  await ctx.expectBalance(before, 'a Rollback of a Withdraw the wallet never saw');
  const late = await ctx.withdraw(ctx.id('w3'), ctx.unit);
  demand(!accepted(late), 'the rolled-back Withdraw, sent afterwards, was accepted (code 0): it must be refused');
  await ctx.expectBalance(before, 'the rolled-back Withdraw sent afterwards');
  return `the Rollback credited nothing; the late Withdraw was refused (${describeReply(late)})`;
}

function faultCheck(fault: Fault, what: string): Check {
  return async (ctx) => {
    const before = await ctx.balance(`before a Withdraw with ${what}`);
    const reply = await ctx.withdraw(ctx.id(fault), ctx.unit, fault);
    demand(!accepted(reply), `a Withdraw with ${what} was accepted (code 0): it must be refused`);
    await ctx.expectBalance(before, `a Withdraw with ${what}`);
    return `refused (${describeReply(reply)}), nothing moved`;
  };
}
