/**
 * Write conflicts on admin-side and start-up transactions: a Galera certification conflict or a deadlock
 * (Prisma's P2034, errno 1213) or a lock-wait timeout. The whole unit is run again, a bounded number of
 * times with full-jitter back-off, so two instances starting at once on two nodes both come up.
 */
import { MysqlErrno, mysqlErrno } from './mysqlPool';

const PRISMA_WRITE_CONFLICT = 'P2034';

/** What Prisma's MariaDB adapter throws, unwrapped, when the COMMIT of an interactive transaction fails 1213. */
function isAdapterWriteConflict(error: unknown): boolean {
  const adapterError = error as { name?: unknown; cause?: { kind?: unknown } } | null;
  return adapterError?.name === 'DriverAdapterError' && adapterError.cause?.kind === 'TransactionWriteConflict';
}

export function isWriteConflict(error: unknown): boolean {
  const errno = mysqlErrno(error);
  return (
    (error as { code?: unknown } | null)?.code === PRISMA_WRITE_CONFLICT ||
    isAdapterWriteConflict(error) ||
    errno === MysqlErrno.DEADLOCK ||
    errno === MysqlErrno.LOCK_WAIT_TIMEOUT
  );
}

export async function retryOnWriteConflict<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isWriteConflict(error) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(1_000, 50 * 2 ** attempt)));
    }
  }
}
