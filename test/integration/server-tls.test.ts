import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { describe } from 'vitest';
import { base64UrlJson, openRealtimeSocket } from '../support/realtime-client.ts';
import { serverTest as test } from '../support/test-server.ts';

function httpsPost(url: string, ca: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: unknown; authorized: boolean }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', ca, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      const authorized = (res.socket as { authorized?: boolean }).authorized === true;
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text), authorized }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('tls: the same port speaks TLS with the local CA', () => {
  test('answers https:// on the GraphQL port with a certificate the local CA signed', async ({ local, expect }) => {
    const ca = readFileSync(local.server.caCertPath ?? '', 'utf8');
    const url = local.server.url.replace('http://127.0.0.1', 'https://localhost');
    expect(await httpsPost(url, ca, JSON.stringify({ query: '{ __typename }' }), { 'x-api-key': local.server.apiKey })).toEqual({ status: 200, body: { data: { __typename: 'Query' } }, authorized: true });
  });

  test('rejects the TLS handshake for a client that does not trust the local CA', async ({ local, expect }) => {
    const url = local.server.url.replace('http://127.0.0.1', 'https://localhost');
    await expect(httpsPost(url, '', '{}', {})).rejects.toThrow(/self[- ]signed certificate|unable to verify|unable to get local issuer/);
  });

  test('speaks the realtime protocol over wss:// on the same port (what Amplify JS v6 dials)', async ({ local, expect }) => {
    const ca = readFileSync(local.server.caCertPath ?? '', 'utf8');
    const host = new URL(local.server.url).host;
    const wss = local.server.realtimeUrl.replace('ws://127.0.0.1', 'wss://localhost');
    const client = await openRealtimeSocket(wss, ['graphql-ws', `header-${base64UrlJson({ host, 'x-api-key': local.server.apiKey })}`], { ca });
    client.send({ type: 'connection_init' });
    expect(await client.next()).toEqual({ type: 'connection_ack', payload: { connectionTimeoutMs: 300000 } });
    await client.close();
  });

  test('still answers plain http:// and ws:// on the same port', async ({ local, expect }) => {
    const response = await fetch(local.server.url, { method: 'POST', headers: { 'x-api-key': local.server.apiKey }, body: JSON.stringify({ query: '{ __typename }' }) });
    expect(await response.json()).toEqual({ data: { __typename: 'Query' } });
  });
});
