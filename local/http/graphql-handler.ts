/**
 * `POST /graphql` (and `GET /graphql?query=…`, docs/APPSYNC-BEHAVIOUR.md#http-endpoint-and-methods): read the body within
 * the limit, authenticate, parse, execute. GraphQL errors come back with HTTP 200 from the executor;
 * transport failures go through the one formatter (`formatHttpError`).
 */
import { randomUUID } from 'node:crypto';
import type { Authenticator } from '../auth/authenticate.ts';
import type { GraphQLService } from '../graphql/contract.ts';
import { AppSyncHttpError, formatHttpError, HTTP_ERROR_TYPE, isAppSyncHttpError } from './http-error.ts';
import type { ConnectionInfo, WebHandler } from './node-adapter.ts';
import { MAX_BODY_BYTES, parseGraphQLBody, parseGraphQLQueryString, readBody } from './request-body.ts';

/** Methods `/graphql` answers (OPTIONS is the router's preflight). */
export const GRAPHQL_METHODS = 'GET, POST, OPTIONS';

export interface GraphQLHttpDeps {
  readonly service: GraphQLService;
  readonly authenticator: Authenticator;
  /** Called once with an unexpected failure (the client gets a generic 500). */
  readonly onError?: (error: unknown) => void;
}

export interface GraphQLHttpOptions {
  /** @default MAX_BODY_BYTES (5 MiB) */
  readonly maxBodyBytes?: number;
}

/** Lower-cased header map, as `ctx.request.headers` and the SigV4 check want it. */
export function headerRecord(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name] = value;
  });
  return out;
}

function jsonResponse(body: unknown, requestId: string): Response {
  return new Response(JSON.stringify(body), {
    status: 200,
    headers: { 'content-type': 'application/json;charset=UTF-8', 'x-amzn-RequestId': requestId },
  });
}

export function createGraphQLHttpHandler(deps: GraphQLHttpDeps, options: GraphQLHttpOptions = {}): WebHandler {
  const maxBodyBytes = options.maxBodyBytes ?? MAX_BODY_BYTES;

  return async function handleGraphQL(request: Request, connection: ConnectionInfo): Promise<Response> {
    const requestId = randomUUID();
    try {
      if (request.method !== 'POST' && request.method !== 'GET') {
        throw new AppSyncHttpError(405, HTTP_ERROR_TYPE.BAD_REQUEST, `Method ${request.method} is not allowed on /graphql; use POST.`);
      }
      const url = new URL(request.url);
      const isPost = request.method === 'POST';
      const body = isPost ? await readBody(request, maxBodyBytes) : new Uint8Array(0);
      // AppSync reports an empty body before anything else (docs/APPSYNC-BEHAVIOUR.md#http-responses-and-status-codes).
      if (isPost && body.byteLength === 0) parseGraphQLBody(body);
      const auth = await deps.authenticator.authenticate({
        headers: headerRecord(request.headers),
        method: request.method,
        path: url.pathname,
        query: url.search.slice(1),
        body,
        sourceIp: connection.remoteAddress,
      });
      const graphqlRequest = isPost ? parseGraphQLBody(body) : parseGraphQLQueryString(url.searchParams);
      // The request's own origin (its URL is built from the checked Host): Lambda data sources presign URLs for it.
      return jsonResponse(await deps.service.execute(graphqlRequest, auth, { origin: url.origin }), requestId);
    } catch (error) {
      // A body refused before it was read (413) leaves the rest of it on the socket: close the connection.
      // A 405 names the methods that are allowed (RFC 9110 §15.5.6).
      if (isAppSyncHttpError(error)) {
        return formatHttpError(error, { 'x-amzn-RequestId': requestId, ...(error.status === 413 ? { connection: 'close' } : {}), ...(error.status === 405 ? { allow: GRAPHQL_METHODS } : {}) });
      }
      deps.onError?.(error);
      return formatHttpError(new AppSyncHttpError(500, HTTP_ERROR_TYPE.INTERNAL, 'An internal failure occurred.'), { 'x-amzn-RequestId': requestId });
    }
  };
}
