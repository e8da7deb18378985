/**
 * GraphQL over HTTP(S) as AppSync clients send it, for every suite: a typed document or a raw body,
 * with one of the API's auth modes (API key, user-pool token, SigV4 with IAM credentials) or headers
 * exactly as given, and the whole answer back (status, headers, parsed body, raw text). Nothing here
 * knows the server: only a URL, a CA and credentials (the black-box contract suite uses it).
 * Auth modes: https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html
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
  /** Headers exactly as given (a wrong key, no auth at all, a signature made elsewhere). */
  | { readonly headers: Readonly<Record<string, string>> };

/** AppSync's response body: `data` and/or `errors` (HTTP 200), or only `errors` for a refused request. */
export interface GraphQLBody<TData> {
  readonly data?: TData | null;
  readonly errors?: readonly Record<string, unknown>[];
}

export interface GraphQLAnswer {
  readonly status: number;
  /** Lower-cased names; repeated headers joined with `, `. */
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed JSON body, or the text when it is not JSON. */
  readonly body: unknown;
  /** The body as received (for checks on the raw text, such as leaked stack frames). */
  readonly text: string;
}

/** What error-shape assertions compare: the status, the `x-amzn-ErrorType` header (or null) and the body. */
export interface AnswerSummary {
  readonly status: number;
  readonly errorType: string | null;
  readonly body: unknown;
}

export function summarizeAnswer(answer: GraphQLAnswer): AnswerSummary {
  return { status: answer.status, errorType: answer.headers['x-amzn-errortype'] ?? null, body: answer.body };
}

/** A GraphQL URL, with the PEM of a CA to trust for https (null or absent: the system's trust only). */
export interface GraphQLEndpoint {
  readonly url: string;
  readonly ca?: string | null;
}

export interface SigningOptions {
  readonly credentials: IamCredentials;
  readonly region: string;
  /** @default 'appsync' */
  readonly service?: string;
  /** @default now */
  readonly signingDate?: Date;
  /** The path signed, when a test signs another one than it posts to. @default the URL's path */
  readonly path?: string;
}

/** SigV4 headers for a POST of `body` to `url`, without `host` (the HTTP client sets it). */
export async function signAppSyncRequest(url: string | URL, body: string, options: SigningOptions): Promise<Record<string, string>> {
  const target = new URL(url);
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: options.service ?? 'appsync', sha256: Sha256 });
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: target.protocol,
      hostname: target.hostname,
      ...(target.port === '' ? {} : { port: Number(target.port) }),
      path: options.path ?? target.pathname,
      headers: { host: target.host, 'content-type': 'application/json' },
      body,
    },
    options.signingDate === undefined ? {} : { signingDate: options.signingDate },
  );
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

async function authHeaders(url: URL, body: string, auth: GraphQLAuth): Promise<Record<string, string>> {
  if ('apiKey' in auth) return { 'x-api-key': auth.apiKey };
  if ('token' in auth) return { authorization: auth.token };
  if ('iam' in auth) return signAppSyncRequest(url, body, auth.iam);
  return { ...auth.headers };
}

function endpointOf(endpoint: string | GraphQLEndpoint): GraphQLEndpoint {
  return typeof endpoint === 'string' ? { url: endpoint } : endpoint;
}

/** POSTs `body` (a string as is, anything else as JSON) and returns the whole answer. */
export async function postGraphQL(endpoint: string | GraphQLEndpoint, body: unknown, auth: GraphQLAuth): Promise<GraphQLAnswer> {
  const { url, ca } = endpointOf(endpoint);
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers = { 'content-type': 'application/json', ...(await authHeaders(new URL(url), text, auth)) };
  const response = await sendHttpRequest(url, { method: 'POST', headers, body: text, ca: ca ?? null });
  const raw = response.body.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = raw;
  }
  return { status: response.status, headers: response.headers, body: parsed, text: raw };
}

export type GraphQLCall = <TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
) => Promise<GraphQLBody<TData>>;

/** A caller bound to one endpoint and identity; an answer other than HTTP 200 throws with its body. */
export function createGraphQLCall(endpoint: string | GraphQLEndpoint, auth: GraphQLAuth): GraphQLCall {
  return async function callGraphQL(document, variables) {
    const answer = await postGraphQL(endpoint, { query: print(document), variables }, auth);
    if (answer.status !== 200 || typeof answer.body !== 'object' || answer.body === null) {
      throw new Error(`POST ${endpointOf(endpoint).url}: HTTP ${answer.status} ${answer.text}`);
    }
    // The body is AppSync's GraphQL result for this document; its data matches the document's type.
    return answer.body as GraphQLBody<never>;
  };
}
