/**
 * Browser entry of the explorer at `/`: GraphiQL (v4, CodeMirror editors, so nothing needs web
 * workers or a CDN) with an auth bar above it: the API key (default), a pasted token, or the user
 * signed in with the "Sign in" panel (the plain-DOM panel the demo uses too, mounted here in a
 * React ref). Written with `createElement` so the project needs no JSX settings.
 */
import type { Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createElement as h, useCallback, useEffect, useMemo, useRef, useState, type ChangeEvent, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppSyncFetcher } from './appsync-fetcher.ts';
import { createAppSyncRealtimeClient, type SubscriptionStatus } from './appsync-realtime-client.ts';
import {
  AUTH_MODE,
  httpAuthHeaders,
  loadAuthSettings,
  parseAuthMode,
  realtimeAuthorization,
  resolveAuthSettings,
  saveAuthSettings,
  settingsForUser,
  type AuthMode,
  type AuthSettings,
} from './auth-settings.ts';
import { pageStorage } from './dom.ts';
import './explorer.css';
import { readPageConfig, websocketUrl, type PageConfig } from './page-config.ts';
import { createSignInPanel } from './sign-in-panel.ts';
import { createUserPoolClient, type SignedInUser, type UserPoolClient } from './user-pool-client.ts';

const DEFAULT_QUERY = `# Asset API explorer: the local AppSync endpoint.
# Run a query with the ▶ button (Ctrl-Enter). Subscriptions stream here through AppSync's
# realtime protocol; start one, then upload a file from /demo to see an event arrive.

query ListAssets {
  listAssets(limit: 10) {
    items {
      id
      name
      contentType
      size
      status
      createdAt
    }
    nextToken
  }
}

subscription OnAssetCreated {
  onAssetCreated {
    id
    name
    status
    size
  }
}
`;

/** The sign-in panel (plain DOM), mounted once into a React-owned element. */
function SignInSlot(props: {
  readonly config: PageConfig;
  readonly client: UserPoolClient;
  readonly onUser: (user: SignedInUser | undefined, cause: 'restored' | 'changed') => void;
}): ReactElement | null {
  const { config, client, onUser } = props;
  const slot = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const pool = config.userPool;
    const element = slot.current;
    if (!pool || !element) return undefined;
    const panel = createSignInPanel({ client, pool, onUser });
    element.replaceChildren(panel.element);
    void panel.refresh();
    return () => element.replaceChildren();
  }, [config, client, onUser]);
  return h('div', { className: 'asset-sign-in', ref: slot });
}

function AuthBar(props: {
  readonly config: PageConfig;
  readonly settings: AuthSettings;
  readonly subscription: SubscriptionStatus | undefined;
  readonly user: SignedInUser | undefined;
  readonly onChange: (next: AuthSettings) => void;
  readonly onToggleSignIn: () => void;
}): ReactElement {
  const { config, settings, subscription, user, onChange, onToggleSignIn } = props;
  const isToken = settings.mode === AUTH_MODE.AMAZON_COGNITO_USER_POOLS;
  // A form, because browsers warn about password fields outside one.
  return h(
    'form',
    { className: 'asset-auth-bar', 'aria-label': 'Authorization', onSubmit: (e: { preventDefault(): void }) => e.preventDefault() },
    h('strong', { className: 'asset-auth-title' }, 'Asset API'),
    h(
      'label',
      null,
      'Auth ',
      h(
        'select',
        {
          'data-testid': 'auth-mode',
          value: settings.mode,
          onChange: (e: ChangeEvent<HTMLSelectElement>) => onChange({ ...settings, mode: parseAuthMode(e.target.value) }),
        },
        h('option', { value: AUTH_MODE.API_KEY satisfies AuthMode }, 'API key'),
        h('option', { value: AUTH_MODE.AMAZON_COGNITO_USER_POOLS satisfies AuthMode }, 'User pool token'),
        config.userPool ? h('option', { value: AUTH_MODE.SIGNED_IN_USER satisfies AuthMode }, 'Signed-in user') : null,
      ),
    ),
    settings.mode === AUTH_MODE.SIGNED_IN_USER
      ? h('span', { 'data-testid': 'auth-user', className: 'asset-auth-key' }, user?.signInName ?? 'nobody signed in')
      : isToken
      ? h('input', {
          'data-testid': 'auth-token',
          className: 'asset-auth-input',
          type: 'password',
          placeholder: config.tokenHint || 'Paste a user-pool JWT',
          title: config.tokenHint,
          value: settings.token,
          autoComplete: 'off',
          spellCheck: false,
          onChange: (e: ChangeEvent<HTMLInputElement>) => onChange({ ...settings, token: e.target.value }),
        })
      : h('code', { 'data-testid': 'auth-api-key', className: 'asset-auth-key', title: 'Sent as x-api-key' }, config.apiKey),
    subscription
      ? h(
          'span',
          { 'data-testid': 'subscription-status', className: `asset-subscription asset-subscription-${subscription}` },
          `subscription ${subscription}`,
        )
      : null,
    h(
      'span',
      { className: 'asset-auth-links' },
      config.userPool
        ? h('button', { type: 'button', 'data-testid': 'sign-in-toggle', className: 'asset-auth-button', onClick: onToggleSignIn }, user ? 'Account' : 'Sign in')
        : null,
      h('a', { href: '/demo' }, 'Upload demo →'),
    ),
  );
}

