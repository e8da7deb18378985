/**
 * CORS for browser clients (spec/appsync-protocol.md §1.2; AppSync's exact values are not verified):
 * any origin, the GraphQL methods, the request's own headers echoed on preflight, and the AWS
 * response headers exposed so Amplify can read `x-amzn-ErrorType`.
 */
export const CORS_EXPOSED_HEADERS = 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date';
const DEFAULT_ALLOWED_HEADERS = 'authorization, content-type, x-api-key, x-amz-user-agent, x-amz-date, x-amz-security-token, x-amz-content-sha256';

/** Headers every response carries. */
export function corsHeaders(): Record<string, string> {
  return { 'access-control-allow-origin': '*', 'access-control-expose-headers': CORS_EXPOSED_HEADERS };
}

/** Answers an `OPTIONS` preflight. */
export function preflightResponse(request: Request): Response {
  return new Response(null, {
    status: 204,
    headers: {
      ...corsHeaders(),
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-allow-headers': request.headers.get('access-control-request-headers') ?? DEFAULT_ALLOWED_HEADERS,
      'access-control-max-age': '86400',
    },
  });
}

/**
 * Returns the response with the CORS headers added: in place when its headers are mutable (every
 * `new Response`), else (`Response.error()`, `Response.redirect()`, a fetched response) on a copy.
 * In place saves a second `Response` and body stream per request.
 */
export function withCors(response: Response): Response {
  const missing = Object.entries(corsHeaders()).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  try {
    for (const [name, value] of missing) response.headers.set(name, value);
    return response;
  } catch {
    // Immutable headers (TypeError): copy.
  }
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
