/**
 * Every URL the local server hands out names an address the client can reach (docs/devices.md):
 * the address the request was sent to (its Host and scheme), or `--public-url`. The embedded S3 front
 * answers on the API's own port under `/s3`, so an upload URL stays valid across a restart on the
 * same address. Reached here as `127.0.0.2` (Linux routes all of 127.0.0.0/8 to loopback), a name no
 * default would produce, and through a TCP forwarder standing in for a reverse proxy or tunnel.
 *
 * This file trusts the local CA (vitest.config.ts): Amplify dials `wss://`, and the https cases use
 * Node's own TLS.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { parseAmplifyConfig } from 'aws-amplify/utils';
import { describe, test as base } from 'vitest';
import { writeAmplifyOutputsFile } from '../../local/host/write-outputs.ts';
import { COLD_START_TIMEOUT_MS, parseBanner, spawnNpmStart, stopNpmStart, waitForBanner } from '../support/npm-start.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';

const BUCKET_PATH = '/s3/asset-api-local-assets/assets/apikey/';
const BYTES = Buffer.from('bytes that crossed a public URL\n');

interface GraphQLAnswer {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly unknown[];
}

async function graphql(url: string, apiKey: string, query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': apiKey }, body: JSON.stringify({ query, variables }) });
  return (await response.json()) as GraphQLAnswer;
}

const CREATE_UPLOAD = `mutation Create {
  createUpload(input: { name: "notes.txt", contentType: "text/plain", size: ${BYTES.length} }) { asset { id } upload { url method headers { name value } } }
}`;
const GET_ASSET = 'query Get($id: ID!) { getAsset(id: $id) { id status downloadUrl } }';

interface Upload {
  readonly id: string;
  readonly url: string;
  readonly headers: Record<string, string>;
}

async function createUpload(graphqlUrl: string, apiKey: string): Promise<Upload> {
  const answer = await graphql(graphqlUrl, apiKey, CREATE_UPLOAD);
  const created = answer.data?.['createUpload'] as { asset: { id: string }; upload: { url: string; headers: { name: string; value: string }[] } } | undefined;
  if (created === undefined) throw new Error(`createUpload failed: ${JSON.stringify(answer)}`);
  // Node's fetch sets Content-Length from the body itself.
  const headers = Object.fromEntries(created.upload.headers.filter((h) => h.name !== 'content-length').map((h) => [h.name, h.value]));
  return { id: created.asset.id, url: created.upload.url, headers };
}

/** getAsset until READY (S3's object-created event completes the upload after the PUT's answer). */
async function readyAsset(graphqlUrl: string, apiKey: string, id: string): Promise<{ id: string; status: string; downloadUrl: string | null }> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const asset = (await graphql(graphqlUrl, apiKey, GET_ASSET, { id })).data?.['getAsset'] as { id: string; status: string; downloadUrl: string | null } | null;
    if (asset?.status === 'READY') return asset;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`asset ${id} never became READY`);
}

/** A TCP forwarder, as a reverse proxy or tunnel that keeps the Host header: its port is the public one. */
interface Forwarder {
  readonly port: number;
  /** Where connections go from now on. */
  target(port: number): void;
  close(): Promise<void>;
}

