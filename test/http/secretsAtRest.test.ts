// Risk covered: a copy of the database being every caller's credentials (PROTOCOL §10). After real use
// (operators in both modes and schemes, a studio, rotations that keep a previous secret, callbacks
// delivered and queued, audit entries), no secret appears anywhere in any column of any table, as text,
// hex either case, or base64; rows stored in plaintext before the upgrade are sealed at start-up, once,
// even by several processes at once; `secrets:rekey` moves every value to a new key, idempotently and
// after a crash midway; a sealed value copied onto another caller does not open.
import { RowDataPacket } from 'mysql2/promise';
import { rekeySecrets } from '../../src/secretsRekey';
import { DEVELOPMENT_SECRETS_KEY, DEVELOPMENT_SECRETS_KEYRING } from '../../src/config';
import { sealStoredSecrets } from '../../src/db/storedSecrets';
import {
  keyringOf,
  openSecret,
  sealSecret,
  sealedKeyId,
  secretContext,
  UnreadableSecretError,
} from '../../src/domain/secretEnvelope';
import { AdminClient, SignedClient } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { TestServer, startSecondServer, startTestServer } from '../support/testServer';
import { buildWorld } from '../support/world';
import { assertLedgerConsistent } from '../support/ledgerConsistency';

let server: TestServer;
let admin: AdminClient;
const wallets: FakeOperatorWallet[] = [];
/** Every secret handed out in this file (the plaintexts a dump must not reveal). */
const secrets: string[] = [];

beforeAll(async () => {
  server = await startTestServer('secretsrest', { CALLBACK_RETRY_DELAY_MS: '200' });
  admin = await server.admin();
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server?.close();
  for (const wallet of wallets) await wallet.stop();
});

/** Every form in which a secret could leak: as given, hex in either case, base64 of its text or bytes. */
function formsOf(secret: string): string[] {
  const forms = [
    secret,
    secret.toUpperCase(),
    secret.toLowerCase(),
    Buffer.from(secret).toString('base64'),
    Buffer.from(secret).toString('base64url'),
  ];
  if (/^[0-9a-f]+$/i.test(secret) && secret.length % 2 === 0) {
    const bytes = Buffer.from(secret, 'hex');
    forms.push(bytes.toString('base64'), bytes.toString('base64url'), bytes.toString('base64').replace(/=+$/, ''));
  }
  return forms;
}

/** SELECT of every column of every table, each value as text (binary columns as hex and base64 too). */
async function dumpDatabase(target: TestServer): Promise<string> {
  const [tables] = await target.db.query<RowDataPacket[]>(
    'SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME',
  );
  const parts: string[] = [];
  for (const { name } of tables) {
    const [rows] = await target.db.query<RowDataPacket[]>(`SELECT * FROM \`${name as string}\``);
    for (const row of rows) {
      for (const [column, value] of Object.entries(row)) {
        const text = Buffer.isBuffer(value)
          ? `${value.toString('hex')} ${value.toString('base64')} ${value.toString('utf8')}`
          : String(value);
        parts.push(`${name}.${column}=${text}`);
      }
    }
  }
  return parts.join('\n');
}

