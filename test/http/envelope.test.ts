// Risk covered: an envelope check that is missing, too lenient or in the wrong order (PROTOCOL §2, §3):
// a forged, replayed or unsigned request reaching the money, or a refusal that tells the caller the wrong thing.
import { gzipSync } from 'node:zlib';
import { computeSign, signBody } from '../../src/domain/signing';
import { AdminClient, HttpAnswer, SignedClient, postJson } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';

let server: TestServer;
let admin: AdminClient;
let op: SignedClient;

const AGENT = 'op-envelope';
const PLAYER = 'env00001';

beforeAll(async () => {
  server = await startTestServer('envelope');
  admin = await server.admin();
  op = await admin.createOperator(AGENT, ['EUR']);
  expect(await op.call('/v1/player/create', { userID: PLAYER, currency: 'EUR' })).toMatchObject({ code: 0 });
  expect(
    await op.call('/v1/player/wallet/deposit', { userID: PLAYER, currency: 'EUR', amount: 10, transactionID: txId() }),
  ).toMatchObject({
    code: 0,
    balance: 10,
  });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
});

let seq = 0;
function txId(): string {
  return `env-${Date.now()}-${seq++}`;
}

const nowS = () => Math.floor(Date.now() / 1000);
const OTHER_SECRET = 'f'.repeat(64);

/** A raw HTTP call with any body, content type and method: what a broken integration might send. */
async function raw(
  path: string,
  init: { method?: string; body?: string | Uint8Array; contentType?: string | null; headers?: Record<string, string> },
): Promise<HttpAnswer & { contentType: string | null }> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.contentType) headers['content-type'] = init.contentType;
  const response = await fetch(server.url + path, { method: init.method ?? 'POST', headers, body: init.body });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep the text: the assertions below will say it is not JSON */
  }
  return { status: response.status, body, contentType: response.headers.get('content-type') };
}

function expectJsonRefusal(answer: HttpAnswer & { contentType: string | null }, status: number): void {
  expect(answer.status).toBe(status);
  expect(answer.contentType).toMatch(/^application\/json/);
  expect(answer.body).toEqual({ code: expect.any(Number), message: expect.any(String) });
  expect(answer.body.code).not.toBe(0);
}

const post = (path: string, body: unknown) => postJson(server.url + path, body);

/** What the operator can see of the player: balance and its full transaction list. */
async function snapshot(): Promise<{ balance: number; transactions: unknown[] }> {
  const balance = await op.call('/v1/player/balance', { userID: PLAYER, currency: 'EUR' });
  expect(balance.code).toBe(0);
  const transactions = await op.call('/v1/transactions', { userID: PLAYER, limit: 1000 });
  expect(transactions.code).toBe(0);
  expect(transactions.nextCursor).toBeNull();
  return { balance: balance.balance as number, transactions: transactions.transactions as unknown[] };
}

