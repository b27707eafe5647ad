// Risk covered: transfer-mode money calls that double-apply, apply a refused request late, mix
// currencies, or answer a retry differently from the original (PROTOCOL §4, §5 idempotency rules).
import { SignedClient } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';

let server: TestServer;
let op: SignedClient;

beforeAll(async () => {
  server = await startTestServer('wallet');
  op = await (await server.admin()).createOperator('op-wallet', ['EUR', 'JPY', 'KWD']);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
});

let seq = 0;
const txId = () => `tx-${Date.now()}-${seq++}`;

describe('players', () => {
  test('player/create creates a wallet at zero and creating it again returns it', async () => {
    expect(await op.call('/v1/player/create', { userID: 'alice01', currency: 'EUR', nickname: 'Alice' })).toMatchObject(
      {
        code: 0,
        userID: 'alice01',
        currency: 'EUR',
        balance: 0,
      },
    );
    await op.call('/v1/player/wallet/deposit', {
      userID: 'alice01',
      currency: 'EUR',
      amount: 5,
      transactionID: txId(),
    });
    expect(await op.call('/v1/player/create', { userID: 'alice01', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 5,
    });
  });

  test('a currency the operator has not enabled gets code 14', async () => {
    expect(await op.call('/v1/player/create', { userID: 'alice01', currency: 'USD' })).toMatchObject({ code: 14 });
    expect(await op.call('/v1/player/create', { userID: 'alice01', currency: 'XXX' })).toMatchObject({ code: 14 });
  });

  test('balance of an unknown player is code 6; of a missing currency wallet code 14', async () => {
    expect(await op.call('/v1/player/balance', { userID: 'nobody1', currency: 'EUR' })).toMatchObject({ code: 6 });
    expect(await op.call('/v1/player/balance', { userID: 'alice01', currency: 'JPY' })).toMatchObject({ code: 14 });
  });

  test('one wallet per player and currency', async () => {
    await op.call('/v1/player/create', { userID: 'multi01', currency: 'EUR' });
    await op.call('/v1/player/create', { userID: 'multi01', currency: 'JPY' });
    await op.call('/v1/player/wallet/deposit', {
      userID: 'multi01',
      currency: 'JPY',
      amount: 1500,
      transactionID: txId(),
    });
    expect(await op.call('/v1/player/balance', { userID: 'multi01', currency: 'JPY' })).toMatchObject({
      code: 0,
      balance: 1500,
      currency: 'JPY',
    });
    expect(await op.call('/v1/player/balance', { userID: 'multi01', currency: 'EUR' })).toMatchObject({
      code: 0,
      balance: 0,
    });
  });
});

describe('deposit and withdraw', () => {
  beforeAll(async () => {
    await op.call('/v1/player/create', { userID: 'bob00001', currency: 'EUR' });
    await op.call('/v1/player/create', { userID: 'kw000001', currency: 'KWD' });
  });

  test('a deposit credits and answers the balance after it with our platformTransactionID', async () => {
    const before = (await op.call('/v1/player/balance', { userID: 'bob00001', currency: 'EUR' })).balance as number;
    const answer = await op.call('/v1/player/wallet/deposit', {
      userID: 'bob00001',
      currency: 'EUR',
      amount: 10.25,
      transactionID: txId(),
    });
    expect(answer).toMatchObject({ code: 0, balance: before + 10.25 });
    expect(typeof answer.platformTransactionID).toBe('string');
  });

  test('amounts keep the currency exponent exactly (KWD has 3 digits)', async () => {
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'kw000001',
        currency: 'KWD',
        amount: 0.001,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 0, balance: 0.001 });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'kw000001',
        currency: 'KWD',
        amount: 0.0015,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 2 });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'kw000001',
        currency: 'KWD',
        amount: 1.111,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 0, balance: 1.112 });
  });

  test('a replayed deposit gets code 11 with the original id and balance-after, and moves nothing', async () => {
    const id = txId();
    const first = await op.call('/v1/player/wallet/deposit', {
      userID: 'bob00001',
      currency: 'EUR',
      amount: 1,
      transactionID: id,
    });
    await op.call('/v1/player/wallet/deposit', {
      userID: 'bob00001',
      currency: 'EUR',
      amount: 2,
      transactionID: txId(),
    });
    const replay = await op.call('/v1/player/wallet/deposit', {
      userID: 'bob00001',
      currency: 'EUR',
      amount: 1,
      transactionID: id,
    });
    expect(replay).toMatchObject({
      code: 11,
      platformTransactionID: first.platformTransactionID,
      balance: first.balance,
    });
    const now = await op.call('/v1/player/balance', { userID: 'bob00001', currency: 'EUR' });
    expect(now.balance).toBe(first.balance + 2);
  });

  test('the same transactionID with other content gets code 13 and changes nothing', async () => {
    const id = txId();
    await op.call('/v1/player/wallet/deposit', { userID: 'bob00001', currency: 'EUR', amount: 1, transactionID: id });
    const before = (await op.call('/v1/player/balance', { userID: 'bob00001', currency: 'EUR' })).balance;
    for (const changed of [
      { userID: 'alice01', currency: 'EUR', amount: 1 },
      { userID: 'bob00001', currency: 'EUR', amount: 2 },
    ]) {
      expect(await op.call('/v1/player/wallet/deposit', { ...changed, transactionID: id })).toMatchObject({ code: 13 });
    }
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'bob00001',
        currency: 'EUR',
        amount: 1,
        transactionID: id,
      }),
    ).toMatchObject({ code: 13, balance: before });
    expect((await op.call('/v1/player/balance', { userID: 'bob00001', currency: 'EUR' })).balance).toBe(before);
  });

  test('a withdrawal beyond the balance gets code 7 with the balance, and its retry stays refused', async () => {
    await op.call('/v1/player/create', { userID: 'carol001', currency: 'EUR' });
    await op.call('/v1/player/wallet/deposit', {
      userID: 'carol001',
      currency: 'EUR',
      amount: 5,
      transactionID: txId(),
    });
    const id = txId();
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'carol001',
        currency: 'EUR',
        amount: 6,
        transactionID: id,
      }),
    ).toMatchObject({ code: 7, balance: 5 });
    // Now there would be enough: the retry must still be refused (never a late success).
    await op.call('/v1/player/wallet/deposit', {
      userID: 'carol001',
      currency: 'EUR',
      amount: 5,
      transactionID: txId(),
    });
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'carol001',
        currency: 'EUR',
        amount: 6,
        transactionID: id,
      }),
    ).toMatchObject({ code: 7, balance: 10 });
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'carol001',
        currency: 'EUR',
        amount: 10,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 0, balance: 0 });
  });

  test('bad amounts get code 2 and change nothing', async () => {
    for (const amount of [0, -1, 1.001, '1', null, 1e21]) {
      const answer = await op.call('/v1/player/wallet/deposit', {
        userID: 'bob00001',
        currency: 'EUR',
        amount,
        transactionID: txId(),
      });
      expect(answer.code).toBe(2);
    }
  });

  test('unknown player is code 6, unknown currency wallet code 14', async () => {
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'ghost001',
        currency: 'EUR',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 6 });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'bob00001',
        currency: 'JPY',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 14 });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'bob00001',
        currency: 'USD',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 14 });
  });

  test('ids outside the contract get code 2', async () => {
    expect(
      await op.call('/v1/player/wallet/deposit', { userID: 'abc', currency: 'EUR', amount: 1, transactionID: txId() }),
    ).toMatchObject({ code: 2 });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'bob00001',
        currency: 'EUR',
        amount: 1,
        transactionID: 'has space',
      }),
    ).toMatchObject({ code: 2 });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'bob00001',
        currency: 'EUR',
        amount: 1,
        transactionID: 'x'.repeat(65),
      }),
    ).toMatchObject({ code: 2 });
  });
});

