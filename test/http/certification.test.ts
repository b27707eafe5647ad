// Risk covered: certification through the product (PROTOCOL §11): a run that never ends or is not
// stored, checks without the requests/answers an operator needs to fix its wallet, a transfer-mode or
// unknown operator certified, the back-office endpoints missing roles, and `npm run certify` exiting 0
// on a failing wallet (or not 0 on a passing one).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AdminClient } from '../support/clients';
import { CertWallet, WalletFlaw } from '../support/certWallets';
import { TestServer, startTestServer } from '../support/testServer';
import { until } from '../support/until';

const CERTIFY_JS = path.resolve(__dirname, '../../dist/certify.js');

let server: TestServer;
let admin: AdminClient;
const wallets: CertWallet[] = [];

beforeAll(async () => {
  server = await startTestServer('certify', { CALLBACK_TIMEOUT_MS: '2000' });
  admin = await server.admin();
});
afterAll(async () => {
  await server.close();
  for (const wallet of wallets) await wallet.stop();
});

let seq = 0;
async function operatorWith(
  scheme: 'hmac' | 'md5',
  flaw: WalletFlaw,
): Promise<{ agentID: string; wallet: CertWallet }> {
  const wallet = await new CertWallet(scheme, flaw).start();
  wallets.push(wallet);
  const agentID = `cert-${scheme}-${flaw}-${++seq}`;
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID,
    name: agentID,
    currencies: ['EUR'],
    callbackUrl: wallet.url,
    callbackScheme: scheme,
  });
  wallet.secretKey = created.secretKey;
  wallet.saltKey = created.saltKey;
  wallet.fund('cert-player', 5_000n);
  return { agentID, wallet };
}

async function finished(id: string): Promise<any> {
  return until(
    `certification run ${id} to finish`,
    async () => {
      const run = await admin.ok('/admin/v1/certification/get', { id });
      return run.status === 'running' ? null : run;
    },
    60_000,
    200,
  );
}

test('a correct wallet: the run answers at once, passes in the workers, is listed, and the player ends where it started', async () => {
  const { agentID, wallet } = await operatorWith('hmac', 'correct');
  const started = await admin.ok('/admin/v1/certification/run', {
    agentID,
    userID: 'cert-player',
    currency: 'EUR',
    loadSeconds: 1,
    ratePerSecond: 10,
  });
  expect(started).toMatchObject({ code: 0, status: 'running', id: expect.any(String) });
  const run = await finished(started.id);
  expect(run).toMatchObject({
    id: started.id,
    agentID,
    status: 'passed',
    callbackUrl: wallet.url,
    scheme: 'hmac',
    soak: null,
    load: { ratePerSecond: 10, sent: 20, errors: 0, passed: true },
  });
  expect(run.finishedAt).toEqual(expect.any(String));
  expect(run.checks.filter((c: any) => !c.passed)).toEqual([]);
  expect(run.checks).toHaveLength(12);
  expect(wallet.balances.get('cert-player')).toBe(5_000n);
  const listed = await admin.ok('/admin/v1/certification/list', { agentID });
  expect(listed.runs.map((r: any) => r.id)).toEqual([started.id]);
  // The default rate is twice the operator's peak (10).
  const second = await admin.ok('/admin/v1/certification/run', {
    agentID,
    userID: 'cert-player',
    currency: 'EUR',
    loadSeconds: 0,
  });
  expect((await finished(second.id)).ratePerSecond).toBe(20);
}, 90_000);

test('md5, a wallet that credits a rollback it never saw: failed on pre-rollback only, with the exact requests and answers', async () => {
  const { agentID, wallet } = await operatorWith('md5', 'blind-rollback');
  const started = await admin.ok('/admin/v1/certification/run', {
    agentID,
    userID: 'cert-player',
    currency: 'EUR',
    loadSeconds: 0,
  });
  const run = await finished(started.id);
  expect(run.status).toBe('failed');
  expect(run.load).toBeNull();
  const failed = run.checks.filter((c: any) => !c.passed);
  expect(failed.map((c: any) => c.name)).toEqual(['pre-rollback']);
  const rollback = failed[0].exchanges.find((e: any) => e.call === 'rollback');
  expect(rollback).toMatchObject({
    url: wallet.url,
    status: 200,
    request: {
      action: 'credit',
      rb: 1,
      amount: 100,
      user_id: 'cert-player',
      ref_call_id: expect.stringMatching(/-w3$/),
    },
    answer: { code: 0, balance: 5_100 },
  });
  expect(wallet.balances.get('cert-player')).toBe(5_000n);
}, 90_000);