describe('what is not an API call at all gets a non-200 JSON answer', () => {
  test('invalid JSON is HTTP 400', async () => {
    expectJsonRefusal(
      await raw('/v1/player/balance', { body: '{"agentID": "op-envelope",', contentType: 'application/json' }),
      400,
    );
    expect(
      (await raw('/v1/player/balance', { body: '{"agentID": "op-envelope",', contentType: 'application/json' })).body
        .code,
    ).toBe(2);
  });

  test('a JSON array, string, number, null or boolean is HTTP 400', async () => {
    for (const body of [
      '[]',
      JSON.stringify([op.body({ userID: PLAYER, currency: 'EUR' })]),
      '"hello"',
      '42',
      'null',
      'true',
    ]) {
      const answer = await raw('/v1/player/balance', { body, contentType: 'application/json' });
      expectJsonRefusal(answer, 400);
      expect(answer.body.code).toBe(2);
    }
  });

  test('a valid signed JSON object sent as text/plain, or without a content type, is HTTP 400', async () => {
    const body = JSON.stringify(op.body({ userID: PLAYER, currency: 'EUR' }));
    expectJsonRefusal(await raw('/v1/player/balance', { body, contentType: 'text/plain' }), 400);
    expectJsonRefusal(
      await raw('/v1/player/balance', { body: new TextEncoder().encode(body), contentType: null }),
      400,
    );
    expectJsonRefusal(await raw('/v1/player/balance', { body, contentType: 'application/x-www-form-urlencoded' }), 400);
    // The same body as application/json is accepted: the refusals above are about the content type alone.
    const accepted = await raw('/v1/player/balance', { body, contentType: 'application/json' });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ code: 0, currency: 'EUR' });
  });

  test('an empty body is HTTP 400', async () => {
    expectJsonRefusal(await raw('/v1/player/balance', { body: '', contentType: 'application/json' }), 400);
  });

  test('an array body is refused with 400 before the caller is looked at', async () => {
    // Even an array holding a perfectly signed request: the body check comes first.
    const answer = await raw('/v1/player/wallet/deposit', {
      body: JSON.stringify([op.body({ userID: PLAYER, currency: 'EUR', amount: 1, transactionID: txId() })]),
      contentType: 'application/json',
    });
    expectJsonRefusal(answer, 400);
  });

  test('an unknown path is HTTP 404, signed or not', async () => {
    expectJsonRefusal(
      await raw('/v1/player/nothing', {
        body: JSON.stringify(op.body({ userID: PLAYER })),
        contentType: 'application/json',
      }),
      404,
    );
    expectJsonRefusal(await raw('/v1/nothing', { body: '{}', contentType: 'application/json' }), 404);
    expectJsonRefusal(await raw('/nothing', { method: 'GET' }), 404);
  });

  test('GET (or another method) on a POST path is HTTP 404', async () => {
    expectJsonRefusal(await raw('/v1/player/balance', { method: 'GET' }), 404);
    expectJsonRefusal(await raw('/v1/player/wallet/deposit', { method: 'GET' }), 404);
    expectJsonRefusal(
      await raw('/v1/player/wallet/deposit', {
        method: 'PUT',
        body: JSON.stringify(op.body({ userID: PLAYER })),
        contentType: 'application/json',
      }),
      404,
    );
  });

  test('a body over 64 KiB is HTTP 413; one just under is served', async () => {
    const before = await snapshot();
    const big = op.body({
      userID: PLAYER,
      currency: 'EUR',
      amount: 1,
      transactionID: txId(),
      padding: 'x'.repeat(70 * 1024),
    });
    const answer = await raw('/v1/player/wallet/deposit', {
      body: JSON.stringify(big),
      contentType: 'application/json',
    });
    expectJsonRefusal(answer, 413);
    expect(await snapshot()).toEqual(before);

    const small = op.body({ userID: PLAYER, currency: 'EUR', padding: 'x'.repeat(60 * 1024) });
    const served = await raw('/v1/player/balance', { body: JSON.stringify(small), contentType: 'application/json' });
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ code: 0, balance: before.balance });
  });
});

