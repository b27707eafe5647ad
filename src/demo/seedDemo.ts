/**
 * The demo world, seeded at start-up when DEMO_SEED is on (the default in development only):
 * - a demo admin: ADMIN_USERNAME/ADMIN_PASSWORD when set, otherwise `admin` with a random password made
 *   when it is first created and printed in that start's banner (there is no known default password);
 * - the demo studio `demo-studio`, whose launch URL opens the game page this process serves, and its games;
 * - `demo-transfer`, a transfer-mode operator (EUR, USD) with a funded player `demo-player-1`;
 * - `demo-seamless`, a seamless operator (hmac) whose wallet is the built-in sandbox wallet.
 *
 * Idempotent: every step creates what is missing and leaves what exists (secrets are generated once and
 * re-used on every restart), through the same use cases as the admin and platform APIs. Two processes
 * seeding at once meet at the unique indexes; the loser re-reads what the winner created. The only
 * thing a restart changes is the port in the demo's own URLs, so that they follow PORT.
 */
import { randomBytes } from 'node:crypto';
import { Pool } from 'mysql2/promise';
import { Logger } from 'pino';
import { AdminRefusal } from '../app/admin/adminErrors';
import { GameInput, upsertGames } from '../app/admin/games';
import { createOperator, updateOperator } from '../app/admin/operators';
import { createProvider, updateProvider } from '../app/admin/providers';
import { ensureBootstrapAdmin } from '../app/admin/staff';
import { OperatorCaller } from '../app/callers';
import { launchGame } from '../app/games/catalogue';
import { createPlayer } from '../app/wallet/players';
import { depositToWallet } from '../app/wallet/transferFunds';
import { Config } from '../config';
import { MysqlCallerStore } from '../db/callerStore';
import { MysqlCatalogueStore } from '../db/catalogueStore';
import { MysqlErrno, mysqlErrno } from '../db/mysqlPool';
import { Prisma } from '../db/prismaClient';
import { prismaAdminStores } from '../db/adminStores';
import { MysqlWalletStore } from '../db/walletStore';
import { openStored } from '../db/storedSecrets';
import { secretContext } from '../domain/secretEnvelope';
import { parseMajorAmount } from '../domain/money';
import { ResultCode } from '../domain/resultCodes';
import { DEMO_PROVIDER_ID } from './demoStudio';
import { SANDBOX_START_BALANCE_MAJOR } from './sandboxWallet';

/** The demo admin's name when ADMIN_USERNAME/ADMIN_PASSWORD are not set; its password is random (see seedOnce). */
export const DEMO_ADMIN = { username: 'admin' } as const;
export const DEMO_TRANSFER_AGENT = 'demo-transfer';
export const DEMO_SEAMLESS_AGENT = 'demo-seamless';
export const DEMO_PLAYER = 'demo-player-1';
export const DEMO_CURRENCIES = ['EUR', 'USD'] as const;
/** What the transfer operator deposits for its demo player, once per currency (idempotent ids). */
export const DEMO_FUNDING_MAJOR = 1000;
const ACTOR = 'demo-seed';

/** The demo catalogue, with the §14 metadata a lobby shows (no thumbnails: the demo studio serves none). */
export const DEMO_GAMES: readonly Omit<GameInput, 'providerID'>[] = [
  {
    gameID: 900001,
    name: 'Demo Fruits',
    type: 'slot',
    rtp: 96,
    freeSpins: true,
    demo: true,
    enabled: true,
    category: 'video-slots',
    platforms: ['desktop', 'mobile'],
    volatility: 'low',
    features: ['free-spins'],
    releaseDate: '2026-11-21',
    blockedCountries: [],
  },
  {
    gameID: 900002,
    name: 'Demo Sevens',
    type: 'slot',
    rtp: 95.5,
    freeSpins: false,
    demo: true,
    enabled: true,
    category: 'classic-slots',
    platforms: ['desktop', 'mobile'],
    volatility: 'medium',
    features: [],
    releaseDate: '2026-11-21',
    blockedCountries: [],
  },
  {
    gameID: 900003,
    name: 'Demo Gems (real money only)',
    type: 'slot',
    rtp: 97,
    freeSpins: true,
    demo: false,
    enabled: true,
    category: 'video-slots',
    platforms: ['desktop'],
    volatility: 'high',
    features: ['free-spins', 'jackpot'],
    releaseDate: '2026-12-01',
    blockedCountries: ['US'],
  },
];

