/**
 * Request-level authorization (docs/APPSYNC-BEHAVIOUR.md#auth-mode-detection): detect the auth mode from
 * the headers, check that the API has that mode, verify the credential and build `RequestAuth` with
 * the identity AppSync gives resolvers (docs/APPSYNC-BEHAVIOUR.md#resolver-identity-and-request). Shared by HTTP and realtime;
 * failures are `AppSyncHttpError`s (401/403) that each transport formats its own way.
 */
import { timingSafeEqual } from 'node:crypto';
import type { JWTPayload } from 'jose';
import type { AuthModeDefinition, AuthType } from '../../api/types.ts';
import type { AwsCredentials } from '../config.ts';
import type { RequestAuth } from '../graphql/contract.ts';
import { HTTP_ERROR_MESSAGE, unauthorized } from '../http/http-error.ts';
import { looksLikeJwt, peekIssuer, type JwtVerifier } from './jwt.ts';
import { SIGV4_ALGORITHM, verifySigV4 } from './sigv4.ts';

/** What the authenticator needs from a request; transports build it from their wire format. */
export interface AuthRequest {
  /** Lower-cased header names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly method: string;
  /** Percent-encoded path, e.g. `/graphql`. */
  readonly path: string;
  /** Raw query string without `?`. */
  readonly query: string;
  /** The exact body bytes (signed by IAM callers). */
  readonly body: string | Uint8Array;
  /** The TCP peer address. */
  readonly sourceIp: string | null;
}

export interface AuthenticatorDeps {
  readonly authModes: { readonly default: AuthModeDefinition; readonly additional: readonly AuthModeDefinition[] };
  readonly apiKey: string;
  readonly userPool: JwtVerifier;
  /** Credentials whose SigV4 signatures are accepted. */
  readonly iamCredentials: readonly AwsCredentials[];
  readonly accountId: string;
  /** The API's region: SigV4 credential scopes must name it. @default any region */
  readonly region?: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

export interface Authenticator {
  /** Resolves with the caller, or rejects with a 401/403 `AppSyncHttpError`. */
  authenticate(request: AuthRequest): Promise<RequestAuth>;
}

/** `ctx.request.headers` never exposes the cookie header (docs/APPSYNC-BEHAVIOUR.md#resolver-identity-and-request). */
function requestHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  const { cookie: _cookie, ...rest } = headers;
  return rest;
}

/** `x-forwarded-for` chain plus the TCP peer (docs/APPSYNC-BEHAVIOUR.md#resolver-identity-and-request). */
function sourceIps(request: AuthRequest): string[] {
  const forwarded = (request.headers['x-forwarded-for'] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  return request.sourceIp === null ? forwarded : [...forwarded, request.sourceIp.replace(/^::ffff:/, '')];
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The detected mode, in the order AppSync clients make unambiguous (docs/APPSYNC-BEHAVIOUR.md#auth-mode-detection). */
export function detectAuthType(headers: Readonly<Record<string, string>>, jwtIssuer: string): AuthType | null {
  const authorization = headers['authorization'];
  if (authorization !== undefined && authorization.startsWith(SIGV4_ALGORITHM)) return 'AWS_IAM';
  if (headers['x-api-key'] !== undefined) return 'API_KEY';
  if (authorization !== undefined && authorization !== '') {
    const issuer = peekIssuer(authorization);
    if (issuer !== null && issuer.replace(/\/$/, '') !== jwtIssuer.replace(/\/$/, '')) return 'OPENID_CONNECT';
    return 'AMAZON_COGNITO_USER_POOLS';
  }
  return null;
}

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  const modes = new Map<AuthType, AuthModeDefinition>();
  for (const mode of [deps.authModes.default, ...deps.authModes.additional]) modes.set(mode.type, mode);
  const now = deps.now ?? (() => new Date());

  function userPoolIdentity(claims: JWTPayload, mode: AuthModeDefinition, request: AuthRequest): Record<string, unknown> {
    const groups = claims[mode.groupsClaim ?? 'cognito:groups'];
    return {
      sub: claims.sub ?? null,
      issuer: claims.iss ?? null,
      username: claims['cognito:username'] ?? claims['username'] ?? null,
      claims,
      sourceIp: sourceIps(request),
      defaultAuthStrategy: 'ALLOW',
      groups: Array.isArray(groups) ? groups : null,
    };
  }

  return {
    authenticate: async function authenticate(request) {
      const headers = request.headers;
      const detected = detectAuthType(headers, deps.userPool.issuer);
      if (detected === null) throw unauthorized(HTTP_ERROR_MESSAGE.MISSING_AUTH);
      // The local issuer stands in for the user pool, or for the OIDC provider of an OIDC-only API.
      const authType = detected === 'AMAZON_COGNITO_USER_POOLS' && !modes.has(detected) && modes.has('OPENID_CONNECT') ? 'OPENID_CONNECT' : detected;
      const mode = modes.get(authType);
      if (!mode) throw unauthorized();
      const base = { authType, headers: requestHeaders(headers) };

      switch (authType) {
        case 'API_KEY': {
          if (!sameSecret(headers['x-api-key'] ?? '', deps.apiKey)) throw unauthorized();
          return { ...base, identity: null };
        }
        case 'AWS_IAM': {
          const signer = verifySigV4(request, { credentials: deps.iamCredentials, service: 'appsync', ...(deps.region !== undefined ? { region: deps.region } : {}), now: now() });
          return {
            ...base,
            identity: {
              accountId: deps.accountId,
              cognitoIdentityPoolId: null,
              cognitoIdentityId: null,
              sourceIp: sourceIps(request),
              username: signer.accessKeyId,
              userArn: `arn:aws:iam::${deps.accountId}:user/local-developer`,
              cognitoIdentityAuthType: null,
              cognitoIdentityAuthProvider: null,
            },
          };
        }
        case 'AMAZON_COGNITO_USER_POOLS': {
          const token = headers['authorization'] ?? '';
          if (!looksLikeJwt(token)) throw unauthorized(HTTP_ERROR_MESSAGE.UNPARSABLE_JWT);
          const claims = await deps.userPool.verify(token);
          return { ...base, identity: userPoolIdentity(claims, mode, request) };
        }
        case 'OPENID_CONNECT': {
          // The local API has one issuer; an OIDC-mode API verifies against it too.
          const claims = await deps.userPool.verify(headers['authorization'] ?? '');
          return { ...base, identity: { sub: claims.sub ?? null, issuer: claims.iss ?? null, claims } };
        }
        case 'AWS_LAMBDA':
          throw unauthorized();
      }
    },
  };
}