async function startForwarder(): Promise<Forwarder> {
  let targetPort = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      socket.on('error', () => (socket === client ? upstream : client).destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    port,
    target: (next) => {
      targetPort = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const test = base.extend<{ local: TestServer }>({
  local: [
    async ({}, use) => {
      // Bound to 127.0.0.2: the only name this server is reached by below, besides the loopback defaults.
      const fixture = await startTestServer({ argv: ['--host', '127.0.0.2'] });
      await use(fixture);
      await fixture.close();
    },
    { scope: 'file' },
  ],
});

describe('public URLs: the address the client used', () => {
  test('hands out upload and download URLs on the address and scheme of each request, and an upload through them completes', async ({ local, expect }) => {
    const { port, apiKey } = local.server;
    // GIVEN a client that reaches the server as 127.0.0.2 over plain HTTP
    const plain = await createUpload(`http://127.0.0.2:${port}/graphql`, apiKey);
    expect(plain.url.startsWith(`http://127.0.0.2:${port}${BUCKET_PATH}${plain.id}/notes.txt?`)).toBe(true);

    // WHEN it PUTs the bytes to that URL
    const put = await fetch(plain.url, { method: 'PUT', headers: plain.headers, body: BYTES });
    expect({ status: put.status, body: await put.text() }).toEqual({ status: 200, body: '' });

    // THEN the asset becomes READY with a download URL on the same address that returns the bytes
    const ready = await readyAsset(`http://127.0.0.2:${port}/graphql`, apiKey, plain.id);
    expect(ready).toEqual({ id: plain.id, status: 'READY', downloadUrl: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.2:${port}${BUCKET_PATH}${plain.id}/notes\\.txt\\?`)) });
    const download = await fetch(ready.downloadUrl ?? '');
    expect({ status: download.status, body: Buffer.from(await download.arrayBuffer()) }).toEqual({ status: 200, body: BYTES });

    // AND a client on TLS gets https URLs, which work the same way
    const secure = await createUpload(`https://127.0.0.2:${port}/graphql`, apiKey);
    expect(secure.url.startsWith(`https://127.0.0.2:${port}${BUCKET_PATH}${secure.id}/notes.txt?`)).toBe(true);
    const securePut = await fetch(secure.url, { method: 'PUT', headers: secure.headers, body: BYTES });
    expect(securePut.status).toBe(200);
    const secureReady = await readyAsset(`https://127.0.0.2:${port}/graphql`, apiKey, secure.id);
    expect(secureReady.downloadUrl?.startsWith(`https://127.0.0.2:${port}${BUCKET_PATH}${secure.id}/notes.txt?`)).toBe(true);
  });

  test('announces its URLs on the bound address, https while TLS is on', ({ local, expect }) => {
    const origin = `https://127.0.0.2:${local.server.port}`;
    expect(local.server.announced).toEqual({
      origin,
      graphqlUrl: `${origin}/graphql`,
      realtimeUrl: `wss://127.0.0.2:${local.server.port}/graphql/realtime`,
      explorerUrl: `${origin}/`,
      userPoolEndpoint: `${origin}/cognito-idp/`,
      s3Endpoint: `${origin}/s3`,
      caPemUrl: `${origin}/ca.pem`,
      caCrtUrl: `${origin}/ca.crt`,
    });
  });

  test('serves the CA certificate at /ca.pem and /ca.crt without auth, for devices to install', async ({ local, expect }) => {
    const pem = readFileSync(local.server.caCertPath ?? '', 'utf8');
    const [asPem, asCrt] = await Promise.all(['/ca.pem', '/ca.crt'].map((path) => fetch(`http://127.0.0.2:${local.server.port}${path}`)));
    const shape = async (response: Response | undefined): Promise<unknown> => ({
      status: response?.status,
      type: response?.headers.get('content-type'),
      disposition: response?.headers.get('content-disposition'),
      body: Buffer.from((await response?.arrayBuffer()) ?? new ArrayBuffer(0)),
    });
    expect([await shape(asPem), await shape(asCrt)]).toEqual([
      { status: 200, type: 'application/x-pem-file', disposition: 'attachment; filename="asset-api-local-ca.pem"', body: Buffer.from(pem) },
      { status: 200, type: 'application/x-x509-ca-cert', disposition: 'attachment; filename="asset-api-local-ca.crt"', body: new X509Certificate(pem).raw },
    ]);
  });

  test('writes amplify_outputs.json that Amplify parses, and Amplify.configure(outputs) queries the server with the API key', async ({ local, expect }) => {
    const dir = mkdtempSync(join(tmpdir(), 'asset-api-outputs-'));
    try {
      // GIVEN the file npm start writes
      const path = join(dir, 'amplify_outputs.json');
      writeAmplifyOutputsFile(path, local.server.amplifyOutputs);
      const outputs = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      const origin = local.server.announced.origin;

      // THEN Amplify's own parser (parseAmplifyConfig: parseAmplifyOutputs for version 1.x) reads the API and the user pool from it
      expect(parseAmplifyConfig(outputs)).toEqual({
        Auth: {
          Cognito: {
            userPoolId: 'us-east-1_localpool',
            userPoolClientId: 'localappclient',
            groups: [{ admin: { precedence: 0 } }],
            passwordFormat: { minLength: 12, requireLowercase: true, requireNumbers: true, requireUppercase: true, requireSpecialCharacters: true },
            mfa: { status: 'on', smsEnabled: false, totpEnabled: true },
            loginWith: { email: true, phone: false, username: false },
            userAttributes: { email: { required: true } },
          },
        },
        API: { GraphQL: { endpoint: `${origin}/graphql`, region: 'us-east-1', apiKey: local.server.apiKey, defaultAuthMode: 'userPool', modelIntrospection: undefined } },
      });
      expect(outputs['custom']).toEqual({ asset_api_local: { user_pool_endpoint: `${origin}/cognito-idp/`, ca_certificate_url: `${origin}/ca.crt` } });

      // WHEN an app configures Amplify with the file as it is
      Amplify.configure(outputs);
      const client = generateClient();
      const answer = await client.graphql({ query: 'query { listAssets { nextToken } }', authMode: 'apiKey' });

      // THEN its API-key query reaches the server
      expect(answer).toEqual({ data: { listAssets: { nextToken: null } } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('public URLs: --public-url through a proxy', () => {
  test('names the public URL in every URL, and an upload URL minted before a restart on --data-dir still works after it', async ({ expect }) => {
    const forwarder = await startForwarder();
    const dataDir = mkdtempSync(join(tmpdir(), 'asset-api-public-url-'));
    const publicUrl = `http://localhost:${forwarder.port}`;
    const argv = ['--data-dir', dataDir, '--public-url', publicUrl];
    try {
      // GIVEN a server behind the forwarder, told its public URL
      const first = await startTestServer({ argv });
      forwarder.target(first.server.port);
      // WHEN a client asks for an upload, even on the server's own address
      const upload = await createUpload(first.server.url, first.server.apiKey);
      // THEN the URL names the public URL, as does every announced URL
      expect(upload.url.startsWith(`${publicUrl}${BUCKET_PATH}${upload.id}/notes.txt?`)).toBe(true);
      expect({ graphql: first.server.announced.graphqlUrl, realtime: first.server.announced.realtimeUrl, userPool: first.server.announced.userPoolEndpoint }).toEqual({
        graphql: `${publicUrl}/graphql`,
        realtime: `ws://localhost:${forwarder.port}/graphql/realtime`,
        userPool: `${publicUrl}/cognito-idp/`,
      });
      await first.close();

      // WHEN the server restarts on another port behind the same public URL
      const second = await startTestServer({ argv });
      forwarder.target(second.server.port);
      try {
        // THEN the URL minted before the restart takes the bytes, and the asset completes
        const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: BYTES });
        expect({ status: put.status, body: await put.text() }).toEqual({ status: 200, body: '' });
        const ready = await readyAsset(`${publicUrl}/graphql`, second.server.apiKey, upload.id);
        expect(ready.downloadUrl?.startsWith(`${publicUrl}${BUCKET_PATH}${upload.id}/notes.txt?`)).toBe(true);
        const download = await fetch(ready.downloadUrl ?? '');
        expect({ status: download.status, body: Buffer.from(await download.arrayBuffer()) }).toEqual({ status: 200, body: BYTES });
      } finally {
        await second.close();
      }
    } finally {
      await forwarder.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  // npm start may have to rebuild its server bundle first (a cold start).
  test('npm start prints the public URLs and writes amplify_outputs.json for them', { timeout: COLD_START_TIMEOUT_MS + 30_000 }, async ({ expect }) => {
    const forwarder = await startForwarder();
    const dir = mkdtempSync(join(tmpdir(), 'asset-api-npm-outputs-'));
    const publicUrl = `http://localhost:${forwarder.port}`;
    const outputsPath = join(dir, 'amplify_outputs.json');
    const started = spawnNpmStart(['--port', '0', '--no-watch', '--public-url', publicUrl, '--outputs', outputsPath], { direct: true });
    try {
      const banner = await waitForBanner(started);
      expect({ graphql: banner.graphql, realtime: banner.realtime, explorer: banner.explorer }).toEqual({
        graphql: `${publicUrl}/graphql`,
        realtime: `ws://localhost:${forwarder.port}/graphql/realtime`,
        explorer: `${publicUrl}/`,
      });
      // The listening address is printed for the proxy; through it, the printed GraphQL URL answers.
      const listening = /^ {2}Listening: +(\S+)/.exec(started.lines.find((line) => line.startsWith('  Listening:')) ?? '')?.[1] ?? '';
      forwarder.target(Number(new URL(listening).port));
      const answer = await graphql(banner.graphql, banner.apiKey, 'query { listAssets { nextToken } }');
      expect(answer).toEqual({ data: { listAssets: { nextToken: null } } });
      expect(started.lines).toContain(`  App config:  ${outputsPath}  (amplify_outputs, for ${publicUrl}/graphql; --outputs PATH to write it elsewhere)`);
      const outputs = JSON.parse(readFileSync(outputsPath, 'utf8')) as { data: unknown };
      expect(outputs.data).toEqual({
        url: `${publicUrl}/graphql`,
        aws_region: 'us-east-1',
        api_key: banner.apiKey,
        default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
        authorization_types: ['API_KEY', 'AWS_IAM'],
      });
      expect(parseBanner(started.lines)?.graphql).toBe(`${publicUrl}/graphql`);
    } finally {
      await stopNpmStart(started);
      await forwarder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
