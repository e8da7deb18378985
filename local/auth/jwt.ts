/**
 * Verifies user-pool tokens as AppSync does: signature against the issuer's key, RS256 only (`none`
 * and HMAC are refused), issuer, expiry, `token_use` of `id` or `access`, the app client (`aud` /
 * `client_id`) and an `iat` not in the future. Never only decodes.
 */
import type { KeyObject } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { HTTP_ERROR_MESSAGE, unauthorized } from '../http/http-error.ts';

export interface JwtVerifierOptions {
  readonly issuer: string;
  readonly publicKey: KeyObject;
  /** Seconds of clock skew tolerated on `exp`/`iat`. @default 0 */
  readonly clockToleranceSeconds?: number;
  /**
   * The user pool's app client ids this API accepts: an ID token's `aud` or an access token's
   * `client_id` must be one of them (AppSync's `appIdClientRegex`; the CDK stack sets it to the app
   * client, see docs/APPSYNC-BEHAVIOUR.md#cognito-user-pools). Empty accepts any client of the pool. @default []
   */
  readonly clientIds?: readonly string[];
  /** How far in the future `iat` may be (clock skew between issuer and verifier). @default 300 */
  readonly maxFutureIatSeconds?: number;
}

export interface JwtVerifier {
  readonly issuer: string;
  /** Resolves with the claims, or rejects with a 401 `AppSyncHttpError`. */
  verify(token: string): Promise<JWTPayload>;
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** AppSync accepts the raw token and also a `Bearer ` prefix (docs/APPSYNC-BEHAVIOUR.md#cognito-user-pools). */
export function stripBearer(value: string): string {
  return value.replace(/^Bearer\s+/i, '').trim();
}

/** True when the value has a JWT's three-part shape (after an optional `Bearer `). */
export function looksLikeJwt(value: string): boolean {
  return JWT_SHAPE.test(stripBearer(value));
}

/** Reads the unverified `iss` to route a token to its verifier; the claims are then verified. */
export function peekIssuer(token: string): string | null {
  const part = stripBearer(token).split('.')[1];
  if (part === undefined) return null;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    if (typeof claims === 'object' && claims !== null && typeof (claims as Record<string, unknown>)['iss'] === 'string') {
      return (claims as Record<string, string>)['iss'] ?? null;
    }
  } catch {
    return null;
  }
  return null;
}

export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const { issuer, publicKey } = options;
  const clientIds = options.clientIds ?? [];
  const maxFutureIatSeconds = options.maxFutureIatSeconds ?? 300;
  return {
    issuer,
    verify: async function verifyJwt(raw) {
      const token = stripBearer(raw);
      if (!JWT_SHAPE.test(token)) throw unauthorized(HTTP_ERROR_MESSAGE.UNPARSABLE_JWT);
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, publicKey, {
          algorithms: ['RS256'],
          issuer,
          clockTolerance: options.clockToleranceSeconds ?? 0,
          requiredClaims: ['exp', 'iat', 'sub'],
        }));
      } catch (e) {
        if (e instanceof joseErrors.JWTExpired) throw unauthorized(HTTP_ERROR_MESSAGE.TOKEN_EXPIRED);
        if (e instanceof joseErrors.JWSInvalid || e instanceof joseErrors.JWTInvalid) throw unauthorized(HTTP_ERROR_MESSAGE.UNPARSABLE_JWT);
        throw unauthorized();
      }
      if (payload['token_use'] !== 'id' && payload['token_use'] !== 'access') throw unauthorized();
      // A token "issued" in the future was not issued by a pool whose clock agrees with ours.
      if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + maxFutureIatSeconds) throw unauthorized();
      const client = payload['token_use'] === 'id' ? payload.aud : payload['client_id'];
      if (clientIds.length > 0 && (typeof client !== 'string' || !clientIds.includes(client))) throw unauthorized();
      return payload;
    },
  };
}
