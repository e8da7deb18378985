/**
 * A signed-in user's own attributes, with an access token: UpdateUserAttributes,
 * GetUserAttributeVerificationCode, VerifyUserAttribute and DeleteUserAttributes.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetUserAttributeVerificationCode.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_VerifyUserAttribute.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserAttributes.html
 *
 * As the deployed pool does (no `AttributesRequireVerificationBeforeUpdate`, user-attributes.ts): a
 * new e-mail address replaces the old one at once, `email_verified` becomes false and a code goes to
 * the new address (the server log, locally); VerifyUserAttribute with it sets `email_verified` back.
 * In an e-mail sign-in pool the address is unique: another user's address is AliasExistsException.
 */
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, invalidParameter } from './cognito-error.ts';
import { ATTRIBUTE_CODE_VALIDITY_MS, checkCode, createCode, emailDelivery, type EmailDelivery } from './one-time-codes.ts';
import type { CognitoAction } from './sign-in.ts';
import { assertAttributeValue, assertUserWritable, AUTO_VERIFIED_ATTRIBUTES, VERIFIED_FLAG } from './user-attributes.ts';
import { resolveUserActionContext, type UserActionContext, type UserActionDeps } from './user-action-context.ts';
import type { StoredUser } from './user-store.ts';
import { assertMember, attributeList, requiredString, RULE, stringList, stringMap, type WireBody } from './wire.ts';

/** Verification messages per user and hour before LimitExceededException (as ForgotPassword's limit). */
export const MAX_ATTRIBUTE_CODES_PER_HOUR = 5;
const HOUR_MS = 3600 * 1000;

function withoutKeys<T>(record: Readonly<Record<string, T>>, keys: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));
}

/** AliasExistsException when another user of an e-mail sign-in pool has this address. */
function assertEmailFree(ctx: UserActionContext, user: StoredUser, email: string): void {
  const { settings, store } = ctx;
  if (settings.definition.signInWith !== 'email') return;
  const other = store.findUser(email);
  if (other !== null && other.username !== user.username) throw new CognitoError(COGNITO_ERROR_TYPE.ALIAS_EXISTS, 'An account with the given email already exists.');
}

/** A new code for `name` (logged, as Cognito would e-mail it to `value`), within the hourly limit. */
function sendAttributeCode(ctx: UserActionContext, user: StoredUser, name: string, value: string): StoredUser {
  const { log, now } = ctx;
  const recent = user.attributeCodeRequests.filter((t) => t > now() - HOUR_MS);
  if (recent.length >= MAX_ATTRIBUTE_CODES_PER_HOUR) throw new CognitoError(COGNITO_ERROR_TYPE.LIMIT_EXCEEDED, COGNITO_ERROR_MESSAGE.ATTEMPT_LIMIT);
  const { code, pending } = createCode(now(), ATTRIBUTE_CODE_VALIDITY_MS);
  log(`[cognito] verification code for ${value}: ${code}`);
  return { ...user, attributeCodes: { ...user.attributeCodes, [name]: pending }, attributeCodeRequests: [...recent, now()] };
}

async function updateUserAttributes(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  const { settings, store, tokens, now } = ctx;
  const accessToken = requiredString(body, 'AccessToken', RULE.TOKEN);
  assertMember(body, 'UserAttributes');
  const given = attributeList(body, 'UserAttributes');
  stringMap(body, 'ClientMetadata');
  const user = await tokens.verifyAccessToken(accessToken);
  const attributes: Record<string, string> = { ...user.attributes };
  const changed = new Set<string>();
  for (const { Name, Value } of given) {
    assertUserWritable(settings, Name, 'update');
    assertAttributeValue(Name, Value);
    // The same value again changes nothing: a verified address stays verified, and no code is sent.
    if (attributes[Name] === Value) continue;
    attributes[Name] = Value;
    const flag = VERIFIED_FLAG[Name];
    if (flag !== undefined) attributes[flag] = 'false';
    changed.add(Name);
  }
  const email = attributes['email'];
  if (changed.has('email') && email !== undefined) assertEmailFree(ctx, user, email);
  // A code for a value that has since changed must not verify the new one.
  let next: StoredUser = { ...user, attributes, attributeCodes: withoutKeys(user.attributeCodes, changed), updatedAt: now() };
  const deliveries: EmailDelivery[] = [];
  for (const name of changed) {
    const value = attributes[name];
    if (!AUTO_VERIFIED_ATTRIBUTES.has(name) || value === undefined) continue;
    next = sendAttributeCode(ctx, next, name, value);
    deliveries.push(emailDelivery(value));
  }
  store.putUser(next);
  return deliveries.length === 0 ? {} : { CodeDeliveryDetailsList: deliveries };
}

