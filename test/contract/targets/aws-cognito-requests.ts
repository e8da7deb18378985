/**
 * The Cognito Identity Provider requests the AWS target sends, built as plain SDK Command inputs so
 * CI can check them whole without calling AWS. The sequence (create, set a permanent password, sign
 * in with ADMIN_USER_PASSWORD_AUTH, set up TOTP when the pool requires MFA, delete) follows:
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminCreateUser.html
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AdminRespondToAuthChallenge.html
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-mfa-totp.html
 */
import type {
  AdminCreateUserCommandInput,
  AdminDeleteUserCommandInput,
  AdminInitiateAuthCommandInput,
  AdminRespondToAuthChallengeCommandInput,
  AdminSetUserPasswordCommandInput,
  AssociateSoftwareTokenCommandInput,
  VerifySoftwareTokenCommandInput,
} from '@aws-sdk/client-cognito-identity-provider';

/** The pool and app client the requests go to. */
export interface CognitoPool {
  readonly userPoolId: string;
  readonly clientId: string;
}

/** A test user's sign-in name (an e-mail address: the pool signs in with e-mail) and password. */
export interface TestUserIdentity {
  readonly username: string;
  readonly password: string;
}

/** Marks every user the suite creates, so a left-over one is easy to find and delete. */
export const TEST_USER_PREFIX = 'asset-api-contract';

/** Names the TOTP device Cognito records for the user. */
export const TOTP_DEVICE_NAME = 'asset-api-contract-suite';

/**
 * A unique test user. `randomHex` supplies entropy (`randomBytes(n).toString('hex')` in the target).
 * The address is in `example.com` (reserved, RFC 2606) and no message is ever sent to it
 * (MessageAction SUPPRESS). The password meets the pool's policy (12+ characters with lower and
 * upper case, digits and a symbol) whatever the random part holds.
 */
export function createTestUserIdentity(name: string, randomHex: (bytes: number) => string): TestUserIdentity {
  return {
    username: `${TEST_USER_PREFIX}-${name}-${randomHex(8)}@example.com`,
    password: `${randomHex(16)}Aa1!`,
  };
}

/** Creates the user without an invitation message and with a verified address. */
export function adminCreateUserInput(pool: CognitoPool, user: TestUserIdentity): AdminCreateUserCommandInput {
  return {
    UserPoolId: pool.userPoolId,
    Username: user.username,
    MessageAction: 'SUPPRESS',
    UserAttributes: [
      { Name: 'email', Value: user.username },
      { Name: 'email_verified', Value: 'true' },
    ],
  };
}

/** A permanent password, so sign-in does not answer NEW_PASSWORD_REQUIRED. */
export function adminSetUserPasswordInput(pool: CognitoPool, user: TestUserIdentity): AdminSetUserPasswordCommandInput {
  return { UserPoolId: pool.userPoolId, Username: user.username, Password: user.password, Permanent: true };
}

/** Server-side password sign-in (needs ALLOW_ADMIN_USER_PASSWORD_AUTH on the app client and IAM credentials). */
export function adminInitiateAuthInput(pool: CognitoPool, user: TestUserIdentity): AdminInitiateAuthCommandInput {
  return {
    UserPoolId: pool.userPoolId,
    ClientId: pool.clientId,
    AuthFlow: 'ADMIN_USER_PASSWORD_AUTH',
    AuthParameters: { USERNAME: user.username, PASSWORD: user.password },
  };
}

/** MFA_SETUP, step 1: ask for a TOTP secret with the sign-in session. */
export function associateSoftwareTokenInput(session: string): AssociateSoftwareTokenCommandInput {
  return { Session: session };
}

/** MFA_SETUP, step 2: prove the secret with a current code (the session is AssociateSoftwareToken's). */
export function verifySoftwareTokenInput(session: string, code: string): VerifySoftwareTokenCommandInput {
  return { Session: session, UserCode: code, FriendlyDeviceName: TOTP_DEVICE_NAME };
}

/** MFA_SETUP, step 3: finish sign-in with VerifySoftwareToken's session. */
export function respondToMfaSetupInput(pool: CognitoPool, user: TestUserIdentity, session: string): AdminRespondToAuthChallengeCommandInput {
  return {
    UserPoolId: pool.userPoolId,
    ClientId: pool.clientId,
    ChallengeName: 'MFA_SETUP',
    Session: session,
    ChallengeResponses: { USERNAME: user.username },
  };
}

/** SOFTWARE_TOKEN_MFA: a TOTP code for a user whose token is already set up. */
export function respondToSoftwareTokenMfaInput(pool: CognitoPool, user: TestUserIdentity, session: string, code: string): AdminRespondToAuthChallengeCommandInput {
  return {
    UserPoolId: pool.userPoolId,
    ClientId: pool.clientId,
    ChallengeName: 'SOFTWARE_TOKEN_MFA',
    Session: session,
    ChallengeResponses: { USERNAME: user.username, SOFTWARE_TOKEN_MFA_CODE: code },
  };
}

export function adminDeleteUserInput(pool: CognitoPool, username: string): AdminDeleteUserCommandInput {
  return { UserPoolId: pool.userPoolId, Username: username };
}
