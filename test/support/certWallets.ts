/**
 * Operator wallets for certification tests (PROTOCOL §11), real HTTP servers speaking §6.1 (`hmac`) or
 * §6.2 (`md5`). `correct` is what a careful operator builds: signature and timestamp checked, repeats
 * de-duplicated by transactionID, a Rollback of a Withdraw it never saw credits nothing and refuses that
 * Withdraw later, code 7 when funds are short, code 6 for a player it does not know. Each flaw breaks
 * exactly one of those rules, the way real wallets get them wrong.
 */
import { createHash } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { isWithinWindow, verifySign } from '../../src/domain/signing';

export type WalletFlaw =
  | 'correct'
  /** Applies a repeated transactionID again. */
  | 'duplicates-twice'
  /** Never checks `sign` / `key`. */
  | 'accepts-bad-signature'
  /** Credits a Rollback of a Withdraw it never saw, then debits that Withdraw when it arrives. */
  | 'blind-rollback'
  /** Credits nothing for a Rollback of a Withdraw it never saw, but keeps no tombstone: debits that Withdraw later. */
  | 'no-tombstone'
  /** Correct, but every answer takes 400 ms. */
  | 'slow';

export const SLOW_ANSWER_MS = 400;

interface Call {
  kind: 'balance' | 'withdraw' | 'deposit' | 'rollback';
  user: string;
  id: string;
  ref: string | null;
  amount: bigint;
}

export class CertWallet {
  /** Balances in minor units by user. */
  readonly balances = new Map<string, bigint>();
  /** transactionID → the balance after it, and whether it was a Withdraw that moved money. */
  private readonly seen = new Map<string, { after: bigint; kind: Call['kind']; amount: bigint }>();
  /** Withdraw ids rolled back before they arrived. */
  private readonly tombstones = new Set<string>();
  readonly requests: { path: string; body: Record<string, any> }[] = [];
  private server!: Server;
  url = '';
  secretKey = '';
  saltKey = '';

  constructor(
    readonly scheme: 'hmac' | 'md5',
    readonly flaw: WalletFlaw = 'correct',
    readonly exponent = 2,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    this.url = this.scheme === 'hmac' ? base : `${base}/wallet`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  fund(user: string, minor: bigint): void {
    this.balances.set(user, minor);
  }

  private authentic(body: Record<string, any>): boolean {
    if (this.flaw === 'accepts-bad-signature') return true;
    if (this.scheme === 'hmac') return verifySign(this.secretKey, body);
    return body.key === createHash('md5').update(`${body.timestamp}${this.saltKey}`).digest('hex');
  }

  private parse(path: string, body: Record<string, any>): Call {
    if (this.scheme === 'hmac') {
      const kind = (
        { '/Balance': 'balance', '/Withdraw': 'withdraw', '/Deposit': 'deposit', '/Rollback': 'rollback' } as const
      )[path as '/Balance'];
      return {
        kind,
        user: body.userID,
        id: String(body.transactionID),
        ref: body.refTransactionID ?? null,
        amount: BigInt(Math.round(Number(body.amount ?? 0) * 10 ** this.exponent)),
      };
    }
    const kind =
      body.action === 'balance'
        ? 'balance'
        : body.action === 'debit'
          ? 'withdraw'
          : body.rb === 1
            ? 'rollback'
            : 'deposit';
    return {
      kind,
      user: body.user_id,
      id: String(body.call_id),
      ref: body.ref_call_id ?? null,
      amount: BigInt(body.amount ?? 0),
    };
  }

  private render(minor: bigint): number {
    return this.scheme === 'md5' ? Number(minor) : Number(minor) / 10 ** this.exponent;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw || '{}') as Record<string, any>;
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({ path, body });
    const answer = this.answer(path, body);
    if (this.flaw === 'slow') await new Promise((resolve) => setTimeout(resolve, SLOW_ANSWER_MS));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
  }

  private answer(path: string, body: Record<string, any>): Record<string, unknown> {
    if (!this.authentic(body)) return { code: 3, message: 'invalid signature' };
    if (!isWithinWindow(Number(body.timestamp), Date.now(), 30)) return { code: 4, message: 'stale timestamp' };
    const call = this.parse(this.scheme === 'hmac' ? path.slice(path.lastIndexOf('/')) : path, body);
    const balance = this.balances.get(call.user);
    if (balance === undefined) return { code: 6, message: 'unknown player' };
    if (call.kind === 'balance') return { code: 0, message: 'OK', balance: this.render(balance) };
    const repeat = this.seen.get(call.id);
    if (repeat && this.flaw !== 'duplicates-twice')
      return { code: 11, message: 'duplicate', balance: this.render(repeat.after) };
    return this.apply(call, balance);
  }

  private apply(call: Call, balance: bigint): Record<string, unknown> {
    const careful = this.flaw !== 'blind-rollback';
    let after = balance;
    if (call.kind === 'withdraw') {
      if (careful && this.flaw !== 'no-tombstone' && this.tombstones.has(call.id))
        return { code: 10, message: 'rolled back before it arrived' };
      if (call.amount > balance) return { code: 7, message: 'insufficient funds', balance: this.render(balance) };
      after = balance - call.amount;
    } else if (call.kind === 'deposit') {
      after = balance + call.amount;
    } else {
      const reversed = call.ref ? this.seen.get(call.ref) : undefined;
      if (reversed?.kind === 'withdraw') after = balance + reversed.amount;
      else if (!careful) after = balance + call.amount;
      else if (call.ref) this.tombstones.add(call.ref);
    }
    this.balances.set(call.user, after);
    this.seen.set(call.id, { after, kind: call.kind, amount: call.amount });
    return { code: 0, message: 'OK', balance: this.render(after), platformTransactionID: `op-${call.id}` };
  }
}
