/**
 * What SignUp and AdminCreateUser share: reading the new user's attributes against the pool's
 * sign-in name, and the record of a user who has not signed in yet.
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-usernames
 */
import { invalidParameter } from './cognito-error.ts';
import type { PoolSettings } from './pool-settings.ts';
import { isEmailAddress } from './user-view.ts';
import type { StoredUser, UserStore } from './user-store.ts';
import { attributeList, type WireBody } from './wire.ts';

export interface NewUserAttributes {
  readonly attributes: Record<string, string>;
  /** An e-mail sign-in pool: the name given is the e-mail address, and the username becomes the sub. */
  readonly byEmail: boolean;
}

/** `UserAttributes`, refusing those in `readOnly`, with the e-mail set from `name` in an e-mail sign-in pool. */
export function readNewUserAttributes(settings: PoolSettings, body: WireBody, name: string, readOnly: ReadonlySet<string>): NewUserAttributes {
  const attributes: Record<string, string> = {};
  for (const { Name, Value } of attributeList(body, 'UserAttributes')) {
    if (readOnly.has(Name)) throw invalidParameter(`Cannot modify the non-mutable attribute ${Name}`);
    attributes[Name] = Value;
  }
  const byEmail = settings.definition.signInWith === 'email';
  if (byEmail) {
    if (!isEmailAddress(name)) throw invalidParameter('Username should be an email.');
    attributes['email'] = name;
  }
  if (attributes['email'] !== undefined && !isEmailAddress(attributes['email'])) throw invalidParameter('Invalid email address format.');
  return { attributes, byEmail };
}

/** Whether a user already signs in with `name` (by e-mail address in an e-mail sign-in pool, else by username). */
export function isNameTaken(store: UserStore, byEmail: boolean, name: string): boolean {
  return byEmail ? store.findUser(name) !== null : store.getUser(name) !== null;
}

/** A new user created at `at`: enabled, in no group, with no MFA, code or reset request yet. */
export function createStoredUser(fields: Pick<StoredUser, 'username' | 'sub' | 'attributes' | 'status' | 'password' | 'temporaryPasswordExpiresAt'>, at: number): StoredUser {
  return {
    username: fields.username,
    sub: fields.sub,
    attributes: fields.attributes,
    status: fields.status,
    enabled: true,
    createdAt: at,
    updatedAt: at,
    password: fields.password,
    temporaryPasswordExpiresAt: fields.temporaryPasswordExpiresAt,
    groups: [],
    softwareToken: null,
    pendingSoftwareTokenSecret: null,
    confirmationCode: null,
    resetCode: null,
    resetRequests: [],
    attributeCodes: {},
    attributeCodeRequests: [],
  };
}
