/**
 * A fake operator wallet that is a real HTTP server, for seamless-mode tests: it implements PROTOCOL
 * §6.1 (`hmac`) and §6.2 (`md5`), verifies our signature on every call, keeps balances in minor units
 * and de-duplicates by transactionID exactly as a careful operator does. Behaviour can be scripted:
 * failing a number of times, hanging, answering garbage, or being down.
 */
import { createHash } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { verifySign } from '../../src/domain/signing';

export interface RecordedCall {
  scheme: 'hmac' | 'md5';
  kind: 'balance' | 'withdraw' | 'deposit' | 'rollback';
  body: Record<string, any>;
  signatureValid: boolean;
  answeredStatus: number;
  at: number;
}

export type Behaviour =
  | { mode: 'normal' }
  | { mode: 'fail'; times: number; status?: number }
  | { mode: 'down' }
  /**
   * Never answers (calls of `kinds` only, when given); with `apply`, applies the call first and then never
   * answers (a lost answer).
   */
  | { mode: 'hang'; kinds?: string[]; apply?: boolean }
  | { mode: 'garbage' }
  /**
   * Answers 200 and then streams a body without end (FLOOD_LIMIT_BYTES at most), chunked or, with
   * `declareLength`, under a Content-Length that large: an operator wallet gone wrong.
   */
  | { mode: 'flood'; declareLength?: boolean };

/** Where a flood stops if nobody hangs up: 256 MB, the answer that once took the app to 2 GB. */
export const FLOOD_LIMIT_BYTES = 256 * 1024 * 1024;

export class FakeOperatorWallet {
  readonly calls: RecordedCall[] = [];
  /** Balances in minor units by `${userID}:${currency}`. */
  readonly balances = new Map<string, bigint>();
  /** transactionID (hmac) or call_id (md5) already applied, with the balance after it. */
  readonly applied = new Map<string, bigint>();
  behaviour: Behaviour = { mode: 'normal' };
  /**
   * Off by default (a Rollback is then a plain credit). On: a Rollback whose referenced Withdraw was never
   * applied here credits nothing (answered 0 with the balance unchanged), as a careful operator does.
   */
  strictRollbacks = false;
  /** Bytes of flood bodies handed to the socket, and floods that ended (we hung up, or the limit). */
  floodBytesWritten = 0;
  floodsEnded = 0;
  private server!: Server;
  private failuresLeft = 0;
  url = '';

  constructor(
    readonly secretKey: () => string,
    readonly saltKey: () => string,
    readonly exponent = 2,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  setBehaviour(behaviour: Behaviour): void {
    this.behaviour = behaviour;
    this.failuresLeft = behaviour.mode === 'fail' ? behaviour.times : 0;
  }

  fund(userID: string, currency: string, minor: bigint): void {
    this.balances.set(`${userID}:${currency}`, minor);
  }

  balanceOf(userID: string, currency: string): bigint {
    return this.balances.get(`${userID}:${currency}`) ?? 0n;
  }

  callsOf(kind: RecordedCall['kind']): RecordedCall[] {
    return this.calls.filter((c) => c.kind === kind);
  }

  /** Writes as fast as the client reads, until it hangs up or the limit is reached. */
  private flood(res: ServerResponse, record: RecordedCall, declareLength: boolean): void {
    record.answeredStatus = 200;
    res.writeHead(200, {
      'content-type': 'application/json',
      ...(declareLength ? { 'content-length': String(FLOOD_LIMIT_BYTES) } : {}),
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let written = 0;
    res.once('close', () => this.floodsEnded++);
    const pump = (): void => {
      while (!res.destroyed && written < FLOOD_LIMIT_BYTES) {
        written += chunk.length;
        this.floodBytesWritten += chunk.length;
        if (!res.write(chunk)) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    pump();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw || '{}');
    const path = (req.url ?? '/').split('?')[0]!;
    const hmacKind = (
      { '/Balance': 'balance', '/Withdraw': 'withdraw', '/Deposit': 'deposit', '/Rollback': 'rollback' } as const
    )[path.slice(path.lastIndexOf('/')) as '/Balance'];
    const scheme: 'hmac' | 'md5' = hmacKind ? 'hmac' : 'md5';
    const kind: RecordedCall['kind'] =
      hmacKind ??
      (body.action === 'balance'
        ? 'balance'
        : body.action === 'debit'
          ? 'withdraw'
          : body.rb === 1
            ? 'rollback'
            : 'deposit');
    const signatureValid =
      scheme === 'hmac'
        ? verifySign(this.secretKey(), body)
        : body.key === createHash('md5').update(`${body.timestamp}${this.saltKey()}`).digest('hex');
    const record: RecordedCall = { scheme, kind, body, signatureValid, answeredStatus: 0, at: Date.now() };
    this.calls.push(record);
    const send = (status: number, payload: unknown) => {
      record.answeredStatus = status;
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
    };
    const b = this.behaviour;
    let silent = false;
    if (b.mode === 'hang' && (!b.kinds || b.kinds.includes(kind))) {
      if (!b.apply || !signatureValid) return; // never answers
      silent = true; // applies below, then never answers
    }
    const sendOrHang = (status: number, payload: unknown) => (silent ? undefined : send(status, payload));
    if (b.mode === 'down') return send(503, { error: 'down' });
    if (b.mode === 'garbage') return send(200, '<html>not json</html>');
    if (b.mode === 'flood') return this.flood(res, record, b.declareLength === true);
    if (b.mode === 'fail' && this.failuresLeft > 0) {
      this.failuresLeft--;
      return send(b.status ?? 500, { error: 'temporary' });
    }
    if (!signatureValid) return send(200, { code: 3, message: 'bad signature' });

    const userID = scheme === 'hmac' ? body.userID : body.user_id;
    const key = `${userID}:${body.currency}`;
    const balance = this.balances.get(key) ?? 0n;
    const render = (minor: bigint) => (scheme === 'md5' ? Number(minor) : Number(minor) / 10 ** this.exponent);
    if (kind === 'balance') return sendOrHang(200, { code: 0, message: 'OK', balance: render(balance) });
    const id = String(scheme === 'hmac' ? body.transactionID : body.call_id);
    const amount = scheme === 'md5' ? BigInt(body.amount) : BigInt(Math.round(body.amount * 10 ** this.exponent));
    if (this.applied.has(id))
      return sendOrHang(200, { code: 11, message: 'duplicate', balance: render(this.applied.get(id)!) });
    if (kind === 'withdraw' && amount > balance)
      return sendOrHang(200, { code: 7, message: 'insufficient funds', balance: render(balance) });
    if (kind === 'rollback' && this.strictRollbacks) {
      const ref = String(scheme === 'hmac' ? body.refTransactionID : body.ref_call_id);
      if (!this.applied.has(ref)) {
        this.applied.set(id, balance);
        return sendOrHang(200, {
          code: 0,
          message: 'OK (nothing to reverse)',
          balance: render(balance),
          platformTransactionID: `op-${id}`,
        });
      }
    }
    const after = kind === 'withdraw' ? balance - amount : balance + amount;
    this.balances.set(key, after);
    this.applied.set(id, after);
    return sendOrHang(200, { code: 0, message: 'OK', balance: render(after), platformTransactionID: `op-${id}` });
  }
}
