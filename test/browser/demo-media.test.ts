/**
 * The upload demo with large and media files, in real Chromium against the real local server: a
 * multipart upload (above the 16 MiB threshold) through `client/upload.ts` with its progress bar,
 * pause and resume (S3 keeps the parts sent before the pause), and an uploaded WAV played inline
 * (`downloadUrl(disposition: INLINE)`) next to an image's thumbnail.
 */
import { createHash, randomBytes } from 'node:crypto';
import { describe } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { BROWSER_TEST_TIMEOUT_MS, createBrowserTest, hasChromium, POLL, setupBrowserSuite } from './browser-fixtures.ts';
import { ONE_PIXEL_PNG, sineWav } from './media-files.ts';

/** The definition as shipped, plus `audio/wav`, so the test can upload a WAV it generates. */
const WITH_WAV: ApiDefinition = { ...api, assets: { ...api.assets, allowedContentTypes: [...api.assets.allowedContentTypes, 'audio/wav'] } };
/** Above `multipartThresholdBytes` (16 MiB): three parts of 8 MiB, 8 MiB and 4 MiB. */
const LARGE_BYTES = 20 * 1024 * 1024;

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

describe.skipIf(!hasChromium)('demo: large and media files', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  const suite = setupBrowserSuite({ api: WITH_WAV });
  const browserTest = createBrowserTest(suite);

  describe('demo: multipart uploads', () => {
    browserTest('uploads a 20 MiB file in parts, the progress bar reaching 100%, and lists it READY with the same bytes', async ({ watched, expect }) => {
      const { server } = suite;
      const { page, consoleErrors } = watched;
      await page.goto(`${server.origin}/demo`);
      await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status'), POLL).toBe('live');

      const bytes = randomBytes(LARGE_BYTES);
      await page.getByTestId('file-input').setInputFiles({ name: 'large.bin', mimeType: 'application/octet-stream', buffer: bytes });
      await page.getByTestId('upload-button').click();

      const upload = page.getByTestId('upload-row');
      await expect.poll(() => upload.getAttribute('data-state'), POLL).toBe('done');
      expect({
        status: await upload.getByTestId('upload-status').textContent(),
        progress: await upload.getByTestId('progress').evaluate((element: HTMLProgressElement) => element.value),
        text: await upload.getByTestId('progress-text').textContent(),
      }).toEqual({ status: 'large.bin is READY.', progress: 1, text: '100%' });

      const row = page.locator('[data-testid="asset-row"][data-status="READY"]', { hasText: 'large.bin' });
      expect((await row.locator('td').allTextContents()).slice(0, 4)).toEqual(['large.bin', 'application/octet-stream', '20 MB', 'READY']);
      const href = await row.getByTestId('download').getAttribute('href');
      if (href === null) throw new Error('READY row without a download link');
      const download = new Uint8Array(await (await fetch(href)).arrayBuffer());
      expect(sha256(download)).toBe(sha256(bytes));
      expect(consoleErrors).toEqual([]);
    });

    browserTest('pauses a multipart upload after its first part and resumes it, sending only the missing parts', async ({ watched, expect }) => {
      const { server } = suite;
      const { page, consoleErrors } = watched;
      // Parts 2 and 3 are held in the network until the upload is paused, so the pause lands mid-upload.
      let release: () => void = () => undefined;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const laterParts = (url: URL): boolean => url.searchParams.has('partNumber') && url.searchParams.get('partNumber') !== '1';
      const dropped: Promise<void>[] = [];
      await page.route(laterParts, (route) => {
        // Held requests never reach the server: the pause cancels them in the page, and the network drops
        // them here, whichever comes first (continuing them could land part 2 after the pause).
        const drop = released.then(() => route.abort().catch(() => undefined));
        dropped.push(drop);
        return drop;
      });
      await page.goto(`${server.origin}/demo`);
      await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status'), POLL).toBe('live');

      const bytes = randomBytes(LARGE_BYTES);
      await page.getByTestId('file-input').setInputFiles({ name: 'paused.bin', mimeType: 'application/octet-stream', buffer: bytes });
      await page.getByTestId('upload-button').click();
      const upload = page.getByTestId('upload-row');
      await expect.poll(() => upload.getAttribute('data-parts'), POLL).toBe('1/3');

      // WHEN the upload is paused
      await upload.getByTestId('pause-button').click();
      await expect.poll(() => upload.getAttribute('data-state'), POLL).toBe('paused');
      release();
      // Every held request is dropped before the route goes: removing the route while a handler is still
      // running let a held part through (part 2 landed during the pause, about one run in two).
      await Promise.all(dropped);
      await page.unroute(laterParts);

      // THEN resuming finds part 1 in S3, sends parts 2 and 3, and the asset becomes READY
      await upload.getByTestId('resume-button').click();
      await expect.poll(() => upload.getAttribute('data-state'), POLL).toBe('done');
      expect({
        resumedWith: await upload.getAttribute('data-resumed-with'),
        status: await upload.getByTestId('upload-status').textContent(),
        progress: await upload.getByTestId('progress').evaluate((element: HTMLProgressElement) => element.value),
      }).toEqual({ resumedWith: '1/3', status: 'paused.bin is READY.', progress: 1 });
      const href = await page.locator('[data-testid="asset-row"][data-status="READY"]', { hasText: 'paused.bin' }).getByTestId('download').getAttribute('href');
      if (href === null) throw new Error('READY row without a download link');
      expect(sha256(new Uint8Array(await (await fetch(href)).arrayBuffer()))).toBe(sha256(bytes));
      expect(consoleErrors).toEqual([]);
    });
  });

  describe('demo: inline media', () => {
    browserTest('plays an uploaded WAV inline and shows an uploaded image as a thumbnail', async ({ watched, expect }) => {
      const { server } = suite;
      const { page, consoleErrors } = watched;
      await page.goto(`${server.origin}/demo`);
      await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status'), POLL).toBe('live');

      await page.getByTestId('file-input').setInputFiles([
        { name: 'tone.wav', mimeType: 'audio/wav', buffer: sineWav() },
        { name: 'pixel.png', mimeType: 'image/png', buffer: ONE_PIXEL_PNG },
      ]);
      await page.getByTestId('upload-button').click();
      const tone = page.locator('[data-testid="asset-row"][data-status="READY"]', { hasText: 'tone.wav' });
      const pixel = page.locator('[data-testid="asset-row"][data-status="READY"]', { hasText: 'pixel.png' });
      await tone.waitFor({ timeout: POLL.timeout });
      await pixel.waitFor({ timeout: POLL.timeout });

      // The image row shows its bytes inline.
      await expect.poll(() => pixel.getByTestId('thumbnail').evaluate((image: HTMLImageElement) => image.naturalWidth), POLL).toBe(1);

      // The audio row plays inline: the player reads an INLINE URL and the element can play.
      await tone.getByTestId('play-button').click();
      const media = page.getByTestId('media-player').getByTestId('player-media');
      await expect.poll(() => media.getAttribute('data-state'), POLL).toBe('canplay');
      expect({
        tag: await media.evaluate((element) => element.tagName),
        title: await page.getByTestId('player-title').textContent(),
        disposition: new URL((await media.getAttribute('src')) ?? 'http://x/').searchParams.get('response-content-disposition'),
      }).toEqual({ tag: 'AUDIO', title: 'tone.wav', disposition: expect.stringMatching(/^inline/) });
      expect(consoleErrors).toEqual([]);
    });
  });
});
