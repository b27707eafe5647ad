// Risk covered: a callback scheme that signs or renders a call differently from PROTOCOL §6.1/§6.2
// (wrong key, extra or missing fields, float amounts), or that reads a bad operator answer as a success
// (money assumed moved that never moved).
import { createHash } from 'node:crypto';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { hmacRequestBody, hmacScheme, readHmacAnswer } from '../../src/callbacks/hmac/hmacScheme';
import { md5Key, md5RequestBody, md5Scheme, readMd5Answer } from '../../src/callbacks/md5/md5Scheme';
import { OperatorTarget, WalletCall } from '../../src/callbacks/walletCallback';
import { Minor } from '../../src/domain/money';
import { verifySign } from '../../src/domain/signing';

const target: OperatorTarget = {
  agentId: 'agent01',
  callbackUrl: 'http://127.0.0.1:1/cb',
  secretKey: 's3cr3t-key',
  saltKey: 'salt-abc',
};
const NOW = 1763700000;

const balanceCall: WalletCall = { kind: 'balance', userId: 'player01', currency: 'EUR' };
const withdrawCall: WalletCall = {
  kind: 'withdraw',
  userId: 'player01',
  currency: 'EUR',
  amount: 1234n as Minor,
  transactionId: 'PTX-BET-1',
  refTransactionId: null,
  roundId: 'round-1',
  gameId: 1566,
  freeSpinId: null,
};
const depositCall: WalletCall = {
  kind: 'deposit',
  userId: 'player01',
  currency: 'EUR',
  amount: 100000n as Minor,
  transactionId: 'PTX-WIN-1',
  refTransactionId: 'PTX-BET-1',
  roundId: 'round-1',
  gameId: 1566,
  freeSpinId: 'fs-1',
};
const rollbackCall: WalletCall = {
  kind: 'rollback',
  userId: 'player01',
  currency: 'EUR',
  amount: 1n as Minor,
  transactionId: 'PTX-RB-1',
  refTransactionId: 'PTX-BET-1',
  roundId: 'round-1',
  gameId: 1566,
  freeSpinId: null,
};

describe('md5 key (PROTOCOL §6.2)', () => {
  test('the test vector: timestamp 1763700000, salt salt-abc', () => {
    expect(md5Key(1763700000, 'salt-abc')).toBe('97548a6ae1b239b8e514941ae96c4634');
  });

  test('is lowercase hex md5 of timestamp + salt for other values too', () => {
    expect(md5Key(1, 'x')).toBe(createHash('md5').update('1x').digest('hex'));
    expect(md5Key(NOW, 'other')).not.toBe(md5Key(NOW, 'salt-abc'));
  });
});

describe('hmacRequestBody (PROTOCOL §6.1)', () => {
  test('a Balance call carries only agentID, userID, currency, timestamp and sign, and verifies with the secret', () => {
    const body = hmacRequestBody(target, balanceCall, NOW);
    expect(Object.keys(body).sort()).toEqual(['agentID', 'currency', 'sign', 'timestamp', 'userID']);
    expect(body).toMatchObject({ agentID: 'agent01', userID: 'player01', currency: 'EUR', timestamp: NOW });
    expect(body.sign).toMatch(/^[0-9A-F]{64}$/);
    expect(verifySign('s3cr3t-key', body)).toBe(true);
    expect(verifySign('another-key', body)).toBe(false);
  });

  test('Withdraw, Deposit and Rollback carry the §6.1 fields, amount in major units', () => {
    const expectedKeys = [
      'agentID',
      'amount',
      'currency',
      'freeSpinID',
      'gameID',
      'refTransactionID',
      'roundID',
      'sign',
      'timestamp',
      'transactionID',
      'userID',
    ];
    const withdraw = hmacRequestBody(target, withdrawCall, NOW);
    expect(Object.keys(withdraw).sort()).toEqual(expectedKeys);
    expect(withdraw).toMatchObject({
      amount: 12.34,
      transactionID: 'PTX-BET-1',
      refTransactionID: null,
      roundID: 'round-1',
      gameID: 1566,
      freeSpinID: null,
    });
    expect(verifySign('s3cr3t-key', withdraw)).toBe(true);

    const deposit = hmacRequestBody(target, depositCall, NOW);
    expect(Object.keys(deposit).sort()).toEqual(expectedKeys);
    expect(deposit).toMatchObject({
      amount: 1000,
      transactionID: 'PTX-WIN-1',
      refTransactionID: 'PTX-BET-1',
      freeSpinID: 'fs-1',
    });
    expect(verifySign('s3cr3t-key', deposit)).toBe(true);

    const rollback = hmacRequestBody(target, rollbackCall, NOW);
    expect(rollback).toMatchObject({ amount: 0.01, transactionID: 'PTX-RB-1', refTransactionID: 'PTX-BET-1' });
    expect(verifySign('s3cr3t-key', rollback)).toBe(true);
  });

  test('amounts follow the currency exponent exactly (JPY 0, KWD 3)', () => {
    expect(hmacRequestBody(target, { ...withdrawCall, currency: 'JPY', amount: 1500n as Minor }, NOW).amount).toBe(
      1500,
    );
    expect(hmacRequestBody(target, { ...withdrawCall, currency: 'KWD', amount: 1234n as Minor }, NOW).amount).toBe(
      1.234,
    );
    expect(hmacRequestBody(target, { ...withdrawCall, amount: 999_999_999_999_999n as Minor }, NOW).amount).toBe(
      9999999999999.99,
    );
  });

  test('a retry of the same call keeps the transactionID; timestamp and sign are fresh', () => {
    const first = hmacRequestBody(target, depositCall, NOW);
    const second = hmacRequestBody(target, depositCall, NOW + 10);
    expect(second.transactionID).toBe(first.transactionID);
    expect(second.timestamp).toBe(NOW + 10);
    expect(second.sign).not.toBe(first.sign);
  });
});

