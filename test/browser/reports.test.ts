// Risk covered: the back-office Reports page (PROTOCOL §12) in a real browser (Debian's chromium):
// the chart library not served by us or blocked by the page's content policy, a chart that is blank or
// does not draw the report's GGR per day (days without play must show as 0, a loss below the axis), a
// table that differs from the API, and a CSV download that does not carry the figures.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import path from 'node:path';
import { AdminClient } from '../support/clients';
import { backOfficeBrowser, describeBrowser } from '../support/backOfficeBrowser';
import { TestServer, startTestServer } from '../support/testServer';
import { operatorIdOf, providerIdOf, seedGgrDaily, setFeedSequencer } from '../support/ggrSeed';

// docs/reports.png is refreshed only on request (UPDATE_SCREENSHOTS=1), so test runs leave the tree clean.
const SCREENSHOT = process.env.UPDATE_SCREENSHOTS
  ? path.resolve(__dirname, '../../docs/reports.png')
  : path.join(require('node:os').tmpdir(), 'casino-reports.png');
jest.setTimeout(120_000);

const FINANCE = { username: 'rep.finance', password: 'finance-password-for-reports-1' };
const FROM = '2026-11-01';
const TO = '2026-11-15';
/** GGR per day of the seeded figures (EUR): three days with play, one of them a loss. */
const GGR_BY_DAY: Record<string, number> = { '2026-11-02': 10, '2026-11-05': 25.5, '2026-11-10': -4 };
const BAR_BLUE = [0x2f, 0x6f, 0xde];

interface Pixel {
  x: number;
  y: number;
}