export interface DemoLaunch {
  readonly userID: string | null;
  readonly gameID: number;
  readonly currency: string;
  readonly url: string | null;
  readonly token: string | null;
  /** Why there is no URL, when there is none (e.g. staff disabled the operator or game). */
  readonly problem?: string;
}

export interface DemoOperator {
  readonly agentID: string;
  readonly secretKey: string;
  readonly mode: 'transfer' | 'seamless';
  readonly callbackUrl: string | null;
  readonly launch: DemoLaunch;
}

export interface DemoWorld {
  readonly baseUrl: string;
  /**
   * password null: it is the ADMIN_PASSWORD the process was started with (not repeated), or the
   * random one printed when the demo admin was first created (only its hash is kept).
   */
  readonly admin: { readonly username: string; readonly password: string | null; readonly fromEnvironment: boolean };
  readonly provider: { readonly providerID: string; readonly secretKey: string; readonly launchUrl: string };
  readonly games: readonly number[];
  readonly transfer: DemoOperator;
  readonly seamless: DemoOperator;
  /** A play-money launch (no player, no money). */
  readonly funLaunch: DemoLaunch;
  readonly sandboxWalletUrl: string;
  readonly sessionTtlS: number;
}

export interface SeedDependencies {
  readonly config: Config;
  readonly pool: Pool;
  readonly prisma: Prisma;
  readonly logger: Logger;
}

/** Seeds (or finds) the demo world for a server listening on `port`; safe to run any number of times, at once. */
export async function seedDemo(deps: SeedDependencies, port: number): Promise<DemoWorld> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await seedOnce(deps, port);
    } catch (error) {
      // A race with another process seeding the same database: what it created is there now.
      if (attempt < 4 && isRace(error)) continue;
      throw error;
    }
  }
}

async function seedOnce(deps: SeedDependencies, port: number): Promise<DemoWorld> {
  const { config, pool, prisma } = deps;
  const baseUrl = `http://localhost:${port}`;
  const launchUrl = `${baseUrl}/demo-studio/play?token={token}&game={gameID}&lang={language}&lobby={lobbyUrl}&currency={currency}&mode={mode}`;
  const sandboxWalletUrl = `${baseUrl}/sandbox/wallet`;

  // No fixed demo password: one made now, which only the banner of the start that creates the admin shows.
  const admin = config.admin ?? { username: DEMO_ADMIN.username, password: randomBytes(12).toString('base64url') };
  const createdAdmin = await ensureBootstrapAdmin(prismaAdminStores(prisma).staff, admin.username, admin.password);
  if (createdAdmin) deps.logger.info({ username: admin.username }, 'demo: created the admin');

  const provider = await ensureProvider(prisma, launchUrl);
  const games = await ensureGames(prisma, deps.logger);
  const transferSecret = await ensureOperator(prisma, DEMO_TRANSFER_AGENT, 'Demo casino (transfer mode)', null);
  const seamlessSecret = await ensureOperator(
    prisma,
    DEMO_SEAMLESS_AGENT,
    'Demo casino (seamless mode)',
    sandboxWalletUrl,
  );

  const callers = new MysqlCallerStore(pool);
  const walletStore = new MysqlWalletStore(pool);
  const catalogue = new MysqlCatalogueStore(pool);
  const transfer = (await callers.findOperator(DEMO_TRANSFER_AGENT))!.caller;
  const seamless = (await callers.findOperator(DEMO_SEAMLESS_AGENT))!.caller;
  if (transfer.mode === 'transfer') await fundDemoPlayer(walletStore, transfer);

  const launch = (operator: OperatorCaller, demo: boolean) => demoLaunch(catalogue, config, operator, demo);

  return {
    baseUrl,
    admin: {
      username: admin.username,
      password: config.admin || !createdAdmin ? null : admin.password,
      fromEnvironment: config.admin !== null,
    },
    provider: {
      providerID: DEMO_PROVIDER_ID,
      secretKey: openStored(secretContext.providerSecret(DEMO_PROVIDER_ID), provider.secretKey),
      launchUrl: provider.launchUrlTemplate ?? launchUrl,
    },
    games,
    transfer: {
      agentID: DEMO_TRANSFER_AGENT,
      secretKey: transferSecret,
      mode: transfer.mode,
      callbackUrl: transfer.callbackUrl,
      launch: await launch(transfer, false),
    },
    seamless: {
      agentID: DEMO_SEAMLESS_AGENT,
      secretKey: seamlessSecret,
      mode: seamless.mode,
      callbackUrl: seamless.callbackUrl,
      launch: await launch(seamless, false),
    },
    funLaunch: await launch(transfer, true),
    sandboxWalletUrl,
    sessionTtlS: config.sessionTtlS,
  };
}

