/**
 * Reads and parses the GraphQL request body with AppSync's rules
 * (docs/APPSYNC-BEHAVIOUR.md#http-request-body, docs/APPSYNC-BEHAVIOUR.md#http-responses-and-status-codes):
 * any content type, `variables: null` allowed, empty body and unparsable bodies rejected with the
 * observed messages. Failures are `AppSyncHttpError`s.
 */
import { isRecord } from '../../api/guards.ts';
import type { GraphQLRequest } from '../graphql/contract.ts';
import { AppSyncHttpError, HTTP_ERROR_MESSAGE, HTTP_ERROR_TYPE } from './http-error.ts';

/** Largest body accepted. AppSync's own limit is not documented; 5 MiB is this emulator's choice. @default 5242880 */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

function malformed(message: string): AppSyncHttpError {
  return new AppSyncHttpError(400, HTTP_ERROR_TYPE.MALFORMED, message);
}

function tooLarge(limit: number): AppSyncHttpError {
  return new AppSyncHttpError(413, HTTP_ERROR_TYPE.PAYLOAD_TOO_LARGE, `Request body is larger than ${limit} bytes.`);
}

/** Reads the whole body, stopping (and failing) as soon as it passes `limit` bytes. */
export async function readBody(request: Request, limit: number = MAX_BODY_BYTES): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > limit) throw tooLarge(limit);
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Checks the decoded JSON and returns the typed request, or throws "Unable to parse GraphQL query.". */
export function toGraphQLRequest(value: unknown): GraphQLRequest {
  if (!isRecord(value)) throw malformed(HTTP_ERROR_MESSAGE.UNPARSABLE);
  const { query, variables, operationName } = value;
  if (typeof query !== 'string' || query.trim() === '') throw malformed(HTTP_ERROR_MESSAGE.UNPARSABLE);
  if (variables !== undefined && variables !== null && !isRecord(variables)) throw malformed(HTTP_ERROR_MESSAGE.UNPARSABLE);
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') throw malformed(HTTP_ERROR_MESSAGE.UNPARSABLE);
  return {
    query,
    variables: variables ?? null,
    ...(typeof operationName === 'string' ? { operationName } : {}),
  };
}

/** Parses a POST body. */
export function parseGraphQLBody(body: Uint8Array): GraphQLRequest {
  if (body.byteLength === 0) throw malformed(HTTP_ERROR_MESSAGE.EMPTY_BODY);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw malformed(HTTP_ERROR_MESSAGE.UNPARSABLE);
  }
  return toGraphQLRequest(value);
}

/** Parses `GET /graphql?query=…&variables=<JSON>&operationName=…` (docs/APPSYNC-BEHAVIOUR.md#http-endpoint-and-methods). */
export function parseGraphQLQueryString(params: URLSearchParams): GraphQLRequest {
  const rawVariables = params.get('variables');
  let variables: unknown = null;
  if (rawVariables !== null && rawVariables !== '') {
    try {
      variables = JSON.parse(rawVariables);
    } catch {
      throw malformed(HTTP_ERROR_MESSAGE.UNPARSABLE);
    }
  }
  return toGraphQLRequest({ query: params.get('query') ?? undefined, variables, operationName: params.get('operationName') ?? undefined });
}
