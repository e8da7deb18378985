/**
 * The CDK user pool follows the definition's `userPool` settings, the same ones the local pool of
 * `npm start` enforces (api/user-pool.ts): sign-up, sign-in name, MFA, password policy, groups, the
 * client's flows, user-existence errors and token lifetimes.
 */
import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { api } from '../../api/definition.ts';
import { isConfigError } from '../../api/config-error.ts';
import type { UserPoolDefinition } from '../../api/types.ts';
import { DEFAULT_USER_POOL, resolveUserPool } from '../../api/user-pool.ts';
import { AssetUserPool } from '../../infra/constructs/asset-user-pool.ts';

function templateFor(settings: UserPoolDefinition): Template {
  // GIVEN a stack with only the user pool, WHEN it is synthesized
  const stack = new Stack();
  new AssetUserPool(stack, 'Users', { settings });
  return Template.fromStack(stack);
}

describe('cdk: user pool from the definition', () => {
  it('makes the defined pool: admin-only, e-mail sign-in, TOTP required, the policy, the groups and the client flows', () => {
    const template = templateFor(resolveUserPool(api));
    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UsernameAttributes: ['email'],
      MfaConfiguration: 'ON',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: {
        PasswordPolicy: { MinimumLength: 12, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true, TemporaryPasswordValidityDays: 3 },
      },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_ADMIN_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 43200,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
    });
    // No OAuth grants or callback URLs: apps sign in through the user-pool API only.
    const [client] = Object.values(template.findResources('AWS::Cognito::UserPoolClient'));
    const clientProperties = (client?.['Properties'] ?? {}) as Record<string, unknown>;
    expect(clientProperties['AllowedOAuthFlowsUserPoolClient']).not.toBe(true);
    expect(clientProperties['AllowedOAuthFlows']).toBeUndefined();
    expect(clientProperties['CallbackURLs']).toBeUndefined();
    const groups = template.findResources('AWS::Cognito::UserPoolGroup');
    expect(Object.values(groups).map((g) => (g['Properties'] as Record<string, unknown>)['GroupName'])).toEqual(api.userPool.groups);
  });

  it('follows other settings: self sign-up, usernames, optional MFA, USER_PASSWORD_AUTH, legacy errors, other lifetimes', () => {
    const template = templateFor({
      ...DEFAULT_USER_POOL,
      signUp: 'self',
      signInWith: 'username',
      mfa: 'OPTIONAL',
      passwordPolicy: { ...DEFAULT_USER_POOL.passwordPolicy, minLength: 10, requireSymbols: false },
      authFlows: { userSrp: true, userPassword: true, adminUserPassword: false },
      preventUserExistenceErrors: false,
      tokenValidity: { idTokenMinutes: 5, accessTokenMinutes: 15, refreshTokenDays: 1 },
    });
    // THEN
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: false },
      UsernameAttributes: Match.absent(),
      MfaConfiguration: 'OPTIONAL',
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 10, RequireSymbols: false }) },
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'],
      PreventUserExistenceErrors: 'LEGACY',
      AccessTokenValidity: 15,
      IdTokenValidity: 5,
      RefreshTokenValidity: 1440,
    });
    template.resourceCountIs('AWS::Cognito::UserPoolGroup', 0);
  });

  it('refuses settings Cognito (or cdk-nag) would, naming the field and the value', () => {
    const refusal = (settings: UserPoolDefinition): string => {
      try {
        resolveUserPool({ userPool: settings });
      } catch (e) {
        return isConfigError(e) ? e.message : `not a ConfigError: ${String(e)}`;
      }
      return 'accepted';
    };
    expect([
      refusal({ ...DEFAULT_USER_POOL, passwordPolicy: { ...DEFAULT_USER_POOL.passwordPolicy, minLength: 6 } }),
      refusal({ ...DEFAULT_USER_POOL, tokenValidity: { ...DEFAULT_USER_POOL.tokenValidity, accessTokenMinutes: 2 } }),
      refusal({ ...DEFAULT_USER_POOL, groups: ['admin', 'admin'] }),
      refusal({ ...DEFAULT_USER_POOL, authFlows: { userSrp: false, userPassword: false, adminUserPassword: false } }),
    ]).toEqual([
      'userPool.passwordPolicy.minLength: must be an integer 8-99. Received: 6',
      'userPool.tokenValidity.accessTokenMinutes: must be an integer 5-1440. Received: 2',
      'userPool.groups: listed twice. Received: admin',
      'userPool.authFlows: at least one sign-in flow must be enabled. Received: none',
    ]);
  });
});
