/**
 * Fixtures for the browser tests: the real local server (port 0, in-memory stores) and Debian's
 * Chromium driven by playwright-core. No browser is ever downloaded: without `/usr/bin/chromium`
 * the suites skip and say so (CI installs it with apt-get, so there they run).
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import type { ApiDefinition } from '../../api/types.ts';
import type { LocalServer } from '../../local/server.ts';
import { startTestServer } from '../support/test-server.ts';
import { CHROMIUM_ARGS, CHROMIUM_PATH, type ServerUnderTest } from './page-helpers.ts';

export * from './page-helpers.ts';

/** True when the suites can run; otherwise they skip after printing why. */
export const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  process.stdout.write(
    `\n[browser tests] SKIPPED: ${CHROMIUM_PATH} not found. Install it with: apt-get install -y chromium\n\n`,
  );
}

/** A page plus every console error and uncaught exception it produced. */
export interface WatchedPage {
  readonly page: Page;
  readonly consoleErrors: readonly string[];
}

/** How long one browser test may take: page loads of a 1.4 MB bundle are slow on a busy CI box. */
export const BROWSER_TEST_TIMEOUT_MS = 45_000;
const SETUP_TIMEOUT_MS = 60_000;

export interface BrowserSuite {
  readonly server: ServerUnderTest;
  readonly browser: Browser;
}

export interface BrowserSuiteOptions {
  /** The definition served (e.g. a self sign-up pool). @default api (api/definition.ts) */
  readonly api?: ApiDefinition;
  /** More server arguments after `--no-tls` (e.g. `--mfa off --auto-confirm`). @default [] */
  readonly argv?: readonly string[];
}

/**
 * Starts the real server (port 0, in-memory stores, no TLS) and Chromium once for the file, in
 * `beforeAll` so their start-up does not count against a test, and closes both in `afterAll`.
 * Call it inside the `describe` that is skipped without Chromium.
 */
export function setupBrowserSuite(options: BrowserSuiteOptions = {}): BrowserSuite {
  let server: LocalServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ env: { API_KEY: 'da2-browsertestsapikey00000000' }, argv: ['--no-tls', ...(options.argv ?? [])], ...(options.api === undefined ? {} : { api: options.api }) }).then((started) => started.server),
      chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
    ]);
  }, SETUP_TIMEOUT_MS);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  }, SETUP_TIMEOUT_MS);
  return {
    get server(): ServerUnderTest {
      if (!server) throw new Error('browser suite: the server has not started');
      return { origin: `http://127.0.0.1:${server.port}`, apiKey: server.apiKey };
    },
    get browser(): Browser {
      if (!browser) throw new Error('browser suite: Chromium has not started');
      return browser;
    },
  };
}

/**
 * A test with a fresh browser context per test (its own localStorage), whose console errors and
 * uncaught exceptions are collected.
 */
export function createBrowserTest(suite: BrowserSuite) {
  return test.extend<{ watched: WatchedPage }>({
    // vitest reads a fixture's dependencies from its destructuring; this one has none.
    watched: async ({}, use) => {
      const context = await suite.browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const consoleErrors: string[] = [];
      page.on('console', (message: ConsoleMessage) => {
        if (message.type() === 'error') consoleErrors.push(message.text());
      });
      page.on('pageerror', (error: Error) => consoleErrors.push(`uncaught: ${error.message}`));
      try {
        await use({ page, consoleErrors });
      } finally {
        await context.close();
      }
    },
  });
}
