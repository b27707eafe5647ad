/** A small world for provider tests: an operator, a studio with games, funded players and their tokens. */
import { AdminClient, SignedClient } from './clients';
import { FakeOperatorWallet } from './fakeOperatorWallet';

export interface World {
  admin: AdminClient;
  operator: SignedClient;
  studio: SignedClient;
  gameId: number;
  otherGameId: number;
}

let worldSeq = 0;

export async function buildWorld(admin: AdminClient, options: { currencies?: string[] } = {}): Promise<World> {
  const n = ++worldSeq;
  const operator = await admin.createOperator(`op-world-${n}`, options.currencies ?? ['EUR', 'JPY']);
  const created = await admin.ok('/admin/v1/providers/create', {
    providerID: `studio-${n}`,
    name: `Studio ${n}`,
    launchUrl: 'https://studio.example/play?token={token}&game={gameID}&lang={language}&lobby={lobbyUrl}',
  });
  const studio = new SignedClient(admin.baseUrl, 'providerID', `studio-${n}`, created.secretKey as string);
  const gameId = 1000 + n * 10;
  await admin.ok('/admin/v1/games/upsert', {
    games: [
      {
        gameID: gameId,
        providerID: `studio-${n}`,
        name: 'Book of Tests',
        type: 'slot',
        rtp: 96.5,
        freeSpins: true,
        demo: true,
        enabled: true,
      },
      {
        gameID: gameId + 1,
        providerID: `studio-${n}`,
        name: 'Test Roulette',
        type: 'table',
        rtp: 97.3,
        freeSpins: false,
        demo: false,
        enabled: true,
      },
    ],
  });
  return { admin, operator, studio, gameId, otherGameId: gameId + 1 };
}

/** Creates the player with a balance and launches the game for real money; returns the token. */
export async function fundedSession(
  world: World,
  userID: string,
  amount: number,
  options: { currency?: string; gameId?: number } = {},
): Promise<string> {
  return operatorSession(world.operator, userID, amount, { ...options, gameId: options.gameId ?? world.gameId });
}

/** fundedSession at any operator: the player created and funded there, the game launched for real money. */
export async function operatorSession(
  operator: SignedClient,
  userID: string,
  amount: number,
  options: { currency?: string; gameId: number },
): Promise<string> {
  const currency = options.currency ?? 'EUR';
  await operator.call('/v1/player/create', { userID, currency });
  if (amount > 0) {
    await operator.call('/v1/player/wallet/deposit', {
      userID,
      currency,
      amount,
      transactionID: `fund-${userID}-${currency}-${Date.now()}-${Math.random()}`,
    });
  }
  const launch = await operator.call('/v1/games/launch', { userID, gameID: options.gameId, currency });
  if (launch.code !== 0) throw new Error(`launch failed: ${JSON.stringify(launch)}`);
  return launch.token as string;
}

/** A seamless-mode operator whose wallet is a FakeOperatorWallet (a real HTTP server), with its signed client. */
export interface SeamlessOperator {
  agentID: string;
  op: SignedClient;
  wallet: FakeOperatorWallet;
}

/**
 * Creates `agentID` in seamless mode (§6.1 `hmac`) with its wallet started; the caller stops the wallet
 * (push it on a list stopped in afterAll). `strictRollbacks`: see FakeOperatorWallet.
 */
export async function seamlessOperator(
  admin: AdminClient,
  agentID: string,
  options: { currencies?: string[]; strictRollbacks?: boolean } = {},
): Promise<SeamlessOperator> {
  const keys = { secret: '', salt: '' };
  const wallet = await new FakeOperatorWallet(
    () => keys.secret,
    () => keys.salt,
  ).start();
  wallet.strictRollbacks = options.strictRollbacks ?? false;
  const created = await admin.ok('/admin/v1/operators/create', {
    agentID,
    name: agentID,
    currencies: options.currencies ?? ['EUR'],
    callbackUrl: wallet.url,
    callbackScheme: 'hmac',
  });
  keys.secret = created.secretKey;
  keys.salt = created.saltKey;
  return { agentID, op: new SignedClient(admin.baseUrl, 'agentID', agentID, created.secretKey), wallet };
}
