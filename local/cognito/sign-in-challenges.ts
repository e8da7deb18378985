/**
 * The RespondToAuthChallenge answers that follow a password: NEW_PASSWORD_REQUIRED,
 * SOFTWARE_TOKEN_MFA and MFA_SETUP, each tied to the session its challenge opened.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_RespondToAuthChallenge.html
 */
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, invalidParameter, notAuthorized } from './cognito-error.ts';
import { assertPasswordPolicy } from './pool-settings.ts';
import type { AuthResponse, SignInState } from './sign-in-steps.ts';
import { param, type SignInActionContext } from './sign-in-context.ts';
import { createPasswordVerifier } from './srp.ts';
import { decodeBase32, matchTotpStep } from './totp.ts';
import type { StoredUser } from './user-store.ts';
import { RULE } from './wire.ts';

/** The user a challenge answer is for; the USERNAME sent must name the same user. */
export function challengeUser(ctx: Pick<SignInActionContext, 'store'>, username: string, responses: Readonly<Record<string, string>>): StoredUser {
  const user = ctx.store.getUser(username);
  const named = responses['USERNAME'];
  if (user === null || (named !== undefined && ctx.store.findUser(named)?.username !== user.username)) throw notAuthorized(COGNITO_ERROR_MESSAGE.INCORRECT_CREDENTIALS);
  return user;
}

/** The session's state, if it is the challenge answered and was opened for the same client. */
export function expectKind<K extends SignInState['kind']>(state: SignInState, kind: K, clientId: string): Extract<SignInState, { kind: K }> {
  if (state.kind !== kind || state.clientId !== clientId) throw notAuthorized(COGNITO_ERROR_MESSAGE.INVALID_SESSION);
  return state as Extract<SignInState, { kind: K }>;
}

/** The user's attributes with the `userAttributes.*` responses applied; immutable ones are refused. */
function applyAttributeResponses(ctx: SignInActionContext, user: StoredUser, responses: Readonly<Record<string, string>>): Record<string, string> {
  const attributes: Record<string, string> = { ...user.attributes };
  for (const [name, value] of Object.entries(responses)) {
    if (!name.startsWith('userAttributes.')) continue;
    const attribute = name.slice('userAttributes.'.length);
    if (attribute === 'sub' || attribute === 'email_verified' || (attribute === 'email' && ctx.settings.definition.signInWith === 'email')) {
      throw invalidParameter(`Cannot modify the non-mutable attribute ${attribute}`);
    }
    attributes[attribute] = value;
  }
  return attributes;
}

export async function answerNewPassword(ctx: SignInActionContext, session: string, responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
  const { sessions, store, steps } = ctx;
  const state = expectKind(sessions.peek(session), 'NEW_PASSWORD_REQUIRED', clientId);
  const user = challengeUser(ctx, state.username, responses);
  const password = param(responses, 'NEW_PASSWORD');
  if (password.length > RULE.PASSWORD.max) throw invalidParameter(`NEW_PASSWORD must have length less than or equal to ${RULE.PASSWORD.max}`);
  // Checked before the session is used up, so a rejected password can be corrected and sent again.
  assertPasswordPolicy(ctx.settings.definition.passwordPolicy, password);
  sessions.take(session);
  const attributes = applyAttributeResponses(ctx, user, responses);
  const updated: StoredUser = {
    ...user,
    attributes,
    status: 'CONFIRMED',
    temporaryPasswordExpiresAt: null,
    password: createPasswordVerifier(ctx.poolName, user.username, password),
    updatedAt: ctx.now(),
  };
  store.putUser(updated);
  return steps.afterNewPassword(updated, clientId);
}

export async function answerSoftwareToken(ctx: SignInActionContext, session: string, responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
  const { sessions, store, steps, lockout } = ctx;
  const state = expectKind(sessions.peek(session), 'SOFTWARE_TOKEN_MFA', clientId);
  const user = challengeUser(ctx, state.username, responses);
  const code = param(responses, 'SOFTWARE_TOKEN_MFA_CODE');
  lockout.assertNotLockedOut(user.username);
  const token = user.softwareToken;
  const secret = token === null ? null : decodeBase32(token.secret);
  const step = token === null || secret === null ? null : matchTotpStep(secret, code, ctx.now() / 1000, token.lastStep);
  if (step === null || token === null) {
    // Counts toward the lockout; the session stays, so the user can type the code again.
    lockout.recordFailure(user.username);
    throw new CognitoError(COGNITO_ERROR_TYPE.CODE_MISMATCH, COGNITO_ERROR_MESSAGE.MFA_CODE_MISMATCH);
  }
  sessions.take(session);
  lockout.recordSuccess(user.username);
  const updated: StoredUser = { ...user, softwareToken: { ...token, lastStep: step } };
  store.putUser(updated);
  return steps.complete(updated, clientId);
}

export async function answerMfaSetup(ctx: SignInActionContext, session: string, responses: Readonly<Record<string, string>>, clientId: string): Promise<AuthResponse> {
  const state = expectKind(ctx.sessions.peek(session), 'MFA_SETUP', clientId);
  const user = challengeUser(ctx, state.username, responses);
  if (!state.verified) throw invalidParameter('Software token MFA has not been verified for this session: call AssociateSoftwareToken and VerifySoftwareToken with it first.');
  ctx.sessions.take(session);
  return ctx.steps.complete(user, clientId);
}
