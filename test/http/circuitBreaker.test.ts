// Risk covered: a failing operator wallet hurting everyone (PROTOCOL §6.3): bets and balance reads keep
// waiting for the timeout after the wallet is known down, a breaker-refused bet debited later or owed a
// Rollback, processes disagreeing on the state, no trial after the open period, a failed trial leaving
// it closed, a Deposit tried inline while it is open, the state missing from operators/list and
// /metrics.
import { RowDataPacket } from 'mysql2/promise';
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startSecondServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld } from '../support/world';

const TIMEOUT_MS = 300;
const OPEN_S = 2;

let server: TestServer;
let second: TestServer;
let admin: AdminClient;
let world: World;
const wallets: FakeOperatorWallet[] = [];

beforeAll(async () => {
  const env = {
    CALLBACK_TIMEOUT_MS: String(TIMEOUT_MS),
    CALLBACK_BREAKER_FAILURES: '5',
    CALLBACK_BREAKER_OPEN_S: String(OPEN_S),
    CALLBACK_RETRY_DELAY_MS: '60000',
  };
  server = await startTestServer('breaker', env);
  second = await startSecondServer(server, env);
  admin = await server.admin();
  world = await buildWorld(admin, { currencies: ['EUR'] });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db, { callbackTimeoutMs: TIMEOUT_MS });
});
afterAll(async () => {
  await second.close();
  await server.close();
  for (const wallet of wallets) await wallet.stop();
});

let seq = 0;
async function seamlessOperator(): Promise<{ agentID: string; op: SignedClient; wallet: FakeOperatorWallet }> {
  const keys = { secret: '', salt: '' };
  const wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  wallets.push(wallet);
  const agentID = `brk-${++seq}`;
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID,
    name: `Breaker ${seq}`,
    currencies: ['EUR'],
    callbackUrl: wallet.url,
    callbackScheme: 'hmac',
  });
  keys.secret = created.secretKey;
  keys.salt = created.saltKey;
  return { agentID, op: new SignedClient(server.url, 'agentID', agentID, created.secretKey), wallet };
}

/** A bet through `via`, timed. */
async function timedBet(via: TestServer, token: string, transactionID: string): Promise<{ body: any; ms: number }> {
  const started = performance.now();
  const answer = await postJson(
    `${via.url}/provider/v1/bet`,
    world.studio.body({ token, transactionID, roundID: `r-${transactionID}`, gameID: world.gameId, amount: 1 }),
  );
  expect(answer.status).toBe(200);
  return { body: answer.body, ms: performance.now() - started };
}

async function walletState(via: TestServer, agentID: string): Promise<string | undefined> {
  const client = await via.admin();
  const listed = await client.ok('/admin/v1/operators/list');
  return (listed.operators as any[]).find((op) => op.agentID === agentID)?.wallet?.state;
}

