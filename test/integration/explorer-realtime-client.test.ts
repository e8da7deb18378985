/**
 * The explorer's AppSync realtime client (the browser code) run in Node with `ws` against the real
 * local server: the same frames a browser sends, checked end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../local/config.ts';
import {
  createAppSyncRealtimeClient,
  type RealtimeResult,
  type RealtimeSocket,
  type SubscriptionStatus,
} from '../../local/explorer/appsync-realtime-client.ts';
import { startLocalServer } from '../../local/server.ts';

type Server = Awaited<ReturnType<typeof startLocalServer>>;
let server: Server;
let origin: string;

beforeAll(async () => {
  server = await startLocalServer(loadConfig({ API_KEY: 'da2-realtimeclienttestkey00000' }, ['--port', '0', '--no-watch', '--no-tls']));
  origin = `http://127.0.0.1:${server.port}`;
});
afterAll(async () => {
  await server?.close();
});

function openSocket(url: string, protocols: string[]): RealtimeSocket {
  const socket = new WebSocket(url, protocols);
  return {
    get readyState() {
      return socket.readyState;
    },
    send: (data) => socket.send(data),
    close: (code, reason) => socket.close(code, reason),
    addEventListener: (type: 'open' | 'message' | 'close' | 'error', listener: (event: never) => void) => {
      if (type === 'message') socket.on('message', (data, isBinary) => (listener as (e: { data: unknown }) => void)({ data: isBinary ? data : data.toString() }));
      else if (type === 'close') socket.on('close', (code, reason) => (listener as (e: { code: number; reason: string }) => void)({ code, reason: reason.toString() }));
      else socket.on(type, () => (listener as () => void)());
    },
  };
}

function client() {
  return createAppSyncRealtimeClient({ createSocket: openSocket }, { realtimeUrl: `ws://127.0.0.1:${server.port}/graphql/realtime` });
}

async function graphql(query: string, variables: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': server.apiKey },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

async function uploadFile(name: string, text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const body = (await graphql(
    'mutation C($input: CreateUploadInput!) { createUpload(input: $input) { asset { id } upload { url method headers { name value } } } }',
    { input: { name, contentType: 'text/plain', size: bytes.byteLength } },
  )) as { data: { createUpload: { asset: { id: string }; upload: { url: string; method: string; headers: Array<{ name: string; value: string }> } } } };
  const { asset, upload } = body.data.createUpload;
  const headers = Object.fromEntries(upload.headers.filter((h) => h.name.toLowerCase() !== 'content-length').map((h) => [h.name, h.value]));
  const put = await fetch(upload.url, { method: upload.method, headers, body: bytes });
  expect(put.status).toBe(200);
  return asset.id;
}

function waitFor(statuses: SubscriptionStatus[], status: SubscriptionStatus): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (statuses.includes(status)) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
}

describe('explorer realtime client: start and data', () => {
  it('is acknowledged, delivers the onAssetCreated event of a completed upload, and ends on return()', async () => {
    const statuses: SubscriptionStatus[] = [];
    const iterator = client().subscribe({
      query: 'subscription { onAssetCreated { id name status } }',
      authorization: { host: `127.0.0.1:${server.port}`, 'x-api-key': server.apiKey },
      onStatusChange: (status) => statuses.push(status),
    });
    await waitFor(statuses, 'live');

    const id = await uploadFile('realtime-client.txt', 'realtime');
    const first = await iterator.next();
    expect(first).toEqual({ done: false, value: { data: { onAssetCreated: { id, name: 'realtime-client.txt', status: 'READY' } } } });

    expect(await iterator.return?.()).toEqual({ done: true, value: undefined });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
    expect(statuses).toEqual(['connecting', 'live', 'ended']);
  });
});

describe('explorer realtime client: errors', () => {
  it('yields the connection_error of a wrong API key as a GraphQL result, then ends', async () => {
    const results: RealtimeResult[] = [];
    for await (const result of client().subscribe({
      query: 'subscription { onAssetCreated { id } }',
      authorization: { host: `127.0.0.1:${server.port}`, 'x-api-key': 'da2-wrongwrongwrongwrongwrong00' },
    })) {
      results.push(result);
    }
    expect(results).toEqual([
      { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.', errorCode: 401 }] },
    ]);
  });

  it('yields the error frame of an invalid subscription document, then ends', async () => {
    const results: RealtimeResult[] = [];
    for await (const result of client().subscribe({
      query: 'subscription { onAssetCreated { nope } }',
      authorization: { host: `127.0.0.1:${server.port}`, 'x-api-key': server.apiKey },
    })) {
      results.push(result);
    }
    expect(results).toEqual([
      {
        errors: [
          { message: "Validation error of type FieldUndefined: Field 'nope' in type 'Asset' is undefined @ 'onAssetCreated/nope'" },
        ],
      },
    ]);
  });
});
