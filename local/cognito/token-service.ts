/**
 * The pool's tokens: ID and access JWTs signed by the local issuer (the key the API already verifies,
 * local/auth/local-issuer.ts) with Cognito's claims and the pool's lifetimes, and opaque refresh
 * tokens kept as hashes. Revocation (RevokeToken, GlobalSignOut, DeleteUser, AdminDeleteUser)
 * revokes the refresh token and its `origin_jti`, so access tokens of that sign-in fail GetUser from
 * then on, as Cognito checks them; the GraphQL API keeps accepting them until they expire, as AppSync
 * does (it only checks signature and expiry).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-using-tokens-with-identity-providers.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import type { LocalIssuer } from '../auth/local-issuer.ts';
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, notAuthorized } from './cognito-error.ts';
import type { PoolSettings } from './pool-settings.ts';
import type { StoredUser, UserStore } from './user-store.ts';

/** `AuthenticationResultType`. */
export interface AuthenticationResult {
  readonly AccessToken: string;
  readonly ExpiresIn: number;
  readonly TokenType: 'Bearer';
  readonly IdToken: string;
  readonly RefreshToken?: string;
}

export interface SignInContext {
  readonly clientId: string;
  /** Epoch seconds of the sign-in. @default now */
  readonly authTime?: number;
  /** Existing sign-in (a refresh). @default a new one */
  readonly originJti?: string;
}

export interface TokenService {
  /** Tokens for a completed sign-in, with a new refresh token. */
  signIn(user: StoredUser, clientId: string): Promise<AuthenticationResult>;
  /** New ID and access tokens for a refresh token (no rotation: the refresh token stays the same). */
  refresh(refreshToken: string, clientId: string): Promise<AuthenticationResult>;
  /** The user of a valid, unrevoked access token of this pool. */
  verifyAccessToken(accessToken: string): Promise<StoredUser>;
  /** RevokeToken: revokes a refresh token of `clientId`; unknown tokens are ignored. */
  revokeRefreshToken(refreshToken: string, clientId: string): void;
  /** GlobalSignOut: revokes every refresh token of the user. */
  signOutEverywhere(username: string): void;
}

export interface TokenServiceDeps {
  readonly issuer: Pick<LocalIssuer, 'issuer' | 'publicKey' | 'mintToken'>;
  readonly store: UserStore;
  readonly settings: PoolSettings;
  /** @default Date.now */
  readonly now?: () => number;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The token service's dependencies, resolved once by `createTokenService`. */
type TokenContext = Required<TokenServiceDeps>;

/** ID and access tokens for `user`, with the pool's lifetimes and Cognito's claims. */
async function mintTokens(ctx: TokenContext, user: StoredUser, context: SignInContext & { readonly originJti: string; readonly authTime: number }): Promise<AuthenticationResult> {
  const { issuer, now } = ctx;
  const validity = ctx.settings.definition.tokenValidity;
  const issuedAt = Math.floor(now() / 1000);
  const common = {
    sub: user.sub,
    username: user.username,
    groups: user.groups,
    issuedAt,
    authTime: context.authTime,
    originJti: context.originJti,
  };
  const email = user.attributes['email'];
  const accessSeconds = validity.accessTokenMinutes * 60;
  const [IdToken, AccessToken] = await Promise.all([
    issuer.mintToken({
      ...common,
      tokenUse: 'id',
      expiresInSeconds: validity.idTokenMinutes * 60,
      ...(email !== undefined ? { email, emailVerified: user.attributes['email_verified'] === 'true' } : {}),
    }),
    issuer.mintToken({ ...common, tokenUse: 'access', expiresInSeconds: accessSeconds }),
  ]);
  return { AccessToken, ExpiresIn: accessSeconds, TokenType: 'Bearer', IdToken };
}

async function signIn(ctx: TokenContext, user: StoredUser, clientId: string): Promise<AuthenticationResult> {
  const { store, now } = ctx;
  const originJti = randomUUID();
  const authTime = Math.floor(now() / 1000);
  const tokens = await mintTokens(ctx, user, { clientId, originJti, authTime });
  const RefreshToken = randomBytes(96).toString('base64url');
  store.putRefresh({
    hash: hashToken(RefreshToken),
    username: user.username,
    clientId,
    originJti,
    authTime,
    expiresAt: now() + ctx.settings.definition.tokenValidity.refreshTokenDays * 24 * 3600 * 1000,
    revoked: false,
  });
  return { ...tokens, RefreshToken };
}

async function refresh(ctx: TokenContext, refreshToken: string, clientId: string): Promise<AuthenticationResult> {
  const { store, now } = ctx;
  const record = store.getRefresh(hashToken(refreshToken));
  if (record === null || record.clientId !== clientId) throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_REFRESH_TOKEN);
  if (record.revoked) throw notAuthorized(COGNITO_ERROR_MESSAGE.REFRESH_TOKEN_REVOKED);
  if (record.expiresAt <= now()) throw notAuthorized('Refresh Token has expired');
  const user = store.getUser(record.username);
  if (user === null) throw notAuthorized(COGNITO_ERROR_MESSAGE.USER_NOT_FOUND);
  if (!user.enabled) throw notAuthorized(COGNITO_ERROR_MESSAGE.USER_DISABLED);
  return mintTokens(ctx, user, { clientId, originJti: record.originJti, authTime: record.authTime });
}

async function verifyAccessToken(ctx: TokenContext, accessToken: string): Promise<StoredUser> {
  const { issuer, store, settings, now } = ctx;
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(accessToken, issuer.publicKey, { algorithms: ['RS256'], issuer: issuer.issuer, requiredClaims: ['exp', 'sub'], currentDate: new Date(now()) }));
  } catch (e) {
    throw notAuthorized(e instanceof joseErrors.JWTExpired ? COGNITO_ERROR_MESSAGE.ACCESS_TOKEN_EXPIRED : COGNITO_ERROR_MESSAGE.INVALID_ACCESS_TOKEN);
  }
  if (claims['token_use'] !== 'access' || claims['client_id'] !== settings.clientId || typeof claims['username'] !== 'string') {
    throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_ACCESS_TOKEN);
  }
  const originJti = claims['origin_jti'];
  if (typeof originJti !== 'string' || store.isOriginRevoked(originJti)) throw notAuthorized(COGNITO_ERROR_MESSAGE.ACCESS_TOKEN_REVOKED);
  const user = store.getUser(claims['username']);
  if (user === null || user.sub !== claims.sub) throw new CognitoError(COGNITO_ERROR_TYPE.USER_NOT_FOUND, COGNITO_ERROR_MESSAGE.USER_NOT_FOUND);
  if (!user.enabled) throw notAuthorized(COGNITO_ERROR_MESSAGE.USER_DISABLED);
  return user;
}

export function createTokenService(deps: TokenServiceDeps): TokenService {
  const ctx: TokenContext = { ...deps, now: deps.now ?? Date.now };
  const { store } = ctx;
  return {
    signIn: (user, clientId) => signIn(ctx, user, clientId),
    refresh: (refreshToken, clientId) => refresh(ctx, refreshToken, clientId),
    verifyAccessToken: (accessToken) => verifyAccessToken(ctx, accessToken),
    revokeRefreshToken: function revokeRefreshToken(refreshToken, clientId) {
      const hash = hashToken(refreshToken);
      store.revokeRefresh((record) => record.hash === hash && record.clientId === clientId);
    },
    signOutEverywhere: function signOutEverywhere(username) {
      store.revokeRefresh((record) => record.username === username);
    },
  };
}
