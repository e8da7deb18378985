/**
 * A small GraphQL-over-HTTP client for the bench: API-key calls, and IAM calls signed with SigV4 for
 * service `appsync` (as the upload-completion Lambda signs them).
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';

export interface IamCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export type GraphQLAuth = { readonly apiKey: string } | { readonly iam: IamCredentials; readonly region: string };

export interface GraphQLResponse {
  readonly status: number;
  readonly body: { data?: unknown; errors?: unknown } & Record<string, unknown>;
}

export interface GraphQLRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

async function authHeaders(url: URL, body: string, auth: GraphQLAuth): Promise<Record<string, string>> {
  if ('apiKey' in auth) return { 'x-api-key': auth.apiKey };
  const signer = new SignatureV4({ service: 'appsync', region: auth.region, credentials: auth.iam, sha256: Sha256 });
  const signed = await signer.sign({
    method: 'POST',
    protocol: url.protocol,
    hostname: url.hostname,
    ...(url.port === '' ? {} : { port: Number(url.port) }),
    path: url.pathname,
    headers: { host: url.host, 'content-type': 'application/json' },
    body,
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) if (name !== 'host') headers[name] = String(value);
  return headers;
}

/** POSTs one operation; throws on a non-JSON answer. */
export async function postGraphQL(endpoint: string, request: GraphQLRequest, auth: GraphQLAuth): Promise<GraphQLResponse> {
  const url = new URL(endpoint);
  const body = JSON.stringify(request);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(await authHeaders(url, body, auth)) },
    body,
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as GraphQLResponse['body'] };
  } catch {
    throw new Error(`${endpoint}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
}

/** POSTs one operation and returns `data`, throwing with the errors when there are any. */
export async function queryData(endpoint: string, request: GraphQLRequest, auth: GraphQLAuth): Promise<Record<string, unknown>> {
  const { status, body } = await postGraphQL(endpoint, request, auth);
  if (status !== 200 || body.errors !== undefined || typeof body.data !== 'object' || body.data === null) {
    throw new Error(`${endpoint}: HTTP ${status} ${JSON.stringify(body).slice(0, 500)}`);
  }
  return body.data as Record<string, unknown>;
}

/** The operations the bench sends, the same text to ours and to the peer. */
export const OPERATIONS = {
  getAsset: `query GetAsset($id: ID!) { getAsset(id: $id) { id owner name contentType size status createdAt updatedAt } }`,
  listAssets: `query ListAssets($limit: Int) { listAssets(limit: $limit) { items { id owner name contentType size status createdAt updatedAt } nextToken } }`,
  createUpload: `mutation CreateUpload($input: CreateUploadInput!) { createUpload(input: $input) { asset { id owner name contentType size status createdAt } upload { url method headers { name value } expiresAt } } }`,
  completeUpload: `mutation CompleteUpload($input: CompleteUploadInput!) { completeUpload(input: $input) { id owner name contentType size status createdAt updatedAt } }`,
  onAssetCreated: `subscription OnAssetCreated { onAssetCreated { id owner name contentType size status createdAt updatedAt } }`,
} as const;

/** The createUpload input used by the load and fan-out figures. */
export const CREATE_UPLOAD_INPUT = { name: 'photo.png', contentType: 'image/png', size: 2048 } as const;
