/**
 * Apollo Client 4 with AWS's links (`aws-appsync-auth-link` + `aws-appsync-subscription-link`)
 * against the local endpoint, with no change to the client (docs/ARCHITECTURE.md#tests): query, mutation and
 * subscription with the API key, user-pool tokens, and SigV4 (AWS_IAM) signed by the auth link.
 *
 * Node 20 needs a `WebSocket` global (installWebSocketTap: the `ws` client). Unlike Amplify, the
 * subscription link keeps the endpoint's scheme (`http://` -> `ws://`), so no TLS trust is involved.
 *
 * AWS_IAM needs two client-side workarounds (neither is about the server: real AppSync would refuse
 * the same requests):
 * 1. aws-appsync-auth-link 4.0.2's ESM build (`lib/index.mjs`) does `import * as crypto from
 *    '@aws-crypto/sha256-js'` (1.2.2, CommonJS whose exports Node cannot see statically), so under
 *    Node's ESM loader `crypto.Sha256` is undefined and signing throws "TypeError: Sha256 is not a
 *    constructor" as an unhandled rejection, leaving the request pending forever (bundlers hide this,
 *    so browsers are fine). Its CommonJS build (`lib/index.js`) works; loaded here with `createRequire`.
 *    The subscription link imports the same ESM signer, so IAM subscriptions on Node are affected too.
 * 2. The link signs the body `{operationName, variables, query}`, but Apollo Client 4 then adds
 *    `extensions.clientLibrary` to the body it sends, so the payload hash no longer matches and the
 *    server answers 403 InvalidSignatureException. `enhancedClientAwareness: { transport: false }`
 *    keeps Apollo from adding it.
 */
import { ApolloClient, ApolloLink, CombinedGraphQLErrors, InMemoryCache } from '@apollo/client';
import { createRequire } from 'node:module';
import { createAuthLink, type AuthOptions } from 'aws-appsync-auth-link';
import { createSubscriptionHandshakeLink } from 'aws-appsync-subscription-link';
import { describe, test as base } from 'vitest';

import { CompleteUploadDocument, CreateUploadDocument, GetAssetDocument, ListAssetsDocument, OnAssetCreatedDocument } from '../../generated/operations.ts';
import { startTestServer, type StoreBackedTestServer } from '../support/test-server.ts';
import { putToTicket, singlePutTicket } from './lib/upload.ts';
import { createEventQueue, installWebSocketTap, type WebSocketTap } from '../support/websocket-global.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';

/** The CommonJS build of aws-appsync-auth-link (workaround 1 in the file comment). */
const { createAuthLink: createAuthLinkCommonJs } = createRequire(import.meta.url)('aws-appsync-auth-link') as typeof import('aws-appsync-auth-link');

interface ApolloFixture {
  readonly assets: StoreBackedTestServer;
  readonly tap: WebSocketTap;
  /** A client as an app builds it, for one auth mode. */
  clientFor(auth: AuthOptions, options?: { readonly iamWorkarounds?: boolean }): ApolloClient;
}

const test = base.extend<{ apollo: ApolloFixture }>({
  apollo: [
    async ({}, use) => {
      const assets = await startTestServer({ store: 'dynalite' });
      const tap = installWebSocketTap();
      const clients: ApolloClient[] = [];
      const { url } = assets.server;
      const region = assets.config.region;
      await use({
        assets,
        tap,
        clientFor: (auth, options = {}) => {
          const iam = options.iamWorkarounds === true;
          // Double casts: the links' d.ts name ApolloLink through `@apollo/client/core`, which TypeScript
          // resolves to Apollo's CommonJS declarations, a distinct class type from the ESM one we import.
          const authLink = (iam ? createAuthLinkCommonJs : createAuthLink)({ url, region, auth }) as unknown as ApolloLink;
          const handshakeLink = createSubscriptionHandshakeLink({ url, region, auth }) as unknown as ApolloLink;
          const client = new ApolloClient({
            ...(iam ? { enhancedClientAwareness: { transport: false } } : {}),
            link: ApolloLink.from([authLink, handshakeLink]),
            cache: new InMemoryCache(),
          });
          clients.push(client);
          return client;
        },
      });
      for (const client of clients) client.stop();
      await assets.close();
      tap.restore();
    },
    { scope: 'file' },
  ],
});

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BYTES = Buffer.from('hello from apollo');

