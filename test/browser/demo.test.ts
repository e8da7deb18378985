/**
 * The upload demo at `/demo`, in real Chromium against the real local server: a file picked in the
 * page goes through `createUpload`, a presigned PUT from the browser (CORS, signed headers,
 * checksum), the completion Lambda and the `onAssetCreated` subscription, and ends up READY with a
 * working download link, without a single console error.
 */
import { randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import {
  BROWSER_TEST_TIMEOUT_MS,
  createBrowserTest,
  createUpload,
  hasChromium,
  POLL,
  putWithTicket,
  saveScreenshot,
  setupBrowserSuite,
} from './browser-fixtures.ts';

describe.skipIf(!hasChromium)('demo: upload', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  const suite = setupBrowserSuite();
  const browserTest = createBrowserTest(suite);

  browserTest('uploads a picked file, lists it live as READY and serves the same bytes back', async ({ watched, expect }) => {
    const { server } = suite;
    const { page, consoleErrors } = watched;
    await page.goto(`${server.origin}/demo`);
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status'), POLL).toBe('live');

    const bytes = randomBytes(256 * 1024);
    await page.getByTestId('file-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: bytes });
    await page.getByTestId('upload-button').click();

    const row = page.locator('[data-testid="asset-row"][data-status="READY"]');
    await row.waitFor({ timeout: POLL.timeout });
    const cells = await row.locator('td').allTextContents();
    expect(cells.slice(0, 4)).toEqual(['photo.png', 'image/png', '256 KB', 'READY']);
    expect(await page.getByTestId('progress').evaluate((element: HTMLProgressElement) => element.value)).toBe(1);
    await expect.poll(() => page.getByTestId('upload-status').textContent(), POLL).toBe('photo.png is READY.');

    const href = await row.getByTestId('download').getAttribute('href');
    if (href === null) throw new Error('READY row without a download link');
    const download = await fetch(href);
    expect({ status: download.status, bytes: Buffer.from(await download.arrayBuffer()).equals(bytes) }).toEqual({ status: 200, bytes: true });

    await saveScreenshot(page, 'demo.png');
    expect(consoleErrors).toEqual([]);
  });

  browserTest('fills the list from listAssets on load and adds assets completed elsewhere', async ({ watched, expect }) => {
    const { server } = suite;
    const { page, consoleErrors } = watched;
    const before = new TextEncoder().encode('uploaded before the page opened');
    const first = await createUpload(server, 'before.txt', before);
    expect(await putWithTicket(first.upload, before)).toBe(200);

    await page.goto(`${server.origin}/demo`);
    await page.locator(`[data-asset-id="${first.asset.id}"][data-status="READY"]`).waitFor({ timeout: POLL.timeout });
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status'), POLL).toBe('live');

    const after = new TextEncoder().encode('uploaded while the page is open');
    const second = await createUpload(server, 'after.txt', after);
    expect(await putWithTicket(second.upload, after)).toBe(200);
    const row = page.locator(`[data-asset-id="${second.asset.id}"][data-status="READY"]`);
    await row.waitFor({ timeout: POLL.timeout });
    expect((await row.locator('td').allTextContents()).slice(0, 4)).toEqual(['after.txt', 'text/plain', `${after.byteLength} B`, 'READY']);
    expect(consoleErrors).toEqual([]);
  });
});