describe('md5RequestBody (PROTOCOL §6.2)', () => {
  const key = '97548a6ae1b239b8e514941ae96c4634';

  test('a balance call carries only action, user_id, currency, timestamp and key', () => {
    const body = md5RequestBody(target, balanceCall, NOW);
    expect(body).toEqual({ action: 'balance', user_id: 'player01', currency: 'EUR', timestamp: NOW, key });
  });

  test('a bet is a debit in integer minor units with rb 0 and no ref_call_id', () => {
    const body = md5RequestBody(target, withdrawCall, NOW);
    expect(body).toEqual({
      action: 'debit',
      user_id: 'player01',
      currency: 'EUR',
      call_id: 'PTX-BET-1',
      round_id: 'round-1',
      game_id: 1566,
      amount: 1234,
      rb: 0,
      timestamp: NOW,
      key,
    });
  });

  test('a win is a credit with rb 0; a rollback is a credit with rb 1 and ref_call_id', () => {
    expect(md5RequestBody(target, depositCall, NOW)).toEqual({
      action: 'credit',
      user_id: 'player01',
      currency: 'EUR',
      call_id: 'PTX-WIN-1',
      round_id: 'round-1',
      game_id: 1566,
      amount: 100000,
      rb: 0,
      timestamp: NOW,
      key,
    });
    expect(md5RequestBody(target, rollbackCall, NOW)).toEqual({
      action: 'credit',
      user_id: 'player01',
      currency: 'EUR',
      call_id: 'PTX-RB-1',
      round_id: 'round-1',
      game_id: 1566,
      amount: 1,
      rb: 1,
      timestamp: NOW,
      key,
      ref_call_id: 'PTX-BET-1',
    });
  });

  test('amount, rb, timestamp and game_id are JSON numbers', () => {
    const body = md5RequestBody(target, { ...withdrawCall, currency: 'KWD', amount: 1234n as Minor }, NOW);
    for (const field of ['amount', 'rb', 'timestamp', 'game_id']) expect(typeof body[field]).toBe('number');
    expect(body.amount).toBe(1234);
  });
});

