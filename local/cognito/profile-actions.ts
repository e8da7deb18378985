/**
 * What a signed-in user does to their own account with an access token: ChangePassword and DeleteUser.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ChangePassword.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUser.html
 *
 * ChangePassword replaces the SRP salt and verifier, so SRP and USER_PASSWORD_AUTH accept the new
 * password and refuse the old one. Tokens issued before it stay valid until they expire: its
 * reference describes no effect on tokens, and GlobalSignOut is the documented way to end sessions
 * (an app that wants the other sessions ended calls it after the change):
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GlobalSignOut.html
 * DeleteUser removes the user and revokes every refresh token and, through their `origin_jti`, every
 * access token of the user's sign-ins, as AdminDeleteUser does.
 */
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, notAuthorized } from './cognito-error.ts';
import { createLockout, type Lockout } from './lockout.ts';
import { assertPasswordPolicy } from './pool-settings.ts';
import type { CognitoAction } from './sign-in.ts';
import { createPasswordVerifier, passwordMatches } from './srp.ts';
import { resolveUserActionContext, type UserActionContext, type UserActionDeps } from './user-action-context.ts';
import { requiredString, RULE, type WireBody } from './wire.ts';

/** The profile actions' dependencies, resolved once by `createProfileActions`. */
interface ProfileContext extends UserActionContext {
  /**
   * Wrong previous passwords per user. Cognito lists LimitExceededException for ChangePassword; the
   * local pool answers it once the sign-in lockout's rule (five failures, then doubling waits) locks
   * the user's ChangePassword attempts, which are counted apart from sign-in failures.
   */
  readonly changeAttempts: Lockout;
}

async function changePassword(ctx: ProfileContext, body: WireBody): Promise<unknown> {
  const { settings, store, tokens, now, poolName, changeAttempts } = ctx;
  const accessToken = requiredString(body, 'AccessToken', RULE.TOKEN);
  // Required of every local user: they all have a password (no passwordless sign-in locally).
  const previous = requiredString(body, 'PreviousPassword', RULE.PASSWORD);
  const proposed = requiredString(body, 'ProposedPassword', RULE.PASSWORD);
  const user = await tokens.verifyAccessToken(accessToken);
  if (changeAttempts.isLockedOut(user.username)) throw new CognitoError(COGNITO_ERROR_TYPE.LIMIT_EXCEEDED, COGNITO_ERROR_MESSAGE.ATTEMPT_LIMIT);
  if (!passwordMatches(poolName, user.username, previous, user.password)) {
    changeAttempts.recordFailure(user.username);
    throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
  }
  changeAttempts.recordSuccess(user.username);
  assertPasswordPolicy(settings.definition.passwordPolicy, proposed);
  store.putUser({ ...user, password: createPasswordVerifier(poolName, user.username, proposed), updatedAt: now() });
  return {};
}

async function deleteUser(ctx: ProfileContext, body: WireBody): Promise<unknown> {
  const { store, tokens } = ctx;
  const user = await tokens.verifyAccessToken(requiredString(body, 'AccessToken', RULE.TOKEN));
  tokens.signOutEverywhere(user.username);
  store.deleteUser(user.username);
  return {};
}

export function createProfileActions(deps: UserActionDeps): Record<string, CognitoAction> {
  const resolved = resolveUserActionContext(deps);
  const ctx: ProfileContext = { ...resolved, changeAttempts: createLockout({ now: resolved.now }) };
  return {
    ChangePassword: (body) => changePassword(ctx, body),
    DeleteUser: (body) => deleteUser(ctx, body),
  };
}
