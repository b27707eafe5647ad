// Risk covered: certification (PROTOCOL §11) passing a wallet that would lose money, failing a correct
// one, blaming the wrong check, measuring a slow wallet kindly (closed loop), or leaving the player's
// balance changed; against real HTTP wallets in both schemes.
import { closeTransport } from '../../src/callbacks/httpTransport';
import { CertificationReport, runCertification } from '../../src/callbacks/certification/runCertification';
import { percentile } from '../../src/callbacks/certification/loadPhase';
import { CertWallet, SLOW_ANSWER_MS, WalletFlaw } from '../support/certWallets';

const wallets: CertWallet[] = [];
afterAll(async () => {
  for (const wallet of wallets) await wallet.stop();
  await closeTransport();
});

const START_MINOR = 2_500n;

async function certify(
  scheme: 'hmac' | 'md5',
  flaw: WalletFlaw,
  plan: { loadSeconds?: number; soakSeconds?: number; ratePerSecond?: number } = {},
): Promise<{ report: CertificationReport; wallet: CertWallet }> {
  const wallet = await new CertWallet(scheme, flaw).start();
  wallets.push(wallet);
  wallet.secretKey = `secret-${flaw}`;
  wallet.saltKey = `salt-${flaw}`;
  wallet.fund('cert-player', START_MINOR);
  const report = await runCertification(
    {
      agentId: 'cert-op',
      callbackUrl: wallet.url,
      secretKey: wallet.secretKey,
      saltKey: wallet.saltKey,
      scheme,
    },
    {
      userId: 'cert-player',
      currency: 'EUR',
      loadSeconds: plan.loadSeconds ?? 1,
      soakSeconds: plan.soakSeconds ?? 0,
      ratePerSecond: plan.ratePerSecond ?? 20,
      timeoutMs: 2_000,
    },
  );
  return { report, wallet };
}

const failedChecks = (report: CertificationReport) => report.checks.filter((c) => !c.passed).map((c) => c.name);

const NAMES = [
  'balance',
  'withdraw',
  'withdraw-duplicate',
  'deposit',
  'deposit-duplicate',
  'rollback',
  'pre-rollback',
  'insufficient-funds',
  'bad-signature',
  'stale-timestamp',
  'unknown-player',
  'restore',
];

test.each(['hmac', 'md5'] as const)(
  '%s: a correct wallet passes every check and phase and ends at its starting balance',
  async (scheme) => {
    const { report, wallet } = await certify(scheme, 'correct', { loadSeconds: 1, soakSeconds: 1 });
    expect(report.checks.map((c) => c.name)).toEqual(NAMES);
    expect(failedChecks(report)).toEqual([]);
    expect(report.load).toMatchObject({ ratePerSecond: 20, sent: 40, errors: 0, passed: true });
    expect(report.soak).toMatchObject({ ratePerSecond: 20, sent: 40, errors: 0, passed: true });
    expect(report.passed).toBe(true);
    expect(wallet.balances.get('cert-player')).toBe(START_MINOR);
    expect(report.checks.find((c) => c.name === 'restore')!.detail).toMatch(/starting balance 25\.00 EUR/);
    // Passed checks carry no exchanges: only failures are stored in detail.
    expect(report.checks.every((c) => c.exchanges === undefined)).toBe(true);
  },
);

test('a wallet that applies duplicates twice fails the checks that send a repeat, and only those', async () => {
  const { report, wallet } = await certify('hmac', 'duplicates-twice');
  expect(failedChecks(report)).toEqual(['withdraw-duplicate', 'deposit-duplicate', 'rollback']);
  expect(report.passed).toBe(false);
  expect(report.load?.passed).toBe(true);
  const dup = report.checks.find((c) => c.name === 'withdraw-duplicate')!;
  expect(dup.detail).toMatch(/balance is 23\.00 EUR, expected 24\.00 EUR/);
  // The exact requests and answers: the repeated Withdraw carries the first one's transactionID.
  const withdraws = dup.exchanges!.filter((e) => e.call === 'withdraw');
  expect(withdraws).toHaveLength(1);
  expect(withdraws[0]!.request).toMatchObject({ transactionID: expect.stringMatching(/-w1$/), amount: 1 });
  expect(withdraws[0]!.answer).toMatchObject({ code: 0, balance: 23 });
  expect(wallet.balances.get('cert-player')).toBe(START_MINOR);
});

