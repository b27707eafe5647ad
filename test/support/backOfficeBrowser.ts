/**
 * The back office in a real browser (Debian's chromium driven by playwright-core), for test/browser:
 * one browser per test file, a fresh context and page per test (or one for the file), every error the
 * page logs failing the test, and the sign-in form filled as staff fill it.
 */
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { TEST_ADMIN } from './testServer';

// Where chromium is and whether the browser tests run (`npm test` says so in one line when they do not).
export { CHROMIUM, describeBrowser } from './browser';

export interface BackOfficeBrowserOptions {
  viewport?: { width: number; height: number };
  /** More chromium switches than the usual ones. */
  args?: string[];
  /** More context options (`acceptDownloads`, say). */
  contextOptions?: BrowserContextOptions;
  /** Run on each new context before its page opens (permissions, say). */
  onContext?: (context: BrowserContext) => Promise<void>;
  /** Errors the page logs that every test of the file expects (a refused form's `status of 400`). */
  expectedErrors?: RegExp;
  /** One context and page for the whole file instead of one per test; errors are then the tests' to check. */
  onePage?: boolean;
}

export interface BackOfficeBrowser {
  /**
   * The current test's page. A stand-in that forwards to the page of the moment, so a file can take it
   * once (`const { page } = backOfficeBrowser(...)`) although each test gets a new one.
   */
  readonly page: Page;
  readonly context: BrowserContext;
  readonly browser: Browser;
  /** What the page logged as an error so far (script errors, CSP violations, failed requests). */
  readonly errors: string[];
  /** This test expects errors matching `pattern` too (a 404 it provokes, say). */
  allowErrors(pattern: RegExp): void;
  /** Opens the back office at `#/section` and signs in (the first admin unless `user`), until the app shows. */
  signIn(section?: string, user?: { username: string; password: string }): Promise<void>;
}

/** Registers the hooks that launch, open, check and close; call it inside the file's describeBrowser block. */
export function backOfficeBrowser(baseUrl: () => string, options: BackOfficeBrowserOptions = {}): BackOfficeBrowser {
  let browser: Browser | undefined;
  let context: BrowserContext | undefined;
  let current: Page | undefined;
  const errors: string[] = [];
  let allowed: RegExp[] = [];

  const open = async (): Promise<void> => {
    context = await browser!.newContext({
      viewport: options.viewport ?? { width: 1360, height: 820 },
      ...options.contextOptions,
    });
    await options.onContext?.(context);
    current = await context.newPage();
    current.setDefaultTimeout(15_000);
    errors.length = 0;
    allowed = options.expectedErrors ? [options.expectedErrors] : [];
    current.on('pageerror', (error) => errors.push(error.message));
    current.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
  };
  const livePage = (): Page => {
    if (!current) throw new Error('no page: backOfficeBrowser opens one in beforeEach (or beforeAll with onePage)');
    return current;
  };
  const page = new Proxy({} as Page, {
    get: (_target, property) => {
      const target = livePage();
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });

  beforeAll(async () => {
    browser = await launchChromium(options.args);
    if (options.onePage) await open();
  });
  afterAll(async () => {
    await browser?.close();
  });
  if (!options.onePage) {
    beforeEach(open);
    afterEach(async () => {
      await context?.close();
      current = undefined;
      expect(errors.filter((text) => !allowed.some((pattern) => pattern.test(text)))).toEqual([]);
    });
  }

  return {
    page,
    get context() {
      if (!context) throw new Error('no browser context yet');
      return context;
    },
    get browser() {
      if (!browser) throw new Error('no browser yet');
      return browser;
    },
    errors,
    allowErrors: (pattern) => void allowed.push(pattern),
    signIn: async (section = '', user = TEST_ADMIN) => {
      await page.goto(`${baseUrl()}/backoffice${section ? `#/${section}` : ''}`);
      await page.fill('#login-username', user.username);
      await page.fill('#login-password', user.password);
      await page.click('#login-submit');
      await page.locator('#app-view').waitFor({ state: 'visible' });
    },
  };
}
