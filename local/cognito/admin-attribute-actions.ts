/**
 * What a backend reads and changes about any user with IAM credentials (handler.ts checks the SigV4
 * signature first): AdminGetUser, AdminUpdateUserAttributes and AdminDeleteUserAttributes.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminGetUser.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminDeleteUserAttributes.html
 *
 * The attribute rules are the self-service ones (attribute-changes.ts, user-attributes.ts) with the
 * administrator's documented extras: the verification flags may be written, `email_verified: "true"`
 * beside a new address verifies it with no message, and a blank value removes an attribute. A new
 * address without its flag is unverified and gets a code in the log, as UpdateUserAttributes does.
 * Both update actions answer an empty body: "If the action is successful, the service sends back an
 * HTTP 200 response with an empty HTTP body."
 */
import { existingUser, readPool } from './admin-actions.ts';
import { removeAttributes, updateAttributes } from './attribute-changes.ts';
import type { CognitoAction } from './sign-in.ts';
import { resolveUserActionContext, type UserActionContext, type UserActionDeps } from './user-action-context.ts';
import { attributesOf, mfaSettingsOf } from './user-view.ts';
import { assertMember, attributeList, RULE, stringList, stringMap, type WireBody } from './wire.ts';

async function adminGetUser(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  readPool(ctx, body);
  const user = existingUser(ctx, body);
  return {
    Username: user.username,
    UserAttributes: attributesOf(user),
    // Epoch seconds, as the JSON protocol writes timestamps (and as ListUsers' UserType does).
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
    ...mfaSettingsOf(user),
  };
}

async function adminUpdateUserAttributes(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  const { store } = ctx;
  readPool(ctx, body);
  assertMember(body, 'UserAttributes');
  const given = attributeList(body, 'UserAttributes');
  stringMap(body, 'ClientMetadata');
  const user = existingUser(ctx, body);
  store.putUser(updateAttributes(ctx, user, given, 'admin').next);
  return {};
}

async function adminDeleteUserAttributes(ctx: UserActionContext, body: WireBody): Promise<unknown> {
  const { store } = ctx;
  readPool(ctx, body);
  assertMember(body, 'UserAttributeNames');
  const names = stringList(body, 'UserAttributeNames', RULE.ATTRIBUTE_NAME);
  const user = existingUser(ctx, body);
  store.putUser(removeAttributes(ctx, user, names, 'admin'));
  return {};
}

export function createAdminAttributeActions(deps: UserActionDeps): Record<string, CognitoAction> {
  const ctx = resolveUserActionContext(deps);
  return {
    AdminGetUser: (body) => adminGetUser(ctx, body),
    AdminUpdateUserAttributes: (body) => adminUpdateUserAttributes(ctx, body),
    AdminDeleteUserAttributes: (body) => adminDeleteUserAttributes(ctx, body),
  };
}
