/**
 * Users as the API shows them: `AttributeType` lists (with `sub`) and `UserType`.
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_UserType.html
 */
import type { StoredUser } from './user-store.ts';
import type { AttributeType } from './wire.ts';

export function attributesOf(user: StoredUser): AttributeType[] {
  return [{ Name: 'sub', Value: user.sub }, ...Object.entries(user.attributes).map(([Name, Value]) => ({ Name, Value }))];
}

export interface UserType {
  readonly Username: string;
  readonly Attributes: readonly AttributeType[];
  /** Epoch seconds, as the JSON protocol writes timestamps. */
  readonly UserCreateDate: number;
  readonly UserLastModifiedDate: number;
  readonly Enabled: boolean;
  readonly UserStatus: StoredUser['status'];
}

export function toUserType(user: StoredUser, attributesToGet?: readonly string[]): UserType {
  const all = attributesOf(user);
  return {
    Username: user.username,
    Attributes: attributesToGet === undefined ? all : all.filter((a) => attributesToGet.includes(a.Name)),
    UserCreateDate: user.createdAt / 1000,
    UserLastModifiedDate: user.updatedAt / 1000,
    Enabled: user.enabled,
    UserStatus: user.status,
  };
}

/**
 * GetUser's and AdminGetUser's MFA members: the user's TOTP once verified and enabled, else none (the
 * pool has no SMS MFA, and the deprecated SMS-only `MFAOptions` is never set).
 */
export function mfaSettingsOf(user: StoredUser): { readonly PreferredMfaSetting?: 'SOFTWARE_TOKEN_MFA'; readonly UserMFASettingList?: readonly ['SOFTWARE_TOKEN_MFA'] } {
  const totp = user.softwareToken?.verified === true && user.softwareToken.enabled;
  return totp ? { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } : {};
}

/** A simple e-mail shape check (Cognito: "Invalid email address format."). */
export function isEmailAddress(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}
