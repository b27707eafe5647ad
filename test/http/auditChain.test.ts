// Risk covered: an audit log that can be quietly rewritten (PROTOCOL §10). An entry edited, deleted or
// slipped in with SQL, or the newest entries removed, must show in /admin/v1/audit/verify; appends
// from two processes at once must still form one chain (no fork, no two entries on one predecessor);
// the hash must be exactly the documented one (so anyone can re-check it outside this code); entries
// older than the chain are hashed once at start-up, and never an entry added afterwards.
import { createHash } from 'node:crypto';
import { RowDataPacket } from 'mysql2/promise';
import { AdminClient } from '../support/clients';
import { TestServer, startTestServer } from '../support/testServer';

let a: TestServer;
let b: TestServer;
let adminA: AdminClient;
let adminB: AdminClient;

beforeAll(async () => {
  a = await startTestServer('auditchain');
  b = await startTestServer('auditchain', {}, { shareDatabaseOf: a });
  adminA = await a.admin();
  adminB = await b.admin();
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

const verify = async () =>
  (await adminA.ok('/admin/v1/audit/verify')) as { ok: boolean; entries: number; firstBrokenId: string | null };

async function rows(): Promise<RowDataPacket[]> {
  const [result] = await a.db.query<RowDataPacket[]>('SELECT * FROM audit_log ORDER BY id');
  return result;
}

async function providers(prefix: string, count: number): Promise<void> {
  await Promise.all(
    Array.from({ length: count }, (_, i) =>
      (i % 2 ? adminA : adminB).ok('/admin/v1/providers/create', {
        providerID: `${prefix}-${i}`,
        name: `Studio ${prefix} ${i}`,
      }),
    ),
  );
}

test('an intact log verifies, and each hash is SHA-256(previous hash + "\\n" + the §3 rendering of the entry)', async () => {
  await providers('intact', 3);
  const all = await rows();
  expect(await verify()).toEqual({ code: 0, message: 'OK', ok: true, entries: all.length, firstBrokenId: null });
  // Recomputed here from the documented rule, independently of the server's code.
  let previous = '0'.repeat(64);
  for (const row of all) {
    const fields: Record<string, string> = {
      id: String(row.id),
      actor: row.actor,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      createdAt: (row.created_at as Date).toISOString(),
    };
    if (row.before !== null) fields.before = row.before;
    if (row.after !== null) fields.after = row.after;
    const content = Object.keys(fields)
      .sort()
      .map((key) => `${key}=${fields[key]}`)
      .join('&');
    previous = createHash('sha256').update(`${previous}\n${content}`).digest('hex');
    expect({ id: String(row.id), hash: row.hash }).toEqual({ id: String(row.id), hash: previous });
  }
  // audit/list shows each entry's hash.
  const listed = (await adminA.ok('/admin/v1/audit/list', { limit: 500 })).entries as { id: string; hash: string }[];
  expect(listed.find((e) => e.id === String(all[0]!.id))?.hash).toBe(all[0]!.hash);
});

test('an entry edited with SQL is named by audit/verify; put back, the chain verifies again', async () => {
  const all = await rows();
  const target = all[Math.floor(all.length / 2)]!;
  await a.db.query('UPDATE audit_log SET actor = ? WHERE id = ?', ['someone-else', target.id]);
  expect(await verify()).toMatchObject({ ok: false, entries: all.length, firstBrokenId: String(target.id) });
  await a.db.query('UPDATE audit_log SET actor = ? WHERE id = ?', [target.actor, target.id]);
  expect(await verify()).toMatchObject({ ok: true, firstBrokenId: null });

  // Editing the content and recomputing that entry's own hash moves the break to the next entry.
  const next = all[all.indexOf(target) + 1]!;
  await a.db.query('UPDATE audit_log SET `after` = ?, hash = ? WHERE id = ?', [
    '{"forged":true}',
    'f'.repeat(64),
    target.id,
  ]);
  const broken = await verify();
  expect(broken.ok).toBe(false);
  expect([String(target.id), String(next.id)]).toContain(broken.firstBrokenId);
  await a.db.query('UPDATE audit_log SET `after` = ?, hash = ? WHERE id = ?', [target.after, target.hash, target.id]);
  expect((await verify()).ok).toBe(true);
});

test('a deleted entry breaks the next one; removing the newest entries breaks the head', async () => {
  const all = await rows();
  const middle = all[1]!;
  await a.db.query('DELETE FROM audit_log WHERE id = ?', [middle.id]);
  expect(await verify()).toMatchObject({ ok: false, firstBrokenId: String(all[2]!.id) });
  await a.db.query(
    'INSERT INTO audit_log SELECT * FROM (SELECT ? AS id, ? AS actor, ? AS action, ? AS target_type, ? AS target_id, ? AS `before`, ? AS `after`, ? AS created_at, ? AS hash) AS r',
    [
      middle.id,
      middle.actor,
      middle.action,
      middle.target_type,
      middle.target_id,
      middle.before,
      middle.after,
      middle.created_at,
      middle.hash,
    ],
  );
  expect((await verify()).ok).toBe(true);

  const newest = all[all.length - 1]!;
  await a.db.query('DELETE FROM audit_log WHERE id = ?', [newest.id]);
  expect(await verify()).toMatchObject({ ok: false, entries: all.length - 1, firstBrokenId: String(newest.id) });
  await a.db.query(
    'INSERT INTO audit_log SELECT * FROM (SELECT ? AS id, ? AS actor, ? AS action, ? AS target_type, ? AS target_id, ? AS `before`, ? AS `after`, ? AS created_at, ? AS hash) AS r',
    [
      newest.id,
      newest.actor,
      newest.action,
      newest.target_type,
      newest.target_id,
      newest.before,
      newest.after,
      newest.created_at,
      newest.hash,
    ],
  );
  expect((await verify()).ok).toBe(true);
});

test('appends from two servers at once form one intact chain', async () => {
  const before = (await rows()).length;
  await providers('race', 24);
  const all = await rows();
  expect(all.length).toBe(before + 24);
  expect(new Set(all.map((r) => r.hash)).size).toBe(all.length);
  expect(await verify()).toMatchObject({ ok: true, entries: all.length, firstBrokenId: null });
});

test('entries older than the chain are hashed once at start-up; an entry added later without a hash stays a break', async () => {
  // The state the migration leaves an existing log in: no hashes, the head at genesis, legacy up to the newest id.
  const all = await rows();
  const newestId = all[all.length - 1]!.id;
  await a.db.query('UPDATE audit_log SET hash = NULL');
  await a.db.query(
    "UPDATE audit_chain_head SET last_id = 0, last_hash = REPEAT('0', 64), legacy_through = ? WHERE id = 1",
    [newestId],
  );
  expect((await verify()).ok).toBe(false);
  const restarted = await startTestServer('auditchain', {}, { shareDatabaseOf: a });
  try {
    expect(await verify()).toMatchObject({ ok: true, entries: all.length });
    expect((await rows()).map((r) => r.hash)).toEqual(all.map((r) => r.hash));
  } finally {
    await restarted.close();
  }
  await a.db.query(
    "INSERT INTO audit_log (actor, action, target_type, target_id, created_at) VALUES ('intruder', 'operators.create', 'operator', 'x', NOW(3))",
  );
  const [[slipped]] = await a.db.query<RowDataPacket[]>('SELECT MAX(id) AS id FROM audit_log');
  const again = await startTestServer('auditchain', {}, { shareDatabaseOf: a });
  await again.close();
  expect(await verify()).toMatchObject({ ok: false, firstBrokenId: String(slipped!.id) });
  await a.db.query('DELETE FROM audit_log WHERE id = ?', [slipped!.id]);
  expect((await verify()).ok).toBe(true);
});

test('audit/verify is for admins only', async () => {
  await adminA.ok('/admin/v1/users/create', {
    username: 'audit.reader',
    password: 'audit-reader-Pw-42x',
    role: 'support',
  });
  const support = await AdminClient.login(a.url, 'audit.reader', 'audit-reader-Pw-42x');
  expect((await support.post('/admin/v1/audit/verify')).status).toBe(403);
  expect((await support.post('/admin/v1/audit/list')).status).toBe(200);
});
