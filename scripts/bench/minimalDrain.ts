/**
 * The baseline of the queued-delivery drain (`minimal BullMQ drain` in scenarios): the least a BullMQ
 * worker can do to deliver a signed `hmac` Deposit (PROTOCOL §6.1), run as its own process like our app.
 * No database, no per-operator slots, no attempt bookkeeping: enqueue N jobs on its own queue (its own
 * prefix, so it never meets our app's queue), then, on "go", a Worker with the same concurrency as our
 * delivery workers signs each Deposit (the same body as ours, src/callbacks/hmac/hmacScheme.ts) and
 * posts it over keep-alive HTTP (undici, as ours does).
 *
 * Talks to the bench through JSON lines: stdout `{"event":"ready"}` once the jobs are queued, stdin
 * `go`, stdout `{"event":"done", ...}` when every job finished (with this process's CPU ms over the
 * drain), then it removes its queue and exits.
 *
 * Environment: REDIS_URL, MINI_PREFIX, MINI_JOBS, MINI_CONCURRENCY, MINI_WALLET_URL, MINI_AGENT, MINI_SECRET, MINI_TAG.
 */
import { createInterface } from 'node:readline';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { Agent, request } from 'undici';
import { hmacRequestBody } from '../../src/callbacks/hmac/hmacScheme';
import { Minor } from '../../src/domain/money';

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

const QUEUE = 'bench-minimal-deposits';
const redisUrl = requiredEnv('REDIS_URL');
const prefix = requiredEnv('MINI_PREFIX');
const jobs = Number(requiredEnv('MINI_JOBS'));
const concurrency = Number(requiredEnv('MINI_CONCURRENCY'));
const walletUrl = requiredEnv('MINI_WALLET_URL').replace(/\/+$/, '');
const target = {
  agentId: requiredEnv('MINI_AGENT'),
  callbackUrl: walletUrl,
  secretKey: requiredEnv('MINI_SECRET'),
  saltKey: '',
};
const tag = requiredEnv('MINI_TAG');
const TIMEOUT_MS = 10_000;

interface DepositJob {
  readonly userId: string;
  readonly transactionId: string;
  readonly roundId: string;
  /** Like ours: our id of the bet the win pays. */
  readonly refTransactionId: string;
}

const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const cpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

async function main(): Promise<void> {
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue<DepositJob>(QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: 1_000 },
  });
  await queue.obliterate({ force: true });
  for (let i = 0; i < jobs; i += 500) {
    const batch = Array.from({ length: Math.min(500, jobs - i) }, (_, k) => {
      const n = i + k;
      return {
        name: 'deliver',
        data: {
          userId: `bench_mini_${String(n % 50).padStart(3, '0')}`,
          transactionId: `${tag}.${n}`,
          roundId: `${tag}.r${n % 50}`,
          refTransactionId: `${tag}.b${n % 50}`,
        },
      };
    });
    await queue.addBulk(batch);
  }
  say({ event: 'ready' });
  await new Promise<void>((resolve) => {
    const lines = createInterface({ input: process.stdin });
    lines.on('line', (line) => {
      if (line.trim() === 'go') {
        lines.close();
        resolve();
      }
    });
  });

  const agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 60_000, connections: 128 });
  let completed = 0;
  let failed = 0;
  let firstAt: number | null = null;
  let lastAt: number | null = null;
  const errors = new Map<string, number>();
  const cpuAtGo = cpuMs();
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const worker = new Worker<DepositJob>(
    QUEUE,
    async (job) => {
      const body = hmacRequestBody(
        target,
        {
          kind: 'deposit',
          userId: job.data.userId,
          currency: 'EUR',
          amount: 250n as Minor,
          transactionId: job.data.transactionId,
          refTransactionId: job.data.refTransactionId,
          roundId: job.data.roundId,
          gameId: 9001,
          freeSpinId: null,
        },
        Math.floor(Date.now() / 1000),
      );
      const response = await request(`${walletUrl}/Deposit`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        headersTimeout: TIMEOUT_MS,
        bodyTimeout: TIMEOUT_MS,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      const answer = (await response.body.json()) as { code?: number };
      if (response.statusCode !== 200 || (answer.code !== 0 && answer.code !== 11))
        throw new Error(`HTTP ${response.statusCode} code ${String(answer.code)}`);
    },
    { connection: workerConnection, prefix, concurrency, removeOnComplete: { count: 0 }, autorun: false },
  );
  const settle = () => {
    if (completed + failed === jobs) finish();
  };
  worker.on('completed', () => {
    const now = Date.now();
    firstAt ??= now;
    lastAt = now;
    completed++;
    settle();
  });
  worker.on('failed', (_job, error) => {
    failed++;
    errors.set(error.message, (errors.get(error.message) ?? 0) + 1);
    settle();
  });
  worker.on('error', (error) => process.stderr.write(`minimal worker error: ${error.message}\n`));
  void worker.run();
  await finished;
  const cpuAtEnd = cpuMs();
  say({
    event: 'done',
    completed,
    failed,
    firstAt,
    lastAt,
    cpuMs: cpuAtEnd - cpuAtGo,
    errors: Object.fromEntries(errors),
  });
  await worker.close();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  await agent.close();
  connection.disconnect();
  workerConnection.disconnect();
}

main().then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(
      `minimal drain failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
