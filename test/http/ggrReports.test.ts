// Risk covered: GGR reports (PROTOCOL §12) that misstate money: base figures rounded before summing or
// not half-even, ggr not bets − rollbacks − wins, local figures missing or wrong when grouped by currency,
// transactions without a rate zero-filled instead of left out (missingRates), free-spin bets not counted,
// players or rounds added across days instead of counted once, sandbox rows billed by default, one
// operator reading another's figures, a CSV without its header or with other figures than the JSON,
// staff roles not enforced, freshness not reported, and bad input (from after to, over 366 days, an
// unknown or repeated groupBy, a day that does not exist) answered with anything but code 2.
import { AdminClient, SignedClient, postJson } from '../support/clients';
import { TestServer, startTestServer } from '../support/testServer';
import { clearGgrDaily, operatorIdOf, providerIdOf, seedGgrDaily, setFeedSequencer } from '../support/ggrSeed';

let server: TestServer;
let admin: AdminClient;
let finance: AdminClient;
let support: AdminClient;
let opA: SignedClient;
let opB: SignedClient;
let idA: number;
let idB: number;
let studio1: number;
let studio2: number;

const G1 = 7101;
const G2 = 7102;
const G3 = 7201;

beforeAll(async () => {
  server = await startTestServer('ggrreports', {}, { workers: false });
  admin = await server.admin();
  opA = await admin.createOperator('rep-op-A', ['EUR', 'USD', 'JPY']);
  opB = await admin.createOperator('rep-op-B', ['EUR']);
  await admin.createProvider('rep-studio-1');
  await admin.createProvider('rep-studio-2');
  const game = (gameID: number, providerID: string) => ({
    gameID,
    providerID,
    name: `Game ${gameID}`,
    type: 'slot',
    rtp: 96,
    freeSpins: true,
    demo: false,
    enabled: true,
  });
  await admin.ok('/admin/v1/games/upsert', {
    games: [game(G1, 'rep-studio-1'), game(G2, 'rep-studio-1'), game(G3, 'rep-studio-2')],
  });
  for (const [username, role] of [
    ['rep.finance', 'finance'],
    ['rep.support', 'support'],
  ]) {
    await admin.ok('/admin/v1/users/create', { username, password: `${role}-password-for-reports-1`, role });
  }
  finance = await AdminClient.login(server.url, 'rep.finance', 'finance-password-for-reports-1');
  support = await AdminClient.login(server.url, 'rep.support', 'support-password-for-reports-1');
  idA = await operatorIdOf(server.db, 'rep-op-A');
  idB = await operatorIdOf(server.db, 'rep-op-B');
  studio1 = await providerIdOf(server.db, 'rep-studio-1');
  studio2 = await providerIdOf(server.db, 'rep-studio-2');
});

afterAll(async () => {
  await server?.close();
});

/**
 * Operator A, November 2026. USD at a 7-decimal rate 0.9234567: 12.34 USD of bets is 11.395455678 EUR
 * exactly, 5.00 USD of wins 4.6172835; 1.00 USD rolled back is 0.9234567. Two more days (other rates)
 * hold the half-even cases: 0.125 EUR rounds to 0.12, 0.135 to 0.14.
 */
