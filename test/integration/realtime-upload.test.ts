import { describe } from 'vitest';
import { base64UrlJson, openRealtimeSocket } from '../support/realtime-client.ts';
import { serverTest as test } from '../support/test-server.ts';

interface Ticket {
  readonly url: string;
  readonly method: string;
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

describe('realtime: the upload flow end to end', () => {
  test('createUpload, PUT to the presigned URL, then subscribers receive READY and the item reads back READY', async ({ local, expect }) => {
    const { url, apiKey, realtimeUrl } = local.server;
    const host = new URL(url).host;
    const auth = { host, 'x-api-key': apiKey };
    const call = async (query: string, variables: Record<string, unknown> = {}) =>
      (await (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ query, variables }) })).json()) as {
        data: Record<string, unknown>;
      };

    const created = await call('mutation { createUpload(input: { name: "hello.txt", contentType: "text/plain", size: 11 }) { asset { id status } upload { url method headers { name value } } } }');
    const { asset, upload } = created.data['createUpload'] as { asset: { id: string; status: string }; upload: Ticket };
    expect(asset.status).toBe('PENDING');

    const client = await openRealtimeSocket(realtimeUrl, ['graphql-ws', `header-${base64UrlJson(auth)}`]);
    client.send({ type: 'connection_init' });
    const start = (id: string, query: string, variables: Record<string, unknown>) =>
      client.send({ id, type: 'start', payload: { data: JSON.stringify({ query, variables }), extensions: { authorization: auth } } });
    start('updated', 'subscription ($id: ID!) { onAssetUpdated(id: $id) { id status size } }', { id: asset.id });
    start('created', 'subscription { onAssetCreated { id name status } }', {});
    await client.next((f) => f['id'] === 'updated' && f['type'] === 'start_ack');
    await client.next((f) => f['id'] === 'created' && f['type'] === 'start_ack');

    const put = await fetch(upload.url, { method: upload.method, headers: Object.fromEntries(upload.headers.map((h) => [h.name, h.value])), body: 'hello world' });
    expect(put.status).toBe(200);

    const frames = [await client.next((f) => f['type'] === 'data'), await client.next((f) => f['type'] === 'data')].sort((a, b) => String(a['id']).localeCompare(String(b['id'])));
    expect(frames).toEqual([
      { type: 'data', id: 'created', payload: { data: { onAssetCreated: { id: asset.id, name: 'hello.txt', status: 'READY' } } } },
      { type: 'data', id: 'updated', payload: { data: { onAssetUpdated: { id: asset.id, status: 'READY', size: 11 } } } },
    ]);
    const read = await call('query ($id: ID!) { getAsset(id: $id) { id status } }', { id: asset.id });
    expect(read).toEqual({ data: { getAsset: { id: asset.id, status: 'READY' } } });
    await client.close();
  });
});
