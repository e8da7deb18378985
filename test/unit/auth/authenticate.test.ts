import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api } from '../../../api/definition.ts';
import { createAuthenticator, type AuthRequest } from '../../../local/auth/authenticate.ts';
import { createJwtVerifier } from '../../../local/auth/jwt.ts';
import { createLocalIssuer } from '../../../local/auth/local-issuer.ts';
import { DEV_API_KEY } from '../../../local/config.ts';
import { isAppSyncHttpError } from '../../../local/http/http-error.ts';
import { TEST_CREDENTIALS } from '../../support/credentials.ts';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool';
const dir = mkdtempSync(join(tmpdir(), 'asset-api-auth-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const issuer = createLocalIssuer({ stateDir: dir, issuer: ISSUER, clientId: 'localappclient' });
const deps = {
  authModes: api.auth,
  apiKey: DEV_API_KEY,
  userPool: createJwtVerifier({ issuer: ISSUER, publicKey: issuer.publicKey }),
  iamCredentials: [TEST_CREDENTIALS],
  accountId: '123456789012',
};
const authenticator = createAuthenticator(deps);

function request(headers: Record<string, string>, body = '{"query":"{ __typename }"}'): AuthRequest {
  return { headers: { host: '127.0.0.1:4000', ...headers }, method: 'POST', path: '/graphql', query: '', body, sourceIp: '::ffff:127.0.0.1' };
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    if (isAppSyncHttpError(e)) return { status: e.status, errorType: e.errorType, message: e.message };
    throw e;
  }
  return 'resolved';
}

describe('auth: mode detection and identities', () => {
  it('API key: identity is null and the headers are kept without cookie', async () => {
    expect(await authenticator.authenticate(request({ 'x-api-key': DEV_API_KEY, cookie: 'a=b' }))).toEqual({
      authType: 'API_KEY',
      identity: null,
      headers: { host: '127.0.0.1:4000', 'x-api-key': DEV_API_KEY },
    });
  });

  it('API key: a wrong key is 401 "You are not authorized to make this call."', async () => {
    expect(await failure(authenticator.authenticate(request({ 'x-api-key': 'da2-wrong' })))).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.',
    });
  });

  it('no credentials at all is 401 "Missing authorization header"', async () => {
    expect(await failure(authenticator.authenticate(request({})))).toEqual({ status: 401, errorType: 'UnauthorizedException', message: 'Missing authorization header' });
  });

  it('user pool: builds the Cognito identity from a verified token', async () => {
    const token = await issuer.mintToken({ sub: 'alice', groups: ['admin'] });
    const auth = await authenticator.authenticate(request({ authorization: token, 'x-forwarded-for': '198.51.100.23' }));
    expect(auth).toEqual({
      authType: 'AMAZON_COGNITO_USER_POOLS',
      headers: { host: '127.0.0.1:4000', authorization: token, 'x-forwarded-for': '198.51.100.23' },
      identity: {
        sub: 'alice',
        issuer: ISSUER,
        username: 'alice',
        claims: expect.objectContaining({ sub: 'alice', 'cognito:groups': ['admin'], token_use: 'id' }),
        sourceIp: ['198.51.100.23', '127.0.0.1'],
        defaultAuthStrategy: 'ALLOW',
        groups: ['admin'],
      },
    });
  });

  it('user pool: a user without groups has groups null', async () => {
    const auth = await authenticator.authenticate(request({ authorization: await issuer.mintToken({ sub: 'bob', tokenUse: 'access' }) }));
    expect(auth.identity).toMatchObject({ sub: 'bob', username: 'bob', groups: null });
  });

  it('user pool: a garbage Authorization header is "Unable to parse JWT token."', async () => {
    expect(await failure(authenticator.authenticate(request({ authorization: 'garbage' })))).toEqual({ status: 401, errorType: 'UnauthorizedException', message: 'Unable to parse JWT token.' });
  });

  it('a token from an unknown issuer is 401 (the API has no OIDC mode)', async () => {
    const other = createLocalIssuer({ stateDir: dir, issuer: 'https://issuer.example.com', clientId: 'x' });
    expect(await failure(authenticator.authenticate(request({ authorization: await other.mintToken({ sub: 'eve' }) })))).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.',
    });
  });

  it('a mode the API does not configure is 401', async () => {
    const apiKeyOnly = createAuthenticator({ ...deps, authModes: { default: { type: 'API_KEY' }, additional: [] } });
    expect(await failure(apiKeyOnly.authenticate(request({ authorization: await issuer.mintToken({ sub: 'alice' }) })))).toEqual({
      status: 401,
      errorType: 'UnauthorizedException',
      message: 'You are not authorized to make this call.',
    });
  });

  it('IAM: verifies SigV4 over the body and builds the IAM identity', async () => {
    const body = '{"query":"mutation { completeUpload(input: {key: \\"k\\", size: 1}) { id } }"}';
    const signer = new SignatureV4({ credentials: TEST_CREDENTIALS, region: 'us-east-1', service: 'appsync', sha256: Sha256, applyChecksum: false });
    const signed = await signer.sign({ method: 'POST', protocol: 'http:', hostname: '127.0.0.1', port: 4000, path: '/graphql', headers: { host: '127.0.0.1:4000', 'content-type': 'application/json' }, body });
    const headers = Object.fromEntries(Object.entries(signed.headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(await authenticator.authenticate({ ...request(headers, body), headers })).toEqual({
      authType: 'AWS_IAM',
      headers,
      identity: {
        accountId: '123456789012',
        cognitoIdentityPoolId: null,
        cognitoIdentityId: null,
        sourceIp: ['127.0.0.1'],
        username: TEST_CREDENTIALS.accessKeyId,
        userArn: 'arn:aws:iam::123456789012:user/local-developer',
        cognitoIdentityAuthType: null,
        cognitoIdentityAuthProvider: null,
      },
    });
    expect(await failure(authenticator.authenticate({ ...request(headers, `${body} `), headers }))).toMatchObject({ status: 403, errorType: 'InvalidSignatureException' });
  });
});