function App(props: { readonly config: PageConfig }): ReactElement {
  const { config } = props;
  const [settings, setSettings] = useState(() => {
    const stored = loadAuthSettings(pageStorage(), config.apiKey);
    // A page without a pool cannot have a signed-in user.
    return config.userPool ? stored : settingsForUser(stored, false, 'restored');
  });
  const [subscription, setSubscription] = useState<SubscriptionStatus | undefined>(undefined);
  const [user, setUser] = useState<SignedInUser | undefined>(undefined);
  const [signInOpen, setSignInOpen] = useState(false);
  const client = useMemo(() => (config.userPool ? createUserPoolClient(config.userPool, window.location.origin) : null), [config]);
  // The fetcher reads the latest settings through a ref, so typing a token does not re-introspect
  // on every keystroke; switching the mode makes a new fetcher, and GraphiQL then introspects again.
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const onChange = useCallback((next: AuthSettings) => {
    saveAuthSettings(pageStorage(), next);
    setSettings(next);
  }, []);
  const onUser = useCallback(
    (next: SignedInUser | undefined, cause: 'restored' | 'changed') => {
      setUser(next);
      onChange(settingsForUser(settingsRef.current, next !== undefined, cause));
      if (cause === 'changed' && next !== undefined) setSignInOpen(false);
    },
    [onChange],
  );
  const fetcher = useMemo(() => {
    const idToken = (): Promise<string | undefined> => client?.idToken() ?? Promise.resolve(undefined);
    const realtime = createAppSyncRealtimeClient(
      { createSocket: (url, protocols) => new WebSocket(url, protocols) },
      { realtimeUrl: websocketUrl(window.location, config.realtimePath) },
    );
    const appSyncFetcher = createAppSyncFetcher(
      {
        fetch: (input, init) => window.fetch(input, init),
        realtime,
        httpHeaders: async () => httpAuthHeaders(await resolveAuthSettings(settingsRef.current, idToken)),
        realtimeAuthorization: async () => realtimeAuthorization(await resolveAuthSettings(settingsRef.current, idToken), window.location.host, new Date()),
        onSubscriptionStatus: setSubscription,
      },
      { graphqlUrl: config.graphqlPath },
    );
    // GraphiQL types results with graphql-ws's ExecutionResult, which is not installed; ours are
    // structurally the same `{ data, errors }` objects.
    return appSyncFetcher as unknown as Fetcher;
  }, [config, client, settings.mode, user]);

  return h(
    'div',
    { className: 'asset-explorer' },
    h(AuthBar, { config, settings, subscription, user, onChange, onToggleSignIn: () => setSignInOpen((open) => !open) }),
    client ? h('div', { className: 'asset-sign-in-row', hidden: !signInOpen }, h(SignInSlot, { config, client, onUser })) : null,
    h('div', { className: 'asset-explorer-graphiql' }, h(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY })),
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('explorer: #root missing');
createRoot(root).render(h(App, { config: readPageConfig(document) }));
