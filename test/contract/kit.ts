/**
 * What the contract suite's sections share: callers for each identity of a target, the upload and
 * download requests a client makes with a ticket or a download URL, S3's XML error reader, and
 * helpers that keep tests independent of whatever else the target already holds (unique names,
 * whole-list reads that follow `nextToken`).
 */
import { randomUUID } from 'node:crypto';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { CreateUploadDocument, type AssetFieldsFragment, type CreateUploadInput, type CreateUploadMutation } from '../../generated/operations.ts';
import { createGraphQLCall, postGraphQL, summarizeAnswer, type AnswerSummary, type GraphQLAuth, type GraphQLBody, type GraphQLCall } from '../support/graphql-client.ts';
import { sendHttpRequest, type HttpResponse } from '../support/http-request.ts';
import { connectRealtime, type RealtimeConnection } from '../support/realtime-client.ts';
import type { ContractTarget, ContractUser } from './target.ts';

export type Asset = AssetFieldsFragment;
export type Ticket = NonNullable<CreateUploadMutation['createUpload']['upload']>;

/** `2026-11-24T23:34:51.564Z`: AWSDateTime as the API writes it. */
export const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** A name no other test (or earlier run against the same target) used: `<prefix>-<8 hex>.<ext>`. */
export function uniqueName(prefix: string, extension: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}.${extension}`;
}

/** The caller identities a test uses, bound to one target. */
export interface Callers {
  readonly target: ContractTarget;
  readonly alice: ContractUser;
  readonly bob: ContractUser;
  readonly asAlice: GraphQLCall;
  readonly asBob: GraphQLCall;
  readonly asApiKey: GraphQLCall;
  /** The backend's IAM identity, or null when the target has no credentials for it. */
  readonly asBackend: GraphQLCall | null;
  /** Raw POST with any auth, for error shapes. */
  post(body: unknown, auth: GraphQLAuth): Promise<AnswerSummary>;
  /** A realtime connection as `user` (or with the API key). */
  subscriber(who: ContractUser | 'apiKey'): Promise<RealtimeConnection>;
}

export async function createCallers(target: ContractTarget): Promise<Callers> {
  const endpoint = { url: target.graphqlUrl, ca: target.caCertPem };
  const [alice, bob] = await Promise.all([target.user('alice'), target.user('bob')]);
  const credentials = target.backendCredentials;
  return {
    target,
    alice,
    bob,
    asAlice: createGraphQLCall(endpoint, { token: alice.token }),
    asBob: createGraphQLCall(endpoint, { token: bob.token }),
    asApiKey: createGraphQLCall(endpoint, { apiKey: target.apiKey }),
    asBackend: credentials === null ? null : createGraphQLCall(endpoint, { iam: { credentials, region: target.region } }),
    post: async (body, auth) => summarizeAnswer(await postGraphQL(endpoint, body, auth)),
    subscriber: (who) =>
      connectRealtime({
        realtimeUrl: target.realtimeUrl,
        graphqlUrl: target.graphqlUrl,
        authorization: who === 'apiKey' ? { 'x-api-key': target.apiKey } : { Authorization: who.token },
        ca: target.caCertPem,
      }),
  };
}

/** `createUpload`, which must succeed: the asset and its ticket. */
export async function createUpload(call: GraphQLCall, input: CreateUploadInput): Promise<{ readonly asset: Asset; readonly ticket: Ticket }> {
  const result = await call(CreateUploadDocument, { input });
  if (result.data === null || result.data === undefined) throw new Error(`createUpload failed: ${JSON.stringify(result)}`);
  const ticket = result.data.createUpload.upload;
  // Files up to the multipart threshold get one PUT ticket.
  if (ticket === null) throw new Error(`createUpload answered a multipart upload: ${JSON.stringify(result.data.createUpload)}`);
  return { asset: result.data.createUpload.asset, ticket };
}

export interface UploadAnswer {
  readonly status: number;
  /** S3's XML `<Error>` fields (`Code`, `Message`, …); null on a 2xx. */
  readonly error: Record<string, string> | null;
}

/** The ticket's headers as a plain object (lower-cased names), with `overrides` applied. */
export function ticketHeaders(ticket: Ticket, overrides: Readonly<Record<string, string>> = {}): Record<string, string> {
  return { ...Object.fromEntries(ticket.headers.map((h) => [h.name.toLowerCase(), h.value])), ...overrides };
}

/**
 * Sends `body` as the ticket describes: its method, URL and exactly its headers, with `overrides`
 * applied. `content-length` always states the bytes sent (a client cannot send another number), so
 * sending more bytes than the ticket's size also changes that signed header.
 */
export async function sendToTicket(ticket: Ticket | null, body: Uint8Array, options: { readonly overrides?: Readonly<Record<string, string>>; readonly url?: string } = {}): Promise<UploadAnswer> {
  // A multipart answer has no single-PUT ticket; the contract files stay below the multipart threshold.
  if (ticket === null) throw new Error('createUpload answered a multipart upload, not a single-PUT ticket');
  const headers = ticketHeaders(ticket, { ...options.overrides, 'content-length': String(body.length) });
  const response = await sendHttpRequest(options.url ?? ticket.url, { method: ticket.method, headers, body });
  return { status: response.status, error: response.status < 300 ? null : readS3Error(response.body.toString('utf8')) };
}

/** A GET of a download URL: status, the headers that matter for a download, and the bytes. */
export async function download(url: string): Promise<{ readonly status: number; readonly disposition: string | null; readonly contentType: string | null; readonly body: Buffer }> {
  const response: HttpResponse = await sendHttpRequest(url, { method: 'GET' });
  return { status: response.status, disposition: response.headers['content-disposition'] ?? null, contentType: response.headers['content-type'] ?? null, body: response.body };
}

/** The child elements of an S3 `<Error>` body, in order, entities decoded. */
export function readS3Error(xml: string): Record<string, string> {
  const inner = /<Error>([\s\S]*)<\/Error>/.exec(xml)?.[1];
  if (inner === undefined) throw new Error(`not an S3 error body: ${xml}`);
  const out: Record<string, string> = {};
  for (const match of inner.matchAll(/<([A-Za-z][\w-]*)>([\s\S]*?)<\/\1>/g)) {
    out[match[1] ?? ''] = (match[2] ?? '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  }
  return out;
}

/** listAssets without `downloadUrl` (a presigned URL differs on every read), so two reads compare equal. */
export const LIST_ASSET_FIELDS = /* GraphQL */ `
  query ListAssetFields($limit: Int, $nextToken: String) {
    listAssets(limit: $limit, nextToken: $nextToken) {
      items { id owner name contentType size checksumSha256 description tags status createdAt updatedAt version title }
      nextToken
    }
  }
