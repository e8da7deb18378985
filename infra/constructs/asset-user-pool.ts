/**
 * The Cognito user pool behind the AMAZON_COGNITO_USER_POOLS auth mode, and one public (secret-less)
 * client for browsers (SRP; plus the IAM-only admin password flow for server-side callers). Users
 * are created by an administrator, sign in with e-mail, and must use a TOTP second factor; the pool is on the Plus feature plan so threat protection can watch sign-ins.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ConfigError } from '../../api/config-error.ts';

export interface AssetUserPoolProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * ENFORCED blocks risky sign-ins; AUDIT only records them (useful while test users sign in from
   * unusual places). @default 'ENFORCED'
   */
  readonly threatProtection?: 'ENFORCED' | 'AUDIT';
  /** Minimum password length (Cognito allows 6-99; cdk-nag's AwsSolutions-COG1 wants 8+). @default 12 */
  readonly minPasswordLength?: number;
}

export class AssetUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: AssetUserPoolProps = {}) {
    super(scope, id);
    const minLength = props.minPasswordLength ?? 12;
    if (!Number.isInteger(minLength) || minLength < 8 || minLength > 99) throw new ConfigError(`minPasswordLength: must be an integer 8-99. Received: ${minLength}`);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      passwordPolicy: {
        minLength,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      // TOTP only: SMS would need an SNS role and a spend limit, and is the weaker factor.
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
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
      authFlows: { userSrp: true, adminUserPassword: true },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
    });
  }
}