describe('apollo client 4 + aws-appsync links: API key', () => {
  test('runs a mutation and a query, and delivers onAssetCreated over ws:// once the bytes arrive', async ({ apollo, expect }) => {
    const { assets, tap } = apollo;
    const client = apollo.clientFor({ type: 'API_KEY', apiKey: assets.server.apiKey });
    const events = createEventQueue<unknown>();
    const subscription = client.subscribe({ query: OnAssetCreatedDocument }).subscribe({ next: (event) => events.push(event), error: (error: unknown) => events.fail(error) });
    await tap.nextFrame((f) => f['type'] === 'start_ack');
    expect(tap.dialed[0]).toBe(`ws://127.0.0.1:${assets.server.port}/graphql/realtime`);

    const created = await client.mutate({ mutation: CreateUploadDocument, variables: { input: { name: 'song.mp3', contentType: 'audio/mpeg', size: BYTES.length } } });
    const { asset, upload } = created.data?.createUpload ?? { asset: null, upload: { url: '', method: '', headers: [] } };
    // Apollo adds __typename to every selection; the server answers it like any field.
    expect(created).toEqual({
      data: {
        createUpload: {
          __typename: 'CreateUploadPayload',
          asset: {
            __typename: 'Asset',
            id: expect.any(String),
            owner: 'apikey',
            name: 'song.mp3',
            contentType: 'audio/mpeg',
            size: BYTES.length,
            checksumSha256: null,
            description: null,
            tags: null,
            title: null,
            version: 1,
            status: 'PENDING',
            createdAt: expect.stringMatching(ISO_MILLIS),
            updatedAt: asset?.createdAt,
          },
          upload: {
            __typename: 'UploadTicket',
            url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/s3\/asset-api-local-assets\/assets\/apikey\//),
            method: 'PUT',
            headers: [
              { __typename: 'HttpHeader', name: 'content-type', value: 'audio/mpeg' },
              { __typename: 'HttpHeader', name: 'content-length', value: String(BYTES.length) },
              { __typename: 'HttpHeader', name: 'if-none-match', value: '*' },
            ],
            expiresAt: expect.any(String),
          },
          multipart: null,
        },
      },
    });
    expect(await putToTicket(singlePutTicket(upload), BYTES)).toEqual({ status: 200, error: null });

    const ready = { ...asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS) };
    expect(await events.next()).toEqual({ data: { onAssetCreated: ready } });
    const read = await client.query({ query: GetAssetDocument, variables: { id: asset?.id ?? '' }, fetchPolicy: 'network-only' });
    expect(read).toEqual({ data: { getAsset: { ...ready, downloadUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/.*response-content-disposition=attachment/) } } });
    subscription.unsubscribe();
  });
});

describe('apollo client 4 + aws-appsync links: Cognito user pools and IAM', () => {
  test("a user-pool caller lists only its own assets and is refused another user's", async ({ apollo, expect }) => {
    const { assets } = apollo;
    const alice = apollo.clientFor({ type: 'AMAZON_COGNITO_USER_POOLS', jwtToken: () => assets.tokenFor('alice') });
    const bob = apollo.clientFor({ type: 'AMAZON_COGNITO_USER_POOLS', jwtToken: () => assets.tokenFor('bob') });
    const created = await alice.mutate({ mutation: CreateUploadDocument, variables: { input: { name: 'scan.pdf', contentType: 'application/pdf', size: 3 } } });
    const id = created.data?.createUpload.asset.id ?? '';
    expect(created.data?.createUpload.asset).toMatchObject({ owner: 'alice', status: 'PENDING' });

    const refused = await bob.query({ query: GetAssetDocument, variables: { id } }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(CombinedGraphQLErrors.is(refused) ? refused.errors : refused).toEqual([
      {
        path: ['getAsset'],
        data: null,
        errorType: 'Unauthorized',
        errorInfo: null,
        locations: [{ line: 2, column: 3, sourceName: null }],
        message: 'Not Authorized to access getAsset on type Query',
      },
    ]);
    expect(await bob.query({ query: ListAssetsDocument, variables: {} })).toEqual({ data: { listAssets: { __typename: 'AssetConnection', items: [], nextToken: null } } });
  });

  test('an AWS_IAM caller (SigV4 by aws-appsync-auth-link) completes an upload; a size other than the ticket’s rejects it', async ({ apollo, expect }) => {
    const { assets } = apollo;
    const owner = apollo.clientFor({ type: 'API_KEY', apiKey: assets.server.apiKey });
    const backend = apollo.clientFor({ type: 'AWS_IAM', credentials: { ...TEST_CREDENTIALS } }, { iamWorkarounds: true });
    const created = await owner.mutate({ mutation: CreateUploadDocument, variables: { input: { name: 'pic.gif', contentType: 'image/gif', size: 7 } } });
    const asset = created.data?.createUpload.asset;

    const completed = await backend.mutate({ mutation: CompleteUploadDocument, variables: { input: { key: `assets/apikey/${asset?.id ?? ''}/pic.gif`, size: 8, contentType: 'image/gif' } } });

    expect(completed).toEqual({ data: { completeUpload: { ...asset, status: 'REJECTED', updatedAt: expect.stringMatching(ISO_MILLIS) } } });
  });
});
