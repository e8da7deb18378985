import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from '../../../api/definition.ts';
import { createAuthenticator } from '../../../local/auth/authenticate.ts';
import { createJwtVerifier } from '../../../local/auth/jwt.ts';
import { createLocalIssuer } from '../../../local/auth/local-issuer.ts';
import { DEV_API_KEY } from '../../../local/config.ts';
import type { GraphQLRequest, GraphQLService, RequestAuth } from '../../../local/graphql/contract.ts';
import { createCorsPolicy } from '../../../local/http/cors.ts';
import { createGraphQLHttpHandler } from '../../../local/http/graphql-handler.ts';
import { createHttpRouter } from '../../../local/http/router.ts';
import { TEST_CREDENTIALS } from '../../support/credentials.ts';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool';
const dir = mkdtempSync(join(tmpdir(), 'asset-api-http-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const issuer = createLocalIssuer({ stateDir: dir, issuer: ISSUER, clientId: 'localappclient' });
const authenticator = createAuthenticator({
  authModes: api.auth,
  apiKey: DEV_API_KEY,
  userPool: createJwtVerifier({ issuer: ISSUER, publicKey: issuer.publicKey }),
  iamCredentials: [TEST_CREDENTIALS],
  accountId: '123456789012',
});

/** The executor's contract, answering with what the transport handed it. */
function echoService(): GraphQLService & { calls: { request: GraphQLRequest; auth: RequestAuth }[] } {
  const calls: { request: GraphQLRequest; auth: RequestAuth }[] = [];
  return {
    calls,
    execute: async (request, auth) => {
      calls.push({ request, auth });
      return { data: { echo: request.query } };
    },
    prepareSubscription: async () => ({ ok: false, errors: [{ message: 'not used' }] }),
  };
}

const connection = { remoteAddress: '127.0.0.1' };
function setup(options: { maxBodyBytes?: number } = {}) {
  const service = echoService();
  const graphql = createGraphQLHttpHandler({ service, authenticator }, options);
  const cors = createCorsPolicy({ isOwnOrigin: (origin) => origin.host === '127.0.0.1:4000' });
  const page = (request: Request): Response | null => (new URL(request.url).pathname === '/' ? new Response('<!doctype html>', { headers: { 'content-type': 'text/html; charset=utf-8' } }) : null);
  const router = createHttpRouter({ graphql, cors, others: [(request) => issuer.handle(request)], pages: [page] });
  return { service, handle: (request: Request) => router(request, connection) };
}

function post(body: BodyInit | null, headers: Record<string, string> = { 'x-api-key': DEV_API_KEY }): Request {
  return new Request('http://127.0.0.1:4000/graphql', { method: 'POST', headers, body });
}

async function wire(response: Response): Promise<{ status: number; errorType: string | null; body: unknown }> {
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: await response.json() };
}

describe('http: POST /graphql', () => {
  it('passes query, variables and operationName with the caller to the executor and returns its body', async () => {
    const { service, handle } = setup();
    const response = await handle(post(JSON.stringify({ query: 'query Q { a }', variables: { x: 1 }, operationName: 'Q' }), { 'x-api-key': DEV_API_KEY, 'content-type': 'application/json; charset=UTF-8' }));
    expect(await wire(response)).toEqual({ status: 200, errorType: null, body: { data: { echo: 'query Q { a }' } } });
    expect(response.headers.get('content-type')).toBe('application/json;charset=UTF-8');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    // No Origin header: not a browser's cross-origin call, so no CORS headers.
    expect(response.headers.get('access-control-allow-origin')).toBe(null);
    expect(service.calls).toEqual([
      {
        request: { query: 'query Q { a }', variables: { x: 1 }, operationName: 'Q' },
        auth: { authType: 'API_KEY', identity: null, headers: { 'x-api-key': DEV_API_KEY, 'content-type': 'application/json; charset=UTF-8' } },
      },
    ]);
  });

  it('treats variables: null as no variables and accepts any content type (Amplify v6 shape)', async () => {
    const { service, handle } = setup();
    const response = await handle(post(JSON.stringify({ query: '{ a }', variables: null }), { 'x-api-key': DEV_API_KEY, 'content-type': 'text/plain' }));
    expect(response.status).toBe(200);
    expect(service.calls[0]?.request).toEqual({ query: '{ a }', variables: null });
  });

  it('answers an empty body with 400 "Request body is empty."', async () => {
    expect(await wire(await setup().handle(post(null)))).toEqual({
      status: 400,
      errorType: 'MalformedHttpRequestException',
      body: { errors: [{ errorType: 'MalformedHttpRequestException', message: 'Request body is empty.' }] },
    });
  });

  it.each(['meow', '{}', '[]', '{}}', '{"query":42}', '{"query":"{ a }","variables":"x"}'])('answers the body %s with 400 "Unable to parse GraphQL query."', async (body) => {
    expect(await wire(await setup().handle(post(body)))).toEqual({
      status: 400,
      errorType: 'MalformedHttpRequestException',
      body: { errors: [{ errorType: 'MalformedHttpRequestException', message: 'Unable to parse GraphQL query.' }] },
    });
  });

  it('answers a body over the limit with 413 without running anything', async () => {
    const { service, handle } = setup({ maxBodyBytes: 64 });
    expect(await wire(await handle(post(JSON.stringify({ query: `{ ${'a '.repeat(100)}}` }))))).toEqual({
      status: 413,
      errorType: 'PayloadTooLargeException',
      body: { errors: [{ errorType: 'PayloadTooLargeException', message: 'Request body is larger than 64 bytes.' }] },
    });
    expect(service.calls).toEqual([]);
  });

  it('answers a request without credentials with 401 "Missing authorization header" and x-amzn-ErrorType', async () => {
    expect(await wire(await setup().handle(post('{"query":"{ a }"}', {})))).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'Missing authorization header' }] },
    });
  });

  it('answers a wrong API key with 401 "You are not authorized to make this call."', async () => {
    expect(await wire(await setup().handle(post('{"query":"{ a }"}', { 'x-api-key': 'da2-nope' })))).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] },
    });
  });

  it('accepts a user-pool token with or without Bearer', async () => {
    const { service, handle } = setup();
    const token = await issuer.mintToken({ sub: 'alice' });
    expect((await handle(post('{"query":"{ a }"}', { authorization: token }))).status).toBe(200);
    expect((await handle(post('{"query":"{ a }"}', { authorization: `Bearer ${token}` }))).status).toBe(200);
    expect(service.calls.map((c) => [c.auth.authType, (c.auth.identity as { sub: string }).sub])).toEqual([
      ['AMAZON_COGNITO_USER_POOLS', 'alice'],
      ['AMAZON_COGNITO_USER_POOLS', 'alice'],
    ]);
  });
});