async function seedOperatorA(): Promise<void> {
  await seedGgrDaily(server.db, [
    {
      operatorId: idA,
      day: '2026-11-01',
      providerId: studio1,
      gameId: G1,
      currency: 'USD',
      // 3 bets: two with money (12.34 + 1.00 USD), one free-spin bet with 0.
      betCount: 3,
      betsMinor: 1334,
      rollbacksMinor: 100,
      winsMinor: 500,
      betsBase: '12.318912378',
      rollbacksBase: '0.9234567',
      winsBase: '4.6172835',
      players: ['alice01', 'bob0001'],
      rounds: [
        ['alice01', 'r1'],
        ['alice01', 'r2'],
        ['bob0001', 'r3'],
      ],
    },
    {
      operatorId: idA,
      // 0.10 USD at that day's rate 1.25: 0.125 EUR.
      day: '2026-11-02',
      providerId: studio1,
      gameId: G1,
      currency: 'USD',
      betCount: 1,
      betsMinor: 10,
      betsBase: '0.125',
      players: ['alice01'],
      rounds: [['alice01', 'r4']],
    },
    {
      operatorId: idA,
      // 0.10 USD at 1.35: 0.135 EUR.
      day: '2026-11-03',
      providerId: studio2,
      gameId: G3,
      currency: 'USD',
      betCount: 1,
      betsMinor: 10,
      betsBase: '0.135',
      players: ['alice01'],
      rounds: [['alice01', 'r1']],
    },
    {
      // JPY without a rate: 2 bets of 500 JPY, counted in missingRates, left out of the base sums.
      operatorId: idA,
      day: '2026-11-03',
      providerId: studio2,
      gameId: G3,
      currency: 'JPY',
      betCount: 2,
      betsMinor: 1000,
      winsMinor: 300,
      missingRates: 3,
      players: ['carol01'],
      rounds: [['carol01', 'r9']],
    },
    {
      // Stored while A was in the sandbox: left out unless includeSandbox.
      operatorId: idA,
      day: '2026-11-02',
      providerId: studio1,
      gameId: G2,
      currency: 'EUR',
      sandbox: true,
      betCount: 5,
      betsMinor: 5000,
      betsBase: '50',
      players: ['sandy01'],
      rounds: [['sandy01', 's1']],
    },
    {
      // Outside the range asked for (to is exclusive).
      operatorId: idA,
      day: '2026-12-01',
      providerId: studio1,
      gameId: G1,
      currency: 'EUR',
      betCount: 1,
      betsMinor: 100000,
      betsBase: '1000',
      players: ['alice01'],
      rounds: [['alice01', 'late']],
    },
  ]);
}

async function seedOperatorB(): Promise<void> {
  await seedGgrDaily(server.db, [
    {
      operatorId: idB,
      day: '2026-11-01',
      providerId: studio1,
      gameId: G1,
      currency: 'EUR',
      betCount: 4,
      betsMinor: 4000,
      winsMinor: 1000,
      betsBase: '40',
      winsBase: '10',
      // The same user id as A's player: another operator's player, counted apart.
      players: ['alice01'],
      rounds: [['alice01', 'r1']],
    },
  ]);
}

const NOVEMBER = { from: '2026-11-01', to: '2026-12-01' };