describeBrowser('back office: Reports', () => {
  let server: TestServer;
  const bo = backOfficeBrowser(() => server.url, {
    viewport: { width: 1360, height: 900 },
    contextOptions: { acceptDownloads: true },
    onePage: true,
  });
  const { page, errors: pageErrors } = bo;

  beforeAll(async () => {
    server = await startTestServer('reportspage', {}, { workers: false });
    const admin: AdminClient = await server.admin();
    await admin.createOperator('page-op', ['EUR']);
    await admin.createProvider('page-studio');
    await admin.ok('/admin/v1/users/create', { ...FINANCE, role: 'finance' });
    const operatorId = await operatorIdOf(server.db, 'page-op');
    const providerId = await providerIdOf(server.db, 'page-studio');
    const day = (date: string, betsMinor: number, winsMinor: number, players: string[]) => ({
      operatorId,
      day: date,
      providerId,
      gameId: 9001,
      currency: 'EUR',
      betCount: players.length,
      betsMinor,
      winsMinor,
      betsBase: (betsMinor / 100).toFixed(2),
      winsBase: (winsMinor / 100).toFixed(2),
      players,
      rounds: players.map((user): [string, string] => [user, `${date}-${user}`]),
    });
    await seedGgrDaily(server.db, [
      day('2026-11-02', 2000, 1000, ['p-one1']),
      day('2026-11-05', 3050, 500, ['p-one1', 'p-two2']),
      day('2026-11-10', 100, 500, ['p-two2']),
    ]);
    await setFeedSequencer(server.db, 77, new Date('2026-11-15T00:00:05.000Z'));
  });

  afterAll(async () => {
    await server?.close();
  });

  test('the chart library is ours, from node_modules, not a CDN', async () => {
    const response = await fetch(`${server.url}/backoffice/vendor/chartjs/chart.umd.min.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/javascript/);
    expect(await response.text()).toContain('Chart.js v4');
    const page = readFileSync(path.resolve(__dirname, '../../src/http/backoffice/public/sections/reports.js'), 'utf8');
    expect(page).not.toMatch(/https?:\/\//);
  });

  test('finance staff see GGR per day drawn, the table and the CSV', async () => {
    await bo.signIn('reports', FINANCE);
    await page.locator('h1', { hasText: 'Reports' }).waitFor();
    await page.fill('input[name="from"]', FROM);
    await page.fill('input[name="to"]', TO);
    await page.click('button:has-text("Show report")');
    // The page shows the last 30 days on opening; the chart says which period it drew.
    await page.locator(`[data-testid="ggr-chart"][data-drawn="${FROM}/${TO}"]`).waitFor();

    await expectTable(page);
    const bars = await chartBars(page);
    expect(bars.map((bar) => bar.label)).toEqual(daysBetween(FROM, TO));
    expect(bars.map((bar) => bar.value)).toEqual(daysBetween(FROM, TO).map((day) => GGR_BY_DAY[day] ?? 0));
    await checkScreenshot(page, bars);
    await checkCsv(page);
    expect(pageErrors).toEqual([]);
  });
});

function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (let ms = Date.parse(`${from}T00:00:00Z`); ms < Date.parse(`${to}T00:00:00Z`); ms += 86_400_000)
    days.push(new Date(ms).toISOString().slice(0, 10));
  return days;
}

async function expectTable(page: Page): Promise<void> {
  const cells = (selector: string) =>
    page.locator(selector).evaluateAll((rows) => rows.map((row) => [...row.children].map((td) => td.textContent)));
  // Day, bets (count), bets, rollbacks, wins, GGR, rounds, players, missing rates.
  expect(await cells('[data-testid="report-row"]')).toEqual([
    ['2026-11-02', '1', '20', '0', '10', '10', '1', '1', '0'],
    ['2026-11-05', '2', '30.5', '0', '5', '25.5', '2', '2', '0'],
    ['2026-11-10', '1', '1', '0', '5', '-4', '1', '1', '0'],
  ]);
  expect(await cells('[data-testid="report-totals"]')).toEqual([
    ['Total', '4', '51.5', '0', '20', '31.5', '4', '2', '0'],
  ]);
  expect(await page.locator('[data-testid="report-freshness"]').textContent()).toContain('2026-11-15 00:00:05 UTC');
}

interface Bar {
  label: string;
  value: number;
  /** The bar's centre in CSS pixels of the canvas, and its base on the zero line. */
  x: number;
  y: number;
  base: number;
}

/** What Chart.js drew, read from the chart instance on the page: labels, values, bar positions. */
async function chartBars(page: Page): Promise<Bar[]> {
  return (await page.evaluate(`(() => {
    const chart = Chart.getChart(document.querySelector('[data-testid="ggr-chart"]'));
    const meta = chart.getDatasetMeta(0);
    return chart.data.labels.map((label, i) => ({
      label,
      value: chart.data.datasets[0].data[i],
      x: meta.data[i].x,
      y: meta.data[i].y,
      base: meta.data[i].base,
    }));
  })()`)) as Bar[];
}

/**
 * The screenshot of the canvas, decoded by the browser itself (an <img> of the PNG on a scratch
 * canvas): bar blue in the middle of each day with play, none above or below the axis on the others.
 */
async function checkScreenshot(page: Page, bars: Bar[]): Promise<void> {
  const png = await page.locator('[data-testid="ggr-chart"]').screenshot();
  writeFileSync(SCREENSHOT, png);
  const probes: Pixel[] = bars.map((bar) => ({
    x: Math.round(bar.x),
    y: Math.round(bar.value === 0 ? bar.base - 12 : (bar.y + bar.base) / 2),
  }));
  const args = JSON.stringify({ data: png.toString('base64'), points: probes, blue: BAR_BLUE });
  const { samples, bluePixels } = (await page.evaluate(`(async ({ data, points, blue }) => {
    const image = new Image();
    image.src = 'data:image/png;base64,' + data;
    await image.decode();
    const scratch = document.createElement('canvas');
    scratch.width = image.width;
    scratch.height = image.height;
    const context = scratch.getContext('2d');
    context.drawImage(image, 0, 0);
    const pixels = context.getImageData(0, 0, image.width, image.height).data;
    const isBlue = (i) => blue.every((channel, c) => Math.abs(pixels[i + c] - channel) <= 24);
    let count = 0;
    for (let i = 0; i < pixels.length; i += 4) if (isBlue(i)) count++;
    return { samples: points.map((p) => isBlue((p.y * image.width + p.x) * 4)), bluePixels: count };
  })(${args})`)) as { samples: boolean[]; bluePixels: number };
  expect(samples).toEqual(bars.map((bar) => bar.value !== 0));
  // Three bars of some height each, not a stray pixel: the chart is really drawn.
  expect(bluePixels).toBeGreaterThan(300);
  // The loss is drawn below the zero line, the wins above.
  const loss = bars.find((bar) => bar.value < 0)!;
  const win = bars.find((bar) => bar.value > 0)!;
  expect(loss.y).toBeGreaterThan(loss.base);
  expect(win.y).toBeLessThan(win.base);
}

async function checkCsv(page: Page): Promise<void> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="report-csv"]')]);
  expect(download.suggestedFilename()).toBe(`ggr-${FROM}-${TO}.csv`);
  const text = readFileSync((await download.path())!, 'utf8');
  expect(text.split('\r\n')).toEqual([
    'day,betCount,bets,rollbacks,wins,ggr,rounds,players,missingRates',
    '2026-11-02,1,20.00,0.00,10.00,10.00,1,1,0',
    '2026-11-05,2,30.50,0.00,5.00,25.50,2,2,0',
    '2026-11-10,1,1.00,0.00,5.00,-4.00,1,1,0',
    '',
  ]);
}
