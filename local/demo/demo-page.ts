/**
 * Browser entry of the upload demo at `/demo` (plain DOM). It uses only the public API, as a web
 * app would: `listAssets` fills the list, `onAssetCreated` (AppSync realtime) keeps it live,
 * `createUpload` issues a ticket, the file goes to the presigned URL with the ticket's headers, and
 * READY assets link to their `downloadUrl`. A row's title and tags can be edited in place
 * (`updateAsset` with the version last read; a stale one is reported), and the list filtered by tag
 * (`listAssets(tag:)`).
 */
import { createAppSyncRealtimeClient, type RealtimeResult, type SubscriptionStatus } from '../explorer/appsync-realtime-client.ts';
import {
  AUTH_MODE,
  httpAuthHeaders,
  loadAuthSettings,
  realtimeAuthorization,
  saveAuthSettings,
  type AuthSettings,
} from '../explorer/auth-settings.ts';
import { firstErrorMessage, postGraphQL, type GraphQLResult } from '../explorer/graphql-http.ts';
import { readPageConfig, websocketUrl } from '../explorer/page-config.ts';
import './demo.css';
import { formatBytes, putWithTicket, sha256Base64, type UploadTicket } from './upload-file.ts';

const ASSET_FIELDS = 'id name contentType size status createdAt downloadUrl title tags version';
const LIST_ASSETS = `query ListAssets($tag: String) { listAssets(limit: 50, tag: $tag) { items { ${ASSET_FIELDS} } } }`;
const UPDATE_ASSET = `mutation UpdateAsset($input: UpdateAssetInput!) { updateAsset(input: $input) { ${ASSET_FIELDS} } }`;
const GET_ASSET = `query GetAsset($id: ID!) { getAsset(id: $id) { ${ASSET_FIELDS} } }`;
const CREATE_UPLOAD = `mutation CreateUpload($input: CreateUploadInput!) {
  createUpload(input: $input) { asset { ${ASSET_FIELDS} } upload { url method headers { name value } expiresAt } }
}`;
/** Only fields `completeUpload` selects reach subscribers (§3.2); the rest is read with `getAsset`. */
const ON_ASSET_CREATED = 'subscription OnAssetCreated { onAssetCreated { id name status } }';

interface AssetView {
  readonly id: string;
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly status: string;
  readonly createdAt: string;
  readonly downloadUrl: string | null;
  readonly title?: string | null;
  readonly tags?: readonly string[] | null;
  readonly version?: number;
}

