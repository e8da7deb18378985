/**
 * The bench's GraphQL-over-HTTP calls: the tests' client (`test/support/graphql-client.ts`, the same
 * work per request as a bare `fetch`: one JSON encode, SigV4 for IAM calls, one JSON parse), plus the
 * operations the bench sends to ours and to the peer.
 */
import { postGraphQL as postOverHttp, type GraphQLAuth } from '../../test/support/graphql-client.ts';

export type { GraphQLAuth } from '../../test/support/graphql-client.ts';

export interface GraphQLResponse {
  readonly status: number;
  readonly body: { data?: unknown; errors?: unknown } & Record<string, unknown>;
}

export interface GraphQLRequest {
  readonly query: string;
  readonly variables?: Record<string, unknown>;
}

/** POSTs one operation; throws on a non-JSON answer. */
export async function postGraphQL(endpoint: string, request: GraphQLRequest, auth: GraphQLAuth): Promise<GraphQLResponse> {
  const answer = await postOverHttp(endpoint, request, auth);
  if (typeof answer.body !== 'object' || answer.body === null) throw new Error(`${endpoint}: HTTP ${answer.status}, not JSON: ${answer.text.slice(0, 200)}`);
  return { status: answer.status, body: answer.body as GraphQLResponse['body'] };
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
