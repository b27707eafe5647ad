// Risk covered: an operator going live without a certified wallet or credit, go-live refusals that hide a
// reason, prepaid credit that applies a repeated top-up twice or silently accepts a reused reference, code 18
// refusing anything but real-money launches (money owed to a player must flow), sandbox operators refused,
// unfunded transfer players entering real-money games (PROTOCOL §4 zero-balance rule) while campaign spins
// are refused, /v1/account answering other figures than the back office, and the public application form
// that is not limited per address across processes or whose decisions are not final (PROTOCOL §4, §11).
import { RowDataPacket } from 'mysql2/promise';
import { SignedClient, postJson } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startSecondServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let world: World;

beforeAll(async () => {
  server = await startTestServer('golive');
  world = await buildWorld(await server.admin());
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => server.close());

let seq = 0;
const nextId = (prefix: string) => `${prefix}-${++seq}`;

async function operatorRow(agentID: string): Promise<RowDataPacket> {
  const [rows] = await server.db.query<RowDataPacket[]>('SELECT * FROM operators WHERE agent_id = ?', [agentID]);
  return rows[0]!;
}

async function topUp(agentID: string, amount: number, reference = nextId('top')) {
  const admin = await server.admin();
  return admin.post('/admin/v1/credit/topup', { agentID, amount, reference });
}

async function makeLive(agentID: string) {
  const admin = await server.admin();
  expect((await topUp(agentID, 100)).body.code).toBe(0);
  return admin.ok('/admin/v1/operators/go-live', { agentID });
}

async function insertPassedRun(agentID: string, callbackUrl: string, scheme: string, finishedAgoDays: number) {
  const row = await operatorRow(agentID);
  const finished = new Date(Date.now() - finishedAgoDays * 86_400_000);
  await server.db.query(
    `INSERT INTO certification_runs (operator_id, status, callback_url, scheme, user_id, currency, load_seconds,
       soak_seconds, rate_per_second, checks, started_at, finished_at)
     VALUES (?, 'passed', ?, ?, 'cert-player', 'EUR', 30, 0, 20, '[]', ?, ?)`,
    [row.id, callbackUrl, scheme, finished, finished],
  );
}

describe('go-live fields on operators', () => {
  test('feePercent, creditLimit and peakPerSecond are set by create and update and shown by list; sandbox by default', async () => {
    const admin = await server.admin();
    const agentID = nextId('op-fields');
    await admin.createOperator(agentID, ['EUR'], { feePercent: 12.5, creditLimit: 250.5, peakPerSecond: 40 });
    const listed = (await admin.ok('/admin/v1/operators/list')).operators.find((o: any) => o.agentID === agentID);
    expect(listed).toMatchObject({ status: 'sandbox', feePercent: 12.5, creditLimit: 250.5, peakPerSecond: 40 });
    expect(Number((await operatorRow(agentID)).credit_limit_minor)).toBe(25050);

    const updated = await admin.ok('/admin/v1/operators/update', { agentID, feePercent: 7, creditLimit: 0 });
    expect(updated.operator).toMatchObject({ feePercent: 7, creditLimit: 0, peakPerSecond: 40 });

    const defaults = nextId('op-defaults');
    await admin.createOperator(defaults, ['EUR']);
    const plain = (await admin.ok('/admin/v1/operators/list')).operators.find((o: any) => o.agentID === defaults);
    expect(plain).toMatchObject({ status: 'sandbox', feePercent: 10, creditLimit: 0, peakPerSecond: 10 });
  });

  test.each([
    [{ feePercent: 100.01 }, 'feePercent'],
    [{ feePercent: 1.234 }, 'feePercent'],
    [{ feePercent: -1 }, 'feePercent'],
    [{ creditLimit: -5 }, 'creditLimit'],
    [{ creditLimit: 1.001 }, 'creditLimit'],
    [{ peakPerSecond: 0 }, 'peakPerSecond'],
    [{ status: 'live' }, 'status'],
  ])('operators/update refuses %j with HTTP 400 naming the field', async (fields, name) => {
    const admin = await server.admin();
    const answer = await admin.post('/admin/v1/operators/update', { agentID: world.operator.callerId, ...fields });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(2);
    expect(answer.body.message).toContain(name);
  });
});

describe('operators/go-live', () => {
  test('a seamless operator without certification or credit is refused with HTTP 409 code 12 naming both', async () => {
    const admin = await server.admin();
    const agentID = nextId('op-seamless');
    await admin.createOperator(agentID, ['EUR'], { callbackUrl: 'http://127.0.0.1:9/wallet' });
    const refused = await admin.post('/admin/v1/operators/go-live', { agentID });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe(12);
    expect(refused.body.unmet).toHaveLength(2);
    expect(refused.body.message).toMatch(/certification/);
    expect(refused.body.message).toMatch(/credit/);
    expect((await operatorRow(agentID)).status).toBe('sandbox');
  });

  test('a passed run counts only for the current callbackUrl and scheme and for 30 days', async () => {
    const admin = await server.admin();
    const agentID = nextId('op-cert');
    const url = 'http://127.0.0.1:9/wallet';
    await admin.createOperator(agentID, ['EUR'], { callbackUrl: url });
    expect((await topUp(agentID, 50)).body.code).toBe(0);

    await insertPassedRun(agentID, 'http://127.0.0.1:9/other', 'hmac', 1);
    let refused = await admin.post('/admin/v1/operators/go-live', { agentID });
    expect(refused.status).toBe(409);
    expect(refused.body.unmet).toEqual([expect.stringMatching(/another wallet/)]);

    await insertPassedRun(agentID, url, 'md5', 1);
    await insertPassedRun(agentID, url, 'hmac', 31);
    refused = await admin.post('/admin/v1/operators/go-live', { agentID });
    expect(refused.status).toBe(409);
    expect(refused.body.unmet).toEqual([expect.stringMatching(/more than 30 days ago/)]);

    await insertPassedRun(agentID, url, 'hmac', 29);
    const live = await admin.ok('/admin/v1/operators/go-live', { agentID });
    expect(live.operator).toMatchObject({ agentID, status: 'live' });
    const audit = await admin.ok('/admin/v1/audit/list');
    expect(audit.entries.some((e: any) => e.action === 'operators.go-live' && e.targetId === agentID)).toBe(true);
  });

  test('a transfer operator needs only credit above zero; status sandbox again through operators/update', async () => {
    const admin = await server.admin();
    const agentID = nextId('op-transfer');
    await admin.createOperator(agentID, ['EUR']);
    const refused = await admin.post('/admin/v1/operators/go-live', { agentID });
    expect(refused.body.unmet).toEqual([expect.stringMatching(/credit/)]);
    await makeLive(agentID);
    const back = await admin.ok('/admin/v1/operators/update', { agentID, status: 'sandbox' });
    expect(back.operator.status).toBe('sandbox');
  });

  test('go-live of an unknown operator is HTTP 404; support may not call it (403)', async () => {
    const admin = await server.admin();
    expect((await admin.post('/admin/v1/operators/go-live', { agentID: 'nobody-here' })).status).toBe(404);
  });
});

describe('prepaid credit', () => {
  test('top-ups and adjustments are idempotent on (agentID, reference): 11 for a repeat, 13 for other content', async () => {
    const admin = await server.admin();
    const agentID = nextId('op-credit');
    await admin.createOperator(agentID, ['EUR']);
    const first = await topUp(agentID, 100.25, 'wire-1');
    expect(first.body).toMatchObject({ code: 0, credit: 100.25, entry: { kind: 'topup', amount: 100.25 } });
    const again = await topUp(agentID, 100.25, 'wire-1');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ code: 11, entry: { id: first.body.entry.id, balanceAfter: 100.25 } });
    const other = await topUp(agentID, 99, 'wire-1');
    expect(other.status).toBe(409);
    expect(other.body.code).toBe(13);
    const adjustSameRef = await admin.post('/admin/v1/credit/adjust', {
      agentID,
      amount: 100.25,
      reference: 'wire-1',
      reason: 'x',
    });
    expect(adjustSameRef.body.code).toBe(13);

    const adjusted = await admin.post('/admin/v1/credit/adjust', {
      agentID,
      amount: -0.25,
      reference: 'fix-1',
      reason: 'bank fee',
    });
    expect(adjusted.body).toMatchObject({ code: 0, credit: 100, entry: { kind: 'adjustment', amount: -0.25 } });

    const history = await admin.ok('/admin/v1/credit/history', { agentID });
    expect(history.credit).toBe(100);
    expect(history.entries.map((e: any) => [e.kind, e.amount, e.balanceAfter, e.reference, e.reason])).toEqual([
      ['topup', 100.25, 100.25, 'wire-1', null],
      ['adjustment', -0.25, 100, 'fix-1', 'bank fee'],
    ]);
    const audit = await admin.ok('/admin/v1/audit/list');
    expect(audit.entries.filter((e: any) => e.targetId === agentID && e.action.startsWith('credit.'))).toHaveLength(2);
  });

  test('20 identical top-ups in flight at once apply exactly once', async () => {
    const agentID = nextId('op-race');
    await (await server.admin()).createOperator(agentID, ['EUR']);
    const answers = await Promise.all(Array.from({ length: 20 }, () => topUp(agentID, 5, 'same-ref')));
    expect(answers.filter((a) => a.body.code !== 11)).toEqual([expect.objectContaining({ status: 200 })]);
    expect(answers.filter((a) => a.body.code === 11)).toHaveLength(19);
    const [rows] = await server.db.query<RowDataPacket[]>(
      'SELECT c.balance_minor FROM operator_credit c JOIN operators o ON o.id = c.operator_id WHERE o.agent_id = ?',
      [agentID],
    );
    expect(Number(rows[0]!.balance_minor)).toBe(500);
  });

  test.each([
    ['/admin/v1/credit/topup', { amount: 0, reference: 'z' }],
    ['/admin/v1/credit/topup', { amount: -1, reference: 'z' }],
    ['/admin/v1/credit/topup', { amount: 1.001, reference: 'z' }],
    ['/admin/v1/credit/adjust', { amount: 0, reference: 'z', reason: 'r' }],
    ['/admin/v1/credit/adjust', { amount: 5, reference: 'z' }],
  ])('%s refuses %j with HTTP 400 code 2', async (path, fields) => {
    const answer = await (await server.admin()).post(path, { agentID: world.operator.callerId, ...fields });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(2);
  });

  test('code 18 refuses real-money launches of a live operator out of credit, and nothing else', async () => {
    const admin = await server.admin();
    const live = await buildWorld(admin);
    const agentID = live.operator.callerId;
    const token = await fundedSession(live, 'credit-p1', 50);
    await makeLive(agentID);
    await admin.ok('/admin/v1/credit/adjust', { agentID, amount: -100, reference: 'drain', reason: 'test' });

    const refused = await live.operator.call('/v1/games/launch', {
      userID: 'credit-p1',
      gameID: live.gameId,
      currency: 'EUR',
    });
    expect(refused.code).toBe(18);
    const demo = await live.operator.call('/v1/games/launch', { gameID: live.gameId, currency: 'EUR', demo: true });
    expect(demo.code).toBe(0);
    // The running session, wins, rollbacks, jackpots, deposits and withdrawals keep working.
    const round = nextId('r');
    const bet = await live.studio.call('/provider/v1/bet', {
      token,
      transactionID: nextId('b'),
      roundID: round,
      gameID: live.gameId,
      amount: 2,
    });
    expect(bet).toMatchObject({ code: 0, balance: 48 });
    const bet2 = nextId('b');
    const round2 = nextId('r');
    expect(
      (
        await live.studio.call('/provider/v1/bet', {
          token,
          transactionID: bet2,
          roundID: round2,
          gameID: live.gameId,
          amount: 1,
        })
      ).code,
    ).toBe(0);
    // The stake given back: 47 after the second bet, 48 again after its rollback.
    const rollback = await live.studio.call('/provider/v1/rollback', {
      token,
      transactionID: nextId('rb'),
      refTransactionID: bet2,
      roundID: round2,
      gameID: live.gameId,
    });
    expect(rollback).toMatchObject({ code: 0, balance: 48 });
    const win = await live.studio.call('/provider/v1/win', {
      token,
      transactionID: nextId('w'),
      roundID: round,
      gameID: live.gameId,
      amount: 5,
      roundClosed: true,
    });
    expect(win.code).toBe(0);
    const jackpot = await live.studio.call('/provider/v1/jackpot', {
      token,
      transactionID: nextId('j'),
      roundID: nextId('r'),
      gameID: live.gameId,
      amount: 1,
      jackpotID: 'jp',
    });
    expect(jackpot.code).toBe(0);
    const deposit = await live.operator.call('/v1/player/wallet/deposit', {
      userID: 'credit-p1',
      currency: 'EUR',
      amount: 1,
      transactionID: nextId('d'),
    });
    expect(deposit.code).toBe(0);
    const withdraw = await live.operator.call('/v1/player/wallet/withdraw', {
      userID: 'credit-p1',
      currency: 'EUR',
      amount: 1,
      transactionID: nextId('wd'),
    });
    expect(withdraw.code).toBe(0);

    // Topped up above zero again: launches work at once (the credit is read at launch, never cached).
    expect((await topUp(agentID, 0.01)).body.code).toBe(0);
    const back = await live.operator.call('/v1/games/launch', {
      userID: 'credit-p1',
      gameID: live.gameId,
      currency: 'EUR',
    });
    expect(back.code).toBe(0);
  });

  test('creditLimit lets the credit fall below zero down to minus the limit; a sandbox operator is never refused', async () => {
    const admin = await server.admin();
    const limited = await buildWorld(admin);
    const agentID = limited.operator.callerId;
    await fundedSession(limited, 'limit-p1', 10);
    await makeLive(agentID);
    await admin.ok('/admin/v1/operators/update', { agentID, creditLimit: 10 });
    const launch = () =>
      limited.operator.call('/v1/games/launch', { userID: 'limit-p1', gameID: limited.gameId, currency: 'EUR' });
    await admin.ok('/admin/v1/credit/adjust', { agentID, amount: -109.99, reference: 'l1', reason: 'test' });
    expect((await launch()).code).toBe(0);
    await admin.ok('/admin/v1/credit/adjust', { agentID, amount: -0.01, reference: 'l2', reason: 'test' });
    expect((await launch()).code).toBe(18);
    await admin.ok('/admin/v1/operators/update', { agentID, status: 'sandbox' });
    expect((await launch()).code).toBe(0);
  });
});