describe('readHmacAnswer', () => {
  test('code 0 with a valid balance is ok, in minor units', () => {
    expect(
      readHmacAnswer(withdrawCall, 200, { code: 0, message: 'OK', balance: 87.66, platformTransactionID: 'x' }),
    ).toEqual({ outcome: 'ok', balance: 8766n });
    expect(readHmacAnswer(balanceCall, 200, { code: 0, balance: 0 })).toEqual({ outcome: 'ok', balance: 0n });
    expect(readHmacAnswer({ ...balanceCall, currency: 'KWD' }, 200, { code: 0, balance: 1.234 })).toEqual({
      outcome: 'ok',
      balance: 1234n,
    });
  });

  test('code 0 without a balance is a failure', () => {
    expect(readHmacAnswer(withdrawCall, 200, { code: 0, message: 'OK' }).outcome).toBe('failed');
    expect(readHmacAnswer(depositCall, 200, { code: 0, balance: null }).outcome).toBe('failed');
  });

  test('7 on a Withdraw is insufficient funds (with the balance); 7 elsewhere is a failure', () => {
    expect(readHmacAnswer(withdrawCall, 200, { code: 7, balance: 3.5 })).toEqual({
      outcome: 'insufficient',
      balance: 350n,
    });
    expect(readHmacAnswer(depositCall, 200, { code: 7, balance: 3.5 }).outcome).toBe('failed');
    expect(readHmacAnswer(balanceCall, 200, { code: 7, balance: 3.5 }).outcome).toBe('failed');
  });

  test('11 is a duplicate (delivered) for money calls', () => {
    expect(readHmacAnswer(depositCall, 200, { code: 11, balance: 10 })).toEqual({
      outcome: 'duplicate',
      balance: 1000n,
    });
    expect(readHmacAnswer(rollbackCall, 200, { code: 11 })).toEqual({ outcome: 'duplicate', balance: null });
    expect(readHmacAnswer(withdrawCall, 200, { code: 11, balance: 10 })).toEqual({
      outcome: 'duplicate',
      balance: 1000n,
    });
  });

  test('any other code is a failure', () => {
    for (const code of [1, 2, 3, 5, 6, 13, 17, 99, -1])
      expect(readHmacAnswer(depositCall, 200, { code, balance: 10 }).outcome).toBe('failed');
    expect(readHmacAnswer(depositCall, 200, { code: '0', balance: 10 }).outcome).toBe('failed');
    expect(readHmacAnswer(depositCall, 200, { code: 0.5, balance: 10 }).outcome).toBe('failed');
    expect(readHmacAnswer(depositCall, 200, { balance: 10 }).outcome).toBe('failed');
  });

  test('a non-object answer is a failure', () => {
    for (const answer of [null, 'OK', 0, true, [], [{ code: 0, balance: 1 }]])
      expect(readHmacAnswer(depositCall, 200, answer).outcome).toBe('failed');
  });

  test('a balance with too many digits, negative, or not a number is a failure', () => {
    expect(readHmacAnswer(depositCall, 200, { code: 0, balance: 1.234 }).outcome).toBe('failed');
    expect(readHmacAnswer({ ...depositCall, currency: 'JPY' }, 200, { code: 0, balance: 1.5 }).outcome).toBe('failed');
    expect(readHmacAnswer(depositCall, 200, { code: 0, balance: -1 }).outcome).toBe('failed');
    expect(readHmacAnswer(depositCall, 200, { code: 0, balance: '10.00' }).outcome).toBe('failed');
    expect(readHmacAnswer(withdrawCall, 200, { code: 7, balance: 1.234 }).outcome).toBe('failed');
  });

  test('non-200 is a failure whatever the body says', () => {
    for (const status of [201, 204, 301, 400, 500, 503])
      expect(readHmacAnswer(depositCall, status, { code: 0, balance: 10 }).outcome).toBe('failed');
  });
});

