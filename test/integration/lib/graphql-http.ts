/**
 * GraphQL over plain `fetch` for the integration tests: the typed documents of
 * `generated/operations.ts`, sent as AppSync clients send them, with one of the three auth modes the
 * API accepts (API key, a user-pool token, SigV4 with IAM credentials).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { SignatureV4 } from '@smithy/signature-v4';
import { print } from 'graphql';
import type { AwsCredentials } from '../../../local/config.ts';

export type CallerAuth =
  | { readonly apiKey: string }
  | { readonly token: string }
  | { readonly iam: { readonly credentials: AwsCredentials; readonly region: string } };

/** AppSync's response body (always HTTP 200 for GraphQL-level errors, spec/appsync-protocol.md §1.5). */
export interface GraphQLBody<TData> {
  readonly data?: TData | null;
  readonly errors?: readonly Record<string, unknown>[];
}

export type GraphQLCall = <TData, TVariables extends Record<string, unknown>>(
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
) => Promise<GraphQLBody<TData>>;

async function authHeaders(url: URL, body: string, auth: CallerAuth): Promise<Record<string, string>> {
  if ('apiKey' in auth) return { 'x-api-key': auth.apiKey };
  if ('token' in auth) return { authorization: auth.token };
  const signer = new SignatureV4({ credentials: auth.iam.credentials, region: auth.iam.region, service: 'appsync', sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    port: Number(url.port),
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const { host: _host, ...headers } = signed.headers;
  return headers;
}

/** A caller bound to one endpoint and identity. A non-200 answer throws with its body. */
export function createGraphQLCaller(endpoint: string, auth: CallerAuth): GraphQLCall {
  const url = new URL(endpoint);
  return async function callGraphQL(document, variables) {
    const body = JSON.stringify({ query: print(document), variables });
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...(await authHeaders(url, body, auth)) }, body });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`POST ${endpoint}: HTTP ${response.status} ${text}`);
    return JSON.parse(text) as GraphQLBody<never>;
  };
}
