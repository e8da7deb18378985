/**
 * Reliability (docs/ARCHITECTURE.md#tests), isolation and abuse: two user-pool users and the API-key owner cannot reach each other's
 * assets through any operation (get, list, downloadUrl, delete, subscriptions); presigned URLs name
 * only the caller's own keys and cannot be bent to another key, size or type; object keys never come
 * from user input; browser-executable types are refused and downloads are attachments; and no API key,
 * token or secret reaches the server's log. Prints counts.
 */
import { afterAll, beforeAll, describe, it, vi } from 'vitest';

import { LOCAL_BUCKET_NAME } from '../../local/server.ts';
import { postGraphQL } from '../support/graphql-client.ts';
import { base64UrlJson, openRealtimeSocket, type RealtimeSocket } from '../support/realtime-client.ts';
import { scanTable } from '../support/store-readers.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';
import { S3_PATH } from '../../local/host/public-endpoints.ts';

interface Ticket {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

interface Identity {
  readonly name: 'alice' | 'bob' | 'apikey';
  /** The owner id stored on the asset. */
  readonly owner: string;
  readonly headers: Record<string, string>;
  /** The realtime authorization object. */
  readonly auth: Record<string, string>;
}

const CREATE = 'mutation ($input: CreateUploadInput!) { createUpload(input: $input) { asset { id owner status } upload { url method headers { name value } } } }';
let fixture: StoreBackedTestServer;
let identities: Identity[] = [];
const secrets: string[] = [];
const tally = { operationsChecked: 0, namesChecked: 0, tamperedUrls: 0 };

async function createUpload(who: Identity, input: Record<string, unknown>): Promise<{ id: string; upload: Ticket }> {
  const result = await postGraphQL(fixture.server.url, { query: CREATE, variables: { input } }, { headers: who.headers });
  const payload = (result.body as { data?: { createUpload?: { asset: { id: string }; upload: Ticket } } }).data?.createUpload;
  if (!payload) throw new Error(`createUpload failed: ${result.text}`);
  return { id: payload.asset.id, upload: payload.upload };
}

async function put(ticket: Ticket, body: string, change: { url?: string; headers?: Record<string, string> } = {}): Promise<number> {
  const response = await fetch(change.url ?? ticket.url, { method: ticket.method, headers: { ...Object.fromEntries(ticket.headers.map((h) => [h.name, h.value])), ...change.headers }, body });
  await response.arrayBuffer();
  return response.status;
}

async function storedItem(id: string): Promise<Record<string, string | undefined>> {
  const items = await scanTable(fixture.dynamodb, fixture.tableNames['assets'] as string);
  const item = items.find((i) => i['id']?.S === id);
  return { status: item?.['status']?.S, key: item?.['key']?.S, owner: item?.['owner']?.S };
}

async function waitReady(id: string): Promise<void> {
  await vi.waitFor(async () => {
    if ((await storedItem(id)).status !== 'READY') throw new Error(`${id} not READY yet`);
  }, { timeout: 30_000, interval: 100 });
}

beforeAll(async () => {
  // --verbose logs every resolver evaluation: the most the server ever writes to its log.
  fixture = await startTestServer({ store: 'dynalite', argv: ['--no-tls', '--verbose'] });
  const { server } = fixture;
  const host = new URL(server.url).host;
  const alice = await fixture.issuer.mintToken({ sub: 'alice', groups: ['users'] });
  const bob = await fixture.issuer.mintToken({ sub: 'bob', tokenUse: 'access' });
  secrets.push(server.apiKey, alice, bob, TEST_CREDENTIALS.secretAccessKey, alice.split('.')[2] ?? '', bob.split('.')[2] ?? '');
  identities = [
    { name: 'alice', owner: 'alice', headers: { authorization: alice }, auth: { host, Authorization: alice } },
    { name: 'bob', owner: 'bob', headers: { authorization: `Bearer ${bob}` }, auth: { host, Authorization: bob } },
    { name: 'apikey', owner: 'apikey', headers: { 'x-api-key': server.apiKey }, auth: { host, 'x-api-key': server.apiKey } },
  ];
});

afterAll(async () => {
  console.log(`[reliability] isolation: ${tally.operationsChecked} cross-owner operations refused, ${tally.namesChecked} hostile file names kept out of keys, ${tally.tamperedUrls} tampered presigned URLs refused, ${secrets.length} secrets searched in ${fixture?.logs.length ?? 0} log lines`);
  await fixture?.close();
});

describe('isolation: owners cannot reach each other', () => {
  it('refuses get, delete and downloadUrl of another owner\'s asset, lists only the caller\'s, and delivers subscriptions only to the owner', { timeout: 60_000 }, async ({ expect }) => {
    const { server } = fixture;
    const ready = new Map<string, string>();
    for (const who of identities) {
      const { id, upload } = await createUpload(who, { name: `${who.name}.txt`, contentType: 'text/plain', size: 5 });
      expect(await put(upload, 'hello')).toBe(200);
      await waitReady(id);
      ready.set(who.name, id);
    }

    // Each identity listens to everything it could name: new assets, and updates of every asset.
    const listeners = new Map<string, RealtimeSocket>();
    for (const who of identities) {
      const client = await openRealtimeSocket(server.realtimeUrl, ['graphql-ws', `header-${base64UrlJson(who.auth)}`]);
      client.send({ type: 'connection_init' });
      const start = (id: string, query: string, variables: Record<string, unknown> = {}): void =>
        client.send({ id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: who.auth } } });
      start('created', 'subscription { onAssetCreated { id owner } }');
      for (const [name, assetId] of ready) start(`updated-${name}`, 'subscription ($id: ID!) { onAssetUpdated(id: $id) { id owner status } }', { id: assetId });
      for (let i = 0; i < 1 + ready.size; i++) await client.next((f) => f['type'] === 'start_ack');
      listeners.set(who.name, client);
    }

    for (const viewer of identities) {
      for (const target of identities) {
        if (viewer === target) continue;
        const id = ready.get(target.name) as string;
        const get = await postGraphQL(server.url, { query: 'query ($id: ID!) { getAsset(id: $id) { id owner downloadUrl } }', variables: { id } }, { headers: viewer.headers });
        expect({ viewer: viewer.name, body: get.body }).toEqual({
          viewer: viewer.name,
          body: { data: { getAsset: null }, errors: [{ path: ['getAsset'], data: null, errorType: 'Unauthorized', errorInfo: null, locations: [{ line: 1, column: 20, sourceName: null }], message: 'Not Authorized to access getAsset on type Query' }] },
        });
        const del = await postGraphQL(server.url, { query: 'mutation ($id: ID!) { deleteAsset(id: $id) { id } }', variables: { id } }, { headers: viewer.headers });
        expect({ viewer: viewer.name, body: del.body }).toEqual({
          viewer: viewer.name,
          body: { data: { deleteAsset: null }, errors: [{ path: ['deleteAsset'], data: null, errorType: 'Unauthorized', errorInfo: null, locations: [{ line: 1, column: 23, sourceName: null }], message: 'Not Authorized to access deleteAsset on type Mutation' }] },
        });
        expect(await storedItem(id)).toEqual({ status: 'READY', key: expect.stringMatching(`^assets/${target.owner}/${id}/`), owner: target.owner });
        tally.operationsChecked += 2;
      }
      const list = await postGraphQL(server.url, { query: '{ listAssets(limit: 100) { items { id owner downloadUrl } nextToken } }', variables: {} }, { headers: viewer.headers });
      const items = (list.body as { data: { listAssets: { items: { id: string; owner: string; downloadUrl: string | null }[] } } }).data.listAssets.items;
      expect(items.map((i) => ({ id: i.id, owner: i.owner }))).toEqual([{ id: ready.get(viewer.name), owner: viewer.owner }]);
      const download = new URL(items[0]?.downloadUrl ?? 'http://invalid/');
      expect(decodeURIComponent(download.pathname)).toBe(`${S3_PATH}/${LOCAL_BUCKET_NAME}/assets/${viewer.owner}/${ready.get(viewer.name)}/${viewer.name}.txt`);
      tally.operationsChecked += 1;
    }

    // Each owner now finishes a second upload and deletes the first: only the owner hears of either.
    const second = new Map<string, string>();
    for (const who of identities) {
      const { id, upload } = await createUpload(who, { name: 'second.txt', contentType: 'text/plain', size: 6 });
      expect(await put(upload, 'second')).toBe(200);
      await waitReady(id);
      second.set(who.name, id);
      const del = await postGraphQL(server.url, { query: 'mutation ($id: ID!) { deleteAsset(id: $id) { id owner status } }', variables: { id: ready.get(who.name) } }, { headers: who.headers });
      expect(del.body).toEqual({ data: { deleteAsset: { id: ready.get(who.name), owner: who.owner, status: 'DELETING' } } });
    }
    for (const who of identities) {
      const client = listeners.get(who.name) as RealtimeSocket;
      for (const id of ['created', ...[...ready.keys()].map((n) => `updated-${n}`)]) client.send({ type: 'stop', id });
      for (let i = 0; i < 1 + ready.size; i++) await client.next((f) => f['type'] === 'complete');
      const data = client.frames.filter((f) => f['type'] === 'data').map((f) => ({ id: f['id'], payload: f['payload'] }));
      expect({ who: who.name, data }).toEqual({
        who: who.name,
        data: [
          { id: 'created', payload: { data: { onAssetCreated: { id: second.get(who.name), owner: who.owner } } } },
          { id: `updated-${who.name}`, payload: { data: { onAssetUpdated: { id: ready.get(who.name), owner: who.owner, status: 'DELETING' } } } },
        ],
      });
      tally.operationsChecked += 2 * (identities.length - 1);
      await client.close();
    }
  });
});

