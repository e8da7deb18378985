/**
 * The one HTTP entry: CORS preflight, `/graphql`, health, the local issuer's well-known documents,
 * the explorer, then 404. Every response carries the CORS headers.
 */
import { corsHeaders, preflightResponse, withCors } from './cors.ts';
import { AppSyncHttpError, formatHttpError, HTTP_ERROR_TYPE } from './http-error.ts';
import type { WebHandler } from './node-adapter.ts';

/** A handler that answers some paths and returns null for the rest. */
export type OptionalHandler = (request: Request) => Promise<Response | null> | Response | null;

export interface HttpRouterDeps {
  readonly graphql: WebHandler;
  /** Tried in order for paths other than `/graphql` and `/health` (issuer, explorer). */
  readonly others: readonly OptionalHandler[];
}

export const GRAPHQL_PATH = '/graphql';
export const HEALTH_PATH = '/health';

export function createHttpRouter(deps: HttpRouterDeps): WebHandler {
  return async function routeHttp(request, connection) {
    if (request.method === 'OPTIONS') return preflightResponse(request);
    const { pathname } = new URL(request.url);
    if (pathname === GRAPHQL_PATH) return withCors(await deps.graphql(request, connection));
    if (pathname === HEALTH_PATH) return Response.json({ status: 'ok' }, { headers: corsHeaders() });
    for (const handle of deps.others) {
      const response = await handle(request);
      if (response !== null) return withCors(response);
    }
    return formatHttpError(new AppSyncHttpError(404, HTTP_ERROR_TYPE.NOT_FOUND, `No route for ${request.method} ${pathname}.`), corsHeaders());
  };
}
