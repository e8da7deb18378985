import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, describe, expect, it } from 'vitest';
import { createJwtVerifier } from '../../../local/auth/jwt.ts';
import { createLocalIssuer, ISSUER_KEY_FILE, JWKS_PATH, OPENID_CONFIGURATION_PATH } from '../../../local/auth/local-issuer.ts';
import { isAppSyncHttpError } from '../../../local/http/http-error.ts';

const ISSUER = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_localpool';
const dirs: string[] = [];
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'asset-api-jwt-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const dir = stateDir();
const issuer = createLocalIssuer({ stateDir: dir, issuer: ISSUER, clientId: 'localappclient' });
const verifier = createJwtVerifier({ issuer: ISSUER, publicKey: issuer.publicKey });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    if (isAppSyncHttpError(e)) return { status: e.status, errorType: e.errorType, message: e.message };
    return e;
  }
  return 'resolved';
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

const NOT_AUTHORIZED = { status: 401, errorType: 'UnauthorizedException', message: 'You are not authorized to make this call.' };

describe('local issuer', () => {
  it('mints a Cognito-shaped ID token that the verifier accepts', async () => {
    const token = await issuer.mintToken({ sub: 'alice', groups: ['admin'], email: 'alice@example.org', issuedAt: 1_900_000_000 - 60, expiresInSeconds: 7200 });
    const [header] = token.split('.');
    expect(JSON.parse(Buffer.from(header ?? '', 'base64url').toString())).toEqual({ alg: 'RS256', kid: issuer.jwks().keys[0]?.kid });
    const now = Math.floor(Date.now() / 1000);
    const fresh = await issuer.mintToken({ sub: 'alice', groups: ['admin'], email: 'alice@example.org' });
    const claims = await verifier.verify(fresh);
    expect(claims).toEqual({
      sub: 'alice',
      'cognito:groups': ['admin'],
      'cognito:username': 'alice',
      email: 'alice@example.org',
      email_verified: true,
      aud: 'localappclient',
      token_use: 'id',
      iss: ISSUER,
      auth_time: claims.iat,
      iat: claims.iat,
      exp: (claims.iat ?? 0) + 3600,
      event_id: expect.any(String),
      origin_jti: expect.any(String),
      jti: expect.any(String),
    });
    expect(Math.abs((claims.iat ?? 0) - now)).toBeLessThan(60);
  });

  it('mints access tokens with client_id, username and scope', async () => {
    const claims = await verifier.verify(await issuer.mintToken({ sub: 'bob', tokenUse: 'access', username: 'bobby' }));
    expect(claims).toMatchObject({ sub: 'bob', token_use: 'access', client_id: 'localappclient', username: 'bobby', scope: 'aws.cognito.signin.user.admin' });
    expect(claims).not.toHaveProperty('aud');
    expect(claims).not.toHaveProperty('cognito:groups');
  });

  it('keeps its key in the state folder and reuses it on the next start', async () => {
    const again = createLocalIssuer({ stateDir: dir, issuer: ISSUER, clientId: 'localappclient' });
    expect(again.jwks()).toEqual(issuer.jwks());
    expect(again.keyPath).toBe(join(dir, ISSUER_KEY_FILE));
    expect(await verifier.verify(await again.mintToken({ sub: 'carol' }))).toMatchObject({ sub: 'carol' });
  });

  it('serves the JWKS and the OpenID configuration', async () => {
    const jwks = issuer.handle(new Request(`http://127.0.0.1:4000${JWKS_PATH}`));
    expect(await jwks?.json()).toEqual({ keys: [{ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String), n: expect.any(String), e: 'AQAB' }] });
    const config = issuer.handle(new Request(`http://127.0.0.1:4000${OPENID_CONFIGURATION_PATH}`));
    expect(await config?.json()).toEqual({
      issuer: ISSUER,
      jwks_uri: `http://127.0.0.1:4000${JWKS_PATH}`,
      response_types_supported: ['code', 'token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    });
    expect(issuer.handle(new Request('http://127.0.0.1:4000/graphql'))).toBeNull();
  });
});

describe('jwt verification', () => {
  it('accepts a Bearer prefix', async () => {
    const token = await issuer.mintToken({ sub: 'alice' });
    expect(await verifier.verify(`Bearer ${token}`)).toMatchObject({ sub: 'alice' });
  });

  it('rejects an unsigned token (empty signature)', async () => {
    const [header, payload] = (await issuer.mintToken({ sub: 'alice' })).split('.');
    expect(await failure(verifier.verify(`${header}.${payload}.`))).toEqual(NOT_AUTHORIZED);
  });

  it('rejects alg none', async () => {
    const payload = (await issuer.mintToken({ sub: 'alice' })).split('.')[1];
    expect(await failure(verifier.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`))).toEqual(NOT_AUTHORIZED);
  });

  it('rejects HS256 signed with the public key (algorithm confusion)', async () => {
    const secret = new TextEncoder().encode(issuer.publicKey.export({ type: 'spki', format: 'pem' }).toString());
    const token = await new SignJWT({ sub: 'mallory', token_use: 'id' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setIssuedAt().setExpirationTime('1h').sign(secret);
    expect(await failure(verifier.verify(token))).toEqual(NOT_AUTHORIZED);
  });

  it('rejects a token signed by another key', async () => {
    const other = createLocalIssuer({ stateDir: stateDir(), issuer: ISSUER, clientId: 'localappclient' });
    expect(await failure(verifier.verify(await other.mintToken({ sub: 'alice' })))).toEqual(NOT_AUTHORIZED);
  });

  it('rejects an expired token', async () => {
    const token = await issuer.mintToken({ sub: 'alice', issuedAt: Math.floor(Date.now() / 1000) - 7200, expiresInSeconds: 3600 });
    expect(await failure(verifier.verify(token))).toEqual({ status: 401, errorType: 'UnauthorizedException', message: 'Token has expired.' });
  });

  it('rejects a token from another issuer signed with the same key', async () => {
    const foreign = createLocalIssuer({ stateDir: dir, issuer: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_other', clientId: 'localappclient' });
    expect(await failure(verifier.verify(await foreign.mintToken({ sub: 'alice' })))).toEqual(NOT_AUTHORIZED);
  });

  it('rejects a token whose token_use is neither id nor access', async () => {
    const key = createPrivateKey(readFileSync(join(dir, ISSUER_KEY_FILE), 'utf8'));
    const token = await new SignJWT({ sub: 'alice', token_use: 'refresh' }).setProtectedHeader({ alg: 'RS256' }).setIssuer(ISSUER).setIssuedAt().setExpirationTime('1h').sign(key);
    expect(await failure(verifier.verify(token))).toEqual(NOT_AUTHORIZED);
  });

  it('rejects text that is not a JWT with "Unable to parse JWT token."', async () => {
    expect(await failure(verifier.verify('not-a-token'))).toEqual({ status: 401, errorType: 'UnauthorizedException', message: 'Unable to parse JWT token.' });
  });
});

describe('user-pool tokens: app client and issue time', () => {
  const strict = createJwtVerifier({ issuer: ISSUER, publicKey: issuer.publicKey, clientIds: ['localappclient'] });
  const key = createPrivateKey(readFileSync(join(dir, ISSUER_KEY_FILE)));
  const kid = issuer.jwks().keys[0]?.kid ?? '';
  const now = (): number => Math.floor(Date.now() / 1000);
  function sign(claims: Record<string, unknown>, iat: number = now()): Promise<string> {
    return new SignJWT({ sub: 'alice', ...claims }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISSUER).setIssuedAt(iat).setExpirationTime(iat + 3600).sign(key);
  }

  it('accepts an ID token for the configured app client and an access token whose client_id is that client', async () => {
    const id = await strict.verify(await sign({ token_use: 'id', aud: 'localappclient' }));
    const access = await strict.verify(await sign({ token_use: 'access', client_id: 'localappclient' }));
    expect([id['aud'], access['client_id']]).toEqual(['localappclient', 'localappclient']);
  });

  it('refuses a token of another app client (aud or client_id), or with none', async () => {
    expect([
      await failure(strict.verify(await sign({ token_use: 'id', aud: 'someoneelsesclient' }))),
      await failure(strict.verify(await sign({ token_use: 'access', client_id: 'someoneelsesclient' }))),
      await failure(strict.verify(await sign({ token_use: 'id' }))),
      // An access token carries the client in client_id; an aud alone does not count.
      await failure(strict.verify(await sign({ token_use: 'access', aud: 'localappclient' }))),
    ]).toEqual([NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED, NOT_AUTHORIZED]);
  });

  it('refuses a token issued more than five minutes in the future, and accepts one within that skew', async () => {
    const yearAhead = await failure(strict.verify(await sign({ token_use: 'id', aud: 'localappclient' }, now() + 365 * 86_400)));
    const withinSkew = await strict.verify(await sign({ token_use: 'id', aud: 'localappclient' }, now() + 60));
    expect({ yearAhead, withinSkew: withinSkew['sub'] }).toEqual({ yearAhead: NOT_AUTHORIZED, withinSkew: 'alice' });
  });
});
