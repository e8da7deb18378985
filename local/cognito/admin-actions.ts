/**
 * Administrator actions (IAM-signed; handler.ts checks the SigV4 signature first): AdminCreateUser,
 * AdminSetUserPassword, AdminResetUserPassword, AdminDeleteUser, AdminAddUserToGroup and ListUsers
 * (AdminGetUser and the attribute actions are admin-attribute-actions.ts).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_ListUsers.html
 * (and the pages of the other actions). Admin actions always say when a user does not exist.
 */
import { randomUUID } from 'node:crypto';
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE, invalidParameter } from './cognito-error.ts';
import { createStoredUser, isNameTaken, readNewUserAttributes } from './new-user.ts';
import { createCode, RESET_CODE_VALIDITY_MS } from './one-time-codes.ts';
import { assertPasswordPolicy, assertUserPoolId, generateTemporaryPassword, type PoolSettings } from './pool-settings.ts';
import type { CognitoAction } from './sign-in.ts';
import { createPasswordVerifier } from './srp.ts';
import { resolveUserActionContext, type UserActionContext, type UserActionDeps } from './user-action-context.ts';
import { toUserType } from './user-view.ts';
import type { StoredUser } from './user-store.ts';
import { optionalBoolean, optionalInteger, optionalString, requiredString, RULE, type WireBody } from './wire.ts';

/** The only attribute AdminCreateUser may not set. */
const READ_ONLY_ATTRIBUTES = new Set(['sub']);

/** ListUsers filter attributes and what they read. https://docs.aws.amazon.com/cognito/latest/developerguide/how-to-manage-user-accounts.html#cognito-user-pools-searching-for-users-using-listusers-api */
const FILTER_ATTRIBUTES: Readonly<Record<string, (user: StoredUser) => string | undefined>> = {
  username: (u) => u.username,
  email: (u) => u.attributes['email'],
  sub: (u) => u.sub,
  name: (u) => u.attributes['name'],
  given_name: (u) => u.attributes['given_name'],
  family_name: (u) => u.attributes['family_name'],
  preferred_username: (u) => u.attributes['preferred_username'],
  'cognito:user_status': (u) => u.status,
  status: (u) => (u.enabled ? 'Enabled' : 'Disabled'),
};

function parseFilter(filter: string): ((user: StoredUser) => boolean) | null {
  if (filter.trim() === '') return null;
  const m = /^\s*([\w:]+)\s*(=|\^=)\s*"((?:[^"\\]|\\.)*)"\s*$/.exec(filter);
  const read = m === null ? undefined : FILTER_ATTRIBUTES[m[1] ?? ''];
  if (m === null || read === undefined) throw invalidParameter(`Invalid search filter: ${filter} (the local pool supports attribute = "value" and attribute ^= "value" for ${Object.keys(FILTER_ATTRIBUTES).join(', ')})`);
  const value = (m[3] ?? '').replace(/\\(.)/g, '$1');
  return m[2] === '=' ? (user) => read(user) === value : (user) => (read(user) ?? '').startsWith(value);
}

/** The admin actions' dependencies, resolved once by `createAdminActions`. */
interface AdminContext extends UserActionContext {
  readonly policy: PoolSettings['definition']['passwordPolicy'];
}

/** Checks `UserPoolId` against the pool. */
export function readPool(ctx: UserActionContext, body: WireBody): void {
  const { settings } = ctx;
  assertUserPoolId(settings, requiredString(body, 'UserPoolId', RULE.USER_POOL_ID));
}

/** The user `Username` names (username, sub or e-mail address), or UserNotFoundException. */
export function existingUser(ctx: UserActionContext, body: WireBody): StoredUser {
  const { store } = ctx;
  const user = store.findUser(requiredString(body, 'Username', RULE.USERNAME));
  if (user === null) throw new CognitoError(COGNITO_ERROR_TYPE.USER_NOT_FOUND, COGNITO_ERROR_MESSAGE.USER_NOT_FOUND);
  return user;
}

function temporaryPasswordExpiry(ctx: AdminContext): number {
  const { now, policy } = ctx;
  return now() + policy.temporaryPasswordValidityDays * 24 * 3600 * 1000;
}

async function adminCreateUser(ctx: AdminContext, body: WireBody): Promise<unknown> {
  const { settings, store, log, now, poolName, policy } = ctx;
  readPool(ctx, body);
  const name = requiredString(body, 'Username', RULE.USERNAME);
  const given = optionalString(body, 'TemporaryPassword', RULE.PASSWORD);
  const action = optionalString(body, 'MessageAction', { max: 16, pattern: /^(RESEND|SUPPRESS)$/ });
  if (action === 'RESEND') throw invalidParameter('MessageAction RESEND is not supported by the local user pool; use AdminSetUserPassword.');
  const { attributes, byEmail } = readNewUserAttributes(settings, body, name, READ_ONLY_ATTRIBUTES);
  if (isNameTaken(store, byEmail, name)) throw new CognitoError(COGNITO_ERROR_TYPE.USERNAME_EXISTS, 'User account already exists');
  if (given !== undefined) assertPasswordPolicy(policy, given);
  const password = given ?? generateTemporaryPassword(policy);
  const sub = randomUUID();
  const username = byEmail ? sub : name;
  const at = now();
  const user = createStoredUser(
    {
      username,
      sub,
      attributes,
      status: 'FORCE_CHANGE_PASSWORD',
      password: createPasswordVerifier(poolName, username, password),
      temporaryPasswordExpiresAt: temporaryPasswordExpiry(ctx),
    },
    at,
  );
  store.putUser(user);
  // Cognito e-mails the invitation; the local pool logs it (MessageAction SUPPRESS: no message).
  if (action !== 'SUPPRESS') log(`[cognito] invitation for ${attributes['email'] ?? name}: temporary password ${password}`);
  return { User: toUserType(user) };
}