/** A launch of the first demo game for the demo player (or a fun-mode launch), as the banner shows it. */
async function demoLaunch(
  catalogue: MysqlCatalogueStore,
  config: SeedDependencies['config'],
  operator: OperatorCaller,
  demo: boolean,
): Promise<DemoLaunch> {
  const request = {
    userId: demo ? null : DEMO_PLAYER,
    gameId: DEMO_GAMES[0]!.gameID,
    currency: 'EUR',
    language: 'en',
    demo,
    lobbyUrl: null,
    device: 'desktop' as const,
    country: null,
  };
  const launched = await launchGame(catalogue, operator, request, {
    secret: config.jwtSecret,
    ttlS: config.sessionTtlS,
  });
  const base = { userID: request.userId, gameID: request.gameId, currency: request.currency };
  return launched.ok
    ? { ...base, url: launched.url, token: launched.token }
    : { ...base, url: null, token: null, problem: `code ${launched.refusal.code}: ${launched.refusal.message}` };
}

/** The demo studio; its launch URL follows the port while it is still the demo's own localhost URL. */
async function ensureProvider(prisma: Prisma, launchUrl: string) {
  let row = await prisma.provider.findUnique({ where: { providerId: DEMO_PROVIDER_ID } });
  if (!row) {
    await ignoreAlreadyExists(
      createProvider(prismaAdminStores(prisma).providers, ACTOR, {
        providerID: DEMO_PROVIDER_ID,
        name: 'Demo Studio',
        launchUrl,
      }),
    );
    row = await prisma.provider.findUniqueOrThrow({ where: { providerId: DEMO_PROVIDER_ID } });
  }
  if (row.launchUrlTemplate !== launchUrl && isDemoUrl(row.launchUrlTemplate, '/demo-studio/play?')) {
    await updateProvider(prismaAdminStores(prisma).providers, ACTOR, { providerID: DEMO_PROVIDER_ID, launchUrl });
    row = await prisma.provider.findUniqueOrThrow({ where: { providerId: DEMO_PROVIDER_ID } });
  }
  return row;
}

/** Creates the demo games that are missing; what staff changed since (disabled, renamed) stays changed. */
async function ensureGames(prisma: Prisma, logger: Logger): Promise<number[]> {
  const ids = DEMO_GAMES.map((g) => g.gameID);
  const existing = await prisma.game.findMany({
    where: { gameId: { in: ids } },
    select: { gameId: true, providerId: true },
  });
  const studio = await prisma.provider.findUniqueOrThrow({
    where: { providerId: DEMO_PROVIDER_ID },
    select: { id: true },
  });
  const taken = existing.filter((g) => g.providerId !== studio.id).map((g) => g.gameId);
  if (taken.length) logger.warn({ gameIDs: taken }, 'demo: these game ids belong to another provider; left alone');
  const missing = DEMO_GAMES.filter((g) => !existing.some((e) => e.gameId === g.gameID)).map((g) => ({
    ...g,
    providerID: DEMO_PROVIDER_ID,
  }));
  if (missing.length) await upsertGames(prismaAdminStores(prisma).games, ACTOR, missing);
  return ids.filter((id) => !taken.includes(id));
}

/** The operator's secretKey, created once. A seamless demo operator's sandbox URL follows the port. */
async function ensureOperator(
  prisma: Prisma,
  agentID: string,
  name: string,
  callbackUrl: string | null,
): Promise<string> {
  let row = await prisma.operator.findUnique({ where: { agentId: agentID } });
  if (!row) {
    await ignoreAlreadyExists(
      createOperator(prismaAdminStores(prisma).operators, ACTOR, {
        agentID,
        name,
        currencies: [...DEMO_CURRENCIES],
        callbackUrl,
        callbackScheme: 'hmac',
      }),
    );
    row = await prisma.operator.findUniqueOrThrow({ where: { agentId: agentID } });
  }
  if (callbackUrl && row.callbackUrl !== callbackUrl && isDemoUrl(row.callbackUrl, '/sandbox/wallet')) {
    await updateOperator(prismaAdminStores(prisma).operators, ACTOR, { agentID, callbackUrl });
  }
  return openStored(secretContext.operatorSecret(agentID), row.secretKey);
}

