/**
 * Sign-in in the pages, in real Chromium against the real local server's user pool (`/cognito-idp/`)
 * with Amplify Auth bundled into the page: sign up (the pool confirms at once, `--auto-confirm`),
 * sign in, upload as that user (the asset's owner is the user's `sub`), sign out back to the API
 * key, and the same in the explorer's "Sign in" panel.
 */
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import {
  BROWSER_TEST_TIMEOUT_MS,
  createBrowserTest,
  createUpload,
  hasChromium,
  openExplorer,
  POLL,
  putWithTicket,
  readResultPane,
  setQueryEditorText,
  setupBrowserSuite,
} from './browser-fixtures.ts';

/** Self sign-up without MFA, as a local stage that lets people register would configure it. */
const SELF_SIGN_UP: ApiDefinition = { ...api, userPool: { ...api.userPool, signUp: 'self', mfa: 'OFF' } };
/** Meets the definition's password policy (12+ characters, upper, lower, digit, symbol). */
const PASSWORD = 'Correct-Horse-9-Battery';

/** Signs up through the page's sign-in panel and returns the user's `sub` once it shows them signed in. */
async function signUp(page: Page, email: string): Promise<string> {
  await page.getByTestId('sign-in-name').fill(email);
  await page.getByTestId('sign-in-password').fill(PASSWORD);
  await page.getByTestId('sign-up-button').click();
  const user = page.getByTestId('signed-in-user');
  // Attached, not visible: the explorer closes its panel once the user is signed in.
  await user.getByText(email, { exact: true }).waitFor({ state: 'attached', timeout: POLL.timeout });
  const sub = await user.getAttribute('data-sub');
  if (!sub) throw new Error('the panel shows no sub for the signed-in user');
  return sub;
}

describe.skipIf(!hasChromium)('sign-in through the local user pool', { timeout: BROWSER_TEST_TIMEOUT_MS }, () => {
  const suite = setupBrowserSuite({ api: SELF_SIGN_UP, argv: ['--mfa', 'off', '--auto-confirm'] });
  const browserTest = createBrowserTest(suite);

  browserTest('demo: signs up, uploads as the new user, and signs out back to the API key', async ({ watched, expect }) => {
    const { server } = suite;
    const { page, consoleErrors } = watched;
    const shared = new TextEncoder().encode('an API-key asset');
    const apiKeyAsset = await createUpload(server, 'api-key.txt', shared);
    expect(await putWithTicket(apiKeyAsset.upload, shared)).toBe(200);
    await page.goto(`${server.origin}/demo`);
    await page.locator(`[data-asset-id="${apiKeyAsset.asset.id}"][data-status="READY"]`).waitFor({ timeout: POLL.timeout });

    // WHEN a new user signs up (confirmed at once) and uploads a file
    const sub = await signUp(page, `demo-${randomUUID()}@example.com`);
    expect(await page.getByTestId('auth-mode').inputValue()).toBe('SIGNED_IN_USER');
    await expect.poll(() => page.getByTestId('live-status').getAttribute('data-status'), POLL).toBe('live');
    await page.getByTestId('file-input').setInputFiles({ name: 'mine.txt', mimeType: 'text/plain', buffer: Buffer.from('owned by a user') });
    await page.getByTestId('upload-button').click();

    // THEN the list holds only the user's asset, owned by their sub
    const mine = page.locator('[data-testid="asset-row"][data-status="READY"]', { hasText: 'mine.txt' });
    await mine.waitFor({ timeout: POLL.timeout });
    expect({
      owner: await mine.getAttribute('data-owner'),
      rows: await page.getByTestId('asset-row').evaluateAll((rows) => rows.map((r) => r.textContent?.includes('mine.txt') === true)),
    }).toEqual({ owner: sub, rows: [true] });

    // AND signing out goes back to the API key and its assets
    await page.getByTestId('sign-out-button').click();
    await page.locator(`[data-asset-id="${apiKeyAsset.asset.id}"]`).waitFor({ timeout: POLL.timeout });
    expect({ mode: await page.getByTestId('auth-mode').inputValue(), mine: await mine.count() }).toEqual({ mode: 'API_KEY', mine: 0 });
    expect(consoleErrors).toEqual([]);
  });

  browserTest('explorer: signs up in the "Sign in" panel and runs operations with the user’s ID token', async ({ watched, expect }) => {
    const { server } = suite;
    const { page, consoleErrors } = watched;
    await openExplorer(page, server.origin);
    expect(await page.getByTestId('auth-mode').inputValue()).toBe('API_KEY');

    const email = `explorer-${randomUUID()}@example.com`;
    await page.getByTestId('sign-in-toggle').click();
    const sub = await signUp(page, email);
    await expect.poll(() => page.getByTestId('auth-user').textContent(), POLL).toBe(email);
    expect(await page.getByTestId('auth-mode').inputValue()).toBe('SIGNED_IN_USER');

    await setQueryEditorText(page, 'mutation Mine {\n  createUpload(input: { name: "mine.txt", contentType: "text/plain", size: 3 }) {\n    asset {\n      owner\n      name\n    }\n  }\n}', 'Mine');
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => readResultPane(page), POLL).toEqual({ data: { createUpload: { asset: { owner: sub, name: 'mine.txt' } } } });
    expect(consoleErrors).toEqual([]);
  });
});