test('refusals: transfer mode (409, 12), unknown operator (404), bad fields (400), support may read but not start', async () => {
  await admin.createOperator('cert-transfer', ['EUR']);
  const transfer = await admin.post('/admin/v1/certification/run', {
    agentID: 'cert-transfer',
    userID: 'cert-player',
    currency: 'EUR',
  });
  expect(transfer.status).toBe(409);
  expect(transfer.body.code).toBe(12);
  const unknown = await admin.post('/admin/v1/certification/run', {
    agentID: 'nobody',
    userID: 'cert-player',
    currency: 'EUR',
  });
  expect(unknown.status).toBe(404);
  const bad = await admin.post('/admin/v1/certification/run', { agentID: 'nobody', userID: 'x', currency: 'EUR' });
  expect(bad.status).toBe(400);
  expect((await admin.post('/admin/v1/certification/get', { id: '999999' })).status).toBe(404);

  await admin.ok('/admin/v1/users/create', {
    username: 'cert-support',
    password: 'a-Long-support-passphrase-42',
    role: 'support',
  });
  const support = await AdminClient.login(server.url, 'cert-support', 'a-Long-support-passphrase-42');
  expect((await support.post('/admin/v1/certification/list', {})).status).toBe(200);
  const refused = await support.post('/admin/v1/certification/run', {
    agentID: 'cert-transfer',
    userID: 'cert-player',
    currency: 'EUR',
  });
  expect(refused.status).toBe(403);
});

function certify(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CERTIFY_JS, ...args], { env: { ...process.env, NODE_ENV: 'test' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('npm run certify: exit 0 and a table for a correct wallet, --json writes the report; exit 1 naming the failed check; exit 2 on a bad command line', async () => {
  const good = await new CertWallet('hmac').start();
  const lax = await new CertWallet('hmac', 'accepts-bad-signature').start();
  wallets.push(good, lax);
  for (const wallet of [good, lax]) {
    wallet.secretKey = 'cli-secret';
    wallet.fund('cli-player', 1_000n);
  }
  const common = ['--scheme', 'hmac', '--agent', 'cli-op', '--secret', 'cli-secret', '--user', 'cli-player'];
  const jsonFile = path.join(mkdtempSync(path.join(tmpdir(), 'certify-')), 'report.json');
  const passed = await certify([
    '--url',
    good.url,
    ...common,
    '--currency',
    'EUR',
    '--rate',
    '10',
    '--seconds',
    '1',
    '--json',
    jsonFile,
  ]);
  expect(passed.code).toBe(0);
  expect(passed.stdout).toMatch(/^withdraw-duplicate\s+PASS\s+answered 0 or 11, no second debit$/m);
  expect(passed.stdout).toMatch(/^load\s+PASS\s+20 calls at 10\/s, 0 errors/m);
  expect(passed.stdout).toMatch(/PASSED: every check and phase passed/);
  const report = JSON.parse(readFileSync(jsonFile, 'utf8'));
  expect(report).toMatchObject({ passed: true, load: { sent: 20, errors: 0 }, soak: null });
  expect(good.balances.get('cli-player')).toBe(1_000n);

  const failed = await certify(['--url', lax.url, ...common, '--currency', 'EUR', '--seconds', '0']);
  expect(failed.code).toBe(1);
  expect(failed.stdout).toMatch(/^bad-signature\s+FAIL\s+a Withdraw with a wrong sign\/key was accepted/m);
  expect(failed.stdout.match(/FAIL/g)).toHaveLength(2); // the check, and the summary line
  expect(lax.balances.get('cli-player')).toBe(1_000n);

  const usage = await certify(['--url', good.url, '--scheme', 'hmac']);
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/--agent is required/);
}, 60_000);
