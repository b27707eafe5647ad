// Risk covered: a process killed mid-burst loses an acknowledged transaction or leaves a half-applied one.
import { AdminClient, SignedClient } from '../support/clients';
import { assertLedgerConsistent } from '../support/ledgerConsistency';
import { SpawnedServer, spawnServer } from '../support/spawnedServer';
import { assertionPool, dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { TEST_ADMIN } from '../support/testServer';
import { until } from '../support/until';

const databaseUrl = uniqueDatabaseUrl('crash');
const db = assertionPool(databaseUrl);
const servers: SpawnedServer[] = [];

afterAll(async () => {
  for (const s of servers) s.child.kill('SIGKILL');
  await db.end();
  await dropDatabase(databaseUrl);
});

interface Sent {
  path: string;
  body: Record<string, unknown>;
  answer?: any;
  failed?: boolean;
}

test('SIGKILL during a burst, then restart: every acknowledged transaction is stored, the ledger is consistent, retries replay', async () => {
  const first = await spawnServer(databaseUrl);
  servers.push(first);
  const admin = await AdminClient.login(first.url, TEST_ADMIN.username, TEST_ADMIN.password);
  const op: SignedClient = await admin.createOperator('op-crash', ['EUR']);
  const players = Array.from({ length: 10 }, (_, i) => `crash${String(i).padStart(3, '0')}`);
  for (const userID of players) {
    await op.call('/v1/player/create', { userID, currency: 'EUR' });
    await op.call('/v1/player/wallet/deposit', {
      userID,
      currency: 'EUR',
      amount: 50,
      transactionID: `fund-${userID}`,
    });
  }

  // A continuous burst from 20 concurrent senders; the server is killed while it is running.
  const sent: Sent[] = [];
  let stop = false;
  const sender = async (worker: number) => {
    for (let i = 0; !stop; i++) {
      const userID = players[(worker + i) % players.length]!;
      const item: Sent = {
        path: i % 3 === 0 ? '/v1/player/wallet/deposit' : '/v1/player/wallet/withdraw',
        body: { userID, currency: 'EUR', amount: 0.25 + (i % 4), transactionID: `burst-${worker}-${i}` },
      };
      sent.push(item);
      try {
        item.answer = await op.call(item.path, item.body);
      } catch {
        item.failed = true; // connection reset by the kill: outcome unknown to the caller
        return;
      }
    }
  };
  const burst = Promise.all(Array.from({ length: 20 }, (_, w) => sender(w)));
  // Killed mid-burst: once more than 50 calls are acknowledged (what the test asserts below), with more in flight.
  await until('the burst under way', () => sent.filter((s) => s.answer).length > 60, 30_000);
  first.child.kill('SIGKILL');
  await first.exited;
  stop = true;
  await burst;

  const acknowledged = sent.filter((s) => s.answer && (s.answer.code === 0 || s.answer.code === 7));
  expect(acknowledged.length).toBeGreaterThan(50);
  expect(sent.some((s) => s.failed)).toBe(true);

  // Every acknowledged success is stored with the balance-after it reported.
  const [rows] = await db.query<any[]>(
    "SELECT transaction_id, platform_transaction_id, status, balance_after_minor FROM transactions WHERE transaction_id LIKE 'burst-%'",
  );
  const stored = new Map(rows.map((r) => [r.transaction_id as string, r]));
  for (const s of acknowledged) {
    const row = stored.get(s.body.transactionID as string);
    expect(row).toBeDefined();
    if (s.answer.code === 0) {
      expect(row.platform_transaction_id).toBe(s.answer.platformTransactionID);
      expect(Number(row.balance_after_minor)).toBe(Math.round(s.answer.balance * 100));
    } else {
      expect(row.status).toBe('refused');
    }
  }
  await assertLedgerConsistent(db);

  // After a restart, retrying everything (what a careful operator does) changes nothing already done
  // and completes what was cut off.
  const second = await spawnServer(databaseUrl);
  servers.push(second);
  const again = new SignedClient(second.url, 'agentID', 'op-crash', op.secretKey);
  for (const s of sent) {
    const retry = await again.call(s.path, s.body);
    if (s.answer?.code === 0) {
      expect(retry).toMatchObject({
        code: 11,
        platformTransactionID: s.answer.platformTransactionID,
        balance: s.answer.balance,
      });
    } else if (s.answer?.code === 7) {
      expect(retry.code).toBe(7);
    } else {
      expect([0, 7, 11]).toContain(retry.code);
    }
  }
  const stats = await assertLedgerConsistent(db);
  expect(stats.wallets).toBe(players.length);
  second.child.kill('SIGTERM');
  expect(await second.exited).toBe(0);
});