describe('bodies nested too deep or not decodable are HTTP 400, never 5xx (PROTOCOL §2)', () => {
  /** A JSON value of `levels` nested arrays, as text (the test must not build it with JSON.stringify). */
  const nestedArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
  /** A body whose top-level object is level 1 and whose `extra` field adds `depth - 1` levels. */
  const bodyOfDepth = (depth: number, fields: Record<string, unknown>) =>
    `${JSON.stringify(fields).slice(0, -1)},"extra":${nestedArrays(depth - 1)}}`;

  async function expectHealthyServer(): Promise<void> {
    expect(await op.call('/v1/player/balance', { userID: PLAYER, currency: 'EUR' })).toMatchObject({ code: 0 });
  }

  test('depth 32 is an API call (the envelope judges it: code 3 for a bad sign); depth 33 is HTTP 400', async () => {
    const fields = { agentID: AGENT, userID: PLAYER, currency: 'EUR', timestamp: nowS(), sign: 'A'.repeat(64) };
    const at32 = await raw('/v1/player/balance', { body: bodyOfDepth(32, fields), contentType: 'application/json' });
    expect(at32.status).toBe(200);
    expect(at32.body.code).toBe(3);
    expectJsonRefusal(
      await raw('/v1/player/balance', { body: bodyOfDepth(33, fields), contentType: 'application/json' }),
      400,
    );
    expectJsonRefusal(
      await raw('/v1/player/balance', {
        body: bodyOfDepth(33, { ...fields, extra2: [] }),
        contentType: 'application/json',
      }),
      400,
    );
  });

  test('a correctly signed body of depth 32 is served (the canonical string renders it)', async () => {
    const extra = JSON.parse(nestedArrays(31)) as unknown;
    const answer = await raw('/v1/player/balance', {
      body: JSON.stringify(op.body({ userID: PLAYER, currency: 'EUR', extra })),
      contentType: 'application/json',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 0 });
  });

  test('a body nested 10,000 levels deep, for a known caller, is HTTP 400 and the server stays healthy', async () => {
    const fields = { agentID: AGENT, userID: PLAYER, currency: 'EUR', timestamp: nowS(), sign: 'A'.repeat(64) };
    for (const path of ['/v1/player/balance', '/v1/player/wallet/deposit', '/provider/v1/bet', '/admin/v1/login']) {
      expectJsonRefusal(await raw(path, { body: bodyOfDepth(10_000, fields), contentType: 'application/json' }), 400);
    }
    const objects = `{"agentID":"${AGENT}","sign":"x","extra":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    expectJsonRefusal(await raw('/v1/player/balance', { body: objects, contentType: 'application/json' }), 400);
    await expectHealthyServer();
  });

  test('a truncated gzip body is HTTP 400; a whole one is decoded and served', async () => {
    const gzipped = gzipSync(JSON.stringify(op.body({ userID: PLAYER, currency: 'EUR' })));
    const served = await raw('/v1/player/balance', {
      body: gzipped,
      contentType: 'application/json',
      headers: { 'content-encoding': 'gzip' },
    });
    expect(served.status).toBe(200);
    expect(served.body).toMatchObject({ code: 0 });
    const truncated = gzipped.subarray(0, gzipped.length - 12);
    expectJsonRefusal(
      await raw('/v1/player/balance', {
        body: truncated,
        contentType: 'application/json',
        headers: { 'content-encoding': 'gzip' },
      }),
      400,
    );
    await expectHealthyServer();
  });

  test('garbage under Content-Encoding br or deflate, and an unknown Content-Encoding, are HTTP 400', async () => {
    const body = JSON.stringify(op.body({ userID: PLAYER, currency: 'EUR' }));
    for (const encoding of ['br', 'deflate', 'gzip']) {
      expectJsonRefusal(
        await raw('/v1/player/balance', {
          body: 'not compressed at all',
          contentType: 'application/json',
          headers: { 'content-encoding': encoding },
        }),
        400,
      );
    }
    for (const encoding of ['x-unknown', 'compress', 'gzip, br']) {
      expectJsonRefusal(
        await raw('/v1/player/balance', {
          body,
          contentType: 'application/json',
          headers: { 'content-encoding': encoding },
        }),
        400,
      );
    }
    await expectHealthyServer();
  });
});

describe('caller known and enabled (code 5)', () => {
  test('an unknown agentID gets code 5 even with a sign made by a real secret', async () => {
    const body = signBody(op.secretKey, { agentID: 'op-nobody', userID: PLAYER, currency: 'EUR' });
    const answer = await post('/v1/player/balance', body);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ code: 5, message: expect.any(String) });
  });

  test('a missing, null, non-string or over-long agentID gets code 5', async () => {
    for (const agentID of [undefined, null, 42, ['op-envelope'], { id: 'op-envelope' }, 'a'.repeat(65)]) {
      const fields: Record<string, unknown> = { userID: PLAYER, currency: 'EUR' };
      if (agentID !== undefined) fields.agentID = agentID;
      const answer = await post('/v1/player/balance', signBody(op.secretKey, fields));
      expect(answer.status).toBe(200);
      expect(answer.body.code).toBe(5);
    }
  });

  test('unknown agentID AND bad sign gets 5, not 3', async () => {
    const body = {
      ...signBody(op.secretKey, { agentID: 'op-nobody', userID: PLAYER, currency: 'EUR' }),
      sign: '0'.repeat(64),
    };
    expect((await post('/v1/player/balance', body)).body).toMatchObject({ code: 5 });
    const noSign = { agentID: 'op-nobody', userID: PLAYER, currency: 'EUR', timestamp: nowS() - 3600 };
    expect((await post('/v1/player/balance', noSign)).body).toMatchObject({ code: 5 });
  });

  test('a disabled operator gets code 5 even when everything else is right (and bad sign too); re-enabled it works again', async () => {
    const disabled = await admin.createOperator('op-env-disabled', ['EUR']);
    expect(await disabled.call('/v1/player/create', { userID: 'dis00001', currency: 'EUR' })).toMatchObject({
      code: 0,
    });
    expect(await admin.ok('/admin/v1/operators/update', { agentID: 'op-env-disabled', enabled: false })).toMatchObject({
      operator: { agentID: 'op-env-disabled', enabled: false },
    });

    expect(await disabled.call('/v1/player/balance', { userID: 'dis00001', currency: 'EUR' })).toMatchObject({
      code: 5,
    });
    expect(
      await disabled.call('/v1/player/wallet/deposit', {
        userID: 'dis00001',
        currency: 'EUR',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({
      code: 5,
    });
    // Disabled AND bad sign AND stale timestamp: 5 wins.
    const bad = { ...disabled.body({ userID: 'dis00001', currency: 'EUR' }, nowS() - 3600), sign: '0'.repeat(64) };
    expect((await post('/v1/player/balance', bad)).body).toMatchObject({ code: 5 });

    await admin.ok('/admin/v1/operators/update', { agentID: 'op-env-disabled', enabled: true });
    expect(await disabled.call('/v1/player/balance', { userID: 'dis00001', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 0,
    });
  });
});

describe('sign (code 3)', () => {
  const fields = () => ({ userID: PLAYER, currency: 'EUR' });

  test('a correctly signed request is accepted (control)', async () => {
    expect((await post('/v1/player/balance', op.body(fields()))).body).toMatchObject({ code: 0, currency: 'EUR' });
  });

  test('missing, null, empty, non-string or wrong sign gets code 3', async () => {
    const signed = op.body(fields());
    const { sign: _sign, ...unsigned } = signed;
    for (const body of [
      unsigned,
      { ...signed, sign: null },
      { ...signed, sign: '' },
      { ...signed, sign: 12345 },
      { ...signed, sign: '0'.repeat(64) },
      { ...signed, sign: String(signed.sign).slice(0, 63) },
      { ...signed, sign: `${String(signed.sign)}0` },
    ]) {
      const answer = await post('/v1/player/balance', body);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ code: 3 });
    }
  });

  test('a body signed with another secret gets code 3', async () => {
    const body = signBody(OTHER_SECRET, { agentID: AGENT, ...fields() });
    expect((await post('/v1/player/balance', body)).body).toMatchObject({ code: 3 });
  });

  test('a body altered after signing gets code 3 (changed, added or removed field)', async () => {
    const signed = op.body({ userID: PLAYER, currency: 'EUR', amount: 1, transactionID: txId() });
    const { currency: _currency, ...removed } = signed;
    for (const body of [
      { ...signed, amount: 1000 },
      { ...signed, userID: 'env00002' },
      { ...signed, extra: 'x' },
      removed,
    ]) {
      expect((await post('/v1/player/wallet/deposit', body)).body).toMatchObject({ code: 3 });
    }
  });

  test('bad sign AND stale timestamp gets 3, not 4', async () => {
    // Signed now, then the timestamp is replaced by a stale one: the sign no longer matches.
    const signed = op.body(fields());
    expect((await post('/v1/player/balance', { ...signed, timestamp: nowS() - 3600 })).body).toMatchObject({ code: 3 });
    // Stale timestamp and signed with another secret.
    expect(
      (await post('/v1/player/balance', signBody(OTHER_SECRET, { agentID: AGENT, ...fields() }, nowS() - 3600))).body,
    ).toMatchObject({ code: 3 });
  });

  test('bad sign AND missing fields gets 3, not 2', async () => {
    const body = { agentID: AGENT, timestamp: nowS(), sign: '0'.repeat(64) };
    expect((await post('/v1/player/balance', body)).body).toMatchObject({ code: 3 });
  });
});

describe('timestamp (code 4)', () => {
  const fields = () => ({ userID: PLAYER, currency: 'EUR' });

  test('31 s and 40 s old, or 32 s and 40 s in the future, with a valid sign, get code 4', async () => {
    for (const timestamp of [nowS() - 31, nowS() - 40, nowS() + 32, nowS() + 40, 0, nowS() - 86_400]) {
      const answer = await post('/v1/player/balance', op.body(fields(), timestamp));
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ code: 4 });
    }
  });

  test('29 s old and 29 s in the future are accepted (the 30 s window is inclusive)', async () => {
    // ceil/floor keep the real difference at or under 29 s whatever the sub-second clock.
    const old = Math.ceil(Date.now() / 1000) - 29;
    expect((await post('/v1/player/balance', op.body(fields(), old))).body).toMatchObject({ code: 0 });
    const future = Math.floor(Date.now() / 1000) + 29;
    expect((await post('/v1/player/balance', op.body(fields(), future))).body).toMatchObject({ code: 0 });
  });

  test('a non-integer, string or missing timestamp with a valid sign gets code 4', async () => {
    expect((await post('/v1/player/balance', op.body(fields(), nowS() + 0.5))).body).toMatchObject({ code: 4 });
    expect(
      (await post('/v1/player/balance', op.body(fields(), String(nowS()) as unknown as number))).body,
    ).toMatchObject({ code: 4 });
    const missing = { agentID: AGENT, ...fields() };
    expect(
      (await post('/v1/player/balance', { ...missing, sign: computeSign(op.secretKey, missing) })).body,
    ).toMatchObject({ code: 4 });
    const nulled = { ...missing, timestamp: null };
    expect(
      (await post('/v1/player/balance', { ...nulled, sign: computeSign(op.secretKey, nulled) })).body,
    ).toMatchObject({ code: 4 });
  });

  test('stale timestamp AND missing fields gets 4, not 2', async () => {
    const body = signBody(op.secretKey, { agentID: AGENT, currency: 'EUR' }, nowS() - 40);
    expect((await post('/v1/player/balance', body)).body).toMatchObject({ code: 4 });
    const deposit = signBody(
      op.secretKey,
      { agentID: AGENT, userID: PLAYER, currency: 'EUR', amount: -5 },
      nowS() + 40,
    );
    expect((await post('/v1/player/wallet/deposit', deposit)).body).toMatchObject({ code: 4 });
  });
});

describe('fields (code 2) come last', () => {
  test('a missing userID with a valid sign and timestamp gets code 2', async () => {
    expect((await post('/v1/player/balance', op.body({ currency: 'EUR' }))).body).toMatchObject({ code: 2 });
    expect(
      (await post('/v1/player/wallet/deposit', op.body({ currency: 'EUR', amount: 1, transactionID: txId() }))).body,
    ).toMatchObject({ code: 2 });
  });
});

describe('a refused deposit applies nothing', () => {
  test('bad sign, bad timestamp or bad fields: balance and transaction list unchanged, and the transactionID stays free', async () => {
    const before = await snapshot();
    const id = txId();
    const deposit = { userID: PLAYER, currency: 'EUR', amount: 5, transactionID: id };
    const { sign: _sign, ...unsigned } = op.body(deposit);
    const refusals: Array<[Record<string, unknown>, number]> = [
      [signBody(op.secretKey, { agentID: 'op-nobody', ...deposit }), 5],
      [unsigned, 3],
      [{ ...op.body(deposit), sign: '0'.repeat(64) }, 3],
      [signBody(OTHER_SECRET, { agentID: AGENT, ...deposit }), 3],
      [{ ...op.body({ ...deposit, amount: 0.01 }), amount: 5 }, 3],
      [op.body(deposit, nowS() - 40), 4],
      [op.body(deposit, nowS() + 40), 4],
      [op.body({ ...deposit, userID: undefined }), 2],
      [op.body({ ...deposit, amount: 5.001 }), 2],
      [op.body({ ...deposit, amount: '5' }), 2],
    ];
    for (const [body, code] of refusals) {
      const answer = await post('/v1/player/wallet/deposit', body);
      expect(answer.status).toBe(200);
      expect({ sent: body, code: answer.body.code }).toEqual({ sent: body, code });
      expect(answer.body.platformTransactionID).toBeUndefined();
    }
    expect(await snapshot()).toEqual(before);
    await assertLedgerConsistent(server.db);

    // None of the refusals consumed the transactionID: the well-formed request is a first, not a repeat.
    const applied = await op.call('/v1/player/wallet/deposit', deposit);
    expect(applied).toMatchObject({ code: 0, balance: before.balance + 5 });
    const after = await snapshot();
    expect(after.transactions).toHaveLength(before.transactions.length + 1);
    expect(after.transactions[after.transactions.length - 1]).toMatchObject({
      transactionID: id,
      type: 'deposit',
      amount: 5,
    });
  });

  test('a refused withdraw applies nothing either', async () => {
    const before = await snapshot();
    const withdraw = { userID: PLAYER, currency: 'EUR', amount: 1, transactionID: txId() };
    expect(
      (await post('/v1/player/wallet/withdraw', { ...op.body(withdraw), sign: '0'.repeat(64) })).body,
    ).toMatchObject({ code: 3 });
    expect((await post('/v1/player/wallet/withdraw', op.body(withdraw, nowS() - 40))).body).toMatchObject({ code: 4 });
    expect(await snapshot()).toEqual(before);
  });
});

describe('secret rotation', () => {
  test('after rotate-secret with overlapSeconds 0 the old secret gets code 3 and the new one works', async () => {
    const rotating = await admin.createOperator('op-env-rotate', ['EUR']);
    expect(await rotating.call('/v1/player/create', { userID: 'rot00001', currency: 'EUR' })).toMatchObject({
      code: 0,
    });
    const oldSecret = rotating.secretKey;

    const rotated = await admin.ok('/admin/v1/operators/rotate-secret', {
      agentID: 'op-env-rotate',
      overlapSeconds: 0,
    });
    expect(rotated.secretKey).toEqual(expect.any(String));
    expect(rotated.secretKey).not.toBe(oldSecret);

    expect(await rotating.call('/v1/player/balance', { userID: 'rot00001', currency: 'EUR' })).toMatchObject({
      code: 3,
    });
    expect(
      await rotating.call('/v1/player/wallet/deposit', {
        userID: 'rot00001',
        currency: 'EUR',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({
      code: 3,
    });

    rotating.secretKey = rotated.secretKey as string;
    expect(await rotating.call('/v1/player/balance', { userID: 'rot00001', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 0,
    });
    expect(
      await rotating.call('/v1/player/wallet/deposit', {
        userID: 'rot00001',
        currency: 'EUR',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({
      code: 0,
      balance: 1,
    });
    // Another operator's secret is untouched by the rotation.
    expect(await op.call('/v1/player/balance', { userID: PLAYER, currency: 'EUR' })).toMatchObject({ code: 0 });
  });
});

describe('PROTOCOL §3 test vectors against a real endpoint', () => {
  // The vectors' timestamp (1763700000) is long past, so a server that accepts their sign answers 4
  // (timestamp), while one that computes the sign differently answers 3: the code tells which.
  const VECTOR_1 =
    '{"agentID":"agent01","userID":"player01","amount":1.5,"transactionID":"4146ed8dd6d5497780e9fc273e86bae0","refTransactionID":"b1","roundID":"307e9124a5314f2795ce583391e1c61c","gameID":1566,"freeSpinID":null,"currency":"EUR","timestamp":1763700000}';
  const SIGN_1 = 'AEDFA926112F5643C3947F6C49505D34E71A91BE1BA68304A802681D49273BA0';
  const VECTOR_2 =
    '{"agentID":"agent01","userIDs":["player01","player02"],"gameIDs":[1566],"timestamp":1763700000,"spins":10}';
  const SIGN_2 = '95BC415FEB9379F04544CA3C7FBA37CDFD3D5D678E0C56381ADD44E074B1A90A';
  const withSign = (vector: string, sign: string) => `${vector.slice(0, -1)},"sign":"${sign}"}`;

  beforeAll(async () => {
    await admin.createOperator('agent01', ['EUR']);
    // Setup only: give the operator the vectors' secret (the admin API always generates its own).
    await server.db.query("UPDATE operators SET secret_key = 's3cr3t-key' WHERE agent_id = 'agent01'");
  });

  test('vector 1 signs correctly (code 4, not 3) and a one-character change of it gets 3', async () => {
    const accepted = await raw('/v1/player/wallet/deposit', {
      body: withSign(VECTOR_1, SIGN_1),
      contentType: 'application/json',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ code: 4 });
    // 1.50 on the wire still signs as 1.5.
    const written = withSign(VECTOR_1.replace('"amount":1.5', '"amount":1.50'), SIGN_1);
    expect(
      (await raw('/v1/player/wallet/deposit', { body: written, contentType: 'application/json' })).body,
    ).toMatchObject({ code: 4 });
    const tampered = withSign(VECTOR_1.replace('"amount":1.5', '"amount":1.6'), SIGN_1);
    expect(
      (await raw('/v1/player/wallet/deposit', { body: tampered, contentType: 'application/json' })).body,
    ).toMatchObject({ code: 3 });
  });

  test('vector 2 (arrays) signs correctly (code 4, not 3)', async () => {
    expect(
      (await raw('/v1/player/balance', { body: withSign(VECTOR_2, SIGN_2), contentType: 'application/json' })).body,
    ).toMatchObject({ code: 4 });
    const tampered = withSign(VECTOR_2.replace('"spins":10', '"spins":11'), SIGN_2);
    expect((await raw('/v1/player/balance', { body: tampered, contentType: 'application/json' })).body).toMatchObject({
      code: 3,
    });
  });
});

describe('health', () => {
  test('GET /health answers 200 with the database and Redis ok', async () => {
    const answer = await raw('/health', { method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.contentType).toMatch(/^application\/json/);
    expect(answer.body).toMatchObject({ status: 'ok', database: { ok: true }, redis: { ok: true } });
  });
});