test('a wallet that accepts a wrong signature fails bad-signature only', async () => {
  const { report, wallet } = await certify('hmac', 'accepts-bad-signature');
  expect(failedChecks(report)).toEqual(['bad-signature']);
  expect(report.load?.passed).toBe(true);
  const check = report.checks.find((c) => c.name === 'bad-signature')!;
  expect(check.detail).toMatch(/was accepted \(code 0\)/);
  expect(wallet.balances.get('cert-player')).toBe(START_MINOR);
});

test('md5: a wallet that never checks the key fails bad-signature only', async () => {
  const { report } = await certify('md5', 'accepts-bad-signature');
  expect(failedChecks(report)).toEqual(['bad-signature']);
});

test('a wallet that credits a rollback of a withdraw it never saw, then debits the late withdraw, fails pre-rollback only', async () => {
  const { report, wallet } = await certify('hmac', 'blind-rollback');
  expect(failedChecks(report)).toEqual(['pre-rollback']);
  const check = report.checks.find((c) => c.name === 'pre-rollback')!;
  expect(check.detail).toMatch(
    /Rollback of a Withdraw the wallet never saw the balance is 26\.00 EUR, expected 25\.00 EUR/,
  );
  expect(check.exchanges!.map((e) => e.call)).toEqual(['balance', 'rollback', 'balance']);
  expect(wallet.balances.get('cert-player')).toBe(START_MINOR);
});

test('a wallet that credits nothing for an unseen rollback but keeps no tombstone (debits the late withdraw) fails pre-rollback only', async () => {
  const { report, wallet } = await certify('hmac', 'no-tombstone');
  expect(failedChecks(report)).toEqual(['pre-rollback']);
  const check = report.checks.find((c) => c.name === 'pre-rollback')!;
  expect(check.detail).toMatch(/the rolled-back Withdraw, sent afterwards, was accepted \(code 0\)/);
  expect(check.exchanges!.map((e) => e.call)).toEqual(['balance', 'rollback', 'balance', 'withdraw']);
  expect(check.exchanges!.at(-1)!.answer).toMatchObject({ code: 0, balance: 24 });
  expect(report.load?.passed).toBe(true);
  expect(wallet.balances.get('cert-player')).toBe(START_MINOR);
});

test('a wallet whose answers take 400 ms passes every functional check and fails the load phase on p99', async () => {
  const rate = 10;
  const started = Date.now();
  const { report, wallet } = await certify('hmac', 'slow', { loadSeconds: 1, ratePerSecond: rate });
  expect(failedChecks(report)).toEqual([]);
  expect(report.load).toMatchObject({ errors: 0, passed: false, sent: 2 * rate });
  expect(report.load!.p99Ms).toBeGreaterThanOrEqual(SLOW_ANSWER_MS);
  expect(report.load!.detail).toMatch(/p99 .* is above 300 ms/);
  expect(report.passed).toBe(false);
  expect(wallet.balances.get('cert-player')).toBe(START_MINOR);
  // Open loop: the Withdraws started on schedule (10 over 1 s), not one after another's answer.
  const loadWithdraws = wallet.requests.filter((r) => r.path === '/Withdraw' && /-l\d+w$/.test(r.body.transactionID));
  expect(loadWithdraws).toHaveLength(rate);
  expect(Date.now() - started).toBeLessThan(60_000);
}, 90_000);

test('a player without 10.00 fails the balance check and nothing else is tried', async () => {
  const wallet = await new CertWallet('hmac').start();
  wallets.push(wallet);
  wallet.fund('poor', 999n);
  const report = await runCertification(
    { agentId: 'a', callbackUrl: wallet.url, secretKey: '', saltKey: '', scheme: 'hmac' },
    { userId: 'poor', currency: 'EUR', loadSeconds: 1, soakSeconds: 0, ratePerSecond: 5, timeoutMs: 1_000 },
  );
  expect(report.checks[0]).toMatchObject({ name: 'balance', passed: false });
  expect(report.checks[0]!.detail).toMatch(/holds 9\.99 EUR; certification needs 10\.00 EUR/);
  expect(report.load).toBeNull();
  expect(wallet.requests.filter((r) => r.path !== '/Balance')).toHaveLength(0);
});

test('percentiles are nearest-rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  expect(percentile(values, 50)).toBe(50);
  expect(percentile(values, 99)).toBe(99);
  expect(percentile([7], 99)).toBe(7);
  expect(percentile([], 99)).toBe(0);
});
