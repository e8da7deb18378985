/**
 * What a signed-in user may do to their own attributes (UpdateUserAttributes, DeleteUserAttributes),
 * and an administrator to anyone's (AdminUpdateUserAttributes, AdminDeleteUserAttributes), for the
 * pool the CDK construct deploys (infra/constructs/asset-user-pool.ts): no custom attributes,
 * every standard attribute optional and mutable, e-mail auto-verified, and no
 * `UserAttributeUpdateSettings` (nothing kept: a changed e-mail address takes effect at once and is
 * unverified until VerifyUserAttribute).
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserAttributeUpdateSettingsType.html
 */
import { invalidParameter } from './cognito-error.ts';
import type { PoolSettings } from './pool-settings.ts';
import { isEmailAddress } from './user-view.ts';

/** Cognito's standard attributes a user may write (OpenID Connect's, less the read-only ones below). */
const STANDARD_ATTRIBUTES: ReadonlySet<string> = new Set([
  'address',
  'birthdate',
  'email',
  'family_name',
  'gender',
  'given_name',
  'locale',
  'middle_name',
  'name',
  'nickname',
  'phone_number',
  'picture',
  'preferred_username',
  'profile',
  'updated_at',
  'website',
  'zoneinfo',
]);

/** Attributes only Cognito sets: the user's id and linked identities. */
const READ_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set(['sub', 'identities']);

/** The flag that says whether a verifiable attribute's value was verified. */
export const VERIFIED_FLAG: Readonly<Record<string, string>> = { email: 'email_verified', phone_number: 'phone_number_verified' };

/**
 * The verification flags. A user changes them only through VerifyUserAttribute; an administrator may
 * write them: "This operation can set a user's email address or phone number as verified [...] set
 * the email_verified or phone_number_verified attribute to true."
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminUpdateUserAttributes.html
 */
export const VERIFICATION_FLAGS: ReadonlySet<string> = new Set(Object.values(VERIFIED_FLAG));

/** Who writes: the user with an access token, or an administrator with IAM credentials. */
export type AttributeWriter = 'user' | 'admin';

/** Attributes the pool sends verification codes for (the construct's `autoVerify: { email: true }`). */
export const AUTO_VERIFIED_ATTRIBUTES: ReadonlySet<string> = new Set(['email']);

/** E.164: a plus sign and up to 15 digits (Cognito: "Invalid phone number format."). */
const PHONE_NUMBER = /^\+[0-9]{4,15}$/;

/** Throws InvalidParameterException for an attribute `writer` may not write or remove. */
export function assertWritable(settings: PoolSettings, name: string, use: 'update' | 'delete', writer: AttributeWriter): void {
  const flag = VERIFICATION_FLAGS.has(name);
  if (READ_ONLY_ATTRIBUTES.has(name) || name.startsWith('cognito:') || (flag && writer === 'user')) throw invalidParameter(`Cannot modify the non-mutable attribute ${name}`);
  if (!STANDARD_ATTRIBUTES.has(name) && !flag) throw invalidParameter('Attribute does not exist in the schema.');
  // In an e-mail sign-in pool the address is the user's sign-in name: it can change, not disappear.
  if (use === 'delete' && name === 'email' && settings.definition.signInWith === 'email') throw invalidParameter('Cannot delete the email attribute: it is the sign-in name of this user pool.');
}

/** Throws InvalidParameterException for a value Cognito refuses for this attribute. */
export function assertAttributeValue(name: string, value: string): void {
  if (name === 'email' && !isEmailAddress(value)) throw invalidParameter('Invalid email address format.');
  if (name === 'phone_number' && !PHONE_NUMBER.test(value)) throw invalidParameter('Invalid phone number format.');
  // Cognito documents the flags' values as "true" and "false" only; the local pool refuses others.
  if (VERIFICATION_FLAGS.has(name) && value !== 'true' && value !== 'false') throw invalidParameter(`${name} must be "true" or "false".`);
}
