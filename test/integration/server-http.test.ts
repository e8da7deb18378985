import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe } from 'vitest';

import { serverTest as test } from '../support/test-server.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; errorType: string | null; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json; charset=UTF-8', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return { status: response.status, errorType: response.headers.get('x-amzn-errortype'), body: await response.json() };
}

describe('http: /graphql over the network', () => {
  test('runs a query with the API key', async ({ local, expect }) => {
    expect(await post(local.server.url, { query: '{ __typename }', variables: null }, { 'x-api-key': local.server.apiKey })).toEqual({ status: 200, errorType: null, body: { data: { __typename: 'Query' } } });
  });

  test('answers a wrong API key with 401 and x-amzn-ErrorType', async ({ local, expect }) => {
    expect(await post(local.server.url, { query: '{ __typename }' }, { 'x-api-key': 'da2-wrongwrongwrongwrongwrong00' })).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' }] },
    });
  });

  test('answers an unparsable body with 400 MalformedHttpRequestException', async ({ local, expect }) => {
    expect(await post(local.server.url, '{}}', { 'x-api-key': local.server.apiKey })).toEqual({
      status: 400,
      errorType: 'MalformedHttpRequestException',
      body: { errors: [{ errorType: 'MalformedHttpRequestException', message: 'Unable to parse GraphQL query.' }] },
    });
  });

  test('accepts a token minted by the local issuer, raw as Amplify sends it', async ({ local, expect }) => {
    const token = await local.issuer.mintToken({ sub: 'alice', groups: ['admin'], tokenUse: 'access' });
    expect(await post(local.server.url, { query: '{ listAssets { items { id } nextToken } }' }, { authorization: token })).toEqual({
      status: 200,
      errorType: null,
      body: { data: { listAssets: { items: [], nextToken: null } } },
    });
  });

  test('rejects an expired token with 401', async ({ local, expect }) => {
    const token = await local.issuer.mintToken({ sub: 'alice', issuedAt: Math.floor(Date.now() / 1000) - 7200 });
    expect(await post(local.server.url, { query: '{ __typename }' }, { authorization: token })).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      body: { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] },
    });
  });

  test('verifies a SigV4-signed IAM request over the exact body', async ({ local, expect }) => {
    const url = new URL(local.server.url);
    const body = JSON.stringify({ query: '{ __typename }' });
    const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: local.config.region, service: 'appsync', sha256: Sha256 });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: url.hostname, port: Number(url.port), path: url.pathname, headers: { host: url.host, 'content-type': 'application/json' }, body });
    expect(await post(local.server.url, body, signed.headers)).toEqual({ status: 200, errorType: null, body: { data: { __typename: 'Query' } } });
    expect(await post(local.server.url, `${body} `, signed.headers)).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
  });

  test('answers the preflight of a local dev server with its origin (not *: the local API key is well known)', async ({ local, expect }) => {
    const response = await fetch(local.server.url, { method: 'OPTIONS', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' } });
    expect({ status: response.status, allowOrigin: response.headers.get('access-control-allow-origin'), allowHeaders: response.headers.get('access-control-allow-headers') }).toEqual({
      status: 204,
      allowOrigin: 'http://localhost:5173',
      allowHeaders: 'content-type,x-api-key',
    });
  });

  test('refuses the preflight of any other site', async ({ local, expect }) => {
    const response = await fetch(local.server.url, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-api-key' } });
    expect({ status: response.status, allowOrigin: response.headers.get('access-control-allow-origin'), errorType: response.headers.get('x-amzn-errortype'), body: await response.json() }).toEqual({
      status: 403,
      allowOrigin: null,
      errorType: 'AccessDeniedException',
      body: { errors: [{ errorType: 'AccessDeniedException', message: 'CORS: this origin is not allowed to call the local API (see --cors-origin).' }] },
    });
  });
});

describe('http: other routes', () => {
  test('serves the issuer JWKS and the explorer page', async ({ local, expect }) => {
    const jwks = await fetch(new URL('/.well-known/jwks.json', local.server.url));
    expect(await jwks.json()).toEqual(local.issuer.jwks());
    const page = await fetch(local.server.explorerUrl);
    expect({ status: page.status, type: page.headers.get('content-type') }).toEqual({ status: 200, type: 'text/html; charset=utf-8' });
  });
});
