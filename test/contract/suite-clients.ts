/**
 * Contract: real AppSync clients drive the upload-and-announce path, unchanged: AWS Amplify JS v6
 * (`generateClient`) and Apollo Client 4 with `aws-appsync-auth-link` + `aws-appsync-subscription-link`.
 *
 * What Node 20 needs, all on the client side: a `WebSocket` global (the `ws` client), and, because
 * both clients use Node's own `fetch` and TLS, trust in the target's CA through `NODE_EXTRA_CA_CERTS`
 * (read once at process start; Amplify v6 always dials `wss://`, even for an `http://` endpoint).
 */
import { readFileSync } from 'node:fs';
import { ApolloClient, ApolloLink, InMemoryCache } from '@apollo/client';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { decodeJWT } from 'aws-amplify/auth';
import { createAuthLink } from 'aws-appsync-auth-link';
import { createSubscriptionHandshakeLink } from 'aws-appsync-subscription-link';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateUploadDocument, OnAssetCreatedDocument } from '../../generated/operations.ts';
import { createEventQueue, installWebSocketTap, type WebSocketTap } from '../support/websocket-global.ts';
import { createCallers, ISO_MILLIS, sendToTicket, uniqueName, type Callers } from './kit.ts';
import type { ContractTarget } from './target.ts';
import { amplifyMutation, amplifySubscription } from '../support/amplify-documents.ts';

const BYTES = Buffer.from('hello from a real client');

/** Fails with what to do when Node's own TLS (used by fetch and the clients) does not trust the target's CA. */
function assertProcessTrusts(target: ContractTarget): void {
  if (target.caCertPem === null) return;
  const extra = process.env['NODE_EXTRA_CA_CERTS'];
  const trusted = extra === undefined ? '' : readFileSync(extra, 'utf8');
  if (!trusted.replace(/\s+/g, '').includes(target.caCertPem.replace(/\s+/g, ''))) {
    throw new Error(`${target.label}: Amplify and Apollo use Node's TLS trust; start the test process with NODE_EXTRA_CA_CERTS naming a file with the target's CA (now: ${extra ?? 'unset'})`);
  }
}


export function describeClients(getTarget: () => ContractTarget): void {
  describe('clients: Amplify JS v6 and Apollo with the AppSync links', () => {
    let callers: Callers;
    let tap: WebSocketTap;
    beforeAll(async () => {
      callers = await createCallers(getTarget());
      assertProcessTrusts(callers.target);
      tap = installWebSocketTap();
    });
    afterAll(() => tap?.restore());

    it("amplify (userPool): alice's createUpload, then the PUT, reaches her onAssetCreated subscription READY", async () => {
      const { target, alice } = callers;
      Amplify.configure(
        { API: { GraphQL: { endpoint: target.graphqlUrl, region: target.region, defaultAuthMode: 'userPool' } } },
        // What Amplify Auth hands out after sign-in; the API takes the pool's ID or access token.
        { Auth: { tokenProvider: { getTokens: async () => ({ accessToken: decodeJWT(alice.token) }) } } },
      );
      const client = generateClient();
      const events = createEventQueue<unknown>();
      const subscription = client.graphql({ query: amplifySubscription(OnAssetCreatedDocument) }).subscribe({ next: (event) => events.push(event), error: (error: unknown) => events.fail(error) });
      try {
        await tap.nextFrame((f) => f['type'] === 'start_ack');
        const name = uniqueName('amplify', 'webm');
        const created = await client.graphql({ query: amplifyMutation(CreateUploadDocument), variables: { input: { name, contentType: 'video/webm', size: BYTES.length } } });
        const { asset, upload } = created.data.createUpload;
        expect(asset).toEqual({
          id: expect.any(String),
          owner: alice.sub,
          name,
          contentType: 'video/webm',
          size: BYTES.length,
          checksumSha256: null,
          description: null,
          tags: null,
          title: null,
          version: 1,
          status: 'PENDING',
          createdAt: expect.stringMatching(ISO_MILLIS),
          updatedAt: asset.createdAt,
        });
        expect(await sendToTicket(upload, BYTES)).toEqual({ status: 200, error: null });

        expect(await events.next()).toEqual({ data: { onAssetCreated: { ...asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS) } } });
      } finally {
        subscription.unsubscribe();
      }
    });

    it.for([
      { mode: 'API_KEY', owner: 'the API-key owner' },
      { mode: 'AMAZON_COGNITO_USER_POOLS', owner: 'bob' },
    ] as const)("apollo ($mode): createUpload, then the PUT, reaches the caller's onAssetCreated subscription READY", async ({ mode }) => {
      const { target, bob } = callers;
      const auth = mode === 'API_KEY' ? ({ type: mode, apiKey: target.apiKey } as const) : ({ type: mode, jwtToken: bob.token } as const);
      const url = target.graphqlUrl;
      // Double casts: the links' d.ts name ApolloLink through `@apollo/client/core`, which TypeScript
      // resolves to Apollo's CommonJS declarations, a distinct class type from the ESM one we import.
      const link = ApolloLink.from([createAuthLink({ url, region: target.region, auth }) as unknown as ApolloLink, createSubscriptionHandshakeLink({ url, region: target.region, auth }) as unknown as ApolloLink]);
      const client = new ApolloClient({ link, cache: new InMemoryCache() });
      const events = createEventQueue<unknown>();
      const subscription = client.subscribe({ query: OnAssetCreatedDocument }).subscribe({ next: (event) => events.push(event), error: (error: unknown) => events.fail(error) });
      try {
        await tap.nextFrame((f) => f['type'] === 'start_ack');
        const name = uniqueName('apollo', 'mp3');
        const created = await client.mutate({ mutation: CreateUploadDocument, variables: { input: { name, contentType: 'audio/mpeg', size: BYTES.length } } });
        const payload = created.data?.createUpload;
        if (payload === undefined) throw new Error(`createUpload failed: ${JSON.stringify(created)}`);
        // Apollo adds __typename to every selection; the API answers it like any field.
        expect(payload.asset).toEqual({
          __typename: 'Asset',
          id: expect.any(String),
          // The API-key owner is one shared name (`apikey` locally), not a user's sub.
          owner: mode === 'API_KEY' ? expect.any(String) : bob.sub,
          name,
          contentType: 'audio/mpeg',
          size: BYTES.length,
          checksumSha256: null,
          description: null,
          tags: null,
          title: null,
          version: 1,
          status: 'PENDING',
          createdAt: expect.stringMatching(ISO_MILLIS),
          updatedAt: payload.asset.createdAt,
        });
        expect(await sendToTicket(payload.upload, BYTES)).toEqual({ status: 200, error: null });

        const ready = { ...payload.asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS) };
        // The API-key owner is shared: skip events of other API-key callers' uploads.
        for (;;) {
          const event = (await events.next()) as { data?: { onAssetCreated?: { id?: string } } };
          if (event.data?.onAssetCreated?.id !== payload.asset.id) continue;
          expect(event).toEqual({ data: { onAssetCreated: ready } });
          break;
        }
      } finally {
        subscription.unsubscribe();
        client.stop();
      }
    });
  });
}