describe('GGR reports over the daily aggregate', () => {
  beforeAll(async () => {
    await clearGgrDaily(server.db);
    await seedOperatorA();
    await seedOperatorB();
    await setFeedSequencer(server.db, 4242, new Date('2026-12-02T03:04:05.678Z'));
  });

  test('by day (the default): exact sums rounded half-even once, rollbacks subtracted, free spins counted', async () => {
    const answer = await opA.call('/v1/reports/ggr', NOVEMBER);
    expect(answer).toMatchObject({ code: 0, baseCurrency: 'EUR', groupBy: ['day'] });
    expect(answer.freshness).toEqual({ asOf: '2026-12-02T03:04:05.678Z', lastSeq: '4242' });
    expect(answer.rows).toEqual([
      {
        day: '2026-11-01',
        betCount: 3,
        bets: 12.32, // 12.318912378
        rollbacks: 0.92, // 0.9234567
        wins: 4.62, // 4.6172835
        ggr: 6.78, // 6.7781721780 exactly, then rounded
        rounds: 3,
        players: 2,
        missingRates: 0,
      },
      {
        day: '2026-11-02',
        betCount: 1,
        bets: 0.12,
        rollbacks: 0,
        wins: 0,
        ggr: 0.12,
        rounds: 1,
        players: 1,
        missingRates: 0,
      },
      // 0.135 → 0.14 (half-even); the JPY rows have no rate: counted, not in the money.
      {
        day: '2026-11-03',
        betCount: 3,
        bets: 0.14,
        rollbacks: 0,
        wins: 0,
        ggr: 0.14,
        rounds: 2,
        players: 2,
        missingRates: 3,
      },
    ]);
    // Totals: the exact sums (12.578912378, 0.9234567, 4.6172835) rounded once, not the sum of rounded rows;
    // alice01's round r1 on two games and days counts per (studio, round), players once across days.
    expect(answer.totals).toEqual({
      betCount: 7,
      bets: 12.58,
      rollbacks: 0.92,
      wins: 4.62,
      ggr: 7.04, // 7.0381721780
      rounds: 6,
      players: 3,
      missingRates: 3,
    });
  });

  test('by currency: local figures in the currency, base figures leaving out what had no rate', async () => {
    const answer = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['currency'] });
    expect(answer.code).toBe(0);
    expect(answer.rows).toEqual([
      {
        currency: 'JPY',
        betCount: 2,
        bets: 0,
        rollbacks: 0,
        wins: 0,
        ggr: 0,
        rounds: 1,
        players: 1,
        missingRates: 3,
        betsLocal: 1000,
        rollbacksLocal: 0,
        winsLocal: 300,
        ggrLocal: 700,
      },
      {
        currency: 'USD',
        betCount: 5,
        bets: 12.58,
        rollbacks: 0.92,
        wins: 4.62,
        ggr: 7.04,
        rounds: 5,
        players: 2,
        missingRates: 0,
        betsLocal: 13.54,
        rollbacksLocal: 1,
        winsLocal: 5,
        ggrLocal: 7.54,
      },
    ]);
    expect(answer.totals).not.toHaveProperty('betsLocal');
  });

  test('the daily statement: by day and currency, ordered by day then currency', async () => {
    const answer = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['day', 'currency'] });
    expect(answer.rows.map((row: Record<string, unknown>) => [row.day, row.currency, row.ggrLocal, row.ggr])).toEqual([
      ['2026-11-01', 'USD', 7.34, 6.78],
      ['2026-11-02', 'USD', 0.1, 0.12],
      ['2026-11-03', 'JPY', 700, 0],
      ['2026-11-03', 'USD', 0.1, 0.14],
    ]);
  });

  test('by studio and game: wire ids as keys, in the order groupBy names them', async () => {
    const answer = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['gameID', 'providerID'] });
    expect(answer.rows.map((row: Record<string, unknown>) => [row.gameID, row.providerID, row.betCount])).toEqual([
      [G1, 'rep-studio-1', 4],
      [G3, 'rep-studio-2', 3],
    ]);
    const none = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: [] });
    expect(none.rows).toEqual([{ ...none.totals }]);
  });

  test('groups and totals in one statement: a many-key report has no subtotal rows and the ungrouped totals', async () => {
    const flat = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: [] });
    for (const groupBy of [['day'], ['gameID'], ['day', 'currency'], ['currency', 'providerID', 'gameID']]) {
      const answer = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy });
      expect({ groupBy, totals: answer.totals }).toEqual({ groupBy, totals: flat.totals });
      // Every row names every key: a rollup subtotal (a key missing or null) never reaches the wire.
      for (const row of answer.rows) for (const key of groupBy) expect(row[key] ?? null).not.toBeNull();
    }
    const manyKeys = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['day', 'currency'] });
    expect(manyKeys.rows).toHaveLength(4);
    // Players counted once over the month, not added across the days they played.
    const byDay = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['day'] });
    const playerDays = byDay.rows.reduce((sum: number, row: { players: number }) => sum + row.players, 0);
    expect(byDay.totals.players).toBeLessThan(playerDays);
    // A grouped report of nothing: no rows, totals zero.
    const empty = await opA.call('/v1/reports/ggr', {
      from: '2020-01-01',
      to: '2020-01-02',
      groupBy: ['day', 'gameID'],
    });
    expect(empty.rows).toEqual([]);
    expect(empty.totals).toMatchObject({ betCount: 0, bets: 0, ggr: 0, rounds: 0, players: 0, missingRates: 0 });
  });

  test('sandbox transactions are left out unless asked for', async () => {
    const live = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['gameID'] });
    expect(live.rows.map((row: { gameID: number }) => row.gameID)).toEqual([G1, G3]);
    const all = await opA.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['gameID'], includeSandbox: true });
    expect(all.rows.map((row: { gameID: number }) => row.gameID)).toEqual([G1, G2, G3]);
    expect(all.rows[1]).toMatchObject({ gameID: G2, betCount: 5, bets: 50, ggr: 50, players: 1, rounds: 1 });
    expect(all.totals).toMatchObject({ betCount: 12, bets: 62.58, players: 4 });
  });

  test('isolation: an operator sees its own figures only, whatever it sends', async () => {
    const answer = await opB.call('/v1/reports/ggr', { ...NOVEMBER, groupBy: ['agentID', 'day'] });
    expect(answer.rows).toEqual([
      {
        agentID: 'rep-op-B',
        day: '2026-11-01',
        betCount: 4,
        bets: 40,
        rollbacks: 0,
        wins: 10,
        ggr: 30,
        rounds: 1,
        players: 1,
        missingRates: 0,
      },
    ]);
    // Another operator's agentID in the body is the envelope's caller: its sign does not match.
    const forged = await postJson(`${server.url}/v1/reports/ggr`, { ...opB.body(NOVEMBER), agentID: 'rep-op-A' });
    expect(forged.body.code).toBe(3);
  });

  test('staff: every operator, filtered by agentID and providerID; players of two operators counted apart', async () => {
    const all = await finance.ok('/admin/v1/reports/ggr', { ...NOVEMBER, groupBy: ['agentID'] });
    expect(all.rows.map((row: Record<string, unknown>) => [row.agentID, row.betCount, row.ggr])).toEqual([
      ['rep-op-A', 7, 7.04],
      ['rep-op-B', 4, 30],
    ]);
    expect(all.totals).toMatchObject({ betCount: 11, players: 4, ggr: 37.04 });
    const onlyB = await support.ok('/admin/v1/reports/ggr', { ...NOVEMBER, agentID: 'rep-op-B' });
    expect(onlyB.totals).toMatchObject({ betCount: 4, ggr: 30 });
    const studio2Only = await admin.ok('/admin/v1/reports/ggr', { ...NOVEMBER, providerID: 'rep-studio-2' });
    expect(studio2Only.totals).toMatchObject({ betCount: 3, bets: 0.14, missingRates: 3 });
    const unknown = await admin.ok('/admin/v1/reports/ggr', { ...NOVEMBER, agentID: 'nobody' });
    expect(unknown.rows).toEqual([]);
    expect(unknown.totals).toMatchObject({ betCount: 0, bets: 0, players: 0 });
    // GET with a query string, groupBy comma-separated.
    const viaGet = await fetch(
      `${server.url}/admin/v1/reports/ggr?from=2026-11-01&to=2026-12-01&groupBy=agentID,day&agentID=rep-op-B`,
      { headers: { authorization: `Bearer ${finance.token}` } },
    );
    expect(((await viaGet.json()) as { rows: unknown[] }).rows).toEqual([
      expect.objectContaining({ agentID: 'rep-op-B', day: '2026-11-01' }),
    ]);
  });

  test('staff roles: a token is needed (401); admin, finance and support may read', async () => {
    const anonymous = await postJson(`${server.url}/admin/v1/reports/ggr`, NOVEMBER);
    expect(anonymous).toMatchObject({ status: 401, body: { code: 5 } });
  });

  test('CSV: text/csv with a header row, the same figures as the JSON, freshness in headers', async () => {
    const response = await fetch(`${server.url}/admin/v1/reports/ggr`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${finance.token}` },
      body: JSON.stringify({ ...NOVEMBER, groupBy: ['day', 'agentID', 'currency'], format: 'csv' }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="ggr-2026-11-01-2026-12-01.csv"');
    expect(response.headers.get('x-report-base-currency')).toBe('EUR');
    expect(response.headers.get('x-report-as-of')).toBe('2026-12-02T03:04:05.678Z');
    expect(response.headers.get('x-report-last-seq')).toBe('4242');
    expect((await response.text()).split('\r\n')).toEqual([
      'day,agentID,currency,betCount,bets,rollbacks,wins,ggr,rounds,players,missingRates,betsLocal,rollbacksLocal,winsLocal,ggrLocal',
      '2026-11-01,rep-op-A,USD,3,12.32,0.92,4.62,6.78,3,2,0,13.34,1.00,5.00,7.34',
      '2026-11-01,rep-op-B,EUR,4,40.00,0.00,10.00,30.00,1,1,0,40.00,0.00,10.00,30.00',
      '2026-11-02,rep-op-A,USD,1,0.12,0.00,0.00,0.12,1,1,0,0.10,0.00,0.00,0.10',
      '2026-11-03,rep-op-A,JPY,2,0.00,0.00,0.00,0.00,1,1,3,1000,0,300,700',
      '2026-11-03,rep-op-A,USD,1,0.14,0.00,0.00,0.14,1,1,0,0.10,0.00,0.00,0.10',
      '',
    ]);
    const empty = await fetch(
      `${server.url}/admin/v1/reports/ggr?from=2020-01-01&to=2020-01-02&format=csv&groupBy=day,gameID`,
      { headers: { authorization: `Bearer ${finance.token}` } },
    );
    expect(await empty.text()).toBe('day,gameID,betCount,bets,rollbacks,wins,ggr,rounds,players,missingRates\r\n');
  });

  test('freshness: null before the sequencer ever ran', async () => {
    await setFeedSequencer(server.db, 0, null);
    try {
      const answer = await opA.call('/v1/reports/ggr', NOVEMBER);
      expect(answer.freshness).toEqual({ asOf: null, lastSeq: '0' });
    } finally {
      await setFeedSequencer(server.db, 4242, new Date('2026-12-02T03:04:05.678Z'));
    }
  });
});

describe('bad input is code 2', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['from after to', { from: '2026-11-02', to: '2026-11-01' }, /must be after from/],
    ['from equal to to (an empty range)', { from: '2026-11-01', to: '2026-11-01' }, /must be after from/],
    ['over 366 days', { from: '2025-01-01', to: '2026-01-03' }, /367 days: at most 366/],
    ['an unknown groupBy', { ...NOVEMBER, groupBy: ['week'] }, /groupBy\.0: must be one of/],
    ['a groupBy named twice', { ...NOVEMBER, groupBy: ['day', 'day'] }, /day is named twice/],
    ['a day that does not exist', { from: '2026-02-30', to: '2026-03-02' }, /not a date/],
    ['a date-time instead of a day', { from: '2026-11-01T00:00:00Z', to: '2026-12-01' }, /YYYY-MM-DD/],
    ['a missing to', { from: '2026-11-01' }, /to:/],
  ];

  test.each(cases)('operator: %s', async (_name, fields, message) => {
    const answer = await opA.call('/v1/reports/ggr', fields);
    expect(answer.code).toBe(2);
    expect(answer.message).toMatch(message);
  });

  test('366 days is allowed (a leap year)', async () => {
    expect((await opA.call('/v1/reports/ggr', { from: '2024-01-01', to: '2025-01-01' })).code).toBe(0);
  });

  test.each(cases)('staff: %s is HTTP 400 code 2', async (_name, fields, message) => {
    const answer = await finance.post('/admin/v1/reports/ggr', fields);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe(2);
    expect(answer.body.message).toMatch(message);
  });

  test('staff: CSV with bad input is refused before anything is streamed', async () => {
    const answer = await finance.post('/admin/v1/reports/ggr', { from: '2026-11-02', to: '2026-11-01', format: 'csv' });
    expect(answer).toMatchObject({ status: 400, body: { code: 2 } });
  });
});
