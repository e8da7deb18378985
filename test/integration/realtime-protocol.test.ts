import { describe } from 'vitest';
import { base64UrlJson, openRealtimeSocket } from '../support/realtime-client.ts';
import { serverTest as test } from '../support/test-server.ts';

const ON_UPDATED = 'subscription OnUpdated($id: ID!) { onAssetUpdated(id: $id) { id owner status __typename } }';

async function graphql(url: string, apiKey: string, query: string, variables: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as Record<string, unknown>;
}

async function createPendingAsset(url: string, apiKey: string): Promise<string> {
  const body = await graphql(url, apiKey, 'mutation { createUpload(input: { name: "note.txt", contentType: "text/plain", size: 5 }) { asset { id } } }');
  const id = (body as { data: { createUpload: { asset: { id: string } } } }).data.createUpload.asset.id;
  return id;
}

describe('realtime: handshake', () => {
  test('selects graphql-ws for a header-… sub-protocol offer (Amplify >= 6.6) and acks with connectionTimeoutMs, then ka', async ({ local, expect }) => {
    const host = new URL(local.server.url).host;
    const client = await openRealtimeSocket(local.server.realtimeUrl, ['graphql-ws', `header-${base64UrlJson({ host, 'x-api-key': local.server.apiKey })}`]);
    expect(client.socket.protocol).toBe('graphql-ws');
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    expect(await client.next()).toEqual({ type: 'ka' });
    await client.close();
  });

  test('accepts the header/payload query parameters (Amplify <= 6.5) with raw standard base64', async ({ local, expect }) => {
    const host = new URL(local.server.url).host;
    const header = Buffer.from(JSON.stringify({ host, 'x-api-key': local.server.apiKey })).toString('base64');
    const client = await openRealtimeSocket(`${local.server.realtimeUrl}?header=${header}&payload=e30=`, ['graphql-ws']);
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    await client.close();
  });

  test('accepts the upgrade with bad credentials and answers connection_init with connection_error 401, then closes', async ({ local, expect }) => {
    const client = await openRealtimeSocket(local.server.realtimeUrl, ['graphql-ws', `header-${base64UrlJson({ host: 'x', 'x-api-key': 'da2-nope' })}`]);
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({
      type: 'connection_error',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    });
    expect(await client.closed).toBe(1000);
  });
});

describe('realtime: start, data, stop', () => {
  test('delivers the deleteAsset of the subscribed asset, projected, then completes on stop (full transcript)', async ({ local, expect }) => {
    const { url, apiKey, realtimeUrl } = local.server;
    const host = new URL(url).host;
    const id = await createPendingAsset(url, apiKey);
    const client = await openRealtimeSocket(realtimeUrl, ['graphql-ws', `header-${base64UrlJson({ host, 'x-api-key': apiKey })}`]);
    client.send({ type: 'connection_init' });
    client.send({ id: 'sub-1', type: 'start', payload: { data: JSON.stringify({ query: ON_UPDATED, variables: { id } }), extensions: { authorization: { host, 'x-api-key': apiKey } } } });
    expect(await client.next((f) => f['type'] === 'start_ack')).toEqual({ type: 'start_ack', id: 'sub-1' });

    const deleted = await graphql(url, apiKey, 'mutation Del($id: ID!) { deleteAsset(id: $id) { id owner status } }', { id });
    expect(deleted).toEqual({ data: { deleteAsset: { id, owner: 'apikey', status: 'DELETING' } } });
    expect(await client.next((f) => f['type'] === 'data')).toEqual({
      type: 'data',
      id: 'sub-1',
      payload: { data: { onAssetUpdated: { id, owner: 'apikey', status: 'DELETING', __typename: 'Asset' } } },
    });
    client.send({ type: 'stop', id: 'sub-1' });
    expect(await client.next((f) => f['type'] !== 'ka')).toEqual({ type: 'complete', id: 'sub-1' });
    expect(client.frames.filter((f) => f['type'] !== 'ka').map((f) => f['type'])).toEqual(['connection_ack', 'start_ack', 'data', 'complete']);
    await client.close();
  });

  test('does not deliver when the mutation did not select the field the filter needs (owner)', async ({ local, expect }) => {
    const { url, apiKey, realtimeUrl } = local.server;
    const host = new URL(url).host;
    const id = await createPendingAsset(url, apiKey);
    const client = await openRealtimeSocket(realtimeUrl, ['graphql-ws', `header-${base64UrlJson({ host, 'x-api-key': apiKey })}`]);
    client.send({ id: 's', type: 'start', payload: { data: JSON.stringify({ query: ON_UPDATED, variables: { id } }), extensions: { authorization: { host, 'x-api-key': apiKey } } } });
    await client.next((f) => f['type'] === 'start_ack');
    await graphql(url, apiKey, 'mutation Del($id: ID!) { deleteAsset(id: $id) { id status } }', { id });
    // The event is published before the mutation's HTTP response, so a data frame would precede complete.
    client.send({ type: 'stop', id: 's' });
    expect(await client.next((f) => f['type'] !== 'ka')).toEqual({ type: 'complete', id: 's' });
    expect(client.frames.filter((f) => f['type'] === 'data')).toEqual([]);
    await client.close();
  });
});

describe('realtime: error catalogue', () => {
  test('reports validation errors, unsupported operations, bad auth and duplicates per id', async ({ local, expect }) => {
    const { url, apiKey, realtimeUrl } = local.server;
    const host = new URL(url).host;
    const auth = { host, 'x-api-key': apiKey };
    const client = await openRealtimeSocket(realtimeUrl, ['graphql-ws', `header-${base64UrlJson(auth)}`]);
    client.send({ type: 'connection_init' });
    await client.next((f) => f['type'] === 'connection_ack');
    const start = (id: string, query: string, authorization: Record<string, string> = auth) =>
      client.send({ id, type: 'start', payload: { data: JSON.stringify({ query, variables: { id: 'x' } }), extensions: { authorization } } });

    start('bad-field', 'subscription { onAssetCreated { bogus } }');
    expect(await client.next((f) => f['id'] === 'bad-field')).toEqual({
      type: 'error',
      id: 'bad-field',
      payload: { errors: [{ message: expect.stringContaining('bogus') }] },
    });

    start('bad-auth', ON_UPDATED, { host, 'x-api-key': 'da2-nope' });
    expect(await client.next((f) => f['id'] === 'bad-auth')).toEqual({
      type: 'error',
      id: 'bad-auth',
      payload: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    });

    start('dup', ON_UPDATED);
    expect(await client.next((f) => f['id'] === 'dup')).toEqual({ type: 'start_ack', id: 'dup' });
    start('dup', ON_UPDATED);
    expect(await client.next((f) => f['id'] === 'dup')).toEqual({ type: 'error', id: 'dup', payload: { errors: [{ errorType: 'DuplicatedOperationError', message: 'Duplicated operation with id dup' }] } });

    client.send({ id: 'not-json', type: 'start', payload: { data: 42 } });
    expect(await client.next((f) => f['id'] === 'not-json')).toEqual({
      type: 'error',
      id: 'not-json',
      payload: { errors: [{ errorType: 'BadRequestException', message: 'start: payload.data must be a JSON string, got number' }] },
    });
    await client.close();
  });
});
