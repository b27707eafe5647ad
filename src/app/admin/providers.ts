/** Provider (studio) management (PROTOCOL §8, §10), over a ProviderAdminStore (db/providerAdminStore.ts). */
import { allowedIpsView } from '../ipAllowList';
import { previousSecretExpiry } from './callerSecrets';
import { newSecret } from './operators';

export interface ProviderView {
  providerID: string;
  name: string;
  enabled: boolean;
  launchUrl: string | null;
  allowedIps: string[];
  previousSecretExpiresAt: string | null;
}

export type ProviderRow = {
  providerId: string;
  name: string;
  enabled: boolean;
  launchUrlTemplate: string | null;
  allowedIps: string | null;
  previousSecretExpiresAt: Date | null;
};

export const providerView = (row: ProviderRow): ProviderView => ({
  providerID: row.providerId,
  name: row.name,
  enabled: row.enabled,
  launchUrl: row.launchUrlTemplate,
  allowedIps: allowedIpsView(row.allowedIps),
  previousSecretExpiresAt: previousSecretExpiry(row.previousSecretExpiresAt),
});

export interface CreateProviderInput {
  providerID: string;
  name: string;
  launchUrl?: string | null;
}

export interface UpdateProviderInput {
  providerID: string;
  name?: string;
  enabled?: boolean;
  launchUrl?: string | null;
  /** Canonical CIDRs (validated by the route). */
  allowedIps?: string[];
}

/** Each change is one transaction with its audit entry; a refusal (exists, not found) writes nothing. */
export interface ProviderAdminStore {
  /** Stores the provider with `secretKey` sealed; refuses a providerID already taken. */
  create(actor: string, input: CreateProviderInput, secretKey: string): Promise<ProviderView>;
  /** A change of `enabled` also marks its games changed (the §14 change feed). */
  update(actor: string, input: UpdateProviderInput): Promise<ProviderView>;
  list(): Promise<ProviderView[]>;
  /** Under the provider's row lock: the new secret, and the previous one kept for `overlapSeconds`. */
  rotateSecret(
    actor: string,
    providerId: string,
    overlapSeconds: number,
    secretKey: string,
  ): Promise<{ previousSecretExpiresAt: string | null }>;
  /** The internal id of a providerID, null when there is none. */
  internalId(providerId: string): Promise<number | null>;
}

export async function createProvider(store: ProviderAdminStore, actor: string, input: CreateProviderInput) {
  const secretKey = newSecret();
  const provider = await store.create(actor, input, secretKey);
  return { providerID: input.providerID, secretKey, provider };
}

export function updateProvider(
  store: ProviderAdminStore,
  actor: string,
  input: UpdateProviderInput,
): Promise<ProviderView> {
  return store.update(actor, input);
}

export function listProviders(store: ProviderAdminStore): Promise<ProviderView[]> {
  return store.list();
}

/** A new secretKey at once; the previous one is still accepted for `overlapSeconds` (0: not at all). */
export async function rotateProviderSecret(
  store: ProviderAdminStore,
  actor: string,
  providerId: string,
  overlapSeconds: number,
) {
  const secretKey = newSecret();
  const { previousSecretExpiresAt } = await store.rotateSecret(actor, providerId, overlapSeconds, secretKey);
  return { providerID: providerId, secretKey, previousSecretExpiresAt };
}