/** "a, b ,c" → ["a", "b", "c"]; empty entries dropped. */
function parseTags(text: string): string[] {
  return text
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

function isAssetView(value: unknown): value is AssetView {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['id'] === 'string' && typeof v['name'] === 'string' && typeof v['status'] === 'string';
}

/** Follows a path of object keys through a GraphQL result's `data`. */
function dig(result: GraphQLResult, ...path: string[]): unknown {
  let value: unknown = result.data;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function isUploadTicket(value: unknown): value is UploadTicket {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['url'] === 'string' && typeof v['method'] === 'string' && Array.isArray(v['headers']);
}

type Child = Node | string | null;
function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Readonly<Record<string, string>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  for (const child of children) if (child !== null) element.append(child);
  return element;
}

/** `<Code>` and `<Message>` of an S3 XML error body. */
function describeS3Error(status: number, body: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return code ? `S3 ${status} ${code}${message ? `: ${message}` : ''}` : `S3 answered ${status}`;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function startDemo(): void {
  const config = readPageConfig(document);
  let settings: AuthSettings = loadAuthSettings(storage(), config.apiKey);
  const assets = new Map<string, AssetView>();
  const realtime = createAppSyncRealtimeClient(
    { createSocket: (url, protocols) => new WebSocket(url, protocols) },
    { realtimeUrl: websocketUrl(window.location, config.realtimePath) },
  );
  const graphql = (query: string, variables?: Record<string, unknown>): Promise<GraphQLResult> =>
    postGraphQL((input, init) => window.fetch(input, init), config.graphqlPath, httpAuthHeaders(settings), {
      query,
      ...(variables ? { variables } : {}),
    });

  // ---- DOM ----
  const modeSelect = el(
    'select',
    { 'data-testid': 'auth-mode' },
    el('option', { value: AUTH_MODE.API_KEY }, 'API key'),
    el('option', { value: AUTH_MODE.AMAZON_COGNITO_USER_POOLS }, 'User pool token'),
  );
  modeSelect.value = settings.mode;
  const tokenInput = el('input', {
    'data-testid': 'auth-token',
    type: 'password',
    placeholder: config.tokenHint || 'Paste a user-pool JWT',
    autocomplete: 'off',
  });
  tokenInput.value = settings.token;
  const keyLabel = el('code', { 'data-testid': 'auth-api-key' }, config.apiKey);
  const fileInput = el('input', { type: 'file', 'data-testid': 'file-input' });
  const checksumBox = el('input', { type: 'checkbox', 'data-testid': 'checksum' });
  checksumBox.checked = true;
  const uploadButton = el('button', { type: 'button', 'data-testid': 'upload-button', disabled: '' }, 'Upload');
  const progress = el('progress', { 'data-testid': 'progress', max: '1', value: '0' });
  const uploadStatus = el('p', { 'data-testid': 'upload-status', role: 'status', class: 'status' }, 'Pick a file to upload.');
  const liveStatus = el('span', { 'data-testid': 'live-status', class: 'live' }, 'connecting…');
  const listBody = el('tbody', { 'data-testid': 'asset-list' });
  const emptyRow = el('tr', { class: 'empty' }, el('td', { colspan: '9' }, 'No assets yet: upload one above.'));
  const listError = el('p', { 'data-testid': 'list-error', class: 'status error', hidden: '' });
  const tagFilter = el('input', { 'data-testid': 'tag-filter', type: 'search', placeholder: 'Filter by tag (exact)' });
  const titleInput = el('input', { 'data-testid': 'edit-title', placeholder: 'Title' });
  const tagsInput = el('input', { 'data-testid': 'edit-tags', placeholder: 'Tags, comma-separated' });
  const saveButton = el('button', { type: 'submit', 'data-testid': 'edit-save' }, 'Save');
  const cancelButton = el('button', { type: 'button', 'data-testid': 'edit-cancel' }, 'Cancel');
  const editStatus = el('p', { 'data-testid': 'edit-status', role: 'status', class: 'status' });
  const editor = el('form', { class: 'row editor', 'data-testid': 'editor', hidden: '' }, titleInput, tagsInput, saveButton, cancelButton);

  const root = document.getElementById('root');
  if (!root) throw new Error('demo: #root missing');
  root.append(
    el(
      'main',
      { class: 'demo' },
      el(
        'header',
        {},
        el('h1', {}, 'Asset API ', el('span', { class: 'subtitle' }, 'upload demo')),
        el(
          'p',
          {},
          'Create an upload, send the bytes straight to S3 with the presigned URL, and watch the asset arrive through a subscription. ',
          el('a', { href: '/' }, 'Open the GraphQL explorer →'),
        ),
      ),
      // A form, because browsers warn about password fields outside one.
      el('form', { class: 'card auth', 'aria-label': 'Authorization' }, el('label', {}, 'Auth ', modeSelect), keyLabel, tokenInput),
      el(
        'section',
        { class: 'card upload' },
        el('div', { class: 'row' }, fileInput, el('label', {}, checksumBox, ' send SHA-256'), uploadButton),
        progress,
        uploadStatus,
      ),
      el(
        'section',
        { class: 'card assets' },
        el('h2', {}, 'Assets ', liveStatus),
        el('div', { class: 'row' }, tagFilter),
        editor,
        editStatus,
        listError,
        el(
          'table',
          {},
          el(
            'thead',
            {},
            el('tr', {}, ...['Name', 'Type', 'Size', 'Status', 'Created', '', 'Title', 'Tags', ''].map((t) => el('th', {}, t))),
          ),
          listBody,
        ),
      ),
    ),
  );

  // ---- rendering ----
  function renderAuth(): void {
    const isToken = settings.mode === AUTH_MODE.AMAZON_COGNITO_USER_POOLS;
    tokenInput.hidden = !isToken;
    keyLabel.hidden = isToken;
  }

  function renderList(): void {
    const rows = [...assets.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    listBody.replaceChildren(
      ...(rows.length === 0
        ? [emptyRow]
        : rows.map((asset) =>
            el(
              'tr',
              { 'data-testid': 'asset-row', 'data-asset-id': asset.id, 'data-status': asset.status },
              el('td', { class: 'name' }, asset.name),
              el('td', {}, asset.contentType),
              el('td', { class: 'num' }, formatBytes(asset.size)),
              el('td', {}, el('span', { class: `badge badge-${asset.status.toLowerCase()}`, 'data-testid': 'asset-status' }, asset.status)),
              el('td', {}, new Date(asset.createdAt).toLocaleString()),
              el(
                'td',
                {},
                asset.status === 'READY' && asset.downloadUrl
                  ? el('a', { href: asset.downloadUrl, 'data-testid': 'download', target: '_blank', rel: 'noopener' }, 'Download')
                  : null,
              ),
              el('td', { 'data-testid': 'asset-title' }, asset.title ?? ''),
              el('td', { 'data-testid': 'asset-tags' }, (asset.tags ?? []).join(', ')),
              el('td', {}, asset.status === 'READY' || asset.status === 'PENDING' ? editButton(asset) : null),
            ),
          )),
    );
  }

  function editButton(asset: AssetView): HTMLButtonElement {
    const button = el('button', { type: 'button', 'data-testid': 'edit-button' }, 'Edit');
    button.addEventListener('click', () => {
      editingId = asset.id;
      titleInput.value = asset.title ?? '';
      tagsInput.value = (asset.tags ?? []).join(', ');
      editStatus.textContent = '';
      editor.hidden = false;
      titleInput.focus();
    });
    return button;
  }

  /** The asset being edited in the editor form. */
  let editingId: string | undefined;

  async function saveEdit(): Promise<void> {
    const asset = editingId === undefined ? undefined : assets.get(editingId);
    if (!asset) return;
    saveButton.disabled = true;
    try {
      const result = await graphql(UPDATE_ASSET, {
        input: { id: asset.id, expectedVersion: asset.version ?? 1, title: titleInput.value, tags: parseTags(tagsInput.value) },
      });
      const error = firstErrorMessage(result);
      if (error !== undefined) {
        // A ConflictError means someone else saved first: the list is read again, the user decides.
        editStatus.textContent = `Not saved: ${error}`;
        editStatus.className = 'status error';
        void loadList();
        return;
      }
      remember(dig(result, 'updateAsset'));
      editor.hidden = true;
      editStatus.textContent = `Saved ${asset.name}.`;
      editStatus.className = 'status done';
    } finally {
      saveButton.disabled = false;
    }
  }

  function setUploadStatus(text: string, kind: 'info' | 'error' | 'done' = 'info'): void {
    uploadStatus.textContent = text;
    uploadStatus.className = `status ${kind}`;
  }

  function setLiveStatus(status: SubscriptionStatus | 'error', detail = ''): void {
    liveStatus.textContent = status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : `disconnected${detail ? `: ${detail}` : ''}`;
    liveStatus.dataset['status'] = status;
  }

  /** The asset this page uploaded last, whose arrival is announced in the upload status line. */
  let uploadedId: string | undefined;

  function remember(value: unknown): void {
    if (!isAssetView(value)) return;
    const known = assets.get(value.id);
    // A listing answered before the completion may arrive after its event: never go back to PENDING.
    if (known && known.status !== 'PENDING' && value.status === 'PENDING') return;
    const asset: AssetView = { ...known, ...value };
    assets.set(value.id, asset);
    renderList();
    if (asset.id === uploadedId && asset.status !== 'PENDING') {
      setUploadStatus(`${asset.name} is ${asset.status}.`, asset.status === 'READY' ? 'done' : 'error');
    }
  }

  // ---- data ----
  async function loadList(): Promise<void> {
    const asked = generation;
    const tag = tagFilter.value.trim();
    const result = await graphql(LIST_ASSETS, tag.length > 0 ? { tag } : {});
    // A newer identity or filter has asked since: this answer is stale.
    if (asked !== generation || tag !== tagFilter.value.trim()) return;
    const error = firstErrorMessage(result);
    listError.hidden = error === undefined;
    listError.textContent = error ?? '';
    const items = dig(result, 'listAssets', 'items');
    if (Array.isArray(items)) for (const item of items) remember(item);
    renderList();
  }

  let subscription: AsyncIterableIterator<RealtimeResult> | undefined;
  /** Bumped on every restart, so a stopped subscription's late status cannot overwrite the current one. */
  let generation = 0;
  async function subscribe(): Promise<void> {
    const mine = generation;
    const iterator = realtime.subscribe({
      query: ON_ASSET_CREATED,
      authorization: realtimeAuthorization(settings, window.location.host, new Date()),
      onStatusChange: (status) => {
        if (generation !== mine) return;
        setLiveStatus(status);
        // Listed again once live: an asset completed between the first listing and `start_ack`
        // would otherwise stay PENDING here, its event sent before we were subscribed.
        if (status === 'live') void loadList();
      },
    });
    subscription = iterator;
    try {
      for await (const result of iterator) {
        const error = firstErrorMessage(result);
        if (error !== undefined) setLiveStatus('error', error);
        const created: unknown = dig(result, 'onAssetCreated');
        if (isAssetView(created)) {
          // The event carries only what the completing mutation selected (no download URL): the row
          // is drawn from getAsset, so it never shows a half-filled READY asset.
          const fresh: unknown = dig(await graphql(GET_ASSET, { id: created.id }), 'getAsset');
          const filter = tagFilter.value.trim();
          const shown = isAssetView(fresh) ? fresh : { ...assets.get(created.id), ...created };
          if (filter.length === 0 || (isAssetView(fresh) && (fresh.tags ?? []).includes(filter))) remember(shown);
        }
      }
    } catch (e) {
      if (generation === mine) setLiveStatus('error', e instanceof Error ? e.message : String(e));
    }
  }

  function restart(): void {
    generation += 1;
    void subscription?.return?.();
    subscription = undefined;
    // Another identity owns other assets: start from an empty list.
    assets.clear();
    renderList();
    setLiveStatus('connecting');
    void loadList();
    void subscribe();
  }

  async function upload(file: File): Promise<void> {
    uploadButton.disabled = true;
    progress.value = 0;
    try {
      // A type outside the API's allow-list would be refused; octet-stream is always allowed.
      const contentType = config.allowedContentTypes.includes(file.type) ? file.type : 'application/octet-stream';
      setUploadStatus(checksumBox.checked ? 'Computing SHA-256…' : 'Creating upload…');
      const checksumSha256 = checksumBox.checked ? await sha256Base64(file) : undefined;
      setUploadStatus('Creating upload…');
      const created = await graphql(CREATE_UPLOAD, {
        input: { name: file.name, contentType, size: file.size, ...(checksumSha256 ? { checksumSha256 } : {}) },
      });
      const error = firstErrorMessage(created);
      const ticket = dig(created, 'createUpload', 'upload');
      if (error !== undefined || !isUploadTicket(ticket)) {
        setUploadStatus(`createUpload failed: ${error ?? 'no ticket in the response'}`, 'error');
        return;
      }
      const asset = dig(created, 'createUpload', 'asset');
      uploadedId = isAssetView(asset) ? asset.id : undefined;
      remember(asset);
      setUploadStatus(`Uploading ${file.name} (${formatBytes(file.size)})…`);
      const outcome = await putWithTicket(ticket, file, (loaded, total) => {
        progress.value = total > 0 ? loaded / total : 0;
      });
      if (outcome.status < 200 || outcome.status >= 300) {
        setUploadStatus(`Upload refused: ${describeS3Error(outcome.status, outcome.body)}`, 'error');
        return;
      }
      progress.value = 1;
      // The subscription may already have reported it READY while the PUT's response was on its way.
      if (assets.get(uploadedId ?? '')?.status === 'PENDING') setUploadStatus(`Uploaded ${file.name}; waiting for it to become READY…`);
    } catch (e) {
      setUploadStatus(e instanceof Error ? e.message : String(e), 'error');
    } finally {
      uploadButton.disabled = fileInput.files?.length !== 1;
    }
  }

  // ---- events ----
  tokenInput.form?.addEventListener('submit', (event) => event.preventDefault());
  editor.addEventListener('submit', (event) => {
    event.preventDefault();
    void saveEdit();
  });
  cancelButton.addEventListener('click', () => {
    editor.hidden = true;
  });
  tagFilter.addEventListener('change', () => {
    assets.clear();
    renderList();
    void loadList();
  });
  modeSelect.addEventListener('change', () => {
    settings = {
      ...settings,
      mode: modeSelect.value === AUTH_MODE.AMAZON_COGNITO_USER_POOLS ? AUTH_MODE.AMAZON_COGNITO_USER_POOLS : AUTH_MODE.API_KEY,
    };
    saveAuthSettings(storage(), settings);
    renderAuth();
    restart();
  });
  tokenInput.addEventListener('change', () => {
    settings = { ...settings, token: tokenInput.value };
    saveAuthSettings(storage(), settings);
    restart();
  });
  fileInput.addEventListener('change', () => {
    uploadButton.disabled = fileInput.files?.length !== 1;
    const file = fileInput.files?.[0];
    if (file) setUploadStatus(`Ready to upload ${file.name} (${formatBytes(file.size)}).`);
  });
  uploadButton.addEventListener('click', () => {
    const file = fileInput.files?.[0];
    if (file) void upload(file);
  });

  renderAuth();
  renderList();
  restart();
}

startDemo();
