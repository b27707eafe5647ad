// Risk covered: a /docs "Try it out" that cannot sign (PROTOCOL §3), a signing helper whose browser HMAC
// differs from the server's (the guide's worked example, every example body), a wrong secret that is not
// refused with code 3, and a typed secretKey that leaves the page (in a request, the address bar, storage
// or a cookie), or a page that breaks under its own CSP.
import { RowDataPacket } from 'mysql2/promise';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { openStored } from '../../src/db/storedSecrets';
import { DEMO_TRANSFER_AGENT } from '../../src/demo/seedDemo';
import { secretContext } from '../../src/domain/secretEnvelope';
import { DOCS_EXAMPLE_SECRET } from '../../src/http/docs/signedExamples';
import { WORKED_EXAMPLE } from '../../src/http/docs/signingHelper';
import { describeBrowser, launchChromium } from '../support/browser';
import { TestServer, startTestServer } from '../support/testServer';

jest.setTimeout(120_000);

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

describeBrowser('the /docs signing helper in a real browser', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let secret: string;
  const sent: Sent[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    server = await startTestServer('docssign', { DEMO_SEED: 'true' });
    const [rows] = await server.db.query<RowDataPacket[]>('SELECT secret_key FROM operators WHERE agent_id = ?', [
      DEMO_TRANSFER_AGENT,
    ]);
    secret = openStored(secretContext.operatorSecret(DEMO_TRANSFER_AGENT), rows[0]!.secret_key as string);
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('request', (request: Request) =>
      sent.push({ url: request.url(), headers: request.headers(), body: request.postData() }),
    );
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`${server.url}/docs`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** Opens an operation, types its body and executes it; answers the JSON the page shows. */
  async function tryItOut(operationId: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const block = page.locator(`[id$="-${operationId}"].opblock`);
    if (!(await block.locator('.opblock-body').isVisible())) await block.locator('.opblock-summary').first().click();
    const tryButton = block.getByRole('button', { name: 'Try it out' });
    if (await tryButton.count()) await tryButton.click();
    await block.locator('textarea.body-param__text').fill(JSON.stringify(body));
    const answered = page.waitForResponse((response) => response.url().endsWith('/v1/games/list'));
    await block.locator('button.execute').click();
    const response = await answered;
    await block.locator('.live-responses-table .response-col_description pre').first().waitFor();
    return (await response.json()) as Record<string, unknown>;
  }

  test("the page's signer matches the guide's worked example and every example body's sign", async () => {
    await page.waitForFunction(
      "document.getElementById('signing-selfcheck').textContent.includes('as the guide says')",
    );
    expect(await page.textContent('#signing-selfcheck')).toContain(WORKED_EXAMPLE.sign);
    const openapi = (await (await fetch(`${server.url}/docs/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { requestBody?: { content?: Record<string, { example?: unknown }> } }>>;
    };
    const examples = Object.values(openapi.paths)
      .flatMap((operations) => Object.values(operations))
      .map((operation) => operation.requestBody?.content?.['application/json']?.example as Record<string, unknown>)
      .filter((example) => example && typeof example.sign === 'string');
    expect(examples.length).toBeGreaterThan(20);
    const recomputed = await page.evaluate(
      ([key, bodies]) =>
        Promise.all(
          (bodies as Record<string, unknown>[]).map((body) =>
            (
              globalThis as unknown as { casinoSigning: { computeSign(s: string, b: unknown): Promise<string> } }
            ).casinoSigning.computeSign(key as string, body),
          ),
        ),
      [DOCS_EXAMPLE_SECRET, examples] as const,
    );
    expect(recomputed).toEqual(examples.map((example) => example.sign));
  });

  test('says where agentID and secretKey come from', async () => {
    const panel = (await page.textContent('#signing-helper')) ?? '';
    expect(panel).toMatch(/approve the application in the back office/);
    expect(panel).toMatch(/agentID.*secretKey/s);
    expect(panel).toContain('start-up banner');
  });

  test('with the demo operator secret typed, Try it out on /v1/games/list answers code 0', async () => {
    await page.fill('#signing-secret', secret);
    const answer = await tryItOut('listGames', { agentID: DEMO_TRANSFER_AGENT, timestamp: 1, sign: 'x' });
    expect(answer).toMatchObject({ code: 0 });
    expect((answer.games as unknown[]).length).toBeGreaterThan(0);
    const call = sent.filter((request) => request.url.endsWith('/v1/games/list')).at(-1)!;
    const body = JSON.parse(call.body!) as Record<string, unknown>;
    expect(body.sign).toMatch(/^[0-9A-F]{64}$/);
    expect(Math.abs((body.timestamp as number) - Date.now() / 1000)).toBeLessThan(60);
    expect(await page.textContent('#signing-status')).toContain(`sign ${body.sign as string}`);
  });

  test('a wrong secret gets the signature refusal (code 3)', async () => {
    await page.fill('#signing-secret', 'not-the-secret-key-0123456789');
    const answer = await tryItOut('listGames', { agentID: DEMO_TRANSFER_AGENT });
    expect(answer).toMatchObject({ code: 3 });
  });

  test('the secret is in no request, no URL, no storage and no cookie; the CSP broke nothing', async () => {
    expect(sent.length).toBeGreaterThan(5);
    for (const secretTyped of [secret, 'not-the-secret-key-0123456789']) {
      for (const request of sent) {
        expect(request.url).not.toContain(secretTyped);
        expect(JSON.stringify(request.headers)).not.toContain(secretTyped);
        expect(request.body ?? '').not.toContain(secretTyped);
      }
      const kept = await page.evaluate<string>(
        'JSON.stringify([{ ...localStorage }, { ...sessionStorage }, location.href])',
      );
      expect(kept).not.toContain(secretTyped);
    }
    expect(JSON.stringify(await context.cookies())).not.toContain(secret);
    expect(pageErrors).toEqual([]);
    const csp = (await fetch(`${server.url}/docs`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
  });
});
