/**
 * Fixtures for the browser tests: the real local server (port 0, in-memory stores) and Debian's
 * Chromium driven by playwright-core. No browser is ever downloaded: without `/usr/bin/chromium`
 * the suites skip and say so (CI installs it with apt-get, so there they run).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core';
import { afterAll, beforeAll, test } from 'vitest';
import { PROJECT_ROOT } from '../../api/paths.ts';
import type { LocalServer } from '../../local/server.ts';
import { postGraphQL } from '../support/graphql-client.ts';
import { startTestServer } from '../support/test-server.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** True when the suites can run; otherwise they skip after printing why. */
export const hasChromium = existsSync(CHROMIUM_PATH);
if (!hasChromium) {
  process.stdout.write(
    `\n[browser tests] SKIPPED: ${CHROMIUM_PATH} not found. Install it with: apt-get install -y chromium\n\n`,
  );
}

/** The parts of the started server the tests use. */
export interface ServerUnderTest {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly apiKey: string;
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

/**
 * Starts the real server (port 0, in-memory stores, no TLS) and Chromium once for the file, in
 * `beforeAll` so their start-up does not count against a test, and closes both in `afterAll`.
 * Call it inside the `describe` that is skipped without Chromium.
 */
export function setupBrowserSuite(): BrowserSuite {
  let server: LocalServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    [server, browser] = await Promise.all([
      startTestServer({ env: { API_KEY: 'da2-browsertestsapikey00000000' }, argv: ['--no-tls'] }).then((started) => started.server),
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

/** Where `npm run screenshots` (`scripts/screenshots.ts`) writes the README's screenshots. */
export const README_SCREENSHOT_DIR = join(PROJECT_ROOT, 'docs', 'screenshots');

let runScreenshotDir: string | undefined;

/** A fresh temp folder per test run (per worker process), so tests never write into the checkout. */
export function testScreenshotDir(): string {
  if (runScreenshotDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'asset-api-screenshots-'));
    // Removed when the worker exits: screenshots of a test run are not kept.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    runScreenshotDir = dir;
  }
  return runScreenshotDir;
}

/**
 * Saves a screenshot of the page as `name` in `dir`: the tests' temp folder by default (a test shows
 * the page can be captured), the README's folder when `npm run screenshots` asks for it. Returns the path.
 */
export async function saveScreenshot(page: Page, name: string, dir: string = testScreenshotDir()): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  await page.screenshot({ path });
  return path;
}

export interface UploadTicketJson {
  readonly url: string;
  readonly method: string;
  readonly headers: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

const CREATE_UPLOAD = `mutation Create($input: CreateUploadInput!) {
  createUpload(input: $input) { asset { id name status size contentType } upload { url method headers { name value } } }
}`;

export interface CreatedUpload {
  readonly asset: { readonly id: string; readonly name: string; readonly status: string; readonly size: number; readonly contentType: string };
  readonly upload: UploadTicketJson;
}

/** `createUpload` from the test, outside the browser; fails the test with the response on errors. */
export async function createUpload(server: ServerUnderTest, name: string, bytes: Uint8Array, contentType = 'text/plain'): Promise<CreatedUpload> {
  const answer = await postGraphQL(`${server.origin}/graphql`, { query: CREATE_UPLOAD, variables: { input: { name, contentType, size: bytes.byteLength } } }, { apiKey: server.apiKey });
  const body = answer.body as {
    data?: { createUpload?: CreatedUpload };
  };
  const created = body.data?.createUpload;
  if (!created) throw new Error(`createUpload failed: ${JSON.stringify(body)}`);
  return created;
}

/** PUTs the bytes exactly as the ticket says (Node's fetch sets Content-Length itself). */
export async function putWithTicket(ticket: UploadTicketJson, bytes: Uint8Array): Promise<number> {
  const headers = Object.fromEntries(ticket.headers.filter((h) => h.name.toLowerCase() !== 'content-length').map((h) => [h.name, h.value]));
  const response = await fetch(ticket.url, { method: ticket.method, headers, body: new Uint8Array(bytes) });
  await response.arrayBuffer();
  return response.status;
}

/**
 * Opens the explorer and waits until GraphiQL has introspected the schema (its first request), so
 * that the editors are mounted and no introspection result can land in the result pane later.
 */
export async function openExplorer(page: Page, origin: string): Promise<void> {
  const introspected = page.waitForResponse(
    (response) => response.url() === `${origin}/graphql` && (response.request().postData() ?? '').includes('IntrospectionQuery'),
  );
  await page.goto(`${origin}/`);
  await introspected;
  await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
}

/**
 * Replaces the text of GraphiQL's query editor through CodeMirror 5's own API (what a paste ends
 * in), then waits until GraphiQL has parsed it: it does so 100 ms after an edit (debounced), and
 * until then the run button still acts on the previous document (for the two-operation default
 * document it is an operation picker, not a run button). The active tab showing the new
 * operation's name is the sign.
 */
export async function setQueryEditorText(page: Page, text: string, operationName: string): Promise<void> {
  await page.evaluate((value) => {
    const element = document.querySelector('.graphiql-query-editor .CodeMirror') as (Element & { CodeMirror?: { setValue(v: string): void } }) | null;
    if (!element?.CodeMirror) throw new Error('query editor not mounted');
    element.CodeMirror.setValue(value);
  }, text);
  await page.locator('.graphiql-tab-active .graphiql-tab-button', { hasText: new RegExp(`^${operationName}$`) }).waitFor({ timeout: POLL.timeout });
}

/** The JSON shown in GraphiQL's result pane, or undefined while it is empty or not JSON. */
export async function readResultPane(page: Page): Promise<unknown> {
  const text = await page.evaluate(() => {
    const element = document.querySelector('.graphiql-response .CodeMirror') as (Element & { CodeMirror?: { getValue(): string } }) | null;
    return element?.CodeMirror?.getValue() ?? '';
  });
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `expect.poll` options for waits on the page; failures report the last value seen. */
export const POLL = { timeout: 15_000, interval: 100 } as const;
