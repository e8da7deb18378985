/**
 * Browser entry of the explorer at `/`: GraphiQL (v4, CodeMirror editors, so nothing needs web
 * workers or a CDN) with an auth bar above it. Written with `createElement` so the project needs no
 * JSX settings.
 */
import type { Fetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/style.css';
import { createElement as h, useCallback, useMemo, useRef, useState, type ChangeEvent, type ReactElement } from 'react';
import { createRoot } from 'react-dom/client';
import { createAppSyncFetcher } from './appsync-fetcher.ts';
import { createAppSyncRealtimeClient, type SubscriptionStatus } from './appsync-realtime-client.ts';
import {
  AUTH_MODE,
  httpAuthHeaders,
  loadAuthSettings,
  realtimeAuthorization,
  saveAuthSettings,
  type AuthMode,
  type AuthSettings,
} from './auth-settings.ts';
import './explorer.css';
import { readPageConfig, websocketUrl, type PageConfig } from './page-config.ts';

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

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function AuthBar(props: {
  readonly config: PageConfig;
  readonly settings: AuthSettings;
  readonly subscription: SubscriptionStatus | undefined;
  readonly onChange: (next: AuthSettings) => void;
}): ReactElement {
  const { config, settings, subscription, onChange } = props;
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
          onChange: (e: ChangeEvent<HTMLSelectElement>) =>
            onChange({
              ...settings,
              mode: e.target.value === AUTH_MODE.AMAZON_COGNITO_USER_POOLS ? AUTH_MODE.AMAZON_COGNITO_USER_POOLS : AUTH_MODE.API_KEY,
            }),
        },
        h('option', { value: AUTH_MODE.API_KEY satisfies AuthMode }, 'API key'),
        h('option', { value: AUTH_MODE.AMAZON_COGNITO_USER_POOLS satisfies AuthMode }, 'User pool token'),
      ),
    ),
    isToken
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
    h('span', { className: 'asset-auth-links' }, h('a', { href: '/demo' }, 'Upload demo →')),
  );
}

function App(props: { readonly config: PageConfig }): ReactElement {
  const { config } = props;
  const [settings, setSettings] = useState(() => loadAuthSettings(storage(), config.apiKey));
  const [subscription, setSubscription] = useState<SubscriptionStatus | undefined>(undefined);
  // The fetcher reads the latest settings through a ref, so typing a token does not re-introspect
  // on every keystroke; switching the mode makes a new fetcher, and GraphiQL then introspects again.
  const settingsRef = useRef(settings);
  settingsRef.current = settings;
  const onChange = useCallback((next: AuthSettings) => {
    saveAuthSettings(storage(), next);
    setSettings(next);
  }, []);
  const fetcher = useMemo(() => {
    const realtime = createAppSyncRealtimeClient(
      { createSocket: (url, protocols) => new WebSocket(url, protocols) },
      { realtimeUrl: websocketUrl(window.location, config.realtimePath) },
    );
    const appSyncFetcher = createAppSyncFetcher(
      {
        fetch: (input, init) => window.fetch(input, init),
        realtime,
        httpHeaders: () => httpAuthHeaders(settingsRef.current),
        realtimeAuthorization: () => realtimeAuthorization(settingsRef.current, window.location.host, new Date()),
        onSubscriptionStatus: setSubscription,
      },
      { graphqlUrl: config.graphqlPath },
    );
    // GraphiQL types results with graphql-ws's ExecutionResult, which is not installed; ours are
    // structurally the same `{ data, errors }` objects.
    return appSyncFetcher as unknown as Fetcher;
  }, [config, settings.mode]);

  return h(
    'div',
    { className: 'asset-explorer' },
    h(AuthBar, { config, settings, subscription, onChange }),
    h('div', { className: 'asset-explorer-graphiql' }, h(GraphiQL, { fetcher, defaultQuery: DEFAULT_QUERY })),
  );
}

const root = document.getElementById('root');
if (!root) throw new Error('explorer: #root missing');
createRoot(root).render(h(App, { config: readPageConfig(document) }));
