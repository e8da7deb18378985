/**
 * CORS for browser clients of the API (`/graphql`, `/health`, the issuer documents): the allowed
 * origins get their own origin back in `Access-Control-Allow-Origin`, the GraphQL methods, the
 * request's own headers echoed on preflight, and the AWS response headers exposed so Amplify can read
 * `x-amzn-ErrorType`. Any other origin gets no `Access-Control-Allow-Origin` (the browser then
 * refuses to hand the answer to the page) and its preflight is refused with a 403.
 *
 * Deliberate difference from AppSync: AppSync answers `Access-Control-Allow-Origin: *` on its GraphQL
 * endpoint (observed on `OPTIONS /graphql`; the AppSync docs do not list its CORS headers), and that is
 * safe there because every request needs a credential the attacker's page does not have. The local
 * API key is a well-known development value (`DEV_API_KEY` in `local/config.ts`, and the explorer
 * page embeds it), so on a developer's machine `*` would let any website use it; the default here is
 * the server's own origins plus local dev servers (`http://localhost:<any port>`), and
 * `--cors-origin '*'` restores AppSync's behaviour.
 */
import { GRAPHQL_METHODS } from './graphql-handler.ts';
import { AppSyncHttpError, formatHttpError, HTTP_ERROR_TYPE } from './http-error.ts';

export const CORS_EXPOSED_HEADERS = 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date';
const DEFAULT_ALLOWED_HEADERS = 'authorization, content-type, x-api-key, x-amz-user-agent, x-amz-date, x-amz-security-token, x-amz-content-sha256';

/** Host names whose `http://` origins, on any port, are local dev servers (Vite, webpack, Next). */
const LOCAL_DEV_HOSTNAMES: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface CorsPolicyOptions {
  /**
   * Origins allowed besides the server's own: exact origins (`https://app.example:8443`), or `'*'`
   * for any origin (AppSync's behaviour). null allows local dev servers: `http://localhost:<any port>`,
   * `http://127.0.0.1:<any port>`, `http://[::1]:<any port>`. @default null
   */
  readonly origins?: readonly string[] | null;
  /** True for the server's own origins (pages it serves, reached by any of its names), always allowed. @default none */
  readonly isOwnOrigin?: (origin: URL) => boolean;
}

export interface CorsPolicy {
  /** The `Access-Control-Allow-Origin` value for a request carrying `origin`; null when there is none or it is not allowed. */
  allowOrigin(origin: string | null): string | null;
}

function parseOrigin(origin: string): URL | null {
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin ? url : null;
  } catch {
    return null;
  }
}

export function createCorsPolicy(options: CorsPolicyOptions = {}): CorsPolicy {
  const configured = options.origins ?? null;
  const anyOrigin = configured?.includes('*') === true;
  const exact = new Set(configured ?? []);
  return {
    allowOrigin: function allowOrigin(origin) {
      if (origin === null) return null;
      if (anyOrigin) return '*';
      const url = parseOrigin(origin);
      if (url === null) return null;
      if (options.isOwnOrigin?.(url) === true) return origin;
      if (configured === null) return url.protocol === 'http:' && LOCAL_DEV_HOSTNAMES.has(url.hostname) ? origin : null;
      return exact.has(origin) ? origin : null;
    },
  };
}

/** The CORS headers of an answer to `request`: none when its origin is not allowed. */
export function corsHeaders(policy: CorsPolicy, request: Request): Record<string, string> {
  const allowed = policy.allowOrigin(request.headers.get('origin'));
  // The answer depends on Origin whenever it is not `*`: caches must keep one per origin.
  if (allowed === null) return { vary: 'Origin' };
  return { 'access-control-allow-origin': allowed, 'access-control-expose-headers': CORS_EXPOSED_HEADERS, ...(allowed === '*' ? {} : { vary: 'Origin' }) };
}

/**
 * Answers an `OPTIONS` request: a preflight from an allowed origin gets the allow headers, one from
 * any other origin a 403 without them (the browser then never sends the real request). An `OPTIONS`
 * without `Origin` is not a preflight and gets the methods in `Allow`.
 */
export function preflightResponse(policy: CorsPolicy, request: Request): Response {
  const origin = request.headers.get('origin');
  if (origin === null) return new Response(null, { status: 204, headers: { allow: GRAPHQL_METHODS } });
  const allowed = policy.allowOrigin(origin);
  if (allowed === null) {
    return formatHttpError(new AppSyncHttpError(403, HTTP_ERROR_TYPE.ACCESS_DENIED, 'CORS: this origin is not allowed to call the local API (see --cors-origin).'), { vary: 'Origin' });
  }
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(policy, request),
      'access-control-allow-methods': GRAPHQL_METHODS,
      'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? DEFAULT_ALLOWED_HEADERS,
      'access-control-max-age': '86400',
    },
  });
}

/**
 * Returns the response with `headers` added: in place when its headers are mutable (every
 * `new Response`), else (`Response.error()`, `Response.redirect()`, a fetched response) on a copy.
 * In place saves a second `Response` and body stream per request.
 */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  const missing = Object.entries(headers).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  try {
    for (const [name, value] of missing) response.headers.set(name, value);
    return response;
  } catch {
    // Immutable headers (TypeError): copy.
  }
  const copy = new Headers(response.headers);
  for (const [name, value] of missing) copy.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: copy });
}

/** Returns the response with the CORS headers for `request` added. */
export function withCors(policy: CorsPolicy, request: Request, response: Response): Response {
  return withHeaders(response, corsHeaders(policy, request));
}
