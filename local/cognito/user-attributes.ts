/**
 * What a signed-in user may do to their own attributes (UpdateUserAttributes, DeleteUserAttributes),
 * for the pool the CDK construct deploys (infra/constructs/asset-user-pool.ts): no custom attributes,
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

/**
 * Attributes only Cognito (or an administrator) sets: the user's id, linked identities and the
 * verification flags, which change only through VerifyUserAttribute.
 */
const READ_ONLY_ATTRIBUTES: ReadonlySet<string> = new Set(['sub', 'identities', 'email_verified', 'phone_number_verified']);

/** The flag that says whether a verifiable attribute's value was verified. */
export const VERIFIED_FLAG: Readonly<Record<string, string>> = { email: 'email_verified', phone_number: 'phone_number_verified' };

/** Attributes the pool sends verification codes for (the construct's `autoVerify: { email: true }`). */
export const AUTO_VERIFIED_ATTRIBUTES: ReadonlySet<string> = new Set(['email']);

/** E.164: a plus sign and up to 15 digits (Cognito: "Invalid phone number format."). */
const PHONE_NUMBER = /^\+[0-9]{4,15}$/;

/** Throws InvalidParameterException for an attribute the user may not write or remove. */
export function assertUserWritable(settings: PoolSettings, name: string, use: 'update' | 'delete'): void {
  if (READ_ONLY_ATTRIBUTES.has(name) || name.startsWith('cognito:')) throw invalidParameter(`Cannot modify the non-mutable attribute ${name}`);
  if (!STANDARD_ATTRIBUTES.has(name)) throw invalidParameter('Attribute does not exist in the schema.');
  // In an e-mail sign-in pool the address is the user's sign-in name: it can change, not disappear.
  if (use === 'delete' && name === 'email' && settings.definition.signInWith === 'email') throw invalidParameter('Cannot delete the email attribute: it is the sign-in name of this user pool.');
}

/** Throws InvalidParameterException for a value Cognito refuses for this attribute. */
export function assertAttributeValue(name: string, value: string): void {
  if (name === 'email' && !isEmailAddress(value)) throw invalidParameter('Invalid email address format.');
  if (name === 'phone_number' && !PHONE_NUMBER.test(value)) throw invalidParameter('Invalid phone number format.');
}