async function getUserAttributeVerificationCode(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  const { store, tokens } = ctx;
  const accessToken = requiredString(body, 'AccessToken', RULE.TOKEN);
  const name = requiredString(body, 'AttributeName', RULE.ATTRIBUTE_NAME);
  stringMap(body, 'ClientMetadata');
  const user = await tokens.verifyAccessToken(accessToken);
  // The pool sends e-mail only (no SMS configuration), so only the e-mail address gets codes.
  if (!AUTO_VERIFIED_ATTRIBUTES.has(name)) throw invalidParameter(`Cannot send a verification code for ${name}: this user pool verifies email only.`);
  const value = user.attributes[name];
  if (value === undefined) throw invalidParameter(`The user has no ${name} to verify.`);
  store.putUser(sendAttributeCode(ctx, user, name, value));
  return { CodeDeliveryDetails: emailDelivery(value) };
}

async function verifyUserAttribute(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  const { store, tokens, now } = ctx;
  const accessToken = requiredString(body, 'AccessToken', RULE.TOKEN);
  const name = requiredString(body, 'AttributeName', RULE.ATTRIBUTE_NAME);
  const code = requiredString(body, 'Code', RULE.CODE);
  const user = await tokens.verifyAccessToken(accessToken);
  const flag = VERIFIED_FLAG[name];
  const value = user.attributes[name];
  if (flag === undefined || value === undefined) throw invalidParameter(`The user has no ${name} to verify.`);
  const check = checkCode(user.attributeCodes[name] ?? null, code, now());
  if (!check.ok) {
    const others = withoutKeys(user.attributeCodes, new Set([name]));
    store.putUser({ ...user, attributeCodes: check.next === null ? others : { ...others, [name]: check.next } });
    throw check.error;
  }
  if (name === 'email') assertEmailFree(ctx, user, value);
  store.putUser({ ...user, attributes: { ...user.attributes, [flag]: 'true' }, attributeCodes: withoutKeys(user.attributeCodes, new Set([name])), updatedAt: now() });
  return {};
}

async function deleteUserAttributes(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  const { settings, store, tokens, now } = ctx;
  const accessToken = requiredString(body, 'AccessToken', RULE.TOKEN);
  assertMember(body, 'UserAttributeNames');
  const names = stringList(body, 'UserAttributeNames', RULE.ATTRIBUTE_NAME);
  const user = await tokens.verifyAccessToken(accessToken);
  for (const name of names) assertUserWritable(settings, name, 'delete');
  // A verifiable attribute takes its verification flag and any pending code with it.
  const removed = new Set(names.flatMap((name) => [name, VERIFIED_FLAG[name] ?? name]));
  store.putUser({ ...user, attributes: withoutKeys(user.attributes, removed), attributeCodes: withoutKeys(user.attributeCodes, removed), updatedAt: now() });
  return {};
}

export function createAttributeActions(deps: UserActionDeps): Record<string, CognitoAction> {
  const ctx = resolveUserActionContext(deps);
  return {
    UpdateUserAttributes: (body) => updateUserAttributes(ctx, body),
    GetUserAttributeVerificationCode: (body) => getUserAttributeVerificationCode(ctx, body),
    VerifyUserAttribute: (body) => verifyUserAttribute(ctx, body),
    DeleteUserAttributes: (body) => deleteUserAttributes(ctx, body),
  };
}