async function adminSetUserPassword(ctx: AdminContext, body: WireBody): Promise<unknown> {
  const { store, now, poolName, policy } = ctx;
  readPool(ctx, body);
  const user = existingUser(ctx, body);
  const password = requiredString(body, 'Password', RULE.PASSWORD);
  const permanent = optionalBoolean(body, 'Permanent') ?? false;
  assertPasswordPolicy(policy, password);
  store.putUser({
    ...user,
    password: createPasswordVerifier(poolName, user.username, password),
    status: permanent ? 'CONFIRMED' : 'FORCE_CHANGE_PASSWORD',
    temporaryPasswordExpiresAt: permanent ? null : temporaryPasswordExpiry(ctx),
    updatedAt: now(),
  });
  return {};
}

async function adminResetUserPassword(ctx: AdminContext, body: WireBody): Promise<unknown> {
  const { store, log, now } = ctx;
  readPool(ctx, body);
  const user = existingUser(ctx, body);
  const { code, pending } = createCode(now(), RESET_CODE_VALIDITY_MS);
  log(`[cognito] password reset code for ${user.attributes['email'] ?? user.username}: ${code}`);
  store.putUser({ ...user, status: 'RESET_REQUIRED', resetCode: pending, updatedAt: now() });
  return {};
}

async function adminDeleteUser(ctx: AdminContext, body: WireBody): Promise<unknown> {
  const { store, tokens } = ctx;
  readPool(ctx, body);
  const user = existingUser(ctx, body);
  tokens.signOutEverywhere(user.username);
  store.deleteUser(user.username);
  return {};
}

async function adminAddUserToGroup(ctx: AdminContext, body: WireBody): Promise<unknown> {
  const { settings, store, now } = ctx;
  readPool(ctx, body);
  const user = existingUser(ctx, body);
  const group = requiredString(body, 'GroupName', RULE.GROUP_NAME);
  if (!settings.definition.groups.includes(group)) throw new CognitoError(COGNITO_ERROR_TYPE.RESOURCE_NOT_FOUND, 'Group not found.');
  if (!user.groups.includes(group)) store.putUser({ ...user, groups: [...user.groups, group], updatedAt: now() });
  return {};
}

async function listUsers(ctx: AdminContext, body: WireBody): Promise<unknown> {
  const { store } = ctx;
  readPool(ctx, body);
  const limit = optionalInteger(body, 'Limit', 0, 60) ?? 60;
  const token = optionalString(body, 'PaginationToken', RULE.PAGINATION_TOKEN);
  const filter = parseFilter(optionalString(body, 'Filter', RULE.FILTER) ?? '');
  const value = body['AttributesToGet'];
  if (value !== undefined && value !== null && (!Array.isArray(value) || !value.every((v: unknown) => typeof v === 'string'))) {
    throw new CognitoError(COGNITO_ERROR_TYPE.SERIALIZATION, 'AttributesToGet: expected an array of strings.');
  }
  const attributesToGet = Array.isArray(value) ? (value as string[]) : undefined;
  const start = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString('utf8'), 10);
  if (!Number.isSafeInteger(start) || start < 0) throw invalidParameter('Invalid PaginationToken.');
  const matching = store
    .listUsers()
    .filter((u) => filter === null || filter(u))
    .sort((a, b) => a.createdAt - b.createdAt || a.username.localeCompare(b.username));
  const page = matching.slice(start, start + (limit === 0 ? 60 : limit));
  const next = start + page.length;
  return { Users: page.map((u) => toUserType(u, attributesToGet)), ...(next < matching.length ? { PaginationToken: Buffer.from(String(next)).toString('base64url') } : {}) };
}

export function createAdminActions(deps: UserActionDeps): Record<string, CognitoAction> {
  const ctx: AdminContext = { ...resolveUserActionContext(deps), policy: deps.settings.definition.passwordPolicy };
  return {
    AdminCreateUser: (body) => adminCreateUser(ctx, body),
    AdminSetUserPassword: (body) => adminSetUserPassword(ctx, body),
    AdminResetUserPassword: (body) => adminResetUserPassword(ctx, body),
    AdminDeleteUser: (body) => adminDeleteUser(ctx, body),
    AdminAddUserToGroup: (body) => adminAddUserToGroup(ctx, body),
    ListUsers: (body) => listUsers(ctx, body),
  };
}
