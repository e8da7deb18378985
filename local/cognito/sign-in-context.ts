/** What the sign-in actions share, and the parameter helpers they all use. */
import type { ChallengeSessions } from './challenge-sessions.ts';
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, invalidParameter, notAuthorized } from './cognito-error.ts';
import type { Lockout } from './lockout.ts';
import type { PoolSettings } from './pool-settings.ts';
import type { SignInState, SignInSteps } from './sign-in-steps.ts';
import type { TokenService } from './token-service.ts';
import type { UserStore } from './user-store.ts';

export interface SignInDeps {
  readonly settings: PoolSettings;
  readonly store: UserStore;
  readonly sessions: ChallengeSessions<SignInState>;
  readonly steps: SignInSteps;
  readonly tokens: TokenService;
  readonly lockout: Lockout;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The sign-in actions' dependencies, resolved once by `createSignInActions`. */
export interface SignInActionContext extends Required<SignInDeps> {
  /** The pool name SRP hashes into verifiers (`poolNameOf(userPoolId)`). */
  readonly poolName: string;
  /** Keys the decoy salts of unknown names, which must not change between attempts, or a second try would tell. */
  readonly decoySecret: Buffer;
}

export function missing(name: string): CognitoError {
  return invalidParameter(`Missing required parameter ${name}`);
}

/** A required, non-empty entry of AuthParameters or ChallengeResponses. */
export function param(params: Readonly<Record<string, string>>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw missing(name);
  return value;
}

/** The error for a name no user has, as the app client's PreventUserExistenceErrors decides. */
export function unknownUser(settings: PoolSettings): CognitoError {
  return settings.definition.preventUserExistenceErrors
    ? notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS)
    : new CognitoError(COGNITO_ERROR_TYPE.USER_NOT_FOUND, COGNITO_ERROR_MESSAGE.USER_NOT_FOUND);
}
