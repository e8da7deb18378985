/**
 * The demo's authorization card (browser code): the API key (default), a pasted user-pool token, or
 * the user signed in with the sign-in panel (`local/explorer/sign-in-panel.ts`). Signing in switches
 * to that user; signing out falls back to the API key. The choice is shared with the explorer.
 */
import { AUTH_MODE, loadAuthSettings, parseAuthMode, resolveAuthSettings, saveAuthSettings, settingsForUser, type AuthSettings } from '../explorer/auth-settings.ts';
import { el, pageStorage } from '../explorer/dom.ts';
import type { PageConfig } from '../explorer/page-config.ts';
import { createSignInPanel } from '../explorer/sign-in-panel.ts';
import type { UserPoolClient } from '../explorer/user-pool-client.ts';

export interface AuthBar {
  readonly element: HTMLElement;
  /** The settings of the next call (the signed-in user's current ID token filled in). */
  current(): Promise<AuthSettings>;
  /** Reads the stored session; `onChange` follows if it changes the choice. */
  start(): Promise<void>;
}

export interface AuthBarDeps {
  readonly config: PageConfig;
  /** Null when the page config names no user pool. */
  readonly userPool: UserPoolClient | null;
  /** Called when the identity changed: the page lists again and resubscribes. */
  readonly onChange: () => void;
}

export function createAuthBar(deps: AuthBarDeps): AuthBar {
  const { config, userPool } = deps;
  const stored = loadAuthSettings(pageStorage(), config.apiKey);
  // A page without a pool cannot have a signed-in user.
  let settings: AuthSettings = userPool ? stored : settingsForUser(stored, false, 'restored');
  const modeSelect = el(
    'select',
    { 'data-testid': 'auth-mode' },
    el('option', { value: AUTH_MODE.API_KEY }, 'API key'),
    el('option', { value: AUTH_MODE.AMAZON_COGNITO_USER_POOLS }, 'Pasted token'),
    userPool ? el('option', { value: AUTH_MODE.SIGNED_IN_USER }, 'Signed-in user') : null,
  );
  const tokenInput = el('input', { 'data-testid': 'auth-token', type: 'password', placeholder: config.tokenHint || 'Paste a user-pool JWT', autocomplete: 'off' });
  tokenInput.value = settings.token;
  const keyLabel = el('code', { 'data-testid': 'auth-api-key' }, config.apiKey);
  // A form, because browsers warn about password fields outside one.
  const choice = el('form', { class: 'auth', 'aria-label': 'Authorization' }, el('label', {}, 'Auth ', modeSelect), keyLabel, tokenInput);
  choice.addEventListener('submit', (event) => event.preventDefault());

  function change(next: AuthSettings): void {
    const changed = next.mode !== settings.mode || next.token !== settings.token;
    settings = next;
    saveAuthSettings(pageStorage(), settings);
    render();
    if (changed) deps.onChange();
  }

  function render(): void {
    modeSelect.value = settings.mode;
    tokenInput.hidden = settings.mode !== AUTH_MODE.AMAZON_COGNITO_USER_POOLS;
    keyLabel.hidden = settings.mode !== AUTH_MODE.API_KEY;
  }

  modeSelect.addEventListener('change', () => change({ ...settings, mode: parseAuthMode(modeSelect.value) }));
  tokenInput.addEventListener('change', () => change({ ...settings, token: tokenInput.value }));
  const panel =
    config.userPool && userPool ? createSignInPanel({ client: userPool, pool: config.userPool, onUser: (user, cause) => change(settingsForUser(settings, user !== undefined, cause)) }) : null;
  render();

  return {
    element: el('section', { class: 'card auth-card' }, choice, panel?.element),
    current: () => resolveAuthSettings(settings, () => userPool?.idToken() ?? Promise.resolve(undefined)),
    start: async function startAuthBar() {
      await panel?.refresh();
    },
  };
}
