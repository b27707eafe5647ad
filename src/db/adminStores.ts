/** The admin use cases' stores over one Prisma client (app/admin/adminStores.ts). */
import { AdminStores } from '../app/admin/adminStores';
import { PrismaAuditStore } from './auditLog';
import { PrismaCallbackAdminStore } from './callbackAdminStore';
import { PrismaGameAdminStore } from './gameAdminStore';
import { PrismaOperatorAdminStore } from './operatorAdminStore';
import { Prisma } from './prismaClient';
import { PrismaProviderAdminStore } from './providerAdminStore';
import { PrismaStaffStore } from './staffStore';

export function prismaAdminStores(prisma: Prisma): AdminStores {
  return {
    audit: new PrismaAuditStore(prisma),
    staff: new PrismaStaffStore(prisma),
    operators: new PrismaOperatorAdminStore(prisma),
    providers: new PrismaProviderAdminStore(prisma),
    games: new PrismaGameAdminStore(prisma),
    callbacks: new PrismaCallbackAdminStore(prisma),
  };
}
