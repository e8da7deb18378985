/**
 * The Cognito user pool behind the AMAZON_COGNITO_USER_POOLS auth mode, and one public (secret-less)
 * client for browsers. Its rules come from the definition's `userPool` section (api/user-pool.ts),
 * the same settings `npm start`'s local pool follows: who may sign up, the sign-in name, MFA (TOTP
 * only), the password policy, the groups, the client's flows and token lifetimes. As defined today:
 * users are created by an administrator, sign in with e-mail and must use a TOTP second factor. The
 * pool is on the Plus feature plan so threat protection can watch sign-ins.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ConfigError } from '../../api/config-error.ts';
import type { UserPoolDefinition } from '../../api/types.ts';
import { DEFAULT_USER_POOL, resolveUserPool } from '../../api/user-pool.ts';

export interface AssetUserPoolProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * ENFORCED blocks risky sign-ins; AUDIT only records them (useful while test users sign in from
   * unusual places). @default 'ENFORCED'
   */
  readonly threatProtection?: 'ENFORCED' | 'AUDIT';
  /** Minimum password length (Cognito allows 6-99; cdk-nag's AwsSolutions-COG1 wants 8+). @default settings.passwordPolicy.minLength */
  readonly minPasswordLength?: number;
  /** The pool's rules (the definition's `userPool`). @default DEFAULT_USER_POOL */
  readonly settings?: UserPoolDefinition;
}

const MFA: Readonly<Record<UserPoolDefinition['mfa'], cognito.Mfa>> = { OFF: cognito.Mfa.OFF, OPTIONAL: cognito.Mfa.OPTIONAL, REQUIRED: cognito.Mfa.REQUIRED };

export class AssetUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;
  /** One per `settings.groups`, by name. */
  readonly groups: ReadonlyMap<string, cognito.CfnUserPoolGroup>;

  constructor(scope: Construct, id: string, props: AssetUserPoolProps = {}) {
    super(scope, id);
    const settings = resolveUserPool({ userPool: props.settings ?? DEFAULT_USER_POOL });
    const policy = settings.passwordPolicy;
    const minLength = props.minPasswordLength ?? policy.minLength;
    if (!Number.isInteger(minLength) || minLength < 8 || minLength > 99) throw new ConfigError(`minPasswordLength: must be an integer 8-99. Received: ${minLength}`);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: settings.signUp === 'self',
      signInAliases: settings.signInWith === 'email' ? { email: true } : { username: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength,
        requireLowercase: policy.requireLowercase,
        requireUppercase: policy.requireUppercase,
        requireDigits: policy.requireDigits,
        requireSymbols: policy.requireSymbols,
        tempPasswordValidity: Duration.days(policy.temporaryPasswordValidityDays),
      },
      // TOTP only: SMS would need an SNS role and a spend limit, and is the weaker factor.
      mfa: MFA[settings.mfa],
      ...(settings.mfa === 'OFF' ? {} : { mfaSecondFactor: { otp: true, sms: false } }),
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode:
        (props.threatProtection ?? 'ENFORCED') === 'ENFORCED'
          ? cognito.StandardThreatProtectionMode.FULL_FUNCTION
          : cognito.StandardThreatProtectionMode.AUDIT_ONLY,
      deletionProtection: removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy,
    });

    this.client = this.userPool.addClient('WebClient', {
      generateSecret: false,
      // Browsers sign in with SRP. ADMIN_USER_PASSWORD_AUTH is for server-side callers only: it is
      // reachable solely through AdminInitiateAuth, which needs IAM credentials allowed
      // `cognito-idp:AdminInitiateAuth` on this pool, so it opens nothing to the public client. The
      // contract suite's AWS target signs its test users in with it (docs/contract-suite-aws.md).
      // https://docs.aws.amazon.com/cognito/latest/developerguide/amazon-cognito-user-pools-authentication-flow-methods.html
      authFlows: { userSrp: settings.authFlows.userSrp, userPassword: settings.authFlows.userPassword, adminUserPassword: settings.authFlows.adminUserPassword },
      preventUserExistenceErrors: settings.preventUserExistenceErrors,
      // No hosted UI or OAuth flows: apps sign in through the user-pool API. Without this CDK would
      // enable the implicit and code grants with an example.com callback URL.
      // https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-client-apps.html
      disableOAuth: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.minutes(settings.tokenValidity.accessTokenMinutes),
      idTokenValidity: Duration.minutes(settings.tokenValidity.idTokenMinutes),
      refreshTokenValidity: Duration.days(settings.tokenValidity.refreshTokenDays),
    });

    const groups = new Map<string, cognito.CfnUserPoolGroup>();
    for (const groupName of settings.groups) {
      // Named after the group, so adding or reordering groups never replaces another one.
      groups.set(groupName, new cognito.CfnUserPoolGroup(this, `Group-${groupName.replaceAll('/', '-')}`, { userPoolId: this.userPool.userPoolId, groupName }));
    }
    this.groups = groups;
  }
}
