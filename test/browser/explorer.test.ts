/**
 * The GraphiQL explorer at `/`, in real Chromium against the real local server: a query through
 * `POST /graphql`, the docs from introspection, and a subscription event through AppSync's realtime
 * protocol after an upload completes.
 */
import { describe } from 'vitest';
import {
  BROWSER_TEST_TIMEOUT_MS,
  createBrowserTest,
  createUpload,
  hasChromium,
  openExplorer,
  POLL,
  putWithTicket,
  readResultPane,
  saveScreenshot,
  setQueryEditorText,
  setupBrowserSuite,
} from './browser-fixtures.ts';

describe.skipIf(!hasChromium)('explorer at /', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  const suite = setupBrowserSuite();
  const browserTest = createBrowserTest(suite);

  describe('explorer: queries', () => {
    browserTest('runs a query with the preset API key and shows the result in the result pane', async ({ watched, expect }) => {
      const { server } = suite;
      const { page, consoleErrors } = watched;
      const created = await createUpload(server, 'explorer-query.txt', new TextEncoder().encode('hello'));

      await openExplorer(page, server.origin);
      expect(await page.getByTestId('auth-api-key').textContent()).toBe(server.apiKey);
      await setQueryEditorText(page, `query Get { getAsset(id: "${created.asset.id}") { id name status size contentType } }`, 'Get');
      await page.locator('.graphiql-execute-button').click();

      await expect.poll(() => readResultPane(page), POLL).toEqual({
        data: {
          getAsset: { id: created.asset.id, name: 'explorer-query.txt', status: 'PENDING', size: 5, contentType: 'text/plain' },
        },
      });
      expect(consoleErrors).toEqual([]);
    });

    browserTest('shows AppSync’s 401 body when the pasted token is not a JWT, and keeps the choice on reload', async ({ watched, expect }) => {
      const { server } = suite;
      const { page } = watched;
      await openExplorer(page, server.origin);
      await page.getByTestId('auth-mode').selectOption('AMAZON_COGNITO_USER_POOLS');
      await page.getByTestId('auth-token').fill('not-a-jwt');
      await setQueryEditorText(page, 'query List { listAssets { items { id } } }', 'List');
      await page.locator('.graphiql-execute-button').click();

      await expect.poll(() => readResultPane(page), POLL).toEqual({
        errors: [{ errorType: 'UnauthorizedException', message: 'Unable to parse JWT token.' }],
      });
      // The choice is persisted for the next visit (and for /demo).
      await openExplorer(page, server.origin);
      expect(await page.getByTestId('auth-token').inputValue()).toBe('not-a-jwt');
    });

    browserTest('shows the schema in the docs explorer, read by introspection', async ({ watched, expect }) => {
      const { server } = suite;
      const { page } = watched;
      await openExplorer(page, server.origin);
      await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
      await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
      const fields = await page.locator('.graphiql-doc-explorer-field-name').allTextContents();
      expect(fields).toEqual(['getAsset', 'listAssets', 'getAssets', 'uploadPartUrls', 'uploadedParts']);
    });
  });

  describe('explorer: subscriptions', () => {
    browserTest('shows an onAssetCreated event once an upload made outside the browser completes', async ({ watched, expect }) => {
      const { server } = suite;
      const { page, consoleErrors } = watched;
      await openExplorer(page, server.origin);
      await setQueryEditorText(page, 'subscription Created {\n  onAssetCreated {\n    id\n    name\n    status\n    size\n  }\n}', 'Created');
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => page.getByTestId('subscription-status').textContent(), POLL).toBe('subscription live');

      const bytes = new TextEncoder().encode('bytes that complete an upload');
      const created = await createUpload(server, 'explorer-subscription.txt', bytes);
      expect(await putWithTicket(created.upload, bytes)).toBe(200);

      await expect.poll(() => readResultPane(page), POLL).toEqual({
        data: { onAssetCreated: { id: created.asset.id, name: 'explorer-subscription.txt', status: 'READY', size: bytes.byteLength } },
      });
      await saveScreenshot(page, 'explorer.png');

      // GraphiQL's stop button ends the subscription: the client sends `stop` and closes its socket.
      await page.locator('.graphiql-execute-button').click();
      await expect.poll(() => page.getByTestId('subscription-status').textContent(), POLL).toBe('subscription ended');
      expect(consoleErrors).toEqual([]);
    });
  });
});