test('a dump of every column of every table reveals no secret, in any form', async () => {
  const world = await buildWorld(admin);
  secrets.push(world.operator.secretKey, world.studio.secretKey);
  // Seamless operators in both schemes, with callbacks delivered (Balance, Withdraw, Deposit).
  for (const scheme of ['hmac', 'md5'] as const) {
    const keys = { secret: '', salt: '' };
    const wallet = await new FakeOperatorWallet(
      () => keys.secret,
      () => keys.salt,
    ).start();
    wallets.push(wallet);
    const agentID = `dump-${scheme}`;
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID,
      name: agentID,
      currencies: ['EUR'],
      callbackUrl: wallet.url,
      callbackScheme: scheme,
    });
    Object.assign(keys, { secret: created.secretKey, salt: created.saltKey });
    secrets.push(created.secretKey, created.saltKey);
    const op = new SignedClient(server.url, 'agentID', agentID, created.secretKey);
    wallet.fund('dumper', 'EUR', 10_000n);
    const launch = await op.call('/v1/games/launch', { userID: 'dumper', gameID: world.gameId, currency: 'EUR' });
    const token = launch.token as string;
    expect(
      await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: `${scheme}-b`,
        roundID: `${scheme}-r`,
        gameID: world.gameId,
        amount: 1,
      }),
    ).toMatchObject({ code: 0 });
    expect(
      await world.studio.call('/provider/v1/win', {
        token,
        transactionID: `${scheme}-w`,
        roundID: `${scheme}-r`,
        gameID: world.gameId,
        amount: 2,
      }),
    ).toMatchObject({ code: 0 });
    // One delivery left queued (the wallet is down), so its row is in the dump too.
    wallet.setBehaviour({ mode: 'down' });
    await world.studio.call('/provider/v1/win', {
      token,
      transactionID: `${scheme}-w2`,
      roundID: `${scheme}-r`,
      gameID: world.gameId,
      amount: 1,
    });
    // Rotations that keep the previous secret: both the new and the previous ones are stored.
    const rotated = await admin.ok('/admin/v1/operators/rotate-secret', { agentID, overlapSeconds: 600 });
    secrets.push(rotated.secretKey, rotated.saltKey);
  }
  const rotatedStudio = await admin.ok('/admin/v1/providers/rotate-secret', {
    providerID: world.studio.callerId,
    overlapSeconds: 600,
  });
  secrets.push(rotatedStudio.secretKey);
  const [deliveries] = await server.db.query<RowDataPacket[]>('SELECT COUNT(*) AS n FROM callback_deliveries');
  expect(Number(deliveries[0]!.n)).toBeGreaterThan(4);
  const [audit] = await server.db.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE '%rotate-secret'",
  );
  expect(Number(audit[0]!.n)).toBe(3);

  const dump = await dumpDatabase(server);
  expect(dump).toContain('operators.secret_key=v1:');
  for (const secret of secrets) {
    for (const form of formsOf(secret)) expect({ form, found: dump.includes(form) }).toEqual({ form, found: false });
  }
  // The stored values are what the server signs and verifies with: callers still work.
  expect(await world.operator.call('/v1/player/balance', { userID: 'nobody-here', currency: 'EUR' })).toMatchObject({
    code: 6,
  });
});

test('rows stored in plaintext before the upgrade are sealed at start-up, once, however many processes start', async () => {
  const op = await admin.createOperator('legacy-op', ['EUR']);
  // What a database from before this release holds: the secrets as plain text.
  await server.db.query(
    "UPDATE operators SET secret_key = 'legacy-plain-secret', salt_key = 'legacy-plain-salt' WHERE agent_id = 'legacy-op'",
  );
  await server.db.query(
    "UPDATE providers SET secret_key = 'legacy-studio-secret' WHERE provider_id = (SELECT provider_id FROM (SELECT provider_id FROM providers ORDER BY id LIMIT 1) AS p)",
  );
  // Four passes at once, as four processes starting together run them: each value is sealed exactly once.
  const passes = await Promise.all(
    [1, 2, 3, 4].map(() => sealStoredSecrets(server.db, DEVELOPMENT_SECRETS_KEYRING, 'plaintext')),
  );
  expect(passes.reduce((sum, pass) => sum + pass.sealed, 0)).toBe(3);
  const [rows] = await server.db.query<RowDataPacket[]>(
    "SELECT secret_key, salt_key FROM operators WHERE agent_id = 'legacy-op'",
  );
  expect(openSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSecret('legacy-op'), rows[0]!.secret_key)).toBe(
    'legacy-plain-secret',
  );
  expect(openSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSalt('legacy-op'), rows[0]!.salt_key)).toBe(
    'legacy-plain-salt',
  );
  expect((await dumpDatabase(server)).includes('legacy-plain')).toBe(false);

  // And through a real start-up: plaintext written again is sealed by the next process to start.
  await server.db.query("UPDATE operators SET secret_key = 'legacy-plain-again' WHERE agent_id = 'legacy-op'");
  const second = await startSecondServer(server);
  try {
    const [again] = await server.db.query<RowDataPacket[]>(
      "SELECT secret_key FROM operators WHERE agent_id = 'legacy-op'",
    );
    expect(sealedKeyId(again[0]!.secret_key)).toBe(DEVELOPMENT_SECRETS_KEYRING.current.id);
    op.secretKey = 'legacy-plain-again';
    expect(
      await new SignedClient(second.url, 'agentID', 'legacy-op', op.secretKey).call('/v1/player/create', {
        userID: 'legacy01',
        currency: 'EUR',
      }),
    ).toMatchObject({ code: 0 });
  } finally {
    await second.close();
  }
});

