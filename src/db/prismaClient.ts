/** Prisma Client over the MariaDB driver adapter, for admin and back-office work. */
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaClient } from '../generated/prisma/client';
import { DatabaseTarget } from './databaseUrl';

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
