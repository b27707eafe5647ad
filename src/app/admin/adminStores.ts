/** The stores the staff use cases of the admin API work over (each implemented in src/db, composed in http/app.ts). */
import { AuditStore } from './audit';
import { CallbackAdminStore } from './callbacks';
import { GameAdminStore } from './games';
import { OperatorAdminStore } from './operators';
import { ProviderAdminStore } from './providers';
import { StaffStore } from './staff';

export interface AdminStores {
  readonly audit: AuditStore;
  readonly staff: StaffStore;
  readonly operators: OperatorAdminStore;
  readonly providers: ProviderAdminStore;
  readonly games: GameAdminStore;
  readonly callbacks: CallbackAdminStore;
}
