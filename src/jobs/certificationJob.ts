/**
 * Certification runs in the workers (PROTOCOL §11): `certification/run` queues one job per run (job id
 * `cert-<run>`, so a run is queued once), and any worker process takes it, runs every check and phase
 * against the operator's wallet with the product's callback client, and stores the outcome. The secrets
 * are the operator's current ones (the caller cache opens them); the URL and scheme are the run's.
 */
import { Job, Queue, Worker } from 'bullmq';
import { Logger } from 'pino';
import { CertificationQueuePort } from '../app/certification/certificationRuns';
import { runCertification } from '../callbacks/certification/runCertification';
import { PrismaCertificationStore } from '../db/certificationStore';
import { RedisClient } from './redisConnection';

export const CERTIFICATION_QUEUE = 'certification-runs';

interface CertificationJob {
  readonly runId: string;
}

export class BullCertificationQueue implements CertificationQueuePort {
  readonly queue: Queue<CertificationJob>;

  constructor(connection: RedisClient, prefix: string) {
    this.queue = new Queue<CertificationJob>(CERTIFICATION_QUEUE, {
      connection,
      prefix,
      defaultJobOptions: { attempts: 1, removeOnComplete: true, removeOnFail: true },
    });
    this.queue.on('error', () => undefined);
  }

  async enqueue(runId: string): Promise<boolean> {
    try {
      await this.queue.add('certify', { runId }, { jobId: `cert-${runId}` });
      return true;
    } catch {
      return false;
    }
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

export interface CertificationWorkerDeps {
  readonly store: PrismaCertificationStore;
  readonly target: (
    operatorId: number,
  ) => Promise<{ agentId: string; callbackUrl: string; secretKey: string; saltKey: string } | null>;
  readonly timeoutMs: number;
  readonly logger: Logger;
}

export async function performRun(deps: CertificationWorkerDeps, runId: string): Promise<string> {
  const run = await deps.store.runnable(runId);
  if (!run) return 'skipped';
  const target = await deps.target(run.operatorId);
  if (!target) {
    await deps.store.finish(runId, {
      passed: false,
      checks: [{ name: 'balance', passed: false, detail: 'the operator has no callback URL any more' }],
      load: null,
      soak: null,
    });
    return 'failed';
  }
  const report = await runCertification(
    { ...target, callbackUrl: run.callbackUrl, scheme: run.scheme },
    {
      userId: run.userID,
      currency: run.currency,
      loadSeconds: run.loadSeconds,
      soakSeconds: run.soakSeconds,
      ratePerSecond: run.ratePerSecond,
      timeoutMs: deps.timeoutMs,
      tag: `${runId}-${Date.now().toString(36)}`,
    },
  );
  await deps.store.finish(runId, {
    passed: report.passed,
    checks: [...report.checks],
    load: report.load,
    soak: report.soak,
  });
  deps.logger.info({ runId, agentID: run.agentID, passed: report.passed }, 'certification run finished');
  return report.passed ? 'passed' : 'failed';
}

export function startCertificationWorker(deps: CertificationWorkerDeps, connection: RedisClient, prefix: string) {
  const worker = new Worker<CertificationJob>(
    CERTIFICATION_QUEUE,
    async (job: Job<CertificationJob>) => {
      try {
        return await performRun(deps, job.data.runId);
      } catch (error) {
        deps.logger.error({ err: error, runId: job.data.runId }, 'certification run stopped');
        await deps.store.finish(job.data.runId, {
          passed: false,
          checks: [{ name: 'run', passed: false, detail: `the run stopped: ${(error as Error).message}` }],
          load: null,
          soak: null,
        });
        return 'failed';
      }
    },
    // A run holds a few hundred calls in flight at most; two at once per process keep the workers free.
    { connection, prefix, concurrency: 2 },
  );
  worker.on('error', () => undefined);
  return worker;
}
