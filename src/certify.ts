/**
 * `npm run certify`: the certification of PROTOCOL §11 from the command line, against any wallet URL,
 * before an operator asks to go live. The same runner as the back office's runs (the product's callback
 * bodies, signatures and transport). Prints a table of the checks and phases, writes the whole report
 * as JSON with `--json FILE` (`-` for standard output), and exits 0 only when everything passed
 * (1: something failed; 2: the command line is wrong).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { useCallbackUrlPolicy } from './callbacks/callbackUrlPolicy';
import { closeTransport } from './callbacks/httpTransport';
import { CertificationReport, runCertification } from './callbacks/certification/runCertification';
import { PhaseResult } from './callbacks/certification/loadPhase';
import { isKnownCurrency } from './domain/currencies';

const USAGE = `usage: npm run certify -- --url <callbackUrl> --scheme hmac|md5 --agent <agentID> --secret <secretKey>
       [--salt <saltKey>] --user <userID> --currency <CUR> [--rate N] [--seconds S] [--soak S]
       [--timeout MS] [--json FILE]
  --rate     Withdraw/Deposit pairs per second in the load phase (default 20: twice the default peak of 10)
  --seconds  length of the load phase (default 30; 0 for none)
  --soak     length of the soak after it, at the same rate (default 0)
  --timeout  per-call timeout in ms (default 5000, as CALLBACK_TIMEOUT_MS)
  --json     also write the full report (with every failed exchange) to FILE, or - for standard output`;

interface Options {
  url: string;
  scheme: 'hmac' | 'md5';
  agent: string;
  secret: string;
  salt: string;
  user: string;
  currency: string;
  rate: number;
  seconds: number;
  soak: number;
  timeout: number;
  json: string | null;
}

function fail(message: string): never {
  process.stderr.write(`${message}\n\n${USAGE}\n`);
  process.exit(2);
}

function count(raw: string | undefined, name: string, fallback: number, min: number): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min) fail(`--${name} must be an integer of at least ${min}, got "${raw}"`);
  return Number(raw);
}

export function parseOptions(argv: string[]): Options {
  const text = { type: 'string' } as const;
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        url: text,
        scheme: text,
        agent: text,
        secret: text,
        salt: text,
        user: text,
        currency: text,
        rate: text,
        seconds: text,
        soak: text,
        timeout: text,
        json: text,
      },
    }).values as Record<string, string | undefined>;
  } catch (error) {
    fail((error as Error).message);
  }
  for (const name of ['url', 'scheme', 'agent', 'user', 'currency']) if (!values[name]) fail(`--${name} is required`);
  if (values.scheme !== 'hmac' && values.scheme !== 'md5') fail('--scheme must be hmac or md5');
  if (values.scheme === 'hmac' && !values.secret) fail('--secret is required with --scheme hmac');
  if (values.scheme === 'md5' && !values.salt) fail('--salt is required with --scheme md5');
  if (!isKnownCurrency(values.currency!)) fail(`--currency ${values.currency} is not a currency we support`);
  let url: URL;
  try {
    url = new URL(values.url!);
  } catch {
    fail(`--url ${values.url} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') fail('--url must be http: or https:');
  return {
    url: values.url!,
    scheme: values.scheme,
    agent: values.agent!,
    secret: values.secret ?? '',
    salt: values.salt ?? '',
    user: values.user!,
    currency: values.currency!,
    rate: count(values.rate, 'rate', 20, 1),
    seconds: count(values.seconds, 'seconds', 30, 0),
    soak: count(values.soak, 'soak', 0, 0),
    timeout: count(values.timeout, 'timeout', 5_000, 1),
    json: values.json ?? null,
  };
}

const mark = (passed: boolean) => (passed ? 'PASS' : 'FAIL');

function phaseRow(name: string, phase: PhaseResult | null): string[] {
  if (!phase) return [name, '-', 'not run'];
  return [
    name,
    mark(phase.passed),
    `${phase.sent} calls at ${phase.ratePerSecond}/s, ${phase.errors} errors, p50 ${phase.p50Ms} ms, p99 ${phase.p99Ms} ms` +
      (phase.passed ? '' : ` (${phase.detail})`),
  ];
}

export function renderTable(report: CertificationReport): string {
  const rows = [
    ...report.checks.map((c) => [c.name, mark(c.passed), c.detail]),
    phaseRow('load', report.load),
    phaseRow('soak', report.soak),
  ];
  const width = Math.max(...rows.map((r) => r[0]!.length), 5);
  const lines = rows.map(([name, result, detail]) => `${name!.padEnd(width)}  ${result!.padEnd(4)}  ${detail}`);
  const header = `${'check'.padEnd(width)}  ${'    '}  detail`;
  return [header, ...lines, '', report.passed ? 'PASSED: every check and phase passed' : 'FAILED'].join('\n');
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  // The operator's own tool: its wallet may be on a private address; every other URL rule still holds.
  useCallbackUrlPolicy({ production: false, allowedHosts: [new URL(options.url).hostname.toLowerCase()] });
  process.stderr.write(`certifying ${options.url} (${options.scheme}) for ${options.user} in ${options.currency}...\n`);
  const report = await runCertification(
    {
      agentId: options.agent,
      callbackUrl: options.url,
      secretKey: options.secret,
      saltKey: options.salt,
      scheme: options.scheme,
    },
    {
      userId: options.user,
      currency: options.currency,
      loadSeconds: options.seconds,
      soakSeconds: options.soak,
      ratePerSecond: options.rate,
      timeoutMs: options.timeout,
    },
    ({ step, passed }) =>
      process.stderr.write(passed === undefined ? `  ${step}...\n` : `  ${step}: ${mark(passed)}\n`),
  );
  await closeTransport();
  const json = JSON.stringify(report, null, 2);
  if (options.json === '-') {
    process.stdout.write(`${json}\n`);
    process.stderr.write(`${renderTable(report)}\n`);
  } else {
    process.stdout.write(`${renderTable(report)}\n`);
    if (options.json) writeFileSync(options.json, `${json}\n`);
  }
  process.exitCode = report.passed ? 0 : 1;
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`certify: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
