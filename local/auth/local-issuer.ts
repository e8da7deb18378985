/**
 * A local stand-in for a Cognito user pool: one RSA key pair (kept in the state folder so the server
 * and `npm run token` share it), a JWKS and OpenID configuration served by the local server, and
 * Cognito-shaped ID and access tokens signed with RS256.
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { readOrCreateFile } from './state-file.ts';

/** File name of the issuer's private key inside the state folder. */
export const ISSUER_KEY_FILE = 'local-issuer-key.pem';

export const JWKS_PATH = '/.well-known/jwks.json';
export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';

export interface PublicJwk {
  readonly kty: 'RSA';
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: 'RS256';
  readonly use: 'sig';
}

export interface MintTokenOptions {
  readonly sub: string;
  /** `cognito:username` (ID token) / `username` (access token). @default sub */
  readonly username?: string;
  /** `cognito:groups`; omitted from the token when empty, as Cognito does. @default [] */
  readonly groups?: readonly string[];
  readonly email?: string;
  /** Cognito issues both; Amplify v6 sends the access token. @default 'id' */
  readonly tokenUse?: 'id' | 'access';
  /** @default 3600 */
  readonly expiresInSeconds?: number;
  /** Issue time in epoch seconds (tests mint already-expired tokens with it). @default now */
  readonly issuedAt?: number;
  /** `auth_time`: when the user signed in (refreshed tokens keep it). @default issuedAt */
  readonly authTime?: number;
  /** `origin_jti`: the sign-in the token comes from, shared by its refreshed tokens (revocation). @default a new UUID */
  readonly originJti?: string;
  /** `email_verified` when `email` is given. @default true */
  readonly emailVerified?: boolean;
}

export interface LocalIssuer {
  /** The `iss` claim of every token. */
  readonly issuer: string;
  /** The app client id (`aud` of ID tokens, `client_id` of access tokens). */
  readonly clientId: string;
  /** Where the private key lives. */
  readonly keyPath: string;
  /** The key that verifies this issuer's tokens. */
  readonly publicKey: KeyObject;
  jwks(): { readonly keys: readonly PublicJwk[] };
  mintToken(options: MintTokenOptions): Promise<string>;
  /** Serves the JWKS and OpenID configuration; null for any other path. */
  handle(request: Request): Response | null;
}

export interface LocalIssuerOptions {
  /** Folder holding `local-issuer-key.pem`. */
  readonly stateDir: string;
  readonly issuer: string;
  readonly clientId: string;
}

function jwkThumbprint(jwk: { e: string; n: string }): string {
  // RFC 7638: members in lexicographic order, no whitespace.
  return createHash('sha256').update(JSON.stringify({ e: jwk.e, kty: 'RSA', n: jwk.n })).digest('base64url');
}

function generatePrivateKeyPem(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Loads the issuer key from `stateDir` (creating it on first use). */
export function createLocalIssuer(options: LocalIssuerOptions): LocalIssuer {
  const keyPath = join(options.stateDir, ISSUER_KEY_FILE);
  const privateKey = createPrivateKey(readOrCreateFile(keyPath, generatePrivateKeyPem));
  const publicKey = createPublicKey(privateKey);
  const exported = publicKey.export({ format: 'jwk' });
  if (typeof exported.n !== 'string' || typeof exported.e !== 'string') throw new Error(`${keyPath}: not an RSA key`);
  const jwk: PublicJwk = { kty: 'RSA', n: exported.n, e: exported.e, kid: jwkThumbprint({ n: exported.n, e: exported.e }), alg: 'RS256', use: 'sig' };
  const { issuer, clientId } = options;

  return {
    issuer,
    clientId,
    keyPath,
    publicKey,
    jwks: function jwks() {
      return { keys: [jwk] };
    },
    mintToken: async function mintToken(mint) {
      const now = mint.issuedAt ?? Math.floor(Date.now() / 1000);
      const tokenUse = mint.tokenUse ?? 'id';
      const username = mint.username ?? mint.sub;
      const groups = mint.groups ?? [];
      const claims: Record<string, unknown> = {
        sub: mint.sub,
        ...(groups.length > 0 ? { 'cognito:groups': [...groups] } : {}),
        token_use: tokenUse,
        auth_time: mint.authTime ?? now,
        event_id: randomUUID(),
        origin_jti: mint.originJti ?? randomUUID(),
        jti: randomUUID(),
      };
      if (tokenUse === 'id') {
        claims['aud'] = clientId;
        claims['cognito:username'] = username;
        if (mint.email !== undefined) Object.assign(claims, { email: mint.email, email_verified: mint.emailVerified ?? true });
      } else {
        claims['client_id'] = clientId;
        claims['username'] = username;
        claims['scope'] = 'aws.cognito.signin.user.admin';
      }
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
        .setIssuer(issuer)
        .setIssuedAt(now)
        .setExpirationTime(now + (mint.expiresInSeconds ?? 3600))
        .sign(privateKey);
    },
    handle: function handleIssuerRequest(request) {
      const { pathname } = new URL(request.url);
      if (request.method !== 'GET') return null;
      if (pathname === JWKS_PATH) return Response.json({ keys: [jwk] });
      if (pathname === OPENID_CONFIGURATION_PATH) {
        return Response.json({
          issuer,
          jwks_uri: new URL(JWKS_PATH, request.url).toString(),
          response_types_supported: ['code', 'token'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        });
      }
      return null;
    },
  };
}
