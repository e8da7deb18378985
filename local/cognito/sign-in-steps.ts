/**
 * What follows a verified password, shared by every flow (SRP, USER_PASSWORD_AUTH,
 * ADMIN_USER_PASSWORD_AUTH, NEW_PASSWORD_REQUIRED): the status checks, then the next challenge
 * (NEW_PASSWORD_REQUIRED, SOFTWARE_TOKEN_MFA, MFA_SETUP) or the tokens.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#API_InitiateAuth_ResponseSyntax
 */
import type { ChallengeSessions } from './challenge-sessions.ts';
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, notAuthorized } from './cognito-error.ts';
import type { PoolSettings } from './pool-settings.ts';
import type { ServerEphemeral } from './srp.ts';
import type { AuthenticationResult, TokenService } from './token-service.ts';
import type { StoredUser } from './user-store.ts';

/** A sign-in in progress, behind a SECRET_BLOCK (PASSWORD_VERIFIER) or a Session. */
export type SignInState =
  | {
      readonly kind: 'PASSWORD_VERIFIER';
      /** null for a user that does not exist (the pool answers with a decoy challenge). */
      readonly username: string | null;
      readonly clientId: string;
      readonly ephemeral: ServerEphemeral;
      readonly A: bigint;
    }
  | { readonly kind: 'NEW_PASSWORD_REQUIRED'; readonly username: string; readonly clientId: string }
  | { readonly kind: 'SOFTWARE_TOKEN_MFA'; readonly username: string; readonly clientId: string }
  | { readonly kind: 'MFA_SETUP'; readonly username: string; readonly clientId: string; readonly secret: string | null; readonly verified: boolean };

/** InitiateAuth / RespondToAuthChallenge response. */
export interface AuthResponse {
  readonly ChallengeName?: string;
  readonly Session?: string;
  readonly ChallengeParameters: Readonly<Record<string, string>>;
  readonly AuthenticationResult?: AuthenticationResult;
}

export interface SignInSteps {
  /** Refusals that do not depend on the password: disabled user, reset required. */
  assertMaySignIn(user: StoredUser): void;
  /** The password was right: status checks, then the next challenge or the tokens. */
  afterPassword(user: StoredUser, clientId: string): Promise<AuthResponse>;
  /** After NEW_PASSWORD_REQUIRED: MFA if the pool wants it, else the tokens. */
  afterNewPassword(user: StoredUser, clientId: string): Promise<AuthResponse>;
  /** Every challenge answered. */
  complete(user: StoredUser, clientId: string): Promise<AuthResponse>;
}

export interface SignInStepsDeps {
  readonly settings: PoolSettings;
  readonly sessions: ChallengeSessions<SignInState>;
  readonly tokens: TokenService;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The challenge MFA asks for, or null (the pool's rule and the user's software token). */
export function mfaChallengeFor(mfa: PoolSettings['mfa'], user: StoredUser): 'SOFTWARE_TOKEN_MFA' | 'MFA_SETUP' | null {
  if (mfa === 'OFF') return null;
  const verified = user.softwareToken?.verified === true;
  if (mfa === 'REQUIRED') return verified ? 'SOFTWARE_TOKEN_MFA' : 'MFA_SETUP';
  return verified && user.softwareToken?.enabled === true ? 'SOFTWARE_TOKEN_MFA' : null;
}

export function createSignInSteps(deps: SignInStepsDeps): SignInSteps {
  const { settings, sessions, tokens } = deps;
  const now = deps.now ?? Date.now;

  async function mfaOrTokens(user: StoredUser, clientId: string): Promise<AuthResponse> {
    const challenge = mfaChallengeFor(settings.mfa, user);
    if (challenge === 'SOFTWARE_TOKEN_MFA') {
      return { ChallengeName: challenge, Session: sessions.open({ kind: challenge, username: user.username, clientId }), ChallengeParameters: { USER_ID_FOR_SRP: user.username } };
    }
    if (challenge === 'MFA_SETUP') {
      return {
        ChallengeName: challenge,
        Session: sessions.open({ kind: challenge, username: user.username, clientId, secret: null, verified: false }),
        ChallengeParameters: { MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA"]', USER_ID_FOR_SRP: user.username },
      };
    }
    return complete(user, clientId);
  }

  async function complete(user: StoredUser, clientId: string): Promise<AuthResponse> {
    return { ChallengeParameters: {}, AuthenticationResult: await tokens.signIn(user, clientId) };
  }

  return {
    assertMaySignIn: function assertMaySignIn(user) {
      if (!user.enabled) throw notAuthorized(COGNITO_ERROR_MESSAGE.USER_DISABLED);
      if (user.status === 'RESET_REQUIRED') throw new CognitoError(COGNITO_ERROR_TYPE.PASSWORD_RESET_REQUIRED, COGNITO_ERROR_MESSAGE.PASSWORD_RESET_REQUIRED);
    },
    afterPassword: async function afterPassword(user, clientId) {
      if (user.status === 'UNCONFIRMED') throw new CognitoError(COGNITO_ERROR_TYPE.USER_NOT_CONFIRMED, COGNITO_ERROR_MESSAGE.USER_NOT_CONFIRMED);
      if (user.status === 'FORCE_CHANGE_PASSWORD') {
        if (user.temporaryPasswordExpiresAt !== null && user.temporaryPasswordExpiresAt <= now()) throw notAuthorized(COGNITO_ERROR_MESSAGE.TEMPORARY_PASSWORD_EXPIRED);
        const { email_verified: _verified, ...shown } = user.attributes;
        return {
          ChallengeName: 'NEW_PASSWORD_REQUIRED',
          Session: sessions.open({ kind: 'NEW_PASSWORD_REQUIRED', username: user.username, clientId }),
          ChallengeParameters: { USER_ID_FOR_SRP: user.username, requiredAttributes: '[]', userAttributes: JSON.stringify(shown) },
        };
      }
      return mfaOrTokens(user, clientId);
    },
    afterNewPassword: (user, clientId) => mfaOrTokens(user, clientId),
    complete,
  };
}