describe('readMd5Answer', () => {
  test('code 0 with a valid integer balance is ok', () => {
    expect(readMd5Answer(withdrawCall, 200, { code: 0, balance: 8766 })).toEqual({ outcome: 'ok', balance: 8766n });
    expect(readMd5Answer(balanceCall, 200, { code: 0, balance: 0 })).toEqual({ outcome: 'ok', balance: 0n });
  });

  test('code 0 without a balance is a failure', () => {
    expect(readMd5Answer(withdrawCall, 200, { code: 0 }).outcome).toBe('failed');
    expect(readMd5Answer(depositCall, 200, { code: 0, balance: null }).outcome).toBe('failed');
  });

  test('7 on a debit is insufficient funds; 11 is a duplicate; other codes fail', () => {
    expect(readMd5Answer(withdrawCall, 200, { code: 7, balance: 350 })).toEqual({
      outcome: 'insufficient',
      balance: 350n,
    });
    expect(readMd5Answer(depositCall, 200, { code: 7, balance: 350 }).outcome).toBe('failed');
    expect(readMd5Answer(depositCall, 200, { code: 11, balance: 1000 })).toEqual({
      outcome: 'duplicate',
      balance: 1000n,
    });
    for (const code of [1, 3, 13, 17, 500])
      expect(readMd5Answer(depositCall, 200, { code, balance: 10 }).outcome).toBe('failed');
  });

  test('a non-object answer is a failure', () => {
    for (const answer of [null, 'OK', 0, [], [{ code: 0, balance: 1 }]])
      expect(readMd5Answer(depositCall, 200, answer).outcome).toBe('failed');
  });

  test('a balance that is not integer minor units (fractional, negative, string, too large) is a failure', () => {
    expect(readMd5Answer(depositCall, 200, { code: 0, balance: 10.5 }).outcome).toBe('failed');
    expect(readMd5Answer(depositCall, 200, { code: 0, balance: -1 }).outcome).toBe('failed');
    expect(readMd5Answer(depositCall, 200, { code: 0, balance: '1000' }).outcome).toBe('failed');
    expect(readMd5Answer(depositCall, 200, { code: 0, balance: 1e16 }).outcome).toBe('failed');
    expect(readMd5Answer(withdrawCall, 200, { code: 7, balance: 1.5 }).outcome).toBe('failed');
  });

  test('non-200 is a failure whatever the body says', () => {
    for (const status of [201, 400, 500, 503])
      expect(readMd5Answer(depositCall, status, { code: 0, balance: 10 }).outcome).toBe('failed');
  });
});

describe('the schemes over HTTP (transport failures become failures, never successes)', () => {
  let server: Server;
  let url = '';
  let next: (req: { path: string; body: any }) => { status: number; body: string } | 'hang' = () => ({
    status: 200,
    body: '{}',
  });
  const seen: { path: string; body: any }[] = [];

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      let raw = '';
      for await (const chunk of req) raw += chunk;
      const request = { path: req.url ?? '/', body: JSON.parse(raw) };
      seen.push(request);
      const answer = next(request);
      if (answer === 'hang') return;
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('hmac posts to {callbackUrl}/Withdraw a signed body and reads the answer', async () => {
    next = () => ({
      status: 200,
      body: JSON.stringify({ code: 0, message: 'OK', balance: 87.66, platformTransactionID: 'op-1' }),
    });
    const reply = await hmacScheme.call({ ...target, callbackUrl: `${url}/wallet/` }, withdrawCall, 2_000);
    expect(reply).toEqual({ outcome: 'ok', balance: 8766n, httpStatus: 200, operatorCode: 0 });
    const request = seen[seen.length - 1]!;
    expect(request.path).toBe('/wallet/Withdraw');
    expect(verifySign(target.secretKey, request.body)).toBe(true);
    expect(Math.abs(request.body.timestamp - Date.now() / 1000)).toBeLessThan(5);
  });

  test('md5 posts to the one URL with a key valid for its timestamp', async () => {
    next = () => ({ status: 200, body: JSON.stringify({ code: 0, balance: 100 }) });
    const reply = await md5Scheme.call({ ...target, callbackUrl: `${url}/md5` }, depositCall, 2_000);
    expect(reply).toEqual({ outcome: 'ok', balance: 100n, httpStatus: 200, operatorCode: 0 });
    const request = seen[seen.length - 1]!;
    expect(request.path).toBe('/md5');
    expect(request.body.key).toBe(md5Key(request.body.timestamp, target.saltKey));
  });

  test('HTML, non-200 and silence are failures', async () => {
    next = () => ({ status: 200, body: '<html>maintenance</html>' });
    expect((await hmacScheme.call({ ...target, callbackUrl: url }, withdrawCall, 2_000)).outcome).toBe('failed');
    expect((await md5Scheme.call({ ...target, callbackUrl: url }, withdrawCall, 2_000)).outcome).toBe('failed');
    next = () => ({ status: 500, body: JSON.stringify({ code: 0, balance: 1 }) });
    expect((await hmacScheme.call({ ...target, callbackUrl: url }, depositCall, 2_000)).outcome).toBe('failed');
    expect((await md5Scheme.call({ ...target, callbackUrl: url }, depositCall, 2_000)).outcome).toBe('failed');
    next = () => 'hang';
    const started = Date.now();
    const reply = await hmacScheme.call({ ...target, callbackUrl: url }, withdrawCall, 300);
    expect(reply.outcome).toBe('failed');
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await md5Scheme.call({ ...target, callbackUrl: 'http://127.0.0.1:1/' }, withdrawCall, 500)).outcome).toBe(
      'failed',
    );
  });
});
