/**
 * Operator management (PROTOCOL §8): create, update (including the mode switch), list, rotate secrets,
 * over an OperatorAdminStore (db/operatorAdminStore.ts).
 */
import { randomBytes } from 'node:crypto';
import { WalletMode, walletModeOf } from '../../domain/walletMode';
import { allowedIpsView } from '../ipAllowList';
import { previousSecretExpiry, withoutCredentials } from './callerSecrets';
import { CatalogueBlocks } from './games';
import { OperatorStatus, operatorStatusOf } from '../../domain/operatorStatus';
import { Minor, toMajorNumber } from '../../domain/money';

export interface OperatorView {
  agentID: string;
  name: string;
  currencies: string[];
  callbackUrl: string | null;
  callbackScheme: 'hmac' | 'md5';
  enabled: boolean;
  mode: WalletMode;
  // ---- Security (PROTOCOL §10) ----
  allowedIps: string[];
  previousSecretExpiresAt: string | null;
  // ---- Go-live (PROTOCOL §11) ----
  status: OperatorStatus;
  feePercent: number;
  /** Base-currency major units the credit may fall below zero. */
  creditLimit: number;
  peakPerSecond: number;
  liveSince: string | null;
}

/** How go-live fields render: the base currency of creditLimit, the fee of rows stored without one. */
export interface GoLiveDefaults {
  readonly baseCurrency: string;
  readonly defaultFeePercent: string;
}
export const PROTOCOL_GO_LIVE_DEFAULTS: GoLiveDefaults = { baseCurrency: 'EUR', defaultFeePercent: '10' };

/** The columns of an operator row a view reads. */
export interface OperatorRow {
  readonly agentId: string;
  readonly name: string;
  readonly currencies: string;
  readonly callbackUrl: string | null;
  readonly callbackScheme: 'hmac' | 'md5';
  readonly enabled: boolean;
  readonly allowedIps: string | null;
  readonly previousSecretExpiresAt: Date | null;
  readonly status: string;
  /** DECIMAL(5,2) as the driver gives it (a string or a decimal object), null for rows older than the column. */
  readonly feePercent: { toString(): string } | string | null;
  readonly creditLimitMinor: bigint;
  readonly peakPerSecond: number;
  readonly liveSince: Date | null;
}

export function operatorView(row: OperatorRow, defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS): OperatorView {
  return {
    agentID: row.agentId,
    name: row.name,
    currencies: row.currencies.split(',').filter(Boolean),
    callbackUrl: withoutCredentials(row.callbackUrl || null),
    callbackScheme: row.callbackScheme,
    enabled: row.enabled,
    mode: walletModeOf(row.callbackUrl),
    allowedIps: allowedIpsView(row.allowedIps),
    previousSecretExpiresAt: previousSecretExpiry(row.previousSecretExpiresAt),
    status: operatorStatusOf(row.status),
    feePercent: Number(row.feePercent ?? defaults.defaultFeePercent),
    creditLimit: toMajorNumber(row.creditLimitMinor as Minor, defaults.baseCurrency),
    peakPerSecond: row.peakPerSecond,
    liveSince: row.liveSince?.toISOString() ?? null,
  };
}

/** Go-live settings of operators/create|update (validated by the route; creditLimit in base minor units). */
export interface GoLiveSettingsInput {
  feePercent?: string;
  creditLimitMinor?: bigint;
  peakPerSecond?: number;
}

export const newSecret = () => randomBytes(32).toString('hex');
export const newSalt = () => randomBytes(16).toString('hex');

export interface CreateOperatorInput {
  agentID: string;
  name: string;
  currencies: string[];
  callbackUrl?: string | null;
  callbackScheme?: 'hmac' | 'md5';
  /** Canonical CIDRs (validated by the route). */
  allowedIps?: string[];
  blockedProviders?: string[];
  blockedGames?: number[];
}

/** The operator as operators/create|update|list answer it: with its catalogue blocks (PROTOCOL §14). */
export type OperatorWithBlocks = OperatorView & CatalogueBlocks;

export interface UpdateOperatorInput {
  agentID: string;
  name?: string;
  currencies?: string[];
  callbackUrl?: string | null;
  callbackScheme?: 'hmac' | 'md5';
  enabled?: boolean;
  allowedIps?: string[];
  /** Only back to the sandbox: going live is operators/go-live. */
  status?: 'sandbox';
  blockedProviders?: string[];
  blockedGames?: number[];
}

/** Keys made for a new operator or a rotation; the store seals them, the caller is shown them once. */
export interface OperatorKeys {
  readonly secretKey: string;
  readonly saltKey: string;
}

export interface OperatorAdminStore {
  /** One transaction: the operator, its catalogue blocks and the audit entry; refuses an agentID taken. */
  create(
    actor: string,
    input: CreateOperatorInput & GoLiveSettingsInput,
    keys: OperatorKeys,
    defaults: GoLiveDefaults,
  ): Promise<OperatorWithBlocks>;
  /**
   * Under the operator's row lock, run again whole on a write conflict: a mode switch is judged
   * (domain/walletMode.ts judgeModeSwitch) against what the operator still owes or holds.
   */
  update(
    actor: string,
    input: UpdateOperatorInput & GoLiveSettingsInput,
    defaults: GoLiveDefaults,
  ): Promise<OperatorWithBlocks>;
  list(defaults: GoLiveDefaults): Promise<OperatorWithBlocks[]>;
  /** Under the operator's row lock: new keys, the previous secretKey kept for `overlapSeconds`. */
  rotateSecret(
    actor: string,
    agentId: string,
    overlapSeconds: number,
    keys: OperatorKeys,
  ): Promise<{ previousSecretExpiresAt: string | null }>;
  /** The internal id of an agentID, null when there is none. */
  internalId(agentId: string): Promise<number | null>;
}

export async function createOperator(
  store: OperatorAdminStore,
  actor: string,
  input: CreateOperatorInput & GoLiveSettingsInput,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
) {
  const keys = { secretKey: newSecret(), saltKey: newSalt() };
  const operator = await store.create(actor, input, keys, defaults);
  return { operator, ...keys };
}

export function updateOperator(
  store: OperatorAdminStore,
  actor: string,
  input: UpdateOperatorInput & GoLiveSettingsInput,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
): Promise<OperatorWithBlocks> {
  return store.update(actor, input, defaults);
}

export function listOperators(
  store: OperatorAdminStore,
  defaults: GoLiveDefaults = PROTOCOL_GO_LIVE_DEFAULTS,
): Promise<OperatorWithBlocks[]> {
  return store.list(defaults);
}

/**
 * New secretKey and saltKey at once; the previous secretKey is still accepted on requests to us for
 * `overlapSeconds` (our callbacks use the new keys at once, so the previous saltKey is not kept).
 */
export async function rotateOperatorSecret(
  store: OperatorAdminStore,
  actor: string,
  agentId: string,
  overlapSeconds: number,
) {
  const keys = { secretKey: newSecret(), saltKey: newSalt() };
  const { previousSecretExpiresAt } = await store.rotateSecret(actor, agentId, overlapSeconds, keys);
  return { agentID: agentId, ...keys, previousSecretExpiresAt };
}
