// Risk covered: ids that differ only by case treated as one (a case-insensitive collation): a player
// answered with another player's wallet, money taken from the wrong player, a new deposit or win
// answered as a repeat (11) and never applied, a bet counted in another round, a caller authenticated
// under another agentID. Ids are case-sensitive on the wire (PROTOCOL §2), so byte for byte here.
import { SignedClient } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { World, buildWorld, fundedSession } from '../support/world';

let server: TestServer;
let op: SignedClient;
let world: World;

beforeAll(async () => {
  server = await startTestServer('caseids');
  const admin = await server.admin();
  op = await admin.createOperator('opCase', ['EUR']);
  world = await buildWorld(admin);
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
});

const balanceOf = async (client: SignedClient, userID: string) =>
  (await client.call('/v1/player/balance', { userID, currency: 'EUR' })).balance;

describe('ids differing only by case are different ids', () => {
  beforeAll(async () => {
    await op.call('/v1/player/create', { userID: 'Alice01', currency: 'EUR' });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'Alice01',
        currency: 'EUR',
        amount: 50,
        transactionID: 'fund-alice',
      }),
    ).toMatchObject({ code: 0, balance: 50 });
  });

  test('player/create alice01 after Alice01 creates a second player with its own wallet', async () => {
    expect(await op.call('/v1/player/create', { userID: 'alice01', currency: 'EUR' })).toMatchObject({
      code: 0,
      userID: 'alice01',
      balance: 0,
    });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'alice01',
        currency: 'EUR',
        amount: 7,
        transactionID: 'fund-alice-lower',
      }),
    ).toMatchObject({ code: 0, balance: 7 });
    expect(await balanceOf(op, 'Alice01')).toBe(50);
    expect(await balanceOf(op, 'alice01')).toBe(7);
  });

  test('a withdraw as ALICE01 is an unknown player (6) and leaves Alice01 alone', async () => {
    expect(
      await op.call('/v1/player/wallet/withdraw', {
        userID: 'ALICE01',
        currency: 'EUR',
        amount: 10,
        transactionID: 'wd-upper',
      }),
    ).toMatchObject({ code: 6 });
    expect(await balanceOf(op, 'Alice01')).toBe(50);
  });

  test('a deposit casetx after CaseTx is a new transaction, applied', async () => {
    await op.call('/v1/player/create', { userID: 'carol001', currency: 'EUR' });
    expect(
      await op.call('/v1/player/wallet/deposit', {
        userID: 'carol001',
        currency: 'EUR',
        amount: 5,
        transactionID: 'CaseTx',
      }),
    ).toMatchObject({ code: 0, balance: 5 });
    const second = await op.call('/v1/player/wallet/deposit', {
      userID: 'carol001',
      currency: 'EUR',
      amount: 5,
      transactionID: 'casetx',
    });
    expect(second).toMatchObject({ code: 0, balance: 10 });
    expect(await balanceOf(op, 'carol001')).toBe(10);
  });

  test('a provider win w-case after W-Case is a new win, paid', async () => {
    const token = await fundedSession(world, 'winner01', 10);
    const bet = await world.studio.call('/provider/v1/bet', {
      token,
      gameID: world.gameId,
      transactionID: 'case-bet',
      roundID: 'case-round',
      amount: 1,
    });
    expect(bet).toMatchObject({ code: 0, balance: 9 });
    const fields = { token, gameID: world.gameId, refTransactionID: 'case-bet', roundID: 'case-round', amount: 2 };
    expect(await world.studio.call('/provider/v1/win', { ...fields, transactionID: 'W-Case' })).toMatchObject({
      code: 0,
      balance: 11,
    });
    expect(await world.studio.call('/provider/v1/win', { ...fields, transactionID: 'w-case' })).toMatchObject({
      code: 0,
      balance: 13,
    });
  });

  test('a bet on round RCASE does not join round rCase', async () => {
    const token = await fundedSession(world, 'roundy01', 10);
    const call = (path: string, fields: Record<string, unknown>) =>
      world.studio.call(path, { token, gameID: world.gameId, ...fields });
    expect(await call('/provider/v1/bet', { transactionID: 'rc-bet-1', roundID: 'rCase', amount: 1 })).toMatchObject({
      code: 0,
    });
    expect(
      await call('/provider/v1/win', {
        transactionID: 'rc-win-1',
        refTransactionID: 'rc-bet-1',
        roundID: 'rCase',
        amount: 0,
        roundClosed: true,
      }),
    ).toMatchObject({ code: 0 });
    // Had RCASE been rCase, this would be a bet on a closed round (15).
    expect(await call('/provider/v1/bet', { transactionID: 'rc-bet-2', roundID: 'RCASE', amount: 1 })).toMatchObject({
      code: 0,
      balance: 8,
    });
    const [rounds] = await server.db.query<any[]>(
      "SELECT round_id, status FROM rounds WHERE round_id IN ('rCase', 'RCASE') ORDER BY status",
    );
    expect(rounds.map((r) => [r.round_id, r.status])).toEqual([
      ['RCASE', 'open'],
      ['rCase', 'closed'],
    ]);
  });

  test('agentID OPA is not the operator opA: code 5', async () => {
    const admin = await server.admin();
    const opA = await admin.createOperator('opA', ['EUR']);
    const impostor = new SignedClient(server.url, 'agentID', 'OPA', opA.secretKey);
    expect(await impostor.call('/v1/player/create', { userID: 'someone1', currency: 'EUR' })).toMatchObject({
      code: 5,
    });
    expect(await opA.call('/v1/player/create', { userID: 'someone1', currency: 'EUR' })).toMatchObject({ code: 0 });
  });
});

describe('the database', () => {
  test('every text column of every table compares byte for byte', async () => {
    const [columns] = await server.db.query<any[]>(
      // JSON documents (MariaDB's JSON is LONGTEXT in utf8mb4_bin with a json_valid check) hold no id
      // compared as a key, and their collation cannot be chosen.
      `SELECT c.TABLE_NAME AS t, c.COLUMN_NAME AS c, c.COLLATION_NAME AS collation FROM information_schema.COLUMNS c
        WHERE c.TABLE_SCHEMA = DATABASE() AND c.COLLATION_NAME IS NOT NULL AND c.TABLE_NAME <> '_prisma_migrations'
          AND NOT EXISTS (SELECT 1 FROM information_schema.CHECK_CONSTRAINTS k
            WHERE k.CONSTRAINT_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
              AND k.CHECK_CLAUSE = CONCAT('json_valid(\`', c.COLUMN_NAME, '\`)'))`,
    );
    expect(columns.length).toBeGreaterThan(30);
    expect(
      columns
        .filter((row) => !['utf8mb4_nopad_bin', 'ascii_bin'].includes(row.collation))
        .map((row) => `${row.t}.${row.c} ${row.collation}`),
    ).toEqual([]);
    const [[schema]] = await server.db.query<any[]>(
      'SELECT DEFAULT_COLLATION_NAME AS collation FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
    );
    expect(schema.collation).toBe('utf8mb4_nopad_bin');
  });
});
