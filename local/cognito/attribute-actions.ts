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
 * The changes themselves are attribute-changes.ts, shared with the admin actions.
 */
import { invalidParameter } from './cognito-error.ts';
import { assertEmailFree, removeAttributes, sendAttributeCode, updateAttributes, withoutKeys } from './attribute-changes.ts';
import { checkCode, emailDelivery } from './one-time-codes.ts';
import type { CognitoAction } from './sign-in.ts';
import { AUTO_VERIFIED_ATTRIBUTES, VERIFIED_FLAG } from './user-attributes.ts';
import { resolveUserActionContext, type UserActionContext, type UserActionDeps } from './user-action-context.ts';
import { assertMember, attributeList, requiredString, RULE, stringList, stringMap, type WireBody } from './wire.ts';

async function updateUserAttributes(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  const { store, tokens } = ctx;
  const accessToken = requiredString(body, 'AccessToken', RULE.TOKEN);
  assertMember(body, 'UserAttributes');
  const given = attributeList(body, 'UserAttributes');
  stringMap(body, 'ClientMetadata');
  const user = await tokens.verifyAccessToken(accessToken);
  const { next, deliveries } = updateAttributes(ctx, user, given, 'user');
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
  store.putUser(sendAttributeCode(ctx, user, name, value, 'user'));
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
  const { store, tokens } = ctx;
  const accessToken = requiredString(body, 'AccessToken', RULE.TOKEN);
  assertMember(body, 'UserAttributeNames');
  const names = stringList(body, 'UserAttributeNames', RULE.ATTRIBUTE_NAME);
  const user = await tokens.verifyAccessToken(accessToken);
  store.putUser(removeAttributes(ctx, user, names, 'user'));
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