describe('zero-balance launches (transfer mode)', () => {
  test('a player with 0 gets code 7 with balance 0; a campaign with spins left on that game lets it in', async () => {
    const player = nextId('zero');
    await world.operator.call('/v1/player/create', { userID: player, currency: 'EUR' });
    const launch = (gameID: number) =>
      world.operator.call('/v1/games/launch', { userID: player, gameID, currency: 'EUR' });
    const refused = await launch(world.gameId);
    expect(refused).toMatchObject({ code: 7, balance: 0 });

    const freeSpinID = nextId('fs');
    const campaign = await world.operator.call('/v1/freespins/create', {
      freeSpinID,
      userIDs: [player],
      gameIDs: [world.gameId],
      spins: 1,
      betAmount: 0.1,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    expect(campaign.code).toBe(0);
    const admitted = await launch(world.gameId);
    expect(admitted.code).toBe(0);
    // The campaign covers its own games only.
    expect((await launch(world.otherGameId)).code).toBe(7);

    // Its last spin used: the wallet is empty again, and so is the way in.
    const spin = await world.studio.call('/provider/v1/bet', {
      token: admitted.token,
      transactionID: nextId('fsb'),
      roundID: nextId('r'),
      gameID: world.gameId,
      amount: 0.1,
      freeSpinID,
    });
    expect(spin.code).toBe(0);
    expect((await launch(world.gameId)).code).toBe(7);
  });

  test('a cancelled campaign does not cover a launch; a deposit does; demo launches need no money', async () => {
    const player = nextId('zero');
    await world.operator.call('/v1/player/create', { userID: player, currency: 'EUR' });
    const freeSpinID = nextId('fs');
    await world.operator.call('/v1/freespins/create', {
      freeSpinID,
      userIDs: [player],
      gameIDs: [world.gameId],
      spins: 3,
      betAmount: 0.1,
      currency: 'EUR',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await world.operator.call('/v1/freespins/cancel', { freeSpinID });
    const launch = () =>
      world.operator.call('/v1/games/launch', { userID: player, gameID: world.gameId, currency: 'EUR' });
    expect((await launch()).code).toBe(7);
    expect(
      (await world.operator.call('/v1/games/launch', { gameID: world.gameId, currency: 'EUR', demo: true })).code,
    ).toBe(0);
    await world.operator.call('/v1/player/wallet/deposit', {
      userID: player,
      currency: 'EUR',
      amount: 0.01,
      transactionID: nextId('d'),
    });
    expect((await launch()).code).toBe(0);
    expect(
      (
        await world.operator.call('/v1/games/launch', {
          userID: 'never-created',
          gameID: world.gameId,
          currency: 'EUR',
        })
      ).code,
    ).toBe(6);
  });
});

describe('/v1/account', () => {
  test('answers the operator its status, mode, currencies and the credit figures the back office shows', async () => {
    const admin = await server.admin();
    const agentID = nextId('op-account');
    const operator = await admin.createOperator(agentID, ['USD', 'EUR'], { feePercent: 8.5, creditLimit: 20 });
    await topUp(agentID, 12.34);
    const account = await operator.call('/v1/account');
    expect(account).toEqual({
      code: 0,
      message: expect.any(String),
      agentID,
      status: 'sandbox',
      mode: 'transfer',
      currencies: ['EUR', 'USD'],
      baseCurrency: 'EUR',
      credit: 12.34,
      creditLimit: 20,
      feePercent: 8.5,
      wallet: null,
    });
    // Live, and a credit movement since: the account follows at once (nothing cached).
    await makeLive(agentID);
    expect(await operator.call('/v1/account')).toMatchObject({ status: 'live', credit: 112.34 });
    const seamlessId = nextId('op-account-sl');
    const seamless = await admin.createOperator(seamlessId, ['EUR'], { callbackUrl: 'http://127.0.0.1:9/wallet' });
    expect(await seamless.call('/v1/account')).toMatchObject({
      mode: 'seamless',
      credit: 0,
      wallet: { state: 'closed' },
    });
    const forged = new SignedClient(server.url, 'agentID', agentID, 'not-the-secret');
    expect((await forged.call('/v1/account')).code).toBe(3);
  });
});

describe('applying for operator access', () => {
  const application = (overrides: Record<string, unknown> = {}) => ({
    company: 'Lucky Star Ltd',
    contactEmail: 'ops@lucky.example',
    website: 'https://lucky.example',
    walletMode: 'seamless',
    currencies: ['EUR', 'USD'],
    peakPerSecond: 25,
    ...overrides,
  });

  test('the page is served and an application is listed, approved once with secrets that work, audited', async () => {
    const page = await fetch(`${server.url}/apply`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/apply/apply.js');
    expect(await (await fetch(`${server.url}/apply/apply.js`)).text()).toContain('/v1/onboarding/apply');

    const submitted = await postJson(`${server.url}/v1/onboarding/apply`, application());
    expect(submitted.status).toBe(200);
    expect(submitted.body).toMatchObject({ code: 0, applicationID: expect.any(String) });
    const applicationID = submitted.body.applicationID as string;
    const admin = await server.admin();
    const pending = await admin.ok('/admin/v1/applications/list', { status: 'pending' });
    expect(pending.applications.find((a: any) => a.applicationID === applicationID)).toMatchObject({
      company: 'Lucky Star Ltd',
      walletMode: 'seamless',
      currencies: ['EUR', 'USD'],
      status: 'pending',
    });

    const agentID = nextId('approved');
    const approved = await admin.ok('/admin/v1/applications/approve', { applicationID, agentID });
    expect(approved).toMatchObject({ agentID, secretKey: expect.any(String), saltKey: expect.any(String) });
    expect(approved.operator).toMatchObject({ status: 'sandbox', peakPerSecond: 25, name: 'Lucky Star Ltd' });
    const operator = new SignedClient(server.url, 'agentID', agentID, approved.secretKey);
    expect(await operator.call('/v1/account')).toMatchObject({ code: 0, status: 'sandbox' });

    const twice = await admin.post('/admin/v1/applications/approve', { applicationID, agentID: nextId('again') });
    expect(twice.status).toBe(409);
    expect(twice.body.code).toBe(2);
    const reject = await admin.post('/admin/v1/applications/reject', { applicationID, reason: 'late' });
    expect(reject.status).toBe(409);
    const listed = await admin.ok('/admin/v1/applications/list', { status: 'approved' });
    expect(listed.applications.find((a: any) => a.applicationID === applicationID)).toMatchObject({
      status: 'approved',
      agentID,
    });
    const audit = await admin.ok('/admin/v1/audit/list');
    const entry = audit.entries.find((e: any) => e.action === 'applications.approve' && e.targetId === applicationID);
    expect(JSON.stringify(entry)).not.toContain(approved.secretKey);
  });

  test('a rejection records the reason; bad fields are code 2', async () => {
    const submitted = await postJson(`${server.url}/v1/onboarding/apply`, application({ walletMode: 'transfer' }));
    const admin = await server.admin();
    const rejected = await admin.ok('/admin/v1/applications/reject', {
      applicationID: submitted.body.applicationID,
      reason: 'no licence',
    });
    expect(rejected.application).toMatchObject({ status: 'rejected', reason: 'no licence' });
    for (const bad of [{ contactEmail: 'nope' }, { currencies: [] }, { walletMode: 'other' }, { company: '' }]) {
      const answer = await postJson(`${server.url}/v1/onboarding/apply`, application(bad));
      expect(answer.status).toBe(200);
      expect(answer.body.code).toBe(2);
    }
  });
});

describe('the application limit per address, across processes', () => {
  let first: TestServer;
  let second: TestServer;
  beforeAll(async () => {
    first = await startTestServer('golive-apply', {}, { workers: false });
    second = await startSecondServer(first);
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  test('past 10 an hour from one address, on any process: HTTP 429 with Retry-After', async () => {
    const body = { company: 'Spam Co', contactEmail: 'a@b.example', walletMode: 'transfer', currencies: ['EUR'] };
    const answers = [];
    for (let i = 0; i < 10; i++)
      answers.push(await postJson(`${(i % 2 ? second : first).url}/v1/onboarding/apply`, body));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    for (const target of [first, second]) {
      const response = await fetch(`${target.url}/v1/onboarding/apply`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(429);
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(3_000);
    }
    const [rows] = await first.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM operator_applications');
    expect(Number(rows[0]!.n)).toBe(10);
  });
});