async function rollbacksOwed(agentID: string): Promise<number> {
  const [rows] = await server.db.query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM callback_deliveries d JOIN operators o ON o.id = d.operator_id
     WHERE o.agent_id = ? AND d.kind = 'rollback'`,
    [agentID],
  );
  return Number(rows[0]!.n);
}

test('wallet down: 5 bets wait for the timeout, then 17 fast without a call in both processes; one trial after the open period closes it', async () => {
  const s = await seamlessOperator();
  s.wallet.fund('brk-player-1', 'EUR', 100_000n);
  const launched = await s.op.call('/v1/games/launch', {
    userID: 'brk-player-1',
    gameID: world.gameId,
    currency: 'EUR',
  });
  const token = launched.token as string;
  expect(await walletState(server, s.agentID)).toBe('closed');

  s.wallet.setBehaviour({ mode: 'hang' });
  for (let i = 1; i <= 5; i++) {
    const { body, ms } = await timedBet(server, token, `brk1-slow-${i}`);
    expect(body.code).toBe(17);
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
  }
  expect(s.wallet.callsOf('withdraw')).toHaveLength(5);
  expect(await walletState(server, s.agentID)).toBe('open');

  // Open: answered at once, nothing sent, in this process and in the other one.
  for (const via of [server, second, server, second]) {
    const { body, ms } = await timedBet(via, token, `brk1-fast-${via === server ? 'a' : 'b'}-${seq++}`);
    expect(body).toMatchObject({ code: 17 });
    expect(ms).toBeLessThan(100);
  }
  const balance = await postJson(`${second.url}/provider/v1/balance`, world.studio.body({ token }));
  expect(balance.body.code).toBe(17);
  expect(s.wallet.callsOf('withdraw')).toHaveLength(5);
  expect(s.wallet.callsOf('balance')).toHaveLength(0);
  expect(await walletState(second, s.agentID)).toBe('open');
  // The operator sees it too (PROTOCOL §4 /v1/account, §6.3), from either process.
  const account = await postJson(`${second.url}/v1/account`, s.op.body({}));
  expect(account.body).toMatchObject({ code: 0, mode: 'seamless', wallet: { state: 'open' } });
  // Real-money launches get 17 while it is open; demo launches do not need the wallet.
  const refusedLaunch = await s.op.call('/v1/games/launch', {
    userID: 'brk-player-1',
    gameID: world.gameId,
    currency: 'EUR',
  });
  expect(refusedLaunch.code).toBe(17);
  expect((await s.op.call('/v1/games/launch', { gameID: world.gameId, currency: 'EUR', demo: true })).code).toBe(0);
  // Only the 5 bets that were sent are owed a compensating Rollback; the refused ones sent nothing.
  expect(await rollbacksOwed(s.agentID)).toBe(5);
  // Money owed to the player while it is open: answered at once (code 0), stored and queued, no inline try.
  const started = performance.now();
  const jackpot = await postJson(
    `${second.url}/provider/v1/jackpot`,
    world.studio.body({
      token,
      transactionID: 'brk1-jackpot',
      roundID: 'r-brk1-jackpot',
      gameID: world.gameId,
      amount: 3,
      jackpotID: 'jp-brk',
    }),
  );
  expect(jackpot.body.code).toBe(0);
  // An inline try at the hanging wallet would have waited out CALLBACK_TIMEOUT_MS.
  expect(performance.now() - started).toBeLessThan(TIMEOUT_MS);
  expect(s.wallet.callsOf('deposit')).toHaveLength(0);
  const [queued] = await server.db.query<RowDataPacket[]>(
    `SELECT d.status FROM callback_deliveries d JOIN operators o ON o.id = d.operator_id
      WHERE o.agent_id = ? AND d.kind = 'deposit'`,
    [s.agentID],
  );
  expect(queued.map((row) => row.status)).toEqual(['pending']);

  // After the open period exactly one call goes through; it succeeds and closes the breaker.
  s.wallet.setBehaviour({ mode: 'normal' });
  let n = 0;
  const passed = await until(
    'a bet let through after the open period',
    async () => {
      const { body } = await timedBet(n % 2 ? second : server, token, `brk1-after-${n++}`);
      return body.code === 0 ? body : null;
    },
    (OPEN_S + 3) * 1000,
    100,
  );
  expect(passed.code).toBe(0);
  expect(s.wallet.callsOf('withdraw')).toHaveLength(6);
  expect(await walletState(server, s.agentID)).toBe('closed');
  await until('the other process sees it closed', async () => (await walletState(second, s.agentID)) === 'closed');
  expect((await timedBet(second, token, 'brk1-closed')).body.code).toBe(0);

  // A bet refused by the open breaker is remembered: its retry is 17 again and never debits.
  const retried = await timedBet(server, token, 'brk1-fast-a-1');
  expect(retried.body.code).toBe(17);
  expect(s.wallet.callsOf('withdraw')).toHaveLength(7);

  const metrics = await fetch(`${server.url}/metrics`).then((r) => r.text());
  expect(metrics).toMatch(new RegExp(`callback_breaker_transitions_total\\{agentID="${s.agentID}",to="open"\\} 1`));
  const both = metrics + (await fetch(`${second.url}/metrics`).then((r) => r.text()));
  expect(both).toMatch(new RegExp(`callback_breaker_transitions_total\\{agentID="${s.agentID}",to="closed"\\} 1`));
}, 30_000);

test('a failed half-open trial opens it again; a wallet answering refusals properly never opens it', async () => {
  const s = await seamlessOperator();
  s.wallet.fund('brk-player-2', 'EUR', 100_000n);
  const token = (await s.op.call('/v1/games/launch', { userID: 'brk-player-2', gameID: world.gameId, currency: 'EUR' }))
    .token as string;
  s.wallet.setBehaviour({ mode: 'down' });
  for (let i = 1; i <= 5; i++) expect((await timedBet(server, token, `brk2-down-${i}`)).body.code).toBe(17);
  expect(await walletState(server, s.agentID)).toBe('open');
  const sent = s.wallet.callsOf('withdraw').length;
  await until(
    'the trial call',
    async () => {
      await timedBet(server, token, `brk2-poll-${seq++}`);
      return s.wallet.callsOf('withdraw').length > sent;
    },
    (OPEN_S + 3) * 1000,
    100,
  );
  expect(s.wallet.callsOf('withdraw')).toHaveLength(sent + 1);
  expect(await walletState(second, s.agentID)).toBe('open');
  const { body, ms } = await timedBet(second, token, 'brk2-after-trial');
  expect(body.code).toBe(17);
  expect(ms).toBeLessThan(100);
  expect(s.wallet.callsOf('withdraw')).toHaveLength(sent + 1);

  // Insufficient funds (code 7) is the wallet working: twenty of them in a row leave it closed.
  const t = await seamlessOperator();
  t.wallet.fund('brk-player-3', 'EUR', 0n);
  const poor = (await t.op.call('/v1/games/launch', { userID: 'brk-player-3', gameID: world.gameId, currency: 'EUR' }))
    .token as string;
  for (let i = 1; i <= 8; i++) expect((await timedBet(server, poor, `brk3-poor-${i}`)).body.code).toBe(7);
  expect(await walletState(server, t.agentID)).toBe('closed');
}, 30_000);