describe('abuse: keys, presigned URLs and content types', () => {
  it('builds every object key as <prefix>/<owner>/<id>/<safe name>, whatever the name, and refuses names that try to leave it', async ({ expect }) => {
    const alice = identities[0] as Identity;
    const accepted = ['%2e%2e%2f%2e%2e%2fetc%2fpasswd', '．．／．．／etc／passwd', '..\u2215..\u2215etc', '\u202etxt.exe', 'C:evil.txt', '~root', '.hidden', '...', ' .. ', 'a'.repeat(255), '名前.txt', 'x\u200b.txt', '$(rm -rf).txt', '<script>.txt'];
    const refused = ['../../etc/passwd', '/etc/passwd', '..\\..\\windows', '..', '.', 'a\u0000b', 'a/b', 'nul\u0000.txt'];
    for (const name of accepted) {
      const { id, upload } = await createUpload(alice, { name, contentType: 'text/plain', size: 5 });
      const { key } = await storedItem(id);
      expect({ name, key }).toEqual({ name, key: expect.stringMatching(new RegExp(`^assets/alice/${id}/[A-Za-z0-9._-]{1,255}$`)) });
      expect((key ?? '').split('/').filter((segment) => segment === '..' || segment === '.')).toEqual([]);
      expect(decodeURIComponent(new URL(upload.url).pathname)).toBe(`${S3_PATH}/${LOCAL_BUCKET_NAME}/${key}`);
      tally.namesChecked++;
    }
    for (const name of refused) {
      const result = await postGraphQL(fixture.server.url, { query: CREATE, variables: { input: { name, contentType: 'text/plain', size: 5 } } }, { headers: alice.headers });
      expect({ name, body: result.body }).toEqual({ name, body: { data: null, errors: [expect.objectContaining({ path: ['createUpload'], errorType: 'ValidationError', message: expect.stringMatching(/^input\.name must not/) })] } });
      tally.namesChecked++;
    }
  });

  it('refuses text/html and image/svg+xml, and serves downloads as attachments', async ({ expect }) => {
    const bob = identities[1] as Identity;
    for (const contentType of ['text/html', 'image/svg+xml', 'application/xhtml+xml', 'text/javascript']) {
      const result = await postGraphQL(fixture.server.url, { query: CREATE, variables: { input: { name: 'page.html', contentType, size: 5 } } }, { headers: bob.headers });
      expect(result.body).toEqual({
        data: null,
        errors: [{ path: ['createUpload'], data: null, errorType: 'ValidationError', errorInfo: null, locations: [{ line: 1, column: 41, sourceName: null }], message: expect.stringMatching(new RegExp(`^input\\.contentType "${contentType.replace('+', '\\+')}" is not allowed`)) }],
      });
    }
    const { id, upload } = await createUpload(bob, { name: 'looks.html', contentType: 'text/plain', size: 5 });
    expect(await put(upload, '<b>x', { headers: { 'content-length': '4' } })).toBe(403);
    expect(await put(upload, '<b>x</b>'.slice(0, 5), { headers: { 'content-type': 'text/html' } })).toBe(403);
    expect(await put(upload, '<b>x<')).toBe(200);
    await waitReady(id);
    const read = await postGraphQL(fixture.server.url, { query: 'query ($id: ID!) { getAsset(id: $id) { downloadUrl } }', variables: { id } }, { headers: bob.headers });
    const url = (read.body as { data: { getAsset: { downloadUrl: string } } }).data.getAsset.downloadUrl;
    const download = await fetch(url);
    expect({ status: download.status, disposition: download.headers.get('content-disposition'), type: download.headers.get('content-type'), body: await download.text() }).toEqual({
      status: 200,
      disposition: `attachment; filename="looks.html"; filename*=UTF-8''looks.html`,
      type: 'text/plain',
      body: '<b>x<',
    });
  });

  it('refuses a presigned upload URL bent to another key, size, type or method', async ({ expect }) => {
    const [alice, bob] = identities as [Identity, Identity];
    const victim = await createUpload(bob, { name: 'victim.txt', contentType: 'text/plain', size: 5 });
    const attacker = await createUpload(alice, { name: 'mine.txt', contentType: 'text/plain', size: 5 });
    const victimPath = new URL(victim.upload.url).pathname;
    const bent = new URL(attacker.upload.url);
    bent.pathname = victimPath;
    const traversal = new URL(attacker.upload.url);
    // Each attempt keeps the signed query string and changes one signed part of the request.
    const attempts: [string, () => Promise<number>][] = [
      ['another key', () => put(attacker.upload, 'owned', { url: bent.toString() })],
      ['a traversal to another key', () => put(attacker.upload, 'owned', { url: `${traversal.origin}${traversal.pathname}/../../../bob/${victimPath.split('/')[4] ?? ''}/victim.txt${traversal.search}` })],
      ['a larger body', () => put(attacker.upload, 'owned!', { headers: { 'content-length': '6' } })],
      ['a smaller body', () => put(attacker.upload, 'own', { headers: { 'content-length': '3' } })],
      ['another content type', () => put(attacker.upload, 'owned', { headers: { 'content-type': 'text/html' } })],
      ['a changed expiry', () => put(attacker.upload, 'owned', { url: attacker.upload.url.replace(/X-Amz-Expires=\d+/, 'X-Amz-Expires=604800') })],
    ];
    for (const [what, attempt] of attempts) {
      expect({ what, status: await attempt() }).toEqual({ what, status: 403 });
      tally.tamperedUrls++;
    }
    const asPost = await fetch(attacker.upload.url, { method: 'POST', headers: Object.fromEntries(attacker.upload.headers.map((h) => [h.name, h.value])), body: 'owned' });
    await asPost.arrayBuffer();
    expect(asPost.status).toBeGreaterThanOrEqual(400);
    tally.tamperedUrls++;
    expect(await storedItem(victim.id)).toEqual({ status: 'PENDING', key: expect.stringMatching(/^assets\/bob\//), owner: 'bob' });
    expect(await put(victim.upload, 'bob!!')).toBe(200);
    await waitReady(victim.id);
  });

  it('never writes an API key, token or secret to the server log', ({ expect }) => {
    const logs = fixture.logs.join('\n');
    expect(fixture.logs.length).toBeGreaterThan(0);
    expect(secrets.filter((secret) => secret.length >= 16 && logs.includes(secret)).map((secret) => `${secret.slice(0, 8)}…`)).toEqual([]);
  });
});
