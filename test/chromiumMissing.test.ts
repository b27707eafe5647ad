// Risk covered: `npm test` on a machine without Chromium that fails obscurely, skips the browser tests
// without saying why, or says it in a screenful per file instead of one line naming the fix.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const ROOT = path.resolve(__dirname, '..');

jest.setTimeout(120_000);

test('without Chromium a run skips the browser tests and explains it in one line', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, CHROMIUM_PATH: '/nonexistent/chromium' };
  delete env.CI;
  delete env.JEST_WORKER_ID;
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [path.join(ROOT, 'node_modules/jest/bin/jest.js'), '--runInBand', 'test/browser/round.test.ts'],
    { cwd: ROOT, env, maxBuffer: 4 * 1024 * 1024 },
  );
  const lines = `${stdout}\n${stderr}`.split('\n');
  const explaining = lines.filter((line) => line.includes('/nonexistent/chromium'));
  expect(explaining).toEqual([
    'Browser tests (test/browser/*) SKIPPED: no Chromium at /nonexistent/chromium; install it with apt-get install -y chromium (or set CHROMIUM_PATH).',
    expect.stringMatching(
      /^Tests: 0 passed, 0 failed, \d+ skipped \(browser tests skipped: no Chromium at \/nonexistent\/chromium; apt-get install -y chromium\)$/,
    ),
  ]);
  // Nothing else about it: no console.warn block with a stack per file.
  expect(`${stdout}${stderr}`).not.toMatch(/console\.warn/);
});
