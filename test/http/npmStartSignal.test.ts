// Risk covered: `kill -TERM` on the `npm start` process leaves the server running, re-parented to PID 1
// (npm forwards the signal to `sh -c`, which dies without passing it on), so the promised drain never
// happens. The start scripts `exec` into node; this spawns the same npm script, signals npm, and checks
// that the node process it ran exited, that the port is closed, and that a repeated signal does not cut
// the drain short.
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { MAIN_JS, freePort } from '../support/spawnedServer';
import { testEnv } from '../support/testServer';
import { dropDatabase, uniqueDatabaseUrl } from '../support/testDatabase';
import { until } from '../support/until';

const ROOT = path.resolve(__dirname, '../..');
const scripts = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')).scripts as Record<string, string>;
const databaseUrl = uniqueDatabaseUrl('npmstart');

jest.setTimeout(90_000);

afterAll(async () => {
  await dropDatabase(databaseUrl);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The children of `pid`, from /proc (Linux): what npm's script became after `exec`. */
function childrenOf(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text ? text.split(/\s+/).map(Number) : [];
  } catch {
    return [];
  }
}

function commandOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

test('every script that starts a long-running node process execs into it', () => {
  expect(scripts.start).toBe('npm run build --silent && exec npm run --silent serve');
  for (const name of ['serve', 'worker', 'reconcile', 'secrets:rekey']) {
    expect(scripts[name]).toMatch(/(^|&& )exec node /);
  }
});

test('SIGTERM to the npm process drains and stops the node server it started', async () => {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` (npm test does it)`);
  const port = await freePort();
  const npm: ChildProcess = spawn('npm', ['run', '--silent', 'serve'], {
    cwd: ROOT,
    env: { ...process.env, ...testEnv(databaseUrl, { PORT: String(port), LOG_LEVEL: 'info' }) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  npm.stdout?.on('data', (chunk) => (output += chunk));
  npm.stderr?.on('data', (chunk) => (output += chunk));
  const npmExited = new Promise<number | string>((resolve) =>
    npm.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  try {
    await until(
      'the server answering /health',
      async () => (await fetch(`http://127.0.0.1:${port}/health`).catch(() => null))?.status === 200,
      60_000,
      200,
    );
    const nodePid = await until('the node child of npm', () => childrenOf(npm.pid!).find((pid) => alive(pid)));
    // After exec, npm's child is node itself (not `sh -c`, which would die and leave node running).
    expect(commandOf(nodePid)).toMatch(/^\S*node .*dist\/main\.js/);

    npm.kill('SIGTERM');
    // The second signal arrives while draining, as a forwarded Ctrl-C does; it must not skip the drain.
    npm.kill('SIGTERM');
    expect(await npmExited).toBe(0);
    await until('the node process gone', () => !alive(nodePid), 15_000);
    expect(await portOpen(port)).toBe(false);
    expect(output).toContain('draining in-flight requests');
  } finally {
    if (npm.exitCode === null) npm.kill('SIGKILL');
  }
});
