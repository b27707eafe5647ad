/** What the catalogue tests share: a server with an admin and a support user, game rows, refusals. */
import { AdminClient, HttpAnswer } from './clients';
import { TestServer, startTestServer } from './testServer';

/** What a game without §14 metadata answers (PROTOCOL §14). */
export const NO_METADATA = {
  category: null,
  thumbnailUrl: null,
  platforms: ['desktop', 'mobile'],
  volatility: null,
  features: [],
  releaseDate: null,
  blockedCountries: [],
};

/** A games/upsert row, enabled, without demo or free spins; `extra` sets any field. */
export function gameRow(gameID: number, providerID: string, extra: Record<string, unknown> = {}) {
  return {
    gameID,
    providerID,
    name: `Game ${gameID}`,
    type: 'slot',
    rtp: 96.5,
    freeSpins: false,
    demo: false,
    enabled: true,
    ...extra,
  };
}

/** An admin API refusal: this HTTP status, this code, and a message in words. */
export function expectAdminRefusal(answer: HttpAnswer, status: number, code: number): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(typeof answer.body?.message).toBe('string');
}

export interface CatalogueServer {
  server: TestServer;
  admin: AdminClient;
  /** Signed in with the support role: may read the catalogue, not change it. */
  support: AdminClient;
}

/** A server of its own with the first admin and a support user named `supportUsername`, signed in. */
export async function startCatalogueServer(label: string, supportUsername: string): Promise<CatalogueServer> {
  const server = await startTestServer(label);
  const admin = await server.admin();
  const password = 'support-password-1';
  await admin.ok('/admin/v1/users/create', { username: supportUsername, password, role: 'support' });
  const support = await AdminClient.login(server.url, supportUsername, password);
  return { server, admin, support };
}
