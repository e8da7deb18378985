/**
 * The one HTTP entry: CORS preflight, `/graphql`, health, the local issuer's well-known documents,
 * the pages (explorer, demo), then 404. API answers carry the CORS headers of `cors.ts`; pages and
 * their assets carry none (they embed the API key, so no other origin may read them) and get the
 * page security headers of `page-headers.ts` from their handler.
 */
import { preflightResponse, withCors, type CorsPolicy } from './cors.ts';
import { AppSyncHttpError, formatHttpError, HTTP_ERROR_TYPE } from './http-error.ts';
import type { WebHandler } from './node-adapter.ts';

/** A handler that answers some paths and returns null for the rest. */
export type OptionalHandler = (request: Request) => Promise<Response | null> | Response | null;

export interface HttpRouterDeps {
  readonly graphql: WebHandler;
  /** Which browser origins may read API answers. */
  readonly cors: CorsPolicy;
  /** API handlers tried in order for paths other than `/graphql` and `/health` (the issuer); their answers carry CORS headers. */
  readonly others: readonly OptionalHandler[];
  /** Page handlers tried after `others` (explorer, demo); their answers carry no CORS headers. @default [] */
  readonly pages?: readonly OptionalHandler[];
}

export const GRAPHQL_PATH = '/graphql';
export const HEALTH_PATH = '/health';

export function createHttpRouter(deps: HttpRouterDeps): WebHandler {
  const { cors } = deps;
  return async function routeHttp(request, connection) {
    if (request.method === 'OPTIONS') return preflightResponse(cors, request);
    const { pathname } = new URL(request.url);
    if (pathname === GRAPHQL_PATH) return withCors(cors, request, await deps.graphql(request, connection));
    if (pathname === HEALTH_PATH) return withCors(cors, request, Response.json({ status: 'ok' }));
    for (const handle of deps.others) {
      const response = await handle(request);
      if (response !== null) return withCors(cors, request, response);
    }
    for (const handle of deps.pages ?? []) {
      const response = await handle(request);
      if (response !== null) return response;
    }
    return withCors(cors, request, formatHttpError(new AppSyncHttpError(404, HTTP_ERROR_TYPE.NOT_FOUND, `No route for ${request.method} ${pathname}.`)));
  };
}