describe('seamless operators', () => {
  test('transfer-only calls answer 12 for an operator with a callbackUrl', async () => {
    const seamless = await (
      await server.admin()
    ).createOperator('op-seamless', ['EUR'], { callbackUrl: 'http://127.0.0.1:9/wallet' });
    expect(await seamless.call('/v1/player/create', { userID: 'sam00001', currency: 'EUR' })).toMatchObject({
      code: 12,
    });
    expect(
      await seamless.call('/v1/player/wallet/deposit', {
        userID: 'sam00001',
        currency: 'EUR',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 12 });
    expect(
      await seamless.call('/v1/player/wallet/withdraw', {
        userID: 'sam00001',
        currency: 'EUR',
        amount: 1,
        transactionID: txId(),
      }),
    ).toMatchObject({ code: 12 });
  });
});

describe('transactions', () => {
  test('lists applied entries oldest first with cursor paging, stable, refusals left out', async () => {
    await op.call('/v1/player/create', { userID: 'hist0001', currency: 'EUR' });
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      const id = txId();
      ids.push(id);
      await op.call('/v1/player/wallet/deposit', { userID: 'hist0001', currency: 'EUR', amount: i, transactionID: id });
    }
    await op.call('/v1/player/wallet/withdraw', {
      userID: 'hist0001',
      currency: 'EUR',
      amount: 1000,
      transactionID: txId(),
    }); // refused
    const seen: any[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await op.call('/v1/transactions', { userID: 'hist0001', limit: 3, ...(cursor ? { cursor } : {}) });
      expect(page.code).toBe(0);
      seen.push(...page.transactions);
      cursor = page.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((t) => t.transactionID)).toEqual(ids);
    expect(seen[6]).toMatchObject({
      type: 'deposit',
      userID: 'hist0001',
      currency: 'EUR',
      amount: 7,
      balanceAfter: 28,
      roundID: null,
      gameID: null,
    });
    expect(new Date(seen[0].createdAt).toISOString()).toBe(seen[0].createdAt);
  });

  test('filters by transactionID and time window (from inclusive, to exclusive)', async () => {
    const id = txId();
    const done = await op.call('/v1/player/wallet/deposit', {
      userID: 'hist0001',
      currency: 'EUR',
      amount: 1,
      transactionID: id,
    });
    const one = await op.call('/v1/transactions', { transactionID: id });
    expect(one.transactions).toHaveLength(1);
    expect(one.transactions[0].platformTransactionID).toBe(done.platformTransactionID);
    const at = one.transactions[0].createdAt as string;
    expect((await op.call('/v1/transactions', { transactionID: id, from: at })).transactions).toHaveLength(1);
    expect((await op.call('/v1/transactions', { transactionID: id, to: at })).transactions).toHaveLength(0);
  });

  test('limit out of range and a forged cursor get code 2', async () => {
    expect(await op.call('/v1/transactions', { limit: 0 })).toMatchObject({ code: 2 });
    expect(await op.call('/v1/transactions', { limit: 1001 })).toMatchObject({ code: 2 });
    expect(await op.call('/v1/transactions', { cursor: 'bm90LWEtY3Vyc29y' })).toMatchObject({ code: 2 });
    expect(await op.call('/v1/transactions', { from: 'yesterday' })).toMatchObject({ code: 2 });
  });

  test('an operator sees only its own transactions', async () => {
    const other = await (await server.admin()).createOperator('op-other', ['EUR']);
    expect((await other.call('/v1/transactions', {})).transactions).toHaveLength(0);
  });
});
