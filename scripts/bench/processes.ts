/**
 * Child processes of the bench: our app (`node dist/main.js`) and the reference endpoint R
 * (`node --import tsx scripts/bench/referenceServer.ts`). Both run as separate processes so that they
 * are measured the same way. Their stdout and stderr go to a log file (the tail is kept in memory to
 * explain a failure), they are awaited through `GET /health`, and stopped with SIGTERM (SIGKILL after
 * a grace period) so that `--cpu-prof` profiles get written.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, WriteStream } from 'node:fs';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '../..');

export interface ChildSpec {
  readonly name: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly port: number;
  readonly logFile: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  readonly nodeFlags?: readonly string[];
}

export class ChildServer {
  private readonly tail: string[] = [];
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private readonly exitPromise: Promise<void>;
  private readonly log: WriteStream;

  private constructor(
    readonly spec: ChildSpec,
    private readonly child: ChildProcess,
  ) {
    this.log = createWriteStream(spec.logFile, { flags: 'a' });
    const keep = (chunk: Buffer) => {
      this.log.write(chunk);
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        this.tail.push(line);
        if (this.tail.length > 200) this.tail.shift();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        resolve();
      });
    });
  }

  static start(spec: ChildSpec): ChildServer {
    const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), ...spec.args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...spec.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ChildServer(spec, child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.spec.port}`;
  }

  get hasExited(): boolean {
    return this.exited !== null;
  }

  recentOutput(lines = 40): string {
    return this.tail.slice(-lines).join('\n');
  }

  /** Lines of output whose pino level is warn (40) or above, or that are not JSON at all. */
  problemLines(limit = 20): string[] {
    return this.tail
      .filter((line) => {
        try {
          const level = (JSON.parse(line) as { level?: number }).level;
          return typeof level !== 'number' || level >= 40;
        } catch {
          return true;
        }
      })
      .slice(-limit);
  }

  async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(
          `${this.spec.name} exited during start-up (${JSON.stringify(this.exited)}):\n${this.recentOutput()}`,
        );
      }
      if ((await healthStatus(this.spec.port)) === 200) return;
      await sleep(150);
    }
    throw new Error(
      `${this.spec.name} did not answer GET /health with 200 within ${timeoutMs} ms:\n${this.recentOutput()}`,
    );
  }

  async stop(graceMs = 15_000): Promise<void> {
    if (!this.exited && this.child.pid !== undefined) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        if (!this.exited) this.child.kill('SIGKILL');
      }, graceMs);
      await this.exitPromise;
      clearTimeout(timer);
    }
    await new Promise<void>((resolve) => this.log.end(() => resolve()));
  }

  /** Synchronous last resort for process exit handlers. */
  killNow(): void {
    if (!this.exited && this.child.pid !== undefined) this.child.kill('SIGKILL');
  }
}

function healthStatus(port: number): Promise<number> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 3_000 }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(0));
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A run-to-completion child (the minimal BullMQ drain): talks JSON lines on stdout, takes commands on
 * stdin, its stderr goes to the log file. Not a server: no port, no /health.
 */
export class ChildTask {
  private readonly events: Record<string, unknown>[] = [];
  private readonly waiters: Array<() => void> = [];
  private readonly tail: string[] = [];
  private exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  readonly exit: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    logFile: string,
  ) {
    const log = createWriteStream(logFile, { flags: 'a' });
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      pending += chunk.toString('utf8');
      let newline: number;
      while ((newline = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, newline).trim();
        pending = pending.slice(newline + 1);
        if (!line) continue;
        try {
          this.events.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          this.keep(line);
        }
        this.waiters.splice(0).forEach((wake) => wake());
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      log.write(chunk);
      chunk
        .toString('utf8')
        .split('\n')
        .filter(Boolean)
        .forEach((line) => this.keep(line));
    });
    this.exit = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = { code, signal };
        this.waiters.splice(0).forEach((wake) => wake());
        log.end(() => resolve());
      });
    });
  }

  private keep(line: string): void {
    this.tail.push(line);
    if (this.tail.length > 50) this.tail.shift();
  }

  static start(spec: Omit<ChildSpec, 'port'>): ChildTask {
    const child = spawn(process.execPath, [...(spec.nodeFlags ?? []), ...spec.args], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...spec.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    return new ChildTask(spec.name, child, spec.logFile);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** The first event named `name` (waits for it), or an error when the child exits or the time is up. */
  async event(name: string, timeoutMs: number): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find((e) => e.event === name);
      if (found) return found;
      if (this.exited)
        throw new Error(
          `${this.name} exited (${JSON.stringify(this.exited)}) before "${name}":\n${this.tail.join('\n')}`,
        );
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`${this.name} sent no "${name}" within ${timeoutMs} ms:\n${this.tail.join('\n')}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  killNow(): void {
    if (!this.exited && this.child.pid !== undefined) this.child.kill('SIGKILL');
  }
}