/** Creates demo-player-1 and deposits its demo money once per currency, as an operator would. */
async function fundDemoPlayer(store: MysqlWalletStore, operator: OperatorCaller): Promise<void> {
  for (const currency of DEMO_CURRENCIES) {
    if (!operator.currencies.has(currency)) continue;
    const created = await createPlayer(store, operator, DEMO_PLAYER, currency, 'Demo Player');
    if (created.code !== ResultCode.OK) throw new Error(`demo: creating ${DEMO_PLAYER} failed: ${created.message}`);
    const amount = parseMajorAmount(DEMO_FUNDING_MAJOR, currency);
    if (!amount.ok) throw new Error(amount.reason);
    const funded = await depositToWallet(store, {
      operator,
      userId: DEMO_PLAYER,
      currency,
      amount: amount.minor,
      transactionId: `demo-seed-funding-${DEMO_PLAYER}-${currency}`,
    });
    if (funded.code !== ResultCode.OK && funded.code !== ResultCode.DUPLICATE_TRANSACTION) {
      throw new Error(`demo: funding ${DEMO_PLAYER} in ${currency} failed: code ${funded.code} ${funded.message}`);
    }
  }
}

/** A URL the demo made itself (localhost, its own path), which may follow a new port. */
function isDemoUrl(url: string | null, path: string): boolean {
  return url !== null && /^http:\/\/localhost:\d+\//.test(url) && url.includes(path);
}

async function ignoreAlreadyExists(work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (error) {
    if (!isAlreadyExists(error)) throw error;
  }
}

function isAlreadyExists(error: unknown): boolean {
  return (
    (error instanceof AdminRefusal && error.kind === 'conflict') ||
    (error as { code?: unknown } | null)?.code === 'P2002'
  );
}

function isRace(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const errno = mysqlErrno(error);
  return (
    isAlreadyExists(error) ||
    code === 'P2034' ||
    errno === MysqlErrno.DUPLICATE_ENTRY ||
    errno === MysqlErrno.DEADLOCK ||
    errno === MysqlErrno.LOCK_WAIT_TIMEOUT
  );
}

function adminPasswordLine(admin: DemoWorld['admin']): string {
  if (admin.password) return `${admin.password}  (random, shown only now: note it)`;
  if (admin.fromEnvironment) return '(the ADMIN_PASSWORD you set)';
  return '(the one printed when it was created; or start with ADMIN_USERNAME/ADMIN_PASSWORD for another admin)';
}

/** The friendly "how to use it" block printed at start-up (development: it shows the demo secrets). */
export function formatDemoBanner(world: DemoWorld): string {
  const line = '─'.repeat(78);
  const hours = Math.round((world.sessionTtlS / 3600) * 10) / 10;
  const launchLine = (launch: DemoLaunch) => launch.url ?? `(no launch: ${launch.problem})`;
  const sign = `sign = uppercase hex HMAC-SHA-256(secretKey, "k1=v1&k2=v2..." of the sorted non-null fields)`;
  return [
    '',
    line,
    ' Demo world ready (DEMO_SEED is on; never in production)',
    line,
    ` Back office   ${world.baseUrl}/backoffice`,
    `               user ${world.admin.username}  password ${adminPasswordLine(world.admin)}`,
    ` API docs      ${world.baseUrl}/docs`,
    '',
    ` Play, transfer mode (${world.transfer.agentID}: our wallets, ${world.transfer.launch.userID} funded with ${DEMO_FUNDING_MAJOR} EUR):`,
    `   ${launchLine(world.transfer.launch)}`,
    ` Play, seamless mode (${world.seamless.agentID}: the sandbox wallet at ${world.sandboxWalletUrl}, new players start with ${SANDBOX_START_BALANCE_MAJOR}):`,
    `   ${launchLine(world.seamless.launch)}`,
    ` Play money (no player, no money):`,
    `   ${launchLine(world.funLaunch)}`,
    ` (launch tokens last ${hours} h, SESSION_TTL_S; restart for fresh ones)`,
    '',
    ' Call the platform API yourself (POST JSON, signed):',
    `   agentID ${world.transfer.agentID.padEnd(14)} secretKey ${world.transfer.secretKey}  (${world.transfer.mode} mode)`,
    `   agentID ${world.seamless.agentID.padEnd(14)} secretKey ${world.seamless.secretKey}  (${world.seamless.mode} mode)`,
    `   providerID ${world.provider.providerID.padEnd(11)} secretKey ${world.provider.secretKey}  (the demo studio)`,
    `   ${sign}`,
    `   e.g. POST ${world.baseUrl}/v1/games/list {"agentID":"${world.transfer.agentID}","timestamp":<unix s>,"sign":"..."}`,
    ` Demo games: ${world.games.join(', ')}. Turn all this off with DEMO_SEED=false.`,
    line,
    '',
  ].join('\n');
}
