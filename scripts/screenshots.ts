/**
 * `npm run screenshots`: regenerates the README's screenshots (`docs/screenshots/demo.png` and
 * `explorer.png`) on purpose. The browser tests take the same pictures into a temp folder, so a test
 * run never changes a committed file; this script is the one place that does.
 *
 * It starts the real local server (port 0, in memory, no TLS) and Debian's Chromium at
 * `/usr/bin/chromium` through playwright-core, exactly as the browser tests do
 * (`test/browser/browser-fixtures.ts`), walks the upload demo and the explorer's subscription, and
 * captures each page in its final state. `npm run screenshots -- DIR` writes them into DIR instead.
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { PROJECT_ROOT } from '../api/paths.ts';
import { loadConfig } from '../local/config.ts';
import { startLocalServer } from '../local/server.ts';
import {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  createUpload,
  openExplorer,
  POLL,
  putWithTicket,
  README_SCREENSHOT_DIR,
  saveScreenshot,
  setQueryEditorText,
  type ServerUnderTest,
} from '../test/browser/page-helpers.ts';

/** The upload demo after a picked file went through createUpload, the PUT and the completion Lambda. */
async function captureDemo(page: Page, server: ServerUnderTest, dir: string): Promise<string> {
  await page.goto(`${server.origin}/demo`);
  await page.locator('[data-testid="live-status"][data-status="live"]').waitFor({ timeout: POLL.timeout });
  const bytes = new Uint8Array(256 * 1024).map((_, i) => (i * 31) % 256);
  await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(bytes) });
  await page.getByTestId('upload-button').click();
  await page.locator('[data-testid="asset-row"][data-status="READY"]').waitFor({ timeout: POLL.timeout });
  return saveScreenshot(page, 'demo.png', dir);
}

/** The explorer showing an onAssetCreated event for an upload made outside the browser. */
async function captureExplorer(page: Page, server: ServerUnderTest, dir: string): Promise<string> {
  await openExplorer(page, server.origin);
  await setQueryEditorText(page, 'subscription Created {\n  onAssetCreated {\n    id\n    name\n    status\n    size\n  }\n}', 'Created');
  await page.locator('.graphiql-execute-button').click();
  await page.getByTestId('subscription-status').getByText('subscription live', { exact: true }).waitFor({ timeout: POLL.timeout });
  const bytes = new TextEncoder().encode('bytes that complete an upload');
  const created = await createUpload(server, 'explorer-subscription.txt', bytes);
  const status = await putWithTicket(created.upload, bytes);
  if (status !== 200) throw new Error(`the upload PUT answered ${status}`);
  await page.locator('.graphiql-response').getByText(created.asset.id).waitFor({ timeout: POLL.timeout });
  return saveScreenshot(page, 'explorer.png', dir);
}

async function main(argv: readonly string[]): Promise<void> {
  const dir = argv[0] === undefined ? README_SCREENSHOT_DIR : resolve(argv[0]);
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} not found. Install it with: apt-get install -y chromium`);
  const [server, browser] = await Promise.all([
    startLocalServer(loadConfig({ API_KEY: 'da2-browsertestsapikey00000000' }, ['--port', '0', '--no-watch', '--no-tls'])),
    chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS }),
  ]);
  try {
    const target: ServerUnderTest = { origin: `http://127.0.0.1:${server.port}`, apiKey: server.apiKey };
    for (const capture of [captureDemo, captureExplorer]) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      try {
        const path = await capture(await context.newPage(), target, dir);
        process.stdout.write(`wrote ${path.startsWith(PROJECT_ROOT) ? relative(PROJECT_ROOT, path) : path}\n`);
      } finally {
        await context.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`npm run screenshots: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
