/**
 * A zero-latency operator wallet for the seamless scenarios of `npm run bench`: the least an operator's
 * side of PROTOCOL §6.1 (`hmac` scheme) can do, so that what the bench measures is ours, not the
 * wallet's. Run as its own process (`node --import tsx scripts/bench/walletServer.ts`, WALLET_PORT in
 * the environment) so that its CPU is counted apart from our app's and the load generator's.
 *
 *   POST /Balance, /Withdraw, /Deposit, /Rollback  code 0 and a balance (major units)
 *   GET  /health                                   200
 *   POST /__mode   {"mode":"normal"|"down"}        down: every wallet call gets HTTP 503 at once
 *   POST /__stats                                  per agentID: first-time Deposits/Rollbacks answered 0,
 *                                                  with the ms timestamps of the first and the last
 *   POST /__reset                                  forget the stats (not the balances)
 *
 * Deliberately cheap, and therefore NOT a careful operator:
 *   - it does not verify our signature (the tests' FakeOperatorWallet does; here HMAC verification would
 *     add the wallet's CPU to the 2 shared cores the app runs on);
 *   - balances are one number per userID:currency in memory, never short (every player starts rich);
 *   - only Deposits and Rollbacks are de-duplicated by transactionID (a repeat is answered 11, which
 *     counts as delivered); Withdraws are not remembered (every measured bet has a fresh id).
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';

const port = Number(process.env.WALLET_PORT ?? '0');
if (!port) throw new Error('WALLET_PORT is required');

const START_MINOR = 100_000_000_000; // 1e9 major units of a 2-digit currency
const balances = new Map<string, number>();
const delivered = new Set<string>();
let mode: 'normal' | 'down' = 'normal';

interface AgentStats {
  deposits: number;
  rollbacks: number;
  firstAt: number | null;
  lastAt: number | null;
}
let stats = new Map<string, AgentStats>();
let refused = 0;

const KINDS = new Set(['/Balance', '/Withdraw', '/Deposit', '/Rollback']);

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function handle(req: IncomingMessage, res: ServerResponse, raw: string): void {
  const path = (req.url ?? '/').split('?')[0]!;
  if (req.method === 'GET' && path === '/health') return send(res, 200, { status: 'ok' });
  if (req.method !== 'POST') return send(res, 404, { error: 'not found' });
  if (path === '/__stats') return send(res, 200, { mode, refused, agents: Object.fromEntries(stats) });
  if (path === '/__mode') {
    const wanted = (JSON.parse(raw || '{}') as { mode?: string }).mode;
    if (wanted !== 'normal' && wanted !== 'down') return send(res, 400, { error: 'mode must be normal or down' });
    mode = wanted;
    return send(res, 200, { mode });
  }
  if (path === '/__reset') {
    stats = new Map();
    refused = 0;
    return send(res, 200, { ok: true });
  }
  // The callbackUrl is a base URL: the kind is the last path segment.
  const kind = path.slice(path.lastIndexOf('/'));
  if (!KINDS.has(kind)) return send(res, 404, { error: 'not found' });
  if (mode === 'down') {
    refused++;
    return send(res, 503, { error: 'down' });
  }
  const body = JSON.parse(raw) as {
    agentID: string;
    userID: string;
    currency: string;
    amount?: number;
    transactionID?: string;
  };
  const key = `${body.userID}:${body.currency}`;
  let balance = balances.get(key) ?? START_MINOR;
  if (kind === '/Balance') return send(res, 200, { code: 0, message: 'OK', balance: balance / 100 });
  const amount = Math.round((body.amount ?? 0) * 100);
  const id = String(body.transactionID);
  if (kind === '/Withdraw') {
    balance -= amount;
  } else {
    if (delivered.has(id)) return send(res, 200, { code: 11, message: 'duplicate', balance: balance / 100 });
    delivered.add(id);
    balance += amount;
    const now = Date.now();
    let agent = stats.get(body.agentID);
    if (!agent) stats.set(body.agentID, (agent = { deposits: 0, rollbacks: 0, firstAt: null, lastAt: null }));
    if (kind === '/Deposit') agent.deposits++;
    else agent.rollbacks++;
    agent.firstAt ??= now;
    agent.lastAt = now;
  }
  balances.set(key, balance);
  return send(res, 200, { code: 0, message: 'OK', balance: balance / 100, platformTransactionID: `op-${id}` });
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    try {
      handle(req, res, Buffer.concat(chunks).toString('utf8'));
    } catch (error) {
      send(res, 400, { code: 2, message: error instanceof Error ? error.message : String(error) });
    }
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  });
}
