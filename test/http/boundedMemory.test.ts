// Risk covered: a stranger growing the process's memory without bound: unsigned
// requests with ever new agentIDs/providerIDs filling the caller cache, ids outside the §2 grammar kept
// at all, and an operator wallet whose answer is endless being read whole before the 64 KiB rule (§6).
import { SignedClient, postJson } from '../support/clients';
import { FakeOperatorWallet } from '../support/fakeOperatorWallet';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';
import { World, buildWorld } from '../support/world';
import { CALLER_CACHE_MAX_UNKNOWN } from '../../src/db/callerCache';

const TIMEOUT_MS = 3_000;

let server: TestServer;
let world: World;
const wallets: FakeOperatorWallet[] = [];

beforeAll(async () => {
  server = await startTestServer('bounded-memory', {
    CALLBACK_TIMEOUT_MS: String(TIMEOUT_MS),
    CALLBACK_RETRY_DELAY_MS: '60000',
  });
  world = await buildWorld(await server.admin(), { currencies: ['EUR'] });
});
afterEach(async () => {
  await assertLedgerConsistent(server.db);
});
afterAll(async () => {
  await server.close();
  for (const wallet of wallets) await wallet.stop();
});

/** caller_cache_entries from /metrics, by kind. */
async function cacheEntries(): Promise<{ known: number; unknown: number }> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const read = (kind: string) => {
    const match = new RegExp(`^caller_cache_entries\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(text);
    if (!match) throw new Error(`caller_cache_entries{kind="${kind}"} is not in /metrics`);
    return Number(match[1]);
  };
  return { known: read('known'), unknown: read('unknown') };
}

/** Sends `count` requests built by `body(i)`, `concurrency` at a time; every answer must be HTTP 200 code 5. */
async function flood(path: string, count: number, body: (i: number) => unknown, concurrency = 25): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const answer = await postJson(server.url + path, body(next++));
      expect(answer.status).toBe(200);
      expect(answer.body.code).toBe(5);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

describe('the caller cache is bounded', () => {
  test('2.5x its cap of distinct unknown agentIDs and providerIDs leave it at its cap, and real callers are still served', async () => {
    const count = Math.ceil(CALLER_CACHE_MAX_UNKNOWN * 2.5);
    const nowS = Math.floor(Date.now() / 1000);
    await flood('/v1/player/balance', count, (i) => ({
      agentID: `stranger-${i}`,
      userID: 'nobody01',
      currency: 'EUR',
      timestamp: nowS,
      sign: 'A'.repeat(64),
    }));
    await flood('/provider/v1/balance', count, (i) => ({
      providerID: `stranger-studio-${i}`,
      token: 'x',
      timestamp: nowS,
      sign: 'A'.repeat(64),
    }));
    const size = await cacheEntries();
    expect(size.unknown).toBeLessThanOrEqual(CALLER_CACHE_MAX_UNKNOWN);
    expect(size.unknown).toBeGreaterThan(0);
    // Misses live apart from the callers that exist: the flood did not evict (or crowd) them.
    expect(size.known).toBeLessThan(50);
    expect(await world.operator.call('/v1/games/list', {})).toMatchObject({ code: 0 });
  });

  test('ids outside the §2 grammar get code 5 and are never cached', async () => {
    const before = await cacheEntries();
    const nowS = Math.floor(Date.now() / 1000);
    const badIds = (i: number) => [`bad id ${i}`, `${'x'.repeat(65)}${i}`, `é${i}`, `a/b${i}`, `semi;colon${i}`];
    await flood(
      '/v1/player/balance',
      40,
      (i) => ({
        agentID: badIds(Math.floor(i / 5))[i % 5],
        userID: 'nobody01',
        currency: 'EUR',
        timestamp: nowS,
        sign: 'A'.repeat(64),
      }),
      5,
    );
    await flood(
      '/provider/v1/balance',
      40,
      (i) => ({ providerID: badIds(Math.floor(i / 5))[i % 5], token: 'x', timestamp: nowS, sign: 'A'.repeat(64) }),
      5,
    );
    expect(await cacheEntries()).toEqual(before);
  });
});

describe('an operator wallet answer is cut off at 64 KiB while it streams in', () => {
  async function floodingOperator(declareLength: boolean): Promise<{ wallet: FakeOperatorWallet; token: string }> {
    const keys = { secret: '', salt: '' };
    const wallet = await new FakeOperatorWallet(
      () => keys.secret,
      () => keys.salt,
    ).start();
    wallets.push(wallet);
    const agentID = `op-flood-${wallets.length}`;
    const admin = await server.admin();
    const created = await admin.ok('/admin/v1/operators/create', {
      agentID,
      name: agentID,
      currencies: ['EUR'],
      callbackUrl: wallet.url,
      callbackScheme: 'hmac',
    });
    keys.secret = created.secretKey;
    keys.salt = created.saltKey;
    const op = new SignedClient(server.url, 'agentID', agentID, created.secretKey);
    wallet.fund('flood001', 'EUR', 10_000n);
    const launch = await op.call('/v1/games/launch', { userID: 'flood001', gameID: world.gameId, currency: 'EUR' });
    expect(launch.code).toBe(0);
    wallet.setBehaviour({ mode: 'flood', declareLength });
    return { wallet, token: launch.token as string };
  }

  for (const declareLength of [false, true]) {
    test(`an endless ${declareLength ? 'Content-Length' : 'chunked'} answer to Balance and Withdraw: code 17 at once, and we hang up after a few MB`, async () => {
      const { wallet, token } = await floodingOperator(declareLength);
      const started = Date.now();
      const balance = await world.studio.call('/provider/v1/balance', { token });
      expect(balance.code).toBe(17);
      const bet = await world.studio.call('/provider/v1/bet', {
        token,
        transactionID: `flood-bet-${declareLength}`,
        roundID: `flood-r-${declareLength}`,
        gameID: world.gameId,
        amount: 1,
      });
      expect(bet.code).toBe(17);
      expect(bet.message).not.toMatch(/64|KiB|bytes|127\.0\.0\.1/);
      // Well inside the callback timeout: the answers were refused as they streamed, not read to the end.
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);
      await until('both floods to be hung up on', () => wallet.floodsEnded >= 2);
      // What the wallet managed to hand its socket before we hung up: our 64 KiB plus socket buffers.
      expect(wallet.floodBytesWritten).toBeLessThan(2 * 16 * 1024 * 1024);
      wallet.setBehaviour({ mode: 'normal' });
    });
  }
});
