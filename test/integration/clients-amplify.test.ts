/**
 * The AWS Amplify JS v6 client (`aws-amplify`, `generateClient`) against the local endpoint, with no
 * change to the client (docs/ARCHITECTURE.md#tests): query, mutation and subscription, with the API key and
 * with Cognito user-pool tokens from the local issuer.
 *
 * What Node 20 needs, all on the client side:
 * - A `WebSocket` global (browsers and Node 22 have one; Node 20 does not): the `ws` client, installed
 *   by `installWebSocketTap`. Without it the subscription never starts and Amplify reports nothing.
 * - Trust in the local CA: Amplify v6 always dials `wss://`, even for an `http://` endpoint
 *   (`getRealtimeEndpointUrl` in @aws-amplify/api-graphql). The server answers TLS on the same port;
 *   Node reads `NODE_EXTRA_CA_CERTS` only at start-up, so vitest.config.ts puts it in the workers'
 *   environment. Without it the TLS handshake fails and Amplify, again, stays silent.
 * - For user pools, a token provider: `Amplify.configure(config, { Auth: { tokenProvider } })` handing
 *   out an access token of the local issuer (what Amplify Auth would hand out after sign-in).
 */
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { decodeJWT } from 'aws-amplify/auth';
import { describe, test as base } from 'vitest';
import {
  CreateUploadDocument as CreateUploadNode,
  GetAssetDocument as GetAssetNode,
  ListAssetsDocument as ListAssetsNode,
  OnAssetCreatedDocument as OnAssetCreatedNode,
} from '../../generated/operations.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';
import { putToTicket, singlePutTicket } from './lib/upload.ts';
import { createEventQueue, installWebSocketTap, type WebSocketTap } from '../support/websocket-global.ts';
import { amplifyQuery, amplifyMutation, amplifySubscription } from '../support/amplify-documents.ts';

interface AmplifyFixture {
  readonly assets: StoreBackedTestServer;
  readonly tap: WebSocketTap;
  /** Makes the token provider hand out an access token for `sub` (what a sign-in does). */
  signIn(sub: string): Promise<void>;
}

const test = base.extend<{ amplify: AmplifyFixture }>({
  amplify: [
    async ({}, use) => {
      const assets = await startTestServer({ store: 'dynalite' });
      const tap = installWebSocketTap();
      let accessToken: string | null = null;
      Amplify.configure(
        { API: { GraphQL: { endpoint: assets.server.url, region: assets.config.region, defaultAuthMode: 'apiKey', apiKey: assets.server.apiKey } } },
        { Auth: { tokenProvider: { getTokens: async () => (accessToken === null ? null : { accessToken: decodeJWT(accessToken) }) } } },
      );
      await use({
        assets,
        tap,
        signIn: async (sub) => {
          // Amplify sends the access token in user-pool mode.
          accessToken = await assets.issuer.mintToken({ sub, tokenUse: 'access' });
        },
      });
      await assets.close();
      tap.restore();
    },
    { scope: 'file' },
  ],
});

const CreateUploadDocument = amplifyMutation(CreateUploadNode);
const GetAssetDocument = amplifyQuery(GetAssetNode);
const ListAssetsDocument = amplifyQuery(ListAssetsNode);
const OnAssetCreatedDocument = amplifySubscription(OnAssetCreatedNode);

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BYTES = Buffer.from('hello from amplify');

/** Amplify rejects with the whole GraphQL result when `errors` is present; this keeps its plain JSON. */
async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return JSON.parse(JSON.stringify(error)) as unknown;
  }
  throw new Error('expected the call to be rejected');
}

