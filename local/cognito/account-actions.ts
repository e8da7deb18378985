/**
 * Self-service account actions: SignUp, ConfirmSignUp, ResendConfirmationCode, ForgotPassword,
 * ConfirmForgotPassword, GetUser, GlobalSignOut and RevokeToken.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_SignUp.html (and the
 * pages of the other actions). Codes Cognito would e-mail are written to the server log.
 */
import { randomUUID } from 'node:crypto';
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, invalidParameter, notAuthorized } from './cognito-error.ts';
import { createStoredUser, isNameTaken, readNewUserAttributes } from './new-user.ts';
import { checkCode, createCode, emailDelivery, RESET_CODE_VALIDITY_MS, SIGN_UP_CODE_VALIDITY_MS, type EmailDelivery } from './one-time-codes.ts';
import { assertClientId, assertPasswordPolicy } from './pool-settings.ts';
import type { CognitoAction } from './sign-in.ts';
import { createPasswordVerifier } from './srp.ts';
import { resolveUserActionContext, type UserActionContext, type UserActionDeps } from './user-action-context.ts';
import { attributesOf, isEmailAddress, mfaSettingsOf } from './user-view.ts';
import type { StoredUser } from './user-store.ts';
import { RULE, requiredString, type WireBody } from './wire.ts';

/** ForgotPassword requests allowed per user and hour before LimitExceededException. */
export const MAX_RESET_REQUESTS_PER_HOUR = 5;
/** Attributes a caller may not set. */
const READ_ONLY_ATTRIBUTES = new Set(['sub', 'email_verified', 'phone_number_verified', 'cognito:user_status']);

/** The account actions' dependencies, resolved once by `createAccountActions`. */
interface AccountContext extends UserActionContext {
  /** The app client's PreventUserExistenceErrors. */
  readonly prevent: boolean;
}

function readClient(ctx: AccountContext, body: WireBody): string {
  const { settings } = ctx;
  const clientId = requiredString(body, 'ClientId', RULE.CLIENT_ID);
  assertClientId(settings, clientId);
  return clientId;
}

function userNotFound(): CognitoError {
  return new CognitoError(COGNITO_ERROR_TYPE.USER_NOT_FOUND, COGNITO_ERROR_MESSAGE.USER_NOT_FOUND);
}

function sendSignUpCode(ctx: AccountContext, user: StoredUser): StoredUser {
  const { log, now } = ctx;
  const { code, pending } = createCode(now(), SIGN_UP_CODE_VALIDITY_MS);
  log(`[cognito] confirmation code for ${user.attributes['email'] ?? user.username}: ${code}`);
  return { ...user, confirmationCode: pending };
}

async function signUp(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { settings, store, now, poolName } = ctx;
  readClient(ctx, body);
  if (settings.definition.signUp !== 'self') throw notAuthorized('SignUp is not permitted for this user pool');
  const name = requiredString(body, 'Username', RULE.USERNAME);
  const password = requiredString(body, 'Password', RULE.PASSWORD);
  const { attributes, byEmail } = readNewUserAttributes(settings, body, name, READ_ONLY_ATTRIBUTES);
  if (isNameTaken(store, byEmail, name)) {
    throw new CognitoError(COGNITO_ERROR_TYPE.USERNAME_EXISTS, byEmail ? 'An account with the given email already exists.' : 'User already exists');
  }
  assertPasswordPolicy(settings.definition.passwordPolicy, password);
  const sub = randomUUID();
  const username = byEmail ? sub : name;
  const at = now();
  const confirmed = settings.autoConfirm;
  let user = createStoredUser(
    {
      username,
      sub,
      attributes: { ...attributes, ...(attributes['email'] !== undefined ? { email_verified: String(confirmed) } : {}) },
      status: confirmed ? 'CONFIRMED' : 'UNCONFIRMED',
      password: createPasswordVerifier(poolName, username, password),
      temporaryPasswordExpiresAt: null,
    },
    at,
  );
  if (!confirmed) user = sendSignUpCode(ctx, user);
  store.putUser(user);
  const email = user.attributes['email'];
  return { UserConfirmed: confirmed, UserSub: sub, ...(!confirmed && email !== undefined ? { CodeDeliveryDetails: emailDelivery(email) } : {}) };
}

async function confirmSignUp(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { store, now, prevent } = ctx;
  readClient(ctx, body);
  const name = requiredString(body, 'Username', RULE.USERNAME);
  const code = requiredString(body, 'ConfirmationCode', RULE.CODE);
  const user = store.findUser(name);
  if (user === null) throw prevent ? new CognitoError(COGNITO_ERROR_TYPE.CODE_MISMATCH, COGNITO_ERROR_MESSAGE.CODE_MISMATCH) : userNotFound();
  if (user.status !== 'UNCONFIRMED') throw notAuthorized(`User cannot be confirmed. Current status is ${user.status}`);
  const check = checkCode(user.confirmationCode, code, now());
  if (!check.ok) {
    store.putUser({ ...user, confirmationCode: check.next });
    throw check.error;
  }
  const attributes = user.attributes['email'] === undefined ? user.attributes : { ...user.attributes, email_verified: 'true' };
  store.putUser({ ...user, status: 'CONFIRMED', attributes, confirmationCode: null, updatedAt: now() });
  return {};
}

