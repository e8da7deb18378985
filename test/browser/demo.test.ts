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

  browserTest('edits a title and tags in place (updateAsset) and filters the list by tag', async ({ watched, expect }) => {
    const { server } = suite;
    const { page, consoleErrors } = watched;
    const bytes = new TextEncoder().encode('to be retitled');
    const created = await createUpload(server, 'edit-me.txt', bytes);
    expect(await putWithTicket(created.upload, bytes)).toBe(200);
    const other = await createUpload(server, 'untagged.txt', bytes);
    expect(await putWithTicket(other.upload, bytes)).toBe(200);

    await page.goto(`${server.origin}/demo`);
    const row = page.locator(`[data-asset-id="${created.asset.id}"][data-status="READY"]`);
    await row.waitFor({ timeout: POLL.timeout });
    await page.locator(`[data-asset-id="${other.asset.id}"][data-status="READY"]`).waitFor({ timeout: POLL.timeout });

    // WHEN the row is edited
    await row.getByTestId('edit-button').click();
    await page.getByTestId('edit-title').fill('Holiday notes');
    await page.getByTestId('edit-tags').fill('sea, sun');
    await page.getByTestId('edit-save').click();

    // THEN the row shows the saved title and tags
    await expect.poll(() => row.getByTestId('asset-title').textContent(), POLL).toBe('Holiday notes');
    expect({ tags: await row.getByTestId('asset-tags').textContent(), status: await page.getByTestId('edit-status').textContent() }).toEqual({ tags: 'sea, sun', status: 'Saved edit-me.txt.' });

    // AND filtering by one of its tags lists it alone
    await page.getByTestId('tag-filter').fill('sea');
    await page.getByTestId('tag-filter').press('Enter');
    await expect.poll(() => page.getByTestId('asset-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-asset-id'))), POLL).toEqual([created.asset.id]);
    expect(consoleErrors).toEqual([]);
  });
});
