/**
 * Changing a stored user's attributes, as UpdateUserAttributes (the user) and
 * AdminUpdateUserAttributes (an administrator) both do, and removing them, as the two
 * Delete*Attributes actions do: what may be written (user-attributes.ts), the verification flags that
 * follow a changed e-mail address or phone number, the codes sent for them, and the e-mail address's
 * uniqueness in an e-mail sign-in pool (AliasExistsException).
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UpdateUserAttributes.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
 *
 * The administrator differs in three documented ways: a blank value removes the attribute ("To delete
 * an attribute from your user, submit the attribute in your API request with a blank value."); the
 * verification flags may be written, and a flag set to "true" in the same request verifies the new
 * value with no message (its UserAttributes member: "If you set the email_verified or
 * phone_number_verified value [...] to true, Amazon Cognito doesn't send a verification message to
 * your user."); and its Errors list no LimitExceededException, so its codes skip the user's hourly limit.
 */
import { CognitoError, COGNITO_ERROR_MESSAGE, COGNITO_ERROR_TYPE } from './cognito-error.ts';
import { ATTRIBUTE_CODE_VALIDITY_MS, createCode, emailDelivery, type EmailDelivery } from './one-time-codes.ts';
import { assertAttributeValue, assertWritable, AUTO_VERIFIED_ATTRIBUTES, VERIFICATION_FLAGS, VERIFIED_FLAG, type AttributeWriter } from './user-attributes.ts';
import type { UserActionContext } from './user-action-context.ts';
import type { StoredUser } from './user-store.ts';
import type { AttributeType } from './wire.ts';

/** Verification messages per user and hour before LimitExceededException (as ForgotPassword's limit). */
export const MAX_ATTRIBUTE_CODES_PER_HOUR = 5;
const HOUR_MS = 3600 * 1000;

export function withoutKeys<T>(record: Readonly<Record<string, T>>, keys: ReadonlySet<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !keys.has(key)));
}

/** AliasExistsException when another user of an e-mail sign-in pool has this address. */
export function assertEmailFree(ctx: UserActionContext, user: StoredUser, email: string): void {
  const { settings, store } = ctx;
  if (settings.definition.signInWith !== 'email') return;
  const other = store.findUser(email);
  if (other !== null && other.username !== user.username) throw new CognitoError(COGNITO_ERROR_TYPE.ALIAS_EXISTS, 'An account with the given email already exists.');
}

/**
 * A new code for `name` (logged, as Cognito would e-mail it to `value`). A user's requests count
 * against the hourly limit; an administrator's neither count nor are limited.
 */
export function sendAttributeCode(ctx: UserActionContext, user: StoredUser, name: string, value: string, writer: AttributeWriter): StoredUser {
  const { log, now } = ctx;
  const { code, pending } = createCode(now(), ATTRIBUTE_CODE_VALIDITY_MS);
  if (writer === 'admin') {
    log(`[cognito] verification code for ${value}: ${code}`);
    return { ...user, attributeCodes: { ...user.attributeCodes, [name]: pending } };
  }
  const recent = user.attributeCodeRequests.filter((t) => t > now() - HOUR_MS);
  if (recent.length >= MAX_ATTRIBUTE_CODES_PER_HOUR) throw new CognitoError(COGNITO_ERROR_TYPE.LIMIT_EXCEEDED, COGNITO_ERROR_MESSAGE.ATTEMPT_LIMIT);
  log(`[cognito] verification code for ${value}: ${code}`);
  return { ...user, attributeCodes: { ...user.attributeCodes, [name]: pending }, attributeCodeRequests: [...recent, now()] };
}

/** The keys removing `name` takes away: a verifiable attribute takes its verification flag with it. */
function removedWith(name: string): readonly string[] {
  const flag = VERIFIED_FLAG[name];
  return flag === undefined ? [name] : [name, flag];
}

export interface AttributeUpdate {
  /** The user to store (not stored yet: the caller stores it). */
  readonly next: StoredUser;
  /** Where codes went, in the order sent. */
  readonly deliveries: readonly EmailDelivery[];
}

/**
 * Applies `given` to `user`, all or nothing: a refused name or value throws before anything is stored.
 * A changed verifiable value is unverified (unless an administrator sets its flag in the same call)
 * and, for an auto-verified attribute, gets a code; any older code for it no longer verifies it.
 */
export function updateAttributes(ctx: UserActionContext, user: StoredUser, given: readonly AttributeType[], writer: AttributeWriter): AttributeUpdate {
  const { settings, now } = ctx;
  const attributes = new Map(Object.entries(user.attributes));
  const changed = new Set<string>();
  const flagsGiven = new Set<string>();
  for (const { Name, Value } of given) {
    const removing = writer === 'admin' && Value === '';
    assertWritable(settings, Name, removing ? 'delete' : 'update', writer);
    if (removing) {
      for (const key of removedWith(Name)) if (attributes.delete(key)) changed.add(key);
      continue;
    }
    assertAttributeValue(Name, Value);
    if (VERIFICATION_FLAGS.has(Name)) flagsGiven.add(Name);
    // The same value again changes nothing: a verified address stays verified, and no code is sent.
    if (attributes.get(Name) === Value) continue;
    attributes.set(Name, Value);
    changed.add(Name);
  }
  for (const name of changed) {
    const flag = VERIFIED_FLAG[name];
    if (flag !== undefined && attributes.has(name) && !flagsGiven.has(flag)) attributes.set(flag, 'false');
  }
  const email = attributes.get('email');
  if (changed.has('email') && email !== undefined) assertEmailFree(ctx, user, email);
  // A code for a value that has since changed must not verify the new one.
  let next: StoredUser = { ...user, attributes: Object.fromEntries(attributes), attributeCodes: withoutKeys(user.attributeCodes, changed), updatedAt: now() };
  const deliveries: EmailDelivery[] = [];
  for (const name of changed) {
    const value = attributes.get(name);
    const flag = VERIFIED_FLAG[name];
    if (!AUTO_VERIFIED_ATTRIBUTES.has(name) || value === undefined || (flag !== undefined && attributes.get(flag) === 'true')) continue;
    next = sendAttributeCode(ctx, next, name, value, writer);
    deliveries.push(emailDelivery(value));
  }
  return { next, deliveries };
}

/** Removes `names` (checked first, all or nothing) with their verification flags and pending codes. */
export function removeAttributes(ctx: UserActionContext, user: StoredUser, names: readonly string[], writer: AttributeWriter): StoredUser {
  const { settings, now } = ctx;
  for (const name of names) assertWritable(settings, name, 'delete', writer);
  const removed = new Set(names.flatMap(removedWith));
  return { ...user, attributes: withoutKeys(user.attributes, removed), attributeCodes: withoutKeys(user.attributeCodes, removed), updatedAt: now() };
}
