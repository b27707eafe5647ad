/** Prisma Client over the MariaDB driver adapter, for admin and back-office work. */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../generated/prisma/client';
import { DatabaseHosts } from './databaseHosts';
import { DatabaseTarget, onHost } from './databaseUrl';

export type Prisma = PrismaClient;

export function createPrismaClient(target: DatabaseTarget, connectionLimit: number): PrismaClient {
  const adapter = new PrismaMariaDb({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    connectionLimit,
    connectTimeout: 10_000,
    acquireTimeout: 10_000,
    timezone: 'Z',
  });
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 5_000, timeout: 10_000 } });
}

/**
 * With several DATABASE_URL hosts: one client whose calls go to the current host. The adapter's pool
 * is bound to one host, so a move opens a client on the new host and closes the old one once the calls
 * already running on it had time to finish.
 */
export function createFollowingPrismaClient(
  target: DatabaseTarget,
  connectionLimit: number,
  hosts: DatabaseHosts,
): PrismaClient {
  if (!hosts.several) return createPrismaClient(target, connectionLimit);
  let current = createPrismaClient(onHost(target, hosts.current), connectionLimit);
  hosts.onSwitch((host) => {
    const previous = current;
    current = createPrismaClient(onHost(target, host), connectionLimit);
    setTimeout(() => void previous.$disconnect().catch(() => undefined), 15_000).unref();
  });
  return new Proxy({} as PrismaClient, {
    get(_, property) {
      if (property === '$disconnect') return () => current.$disconnect();
      const value = Reflect.get(current, property, current) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(current) : value;
    },
  });
}