describe('http: GET /graphql and other routes', () => {
  it('runs GET /graphql?query=…&variables=… (docs/APPSYNC-BEHAVIOUR.md#http-endpoint-and-methods)', async () => {
    const { service, handle } = setup();
    const url = `http://127.0.0.1:4000/graphql?query=${encodeURIComponent('{ a }')}&variables=${encodeURIComponent('{"x":1}')}`;
    expect(await wire(await handle(new Request(url, { headers: { 'x-api-key': DEV_API_KEY } })))).toEqual({ status: 200, errorType: null, body: { data: { echo: '{ a }' } } });
    expect(service.calls[0]?.request).toEqual({ query: '{ a }', variables: { x: 1 } });
  });

  it('answers a CORS preflight echoing the requested headers', async () => {
    const response = await setup().handle(
      new Request('http://127.0.0.1:4000/graphql', { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-api-key, x-amz-user-agent' } }),
    );
    expect({ status: response.status, headers: Object.fromEntries(response.headers) }).toEqual({
      status: 204,
      headers: {
        'access-control-allow-origin': 'http://localhost:5173',
        vary: 'Origin',
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, x-api-key, x-amz-user-agent',
        'access-control-expose-headers': 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
        'access-control-max-age': '86400',
      },
    });
  });

  it('refuses the preflight of another site with 403 and no CORS headers', async () => {
    const response = await setup().handle(
      new Request('http://127.0.0.1:4000/graphql', { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-api-key' } }),
    );
    expect({ status: response.status, headers: Object.fromEntries(response.headers), body: await response.json() }).toEqual({
      status: 403,
      headers: { vary: 'Origin', 'content-type': 'application/json;charset=UTF-8', 'x-amzn-errortype': 'AccessDeniedException' },
      body: { errors: [{ errorType: 'AccessDeniedException', message: 'CORS: this origin is not allowed to call the local API (see --cors-origin).' }] },
    });
  });

  it('answers a POST from another site without Access-Control-Allow-Origin, so its page cannot read the answer', async () => {
    const response = await setup().handle(post(JSON.stringify({ query: '{ a }' }), { 'x-api-key': DEV_API_KEY, origin: 'https://evil.example' }));
    expect({ status: response.status, allowOrigin: response.headers.get('access-control-allow-origin'), vary: response.headers.get('vary') }).toEqual({ status: 200, allowOrigin: null, vary: 'Origin' });
  });

  it('allows its own origin and local dev servers, by name or address, on any port', async () => {
    const { handle } = setup();
    const allowOrigin = async (origin: string): Promise<string | null> => (await handle(post(JSON.stringify({ query: '{ a }' }), { 'x-api-key': DEV_API_KEY, origin }))).headers.get('access-control-allow-origin');
    const origins = ['http://127.0.0.1:4000', 'https://127.0.0.1:4000', 'http://localhost:5173', 'http://127.0.0.1:8080', 'https://localhost:5173', 'http://localhost.evil.example:5173', 'null'];
    expect(await Promise.all(origins.map(allowOrigin))).toEqual(['http://127.0.0.1:4000', 'https://127.0.0.1:4000', 'http://localhost:5173', 'http://127.0.0.1:8080', null, null, null]);
  });

  it('gives pages no CORS headers, even for an allowed origin', async () => {
    const response = await setup().handle(new Request('http://127.0.0.1:4000/', { headers: { origin: 'http://localhost:5173' } }));
    expect({ status: response.status, headers: Object.fromEntries(response.headers) }).toEqual({ status: 200, headers: { 'content-type': 'text/html; charset=utf-8' } });
  });

  it('answers PUT /graphql with 405 naming the allowed methods', async () => {
    const response = await setup().handle(new Request('http://127.0.0.1:4000/graphql', { method: 'PUT', headers: { 'x-api-key': DEV_API_KEY }, body: '{}' }));
    expect({ ...(await wire(response)), allow: response.headers.get('allow') }).toEqual({
      status: 405,
      errorType: 'BadRequestException',
      body: { errors: [{ errorType: 'BadRequestException', message: 'Method PUT is not allowed on /graphql; use POST.' }] },
      allow: 'GET, POST, OPTIONS',
    });
  });

  it('answers /health, serves the JWKS, and 404s unknown paths', async () => {
    const { handle } = setup();
    expect(await (await handle(new Request('http://127.0.0.1:4000/health'))).json()).toEqual({ status: 'ok' });
    expect(await (await handle(new Request('http://127.0.0.1:4000/.well-known/jwks.json'))).json()).toEqual(issuer.jwks());
    expect(await wire(await handle(new Request('http://127.0.0.1:4000/nope')))).toEqual({
      status: 404,
      errorType: 'NotFoundException',
      body: { errors: [{ errorType: 'NotFoundException', message: 'No route for GET /nope.' }] },
    });
  });
});