test('a sealed value copied onto another caller, or altered, does not open', () => {
  const sealed = sealSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSecret('op-a'), 'the-secret');
  expect(openSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSecret('op-a'), sealed)).toBe('the-secret');
  expect(() => openSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSecret('op-b'), sealed)).toThrow(
    UnreadableSecretError,
  );
  expect(() => openSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSalt('op-a'), sealed)).toThrow(
    UnreadableSecretError,
  );
  const flipped = sealed.slice(0, -2) + (sealed.endsWith('A') ? 'B' : 'A') + sealed.slice(-1);
  expect(() => openSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSecret('op-a'), flipped)).toThrow(
    UnreadableSecretError,
  );
  expect(() => openSecret(keyringOf(Buffer.alloc(32, 9)), secretContext.operatorSecret('op-a'), sealed)).toThrow(
    /neither SECRETS_KEY nor SECRETS_KEY_PREVIOUS/,
  );
});

test('secrets:rekey moves every value to the new key; idempotent, resumable after a crash midway; the new key serves', async () => {
  const studio = await admin.createProvider('rekey-studio');
  const op = await admin.createOperator('rekey-op', ['EUR']);
  await admin
    .ok('/admin/v1/operators/rotate-secret', { agentID: 'rekey-op', overlapSeconds: 600 })
    .then((r) => (op.secretKey = r.secretKey));
  const newKey = Buffer.alloc(32, 42);
  const env = {
    DATABASE_URL: server.databaseUrl,
    SECRETS_KEY: newKey.toString('base64'),
    SECRETS_KEY_PREVIOUS: DEVELOPMENT_SECRETS_KEY.toString('base64'),
  };
  const storedValues = async () => {
    const [ops] = await server.db.query<RowDataPacket[]>(
      'SELECT secret_key, salt_key, previous_secret_key FROM operators',
    );
    const [provs] = await server.db.query<RowDataPacket[]>('SELECT secret_key, previous_secret_key FROM providers');
    return [...ops, ...provs]
      .flatMap((row) => Object.values(row))
      .filter((v): v is string => typeof v === 'string' && v !== '');
  };
  const before = await storedValues();

  const first = await rekeySecrets(env);
  expect(first.sealed).toBe(before.length);
  expect(first.unreadable).toEqual([]);
  const newId = keyringOf(newKey).current.id;
  expect(new Set((await storedValues()).map(sealedKeyId))).toEqual(new Set([newId]));
  // Run again: nothing left to do.
  expect((await rekeySecrets(env)).sealed).toBe(0);

  // A crash midway leaves some values under the old key: the next run finishes exactly those.
  await server.db.query("UPDATE operators SET secret_key = ? WHERE agent_id = 'rekey-op'", [
    sealSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSecret('rekey-op'), op.secretKey),
  ]);
  expect((await rekeySecrets(env)).sealed).toBe(1);
  // Without the old key, a value under it is reported, not destroyed.
  await server.db.query("UPDATE operators SET secret_key = ? WHERE agent_id = 'rekey-op'", [
    sealSecret(DEVELOPMENT_SECRETS_KEYRING, secretContext.operatorSecret('rekey-op'), op.secretKey),
  ]);
  expect((await rekeySecrets({ ...env, SECRETS_KEY_PREVIOUS: '' })).unreadable).toEqual([
    secretContext.operatorSecret('rekey-op'),
  ]);
  expect((await rekeySecrets(env)).sealed).toBe(1);
  await expect(rekeySecrets({ DATABASE_URL: server.databaseUrl, SECRETS_KEY: 'short' })).rejects.toThrow(
    /SECRETS_KEY must be 32 bytes/,
  );

  // The first server holds cached secrets under the old key: stop it, start one with the new key only.
  const url = server.databaseUrl;
  const second = await startSecondServer(server, { SECRETS_KEY: newKey.toString('base64') });
  try {
    const viaNew = new SignedClient(second.url, 'agentID', 'rekey-op', op.secretKey);
    expect(await viaNew.call('/v1/player/create', { userID: 'rekeyed1', currency: 'EUR' })).toMatchObject({ code: 0 });
    const studioViaNew = new SignedClient(second.url, 'providerID', 'rekey-studio', studio.secretKey);
    expect(await studioViaNew.call('/provider/v1/balance', { token: 'not-a-token' })).toMatchObject({ code: 9 });
    expect(url).toBe(second.databaseUrl);
  } finally {
    await second.close();
  }
});
