/**
 * The user pool's settings as both hosts read them: the definition's `userPool` section, or the
 * defaults below, checked once with errors that name the field and the value (STYLE 2).
 * Ranges are Cognito's: https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_PasswordPolicyType.html
 * and https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html
 */
import { ConfigError } from './config-error.ts';
import type { ApiDefinition, UserPoolDefinition } from './types.ts';

/** Settings of a definition without a `userPool` section: the pool as the stack has always made it. */
export const DEFAULT_USER_POOL: UserPoolDefinition = Object.freeze({
  signUp: 'admin-only',
  signInWith: 'email',
  mfa: 'REQUIRED',
  passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, temporaryPasswordValidityDays: 3 },
  groups: [],
  tokenValidity: { idTokenMinutes: 60, accessTokenMinutes: 60, refreshTokenDays: 30 },
  authFlows: { userSrp: true, userPassword: false, adminUserPassword: true },
  preventUserExistenceErrors: true,
});

/** Cognito group names: 1-128 characters of letters, marks, symbols, numbers and punctuation. */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

function assertInteger(field: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`userPool.${field}: must be an integer ${min}-${max}. Received: ${value}`);
}

function assertOneOf(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== 'string' || !allowed.includes(value)) throw new ConfigError(`userPool.${field}: must be one of ${allowed.join(', ')}. Received: ${JSON.stringify(value)}`);
}

/** Returns the definition's pool settings (or the defaults), throwing a ConfigError for the first problem. */
export function resolveUserPool(api: Pick<ApiDefinition, 'userPool'>): UserPoolDefinition {
  const pool = api.userPool ?? DEFAULT_USER_POOL;
  assertOneOf('signUp', pool.signUp, ['admin-only', 'self']);
  assertOneOf('signInWith', pool.signInWith, ['email', 'username']);
  assertOneOf('mfa', pool.mfa, ['OFF', 'OPTIONAL', 'REQUIRED']);
  // 8, not Cognito's 6: cdk-nag's AwsSolutions-COG1 wants 8 or more, and both hosts read the same value.
  assertInteger('passwordPolicy.minLength', pool.passwordPolicy.minLength, 8, 99);
  assertInteger('passwordPolicy.temporaryPasswordValidityDays', pool.passwordPolicy.temporaryPasswordValidityDays, 1, 365);
  assertInteger('tokenValidity.idTokenMinutes', pool.tokenValidity.idTokenMinutes, 5, 1440);
  assertInteger('tokenValidity.accessTokenMinutes', pool.tokenValidity.accessTokenMinutes, 5, 1440);
  assertInteger('tokenValidity.refreshTokenDays', pool.tokenValidity.refreshTokenDays, 1, 3650);
  const seen = new Set<string>();
  for (const group of pool.groups) {
    if (!GROUP_NAME.test(group)) throw new ConfigError(`userPool.groups: each group is 1-128 letters, digits, symbols or punctuation. Received: ${JSON.stringify(group)}`);
    if (seen.has(group)) throw new ConfigError(`userPool.groups: listed twice. Received: ${group}`);
    seen.add(group);
  }
  if (!pool.authFlows.userSrp && !pool.authFlows.userPassword && !pool.authFlows.adminUserPassword) {
    throw new ConfigError('userPool.authFlows: at least one sign-in flow must be enabled. Received: none');
  }
  return pool;
}
