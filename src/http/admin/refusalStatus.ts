/** The one place where an admin refusal's kind becomes a web status (PROTOCOL §8). */
import { AdminRefusalKind } from '../../app/admin/adminErrors';

export const ADMIN_REFUSAL_STATUS: Record<AdminRefusalKind, 400 | 401 | 403 | 404 | 409 | 429> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'rate-limited': 429,
};