`;

interface AssetPage {
  readonly items: readonly Asset[];
  readonly nextToken: string | null;
}

/** Every asset the caller may list, newest first, following `nextToken` to the end. */
export async function listEverything(call: (body: { query: string; variables: Record<string, unknown> }) => Promise<GraphQLBody<{ listAssets: AssetPage }>>): Promise<Asset[]> {
  const items: Asset[] = [];
  let nextToken: string | null = null;
  do {
    const page: GraphQLBody<{ listAssets: AssetPage }> = await call({ query: LIST_ASSET_FIELDS, variables: { limit: 100, nextToken } });
    if (page.data === null || page.data === undefined) throw new Error(`listAssets failed: ${JSON.stringify(page)}`);
    items.push(...page.data.listAssets.items);
    nextToken = page.data.listAssets.nextToken;
  } while (nextToken !== null);
  return items;
}

/** Raw-query access for one identity (for documents that are not in `client/operations`). */
export function rawCaller(callers: Callers, auth: GraphQLAuth): (body: { query: string; variables: Record<string, unknown> }) => Promise<GraphQLBody<never>> {
  return async function callRaw(body) {
    const answer = await callers.post(body, auth);
    if (answer.status !== 200) throw new Error(`HTTP ${answer.status}: ${JSON.stringify(answer.body)}`);
    // An HTTP 200 answer is AppSync's GraphQL result; callers state the data type they selected.
    return answer.body as GraphQLBody<never>;
  };
}

/** The typed call's data, which must be there. */
export async function dataOf<TData, TVariables extends Record<string, unknown>>(call: GraphQLCall, document: TypedDocumentNode<TData, TVariables>, variables: TVariables): Promise<TData> {
  const result = await call(document, variables);
  if (result.data === null || result.data === undefined) throw new Error(`no data: ${JSON.stringify(result)}`);
  return result.data;
}
