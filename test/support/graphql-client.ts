/**
 * GraphQL over HTTP(S) as AppSync clients send it, for black-box tests: a typed document or a raw
 * body, with one of the API's auth modes (API key, user-pool token, SigV4 with IAM credentials) or
 * none, and the whole answer back (status, `x-amzn-ErrorType`, parsed body). Nothing here knows the
 * server: only a URL, a CA and credentials.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { SignatureV4 } from '@smithy/signature-v4';
import { print } from 'graphql';
import { sendHttpRequest } from './http-request.ts';

export interface IamCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

export type GraphQLAuth =
  | { readonly apiKey: string }
  | { readonly token: string }
  | { readonly iam: { readonly credentials: IamCredentials; readonly region: string } }
  /** Headers exactly as given (a wrong key, no auth at all). */
  | { readonly headers: Readonly<Record<string, string>> };

/** AppSync's response body: `data` and/or `errors` (HTTP 200), or only `errors` for a refused request. */
export interface GraphQLBody<TData> {
  readonly data?: TData | null;
  readonly errors?: readonly Record<string, unknown>[];
}

export interface GraphQLAnswer {
  readonly status: number;
  /** The `x-amzn-ErrorType` header, or null. */
  readonly errorType: string | null;
  readonly body: unknown;
}

export interface GraphQLEndpoint {
  readonly url: string;
  /** PEM of a CA to trust for https (null: the system's trust only). */
  readonly ca: string | null;
}

/** SigV4 headers for an AppSync POST of `body` (service `appsync`), without `host` (the client sets it). */
export async function signAppSyncRequest(url: URL, body: string, credentials: IamCredentials, region: string): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service: 'appsync', sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

async function authHeaders(url: URL, body: string, auth: GraphQLAuth): Promise<Record<string, string>> {
  if ('apiKey' in auth) return { 'x-api-key': auth.apiKey };
  if ('token' in auth) return { authorization: auth.token };
  if ('iam' in auth) return signAppSyncRequest(url, body, auth.iam.credentials, auth.iam.region);
  return { ...auth.headers };
}

/** POSTs `body` (a string as is, anything else as JSON) and returns the whole answer. */
export async function postGraphQL(endpoint: GraphQLEndpoint, body: unknown, auth: GraphQLAuth): Promise<GraphQLAnswer> {
  const url = new URL(endpoint.url);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = { 'content-type': 'application/json', ...(await authHeaders(url, text, auth)) };
  const response = await sendHttpRequest(endpoint.url, { method: 'POST', headers, body: text, ca: endpoint.ca });
  const raw = response.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { status: response.status, errorType: response.headers['x-amzn-errortype'] ?? null, body: parsed };
}

export type GraphQLCall = <TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
) => Promise<GraphQLBody<TData>>;

/** A caller bound to one endpoint and identity; an answer other than HTTP 200 throws with its body. */
export function createGraphQLCall(endpoint: GraphQLEndpoint, auth: GraphQLAuth): GraphQLCall {
  return async function callGraphQL(document, variables) {
    const answer = await postGraphQL(endpoint, { query: print(document), variables }, auth);
    if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) {
      throw new Error(`POST ${endpoint.url}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
    }
    // The body is AppSync's GraphQL result for this document; its data matches the document's type.
    return answer.body as GraphQLBody<never>;
  };
}
