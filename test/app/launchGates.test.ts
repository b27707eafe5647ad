// Risk covered: the launch gates (src/app/games/launchGates.ts) answering in the wrong order, letting a
// launch through after a refusal, or making it hard to add a rule: the first refusal in list order wins,
// later gates are not even asked, and a gate added to the list takes part without touching the others.
import { LaunchableGame } from '../../src/app/games/catalogue';
import { LaunchAttempt, LaunchGate, launchGates, passGates } from '../../src/app/games/launchGates';
import { OperatorCaller } from '../../src/app/callers';
import { ResultCode, refuse } from '../../src/domain/resultCodes';

const operator: OperatorCaller = {
  id: 7,
  agentId: 'op-gates',
  currencies: new Set(['EUR']),
  mode: 'transfer',
  callbackUrl: null,
  callbackScheme: 'hmac',
  status: 'sandbox',
};

const game: LaunchableGame = {
  gameID: 501,
  name: 'Gate Keeper',
  providerID: 'studio-gates',
  type: 'slot',
  rtp: 96,
  freeSpins: false,
  demo: true,
  category: null,
  thumbnailUrl: null,
  platforms: ['desktop', 'mobile'],
  volatility: null,
  features: [],
  releaseDate: null,
  blockedCountries: ['DE'],
  enabled: true,
  providerInternalId: 3,
  launchUrlTemplate: 'https://studio.example/{token}',
  blockedFor: null,
};

function attempt(overrides: { request?: Partial<LaunchAttempt['request']>; game?: Partial<LaunchableGame> } = {}) {
  return {
    operator,
    game: { ...game, ...overrides.game },
    request: {
      userId: 'player-gates',
      gameId: game.gameID,
      currency: 'EUR',
      language: 'en',
      demo: false,
      lobbyUrl: null,
      device: 'desktop' as const,
      country: null,
      ...overrides.request,
    },
  };
}

/** A store whose player has a funded wallet (or none), no restriction, and an operator with credit. */
const wallets = (has: boolean) =>
  ({
    walletBalance: async () => (has ? 100n : null),
    creditStanding: async () => ({ balanceMinor: 1_000n, creditLimitMinor: 0n }),
    hasFreeSpinsFor: async () => false,
    playerRestriction: async () => null,
  }) as never;

test('a launch passing every gate gets no refusal', async () => {
  expect(await passGates(launchGates({ catalogue: wallets(true) }), attempt())).toBeNull();
});

test('each rule refuses with its code, and the first in list order wins', async () => {
  const gates = launchGates({ catalogue: wallets(false) });
  const code = async (a: LaunchAttempt) => (await passGates(gates, a))?.code ?? ResultCode.OK;
  expect(await code(attempt())).toBe(ResultCode.PLAYER_NOT_FOUND);
  expect(await code(attempt({ request: { userId: null } }))).toBe(ResultCode.INVALID_PARAMETERS);
  expect(await code(attempt({ game: { launchUrlTemplate: null }, request: { userId: null } }))).toBe(
    ResultCode.GAME_NOT_FOUND,
  );
  expect(await code(attempt({ request: { country: 'DE' } }))).toBe(ResultCode.GAME_NOT_FOUND);
  expect(await code(attempt({ request: { country: 'AT', demo: true } }))).toBe(ResultCode.OK);
  // Currency comes first: a blocked game in a currency the operator lacks answers 14.
  expect(await code(attempt({ game: { blockedFor: 'game' }, request: { currency: 'USD' } }))).toBe(
    ResultCode.CURRENCY_NOT_SUPPORTED,
  );
  expect((await passGates(gates, attempt({ game: { blockedFor: 'provider' } })))?.message).toMatch(
    /provider studio-gates is blocked for operator op-gates/,
  );
  expect((await passGates(gates, attempt({ request: { country: 'DE' } })))?.message).toMatch(/country DE/);
});

test('gates are named, later gates are not asked after a refusal, and an added gate takes part', async () => {
  const base = launchGates({ catalogue: wallets(true) });
  expect(base.map((g) => g.name)).toEqual([
    'currency-enabled',
    'not-blocked-for-operator',
    'not-blocked-in-country',
    'demo-available',
    'launch-url-configured',
    'player-named',
    'player-not-restricted',
    'prepaid-credit',
    'player-funded',
  ]);
  const asked: string[] = [];
  const spy = (name: string, refusal: ReturnType<typeof refuse> | null): LaunchGate => ({
    name,
    check: async () => {
      asked.push(name);
      return refusal;
    },
  });
  const restricted = spy('player-restricted-again', refuse(ResultCode.PLAYER_RESTRICTED, 'restricted'));
  const gates = [...base, restricted, spy('never-asked', null)];
  expect((await passGates(gates, attempt()))?.code).toBe(ResultCode.PLAYER_RESTRICTED);
  expect(asked).toEqual(['player-restricted-again']);
});
