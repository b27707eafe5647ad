/** A redis-server of a test's own on a free port (the shared one on 6379 serves other files), stopped by its PID. */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { freePort } from './spawnedServer';
import { until } from './until';

export interface OwnRedis {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

export function redisAnswers(port: number): boolean {
  const result = spawnSync('redis-cli', ['-p', String(port), 'ping'], { encoding: 'utf8', timeout: 2_000 });
  return result.status === 0 && result.stdout.trim() === 'PONG';
}

export async function startOwnRedis(extraArgs: string[] = []): Promise<OwnRedis> {
  const port = await freePort();
  const files = `/tmp/test-redis-${port}`;
  const result = spawnSync('redis-server', [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--daemonize',
    'yes',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    '/tmp',
    '--pidfile',
    `${files}.pid`,
    '--logfile',
    `${files}.log`,
    ...extraArgs,
  ]);
  if (result.status !== 0) throw new Error(`redis-server on ${port} did not start: ${result.stderr}`);
  await until(`redis-server on ${port} answering`, () => redisAnswers(port), 5_000);
  const pid = Number(readFileSync(`${files}.pid`, 'utf8'));
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await until(`redis-server ${pid} stopped`, () => !redisAnswers(port), 5_000);
      for (const suffix of ['.pid', '.log', '-nodes.conf']) rmSync(`${files}${suffix}`, { force: true });
    },
  };
}