describe('amplify js v6: API key', () => {
  test('runs createUpload, getAsset and listAssets through client.graphql, over HTTP only', async ({ amplify, expect }) => {
    const client = generateClient();
    const socketsBefore = amplify.tap.dialed.length;

    const created = await client.graphql({ query: CreateUploadDocument, variables: { input: { name: 'notes.txt', contentType: 'text/plain', size: BYTES.length } } });
    const asset = created.data.createUpload.asset;
    expect(created).toEqual({
      data: {
        createUpload: {
          asset: {
            id: expect.any(String),
            owner: 'apikey',
            name: 'notes.txt',
            contentType: 'text/plain',
            size: BYTES.length,
            checksumSha256: null,
            description: null,
            tags: null,
            title: null,
            version: 1,
            status: 'PENDING',
            createdAt: expect.stringMatching(ISO_MILLIS),
            updatedAt: asset.createdAt,
          },
          upload: {
            url: expect.stringMatching(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/s3/asset-api-local-assets/assets/apikey/${asset.id}/notes\\.txt\\?`)),
            method: 'PUT',
            headers: [
              { name: 'content-type', value: 'text/plain' },
              { name: 'content-length', value: String(BYTES.length) },
              { name: 'if-none-match', value: '*' },
            ],
            expiresAt: expect.any(String),
          },
          multipart: null,
        },
      },
    });
    expect(await client.graphql({ query: GetAssetDocument, variables: { id: asset.id } })).toEqual({ data: { getAsset: { ...asset, downloadUrl: null } } });
    expect(await client.graphql({ query: ListAssetsDocument, variables: { status: 'PENDING' } })).toEqual({ data: { listAssets: { items: [{ ...asset, downloadUrl: null }], nextToken: null } } });
    expect(amplify.tap.dialed.length).toBe(socketsBefore);
  });

  test("delivers onAssetCreated over wss:// once the bytes arrive, with the subscriber's selection", async ({ amplify, expect }) => {
    const { assets, tap } = amplify;
    const client = generateClient();
    // The workers trust the CA of this server's TLS side (see the file comment).
    expect(process.env['NODE_EXTRA_CA_CERTS']).toBe(assets.server.caCertPath);
    const events = createEventQueue<unknown>();
    const subscription = client.graphql({ query: OnAssetCreatedDocument }).subscribe({ next: (event) => events.push(event), error: (error: unknown) => events.fail(error) });
    await tap.nextFrame((f) => f['type'] === 'start_ack');
    expect(tap.dialed[0]).toBe(`wss://127.0.0.1:${assets.server.port}/graphql/realtime`);

    const created = await client.graphql({ query: CreateUploadDocument, variables: { input: { name: 'clip.webm', contentType: 'video/webm', size: BYTES.length } } });
    expect(await putToTicket(singlePutTicket(created.data.createUpload.upload), BYTES)).toEqual({ status: 200, error: null });

    expect(await events.next()).toEqual({ data: { onAssetCreated: { ...created.data.createUpload.asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS) } } });
    subscription.unsubscribe();
  });

  test("rejects with AppSync's error body for a refused input", async ({ amplify, expect }) => {
    const { assets } = amplify;
    const client = generateClient();
    const refused = client.graphql({ query: CreateUploadDocument, variables: { input: { name: 'page.html', contentType: 'text/html', size: 1 } } });
    expect(await rejectionOf(refused)).toEqual({
      data: null,
      errors: [
        {
          path: ['createUpload'],
          data: null,
          errorType: 'ValidationError',
          errorInfo: null,
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: `input.contentType "text/html" is not allowed; allowed: ${assets.api.assets.allowedContentTypes.join(', ')}`,
        },
      ],
    });
  });
});

describe('amplify js v6: Cognito user pools (authMode userPool)', () => {
  test("alice's upload is hers and reaches her subscription; bob's getAsset is Unauthorized", async ({ amplify, expect }) => {
    const { tap } = amplify;
    const client = generateClient();
    await amplify.signIn('alice');
    const events = createEventQueue<unknown>();
    const subscription = client.graphql({ query: OnAssetCreatedDocument, authMode: 'userPool' }).subscribe({ next: (event) => events.push(event), error: (error: unknown) => events.fail(error) });
    await tap.nextFrame((f) => f['type'] === 'start_ack');

    const created = await client.graphql({ query: CreateUploadDocument, authMode: 'userPool', variables: { input: { name: 'photo.png', contentType: 'image/png', size: BYTES.length } } });
    const asset = created.data.createUpload.asset;
    expect(asset).toMatchObject({ owner: 'alice', status: 'PENDING' });
    expect(await putToTicket(singlePutTicket(created.data.createUpload.upload), BYTES)).toEqual({ status: 200, error: null });
    expect(await events.next()).toEqual({ data: { onAssetCreated: { ...asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS) } } });
    subscription.unsubscribe();

    await amplify.signIn('bob');
    expect(await rejectionOf(client.graphql({ query: GetAssetDocument, authMode: 'userPool', variables: { id: asset.id } }))).toEqual({
      data: { getAsset: null },
      errors: [
        {
          path: ['getAsset'],
          data: null,
          errorType: 'Unauthorized',
          errorInfo: null,
          locations: [{ line: 2, column: 3, sourceName: null }],
          message: 'Not Authorized to access getAsset on type Query',
        },
      ],
    });
    expect(await client.graphql({ query: ListAssetsDocument, authMode: 'userPool', variables: {} })).toEqual({ data: { listAssets: { items: [], nextToken: null } } });
  });
});
