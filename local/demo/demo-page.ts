/**
 * Browser entry of the upload demo at `/demo` (plain DOM). It uses only the public API, as a web app
 * would, through the same pieces a web app would use: the typed operations of
 * `client/operations/*.graphql` (`graphql-transport.ts`), the upload helper `client/upload.ts`
 * (single PUT or parallel parts, pause, resume, cancel: `upload-panel.ts`, `upload-row.ts`), the
 * AppSync realtime protocol for a live list (`live-assets.ts`), inline images and players
 * (`asset-row.ts`, `media-player.ts`), title and tag editing (`metadata-editor.ts`), and sign-in
 * through the local user pool with Amplify Auth (`auth-bar.ts`).
 */
import { createUploader } from '../../client/upload.ts';
import { createAppSyncRealtimeClient } from '../explorer/appsync-realtime-client.ts';
import { httpAuthHeaders, realtimeAuthorization } from '../explorer/auth-settings.ts';
import { el } from '../explorer/dom.ts';
import { readPageConfig, websocketUrl } from '../explorer/page-config.ts';
import { createUserPoolClient } from '../explorer/user-pool-client.ts';
import { createAssetList } from './asset-list.ts';
import { createAssetStore } from './asset-store.ts';
import { createAuthBar } from './auth-bar.ts';
import './demo.css';
import { createGraphQLTransport } from './graphql-transport.ts';
import { createLiveAssets } from './live-assets.ts';
import { createMediaPlayer } from './media-player.ts';
import { createMetadataEditor } from './metadata-editor.ts';
import { createUploadPanel } from './upload-panel.ts';

function pageHeader(): HTMLElement {
  return el(
    'header',
    {},
    el('h1', {}, 'Asset API ', el('span', { class: 'subtitle' }, 'upload demo')),
    el(
      'p',
      {},
      'Create an upload, send the bytes straight to S3 with presigned URLs, and watch the asset arrive through a subscription. ',
      el('a', { href: '/' }, 'Open the GraphQL explorer →'),
    ),
  );
}

function startDemo(): void {
  const config = readPageConfig(document);
  const userPool = config.userPool ? createUserPoolClient(config.userPool, window.location.origin) : null;
  const store = createAssetStore();
  /** The identity is read once the stored session is known; changes before that need no restart. */
  let ready = false;
  const auth = createAuthBar({ config, userPool, onChange: () => ready && restart() });
  const graphql = createGraphQLTransport({
    fetch: (input, init) => window.fetch(input, init),
    url: config.graphqlPath,
    authHeaders: async () => httpAuthHeaders(await auth.current()),
  });
  const realtime = createAppSyncRealtimeClient(
    { createSocket: (url, protocols) => new WebSocket(url, protocols) },
    { realtimeUrl: websocketUrl(window.location, config.realtimePath) },
  );
  const player = createMediaPlayer({ graphql });
  const editor = createMetadataEditor({ graphql, store, reload: () => void list.load() });
  const live = createLiveAssets({
    graphql,
    realtime,
    store,
    authorization: async () => realtimeAuthorization(await auth.current(), window.location.host, new Date()),
    reload: () => void list.load(),
    tagFilter: () => list.tagFilter(),
  });
  const list = createAssetList({
    graphql,
    store,
    actions: { onEdit: (asset) => editor.edit(asset), onPlay: (asset) => void player.play(asset) },
    liveStatus: live.statusElement,
    above: editor.elements,
  });
  const uploads = createUploadPanel({ uploader: createUploader({ graphql }), graphql, store, allowedContentTypes: config.allowedContentTypes });

  /** Another identity owns other assets: start from an empty list and subscribe again. */
  function restart(): void {
    store.clear();
    editor.close();
    player.close();
    void list.load();
    void live.start();
  }

  const root = document.getElementById('root');
  if (!root) throw new Error('demo: #root missing');
  root.append(el('main', { class: 'demo' }, pageHeader(), auth.element, uploads, player.element, list.element));
  void auth.start().finally(() => {
    ready = true;
    restart();
  });
}

startDemo();