/**
 * The user a code is asked for, or, for a name no user has and PreventUserExistenceErrors on, the
 * answer to give instead: "a response indicating a code was sent to a simulated destination".
 */
function findCodeRecipient(ctx: AccountContext, body: WireBody): { readonly user: StoredUser } | { readonly user: null; readonly simulated: { CodeDeliveryDetails: EmailDelivery } } {
  const { store, prevent } = ctx;
  readClient(ctx, body);
  const name = requiredString(body, 'Username', RULE.USERNAME);
  const user = store.findUser(name);
  if (user !== null) return { user };
  if (prevent) return { user, simulated: { CodeDeliveryDetails: emailDelivery(isEmailAddress(name) ? name : `${name}@example.com`) } };
  throw userNotFound();
}

async function resendConfirmationCode(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { store } = ctx;
  const found = findCodeRecipient(ctx, body);
  if (found.user === null) return found.simulated;
  const { user } = found;
  if (user.status !== 'UNCONFIRMED') throw invalidParameter('User is already confirmed.');
  store.putUser(sendSignUpCode(ctx, user));
  return { CodeDeliveryDetails: emailDelivery(user.attributes['email'] ?? user.username) };
}

async function forgotPassword(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { store, log, now } = ctx;
  const found = findCodeRecipient(ctx, body);
  if (found.user === null) return found.simulated;
  const { user } = found;
  const email = user.attributes['email'];
  if (email === undefined || user.attributes['email_verified'] !== 'true') {
    throw invalidParameter('Cannot reset password for the user as there is no registered/verified email or phone_number');
  }
  const recent = user.resetRequests.filter((t) => t > now() - 3600 * 1000);
  if (recent.length >= MAX_RESET_REQUESTS_PER_HOUR) throw new CognitoError(COGNITO_ERROR_TYPE.LIMIT_EXCEEDED, COGNITO_ERROR_MESSAGE.ATTEMPT_LIMIT);
  const { code, pending } = createCode(now(), RESET_CODE_VALIDITY_MS);
  log(`[cognito] password reset code for ${email}: ${code}`);
  store.putUser({ ...user, resetCode: pending, resetRequests: [...recent, now()] });
  return { CodeDeliveryDetails: emailDelivery(email) };
}

async function confirmForgotPassword(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { settings, store, now, poolName, prevent } = ctx;
  readClient(ctx, body);
  const name = requiredString(body, 'Username', RULE.USERNAME);
  const code = requiredString(body, 'ConfirmationCode', RULE.CODE);
  const password = requiredString(body, 'Password', RULE.PASSWORD);
  const user = store.findUser(name);
  if (user === null) throw prevent ? new CognitoError(COGNITO_ERROR_TYPE.CODE_MISMATCH, COGNITO_ERROR_MESSAGE.CODE_MISMATCH) : userNotFound();
  const check = checkCode(user.resetCode, code, now());
  if (!check.ok) {
    store.putUser({ ...user, resetCode: check.next });
    throw check.error;
  }
  assertPasswordPolicy(settings.definition.passwordPolicy, password);
  const status = user.status === 'UNCONFIRMED' ? 'UNCONFIRMED' : 'CONFIRMED';
  store.putUser({ ...user, status, password: createPasswordVerifier(poolName, user.username, password), resetCode: null, temporaryPasswordExpiresAt: null, updatedAt: now() });
  return {};
}

async function getUser(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { tokens } = ctx;
  const user = await tokens.verifyAccessToken(requiredString(body, 'AccessToken', RULE.TOKEN));
  return { Username: user.username, UserAttributes: attributesOf(user), ...mfaSettingsOf(user) };
}

async function globalSignOut(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { tokens } = ctx;
  const user = await tokens.verifyAccessToken(requiredString(body, 'AccessToken', RULE.TOKEN));
  tokens.signOutEverywhere(user.username);
  return {};
}

async function revokeToken(ctx: AccountContext, body: WireBody): Promise<unknown> {
  const { tokens } = ctx;
  const token = requiredString(body, 'Token', RULE.TOKEN);
  const clientId = readClient(ctx, body);
  tokens.revokeRefreshToken(token, clientId);
  return {};
}

export function createAccountActions(deps: UserActionDeps): Record<string, CognitoAction> {
  const ctx: AccountContext = { ...resolveUserActionContext(deps), prevent: deps.settings.definition.preventUserExistenceErrors };
  return {
    SignUp: (body) => signUp(ctx, body),
    ConfirmSignUp: (body) => confirmSignUp(ctx, body),
    ResendConfirmationCode: (body) => resendConfirmationCode(ctx, body),
    ForgotPassword: (body) => forgotPassword(ctx, body),
    ConfirmForgotPassword: (body) => confirmForgotPassword(ctx, body),
    GetUser: (body) => getUser(ctx, body),
    GlobalSignOut: (body) => globalSignOut(ctx, body),
    RevokeToken: (body) => revokeToken(ctx, body),
  };
}
