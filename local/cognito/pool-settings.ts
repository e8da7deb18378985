/**
 * The local pool's settings: the definition's `userPool` (api/user-pool.ts) plus what only the local
 * host decides: the pool and client ids (from the local issuer), a relaxed MFA for local stages
 * (`--mfa`), and auto-confirmation of sign-ups (`--auto-confirm`).
 */
import { randomInt } from 'node:crypto';
import type { UserPoolDefinition } from '../../api/types.ts';
import { CognitoError, COGNITO_ERROR_TYPE } from './cognito-error.ts';

export interface PoolSettings {
  /** `<region>_<name>`, the last segment of the issuer URL. */
  readonly userPoolId: string;
  readonly region: string;
  /** The `iss` of every token. */
  readonly issuer: string;
  readonly clientId: string;
  readonly definition: UserPoolDefinition;
  /** The MFA rule in force: the definition's, unless the local stage overrides it. */
  readonly mfa: UserPoolDefinition['mfa'];
  /** Sign-ups are confirmed at once instead of waiting for ConfirmSignUp. */
  readonly autoConfirm: boolean;
}

export interface PoolSettingsOptions {
  readonly issuer: string;
  readonly clientId: string;
  /** @default the definition's */
  readonly mfa?: UserPoolDefinition['mfa'] | null;
  /** @default false */
  readonly autoConfirm?: boolean;
}

export function createPoolSettings(definition: UserPoolDefinition, options: PoolSettingsOptions): PoolSettings {
  const userPoolId = options.issuer.replace(/\/+$/, '').split('/').pop() ?? '';
  const [region = ''] = userPoolId.split('_');
  return Object.freeze({
    userPoolId,
    region,
    issuer: options.issuer,
    clientId: options.clientId,
    definition,
    mfa: options.mfa ?? definition.mfa,
    autoConfirm: options.autoConfirm ?? false,
  });
}

/** Cognito's special characters for `requireSymbols`. https://docs.aws.amazon.com/cognito/latest/developerguide/managing-users-passwords.html */
const SYMBOLS = '^$*.[]{}()?"!@#%&/\\,><\':;|_~`=+-';

/**
 * Throws InvalidPasswordException with Cognito's message for the first rule the password breaks,
 * e.g. "Password did not conform with policy: Password not long enough".
 */
export function assertPasswordPolicy(policy: UserPoolDefinition['passwordPolicy'], password: string): void {
  const fail = (reason: string): never => {
    throw new CognitoError(COGNITO_ERROR_TYPE.INVALID_PASSWORD, `Password did not conform with policy: ${reason}`);
  };
  if (password.length < policy.minLength) fail('Password not long enough');
  if (policy.requireLowercase && !/[a-z]/.test(password)) fail('Password must have lowercase characters');
  if (policy.requireUppercase && !/[A-Z]/.test(password)) fail('Password must have uppercase characters');
  if (policy.requireDigits && !/[0-9]/.test(password)) fail('Password must have numeric characters');
  if (policy.requireSymbols && ![...password].some((c) => SYMBOLS.includes(c))) fail('Password must have symbol characters');
  if (/^\s|\s$/.test(password)) fail('Password must not start or end with whitespace');
}

/** A random temporary password that satisfies the policy (what AdminCreateUser makes when none is given). */
export function generateTemporaryPassword(policy: UserPoolDefinition['passwordPolicy']): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!@#%&*-_+='];
  const all = sets.join('');
  const pick = (set: string): string => set[randomInt(set.length)] ?? 'x';
  const chars = sets.map(pick);
  while (chars.length < Math.max(policy.minLength, 16)) chars.push(pick(all));
  for (let i = chars.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [chars[i], chars[j]] = [chars[j] ?? '', chars[i] ?? ''];
  }
  return chars.join('');
}

/** ResourceNotFoundException for another app client, as Cognito answers an unknown ClientId. */
export function assertClientId(settings: PoolSettings, clientId: string): void {
  if (clientId !== settings.clientId) throw new CognitoError(COGNITO_ERROR_TYPE.RESOURCE_NOT_FOUND, `User pool client ${clientId} does not exist.`);
}

/** ResourceNotFoundException for another pool (Admin* actions name the pool). */
export function assertUserPoolId(settings: PoolSettings, userPoolId: string): void {
  if (userPoolId !== settings.userPoolId) throw new CognitoError(COGNITO_ERROR_TYPE.RESOURCE_NOT_FOUND, `User pool ${userPoolId} does not exist.`);
}
