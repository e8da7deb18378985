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

/** Returns a copy of the response with the CORS headers added. */
export function withCors(response: Response): Response {
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(corsHeaders())) if (!headers.has(name)) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
