/**
 * Browser-test helpers that need no test runner: where Chromium is, the server address, screenshots,
 * uploads made from the test, and GraphiQL's editors. `browser-fixtures.ts` re-exports them for the
 * tests; `npm run screenshots` (scripts/screenshots.ts), which runs outside vitest, imports them here.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PROJECT_ROOT } from '../../api/paths.ts';
import { postGraphQL } from '../support/graphql-client.ts';

export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** The parts of the started server the tests use. */
export interface ServerUnderTest {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly apiKey: string;
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
