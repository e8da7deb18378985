/**
 * Test users in the deployed user pool: created, given a permanent password, signed in with the
 * server-side ADMIN_USER_PASSWORD_AUTH flow, their TOTP second factor set up when the pool requires
 * MFA (MFA_SETUP), and deleted again. The requests come from `aws-cognito-requests.ts`; this module
 * only sequences them over a narrow `CognitoAdminApi`.
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminInitiateAuthCommand,
  AdminRespondToAuthChallengeCommand,
  AdminSetUserPasswordCommand,
  AssociateSoftwareTokenCommand,
  VerifySoftwareTokenCommand,
  type AdminCreateUserCommandInput,
  type AdminCreateUserCommandOutput,
  type AdminDeleteUserCommandInput,
  type AdminInitiateAuthCommandInput,
  type AdminInitiateAuthCommandOutput,
  type AdminRespondToAuthChallengeCommandInput,
  type AdminSetUserPasswordCommandInput,
  type AssociateSoftwareTokenCommandInput,
  type AssociateSoftwareTokenCommandOutput,
  type CognitoIdentityProviderClient,
  type VerifySoftwareTokenCommandInput,
  type VerifySoftwareTokenCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  adminCreateUserInput,
  adminDeleteUserInput,
  adminInitiateAuthInput,
  adminSetUserPasswordInput,
  associateSoftwareTokenInput,
  createTestUserIdentity,
  respondToMfaSetupInput,
  respondToSoftwareTokenMfaInput,
  verifySoftwareTokenInput,
  type CognitoPool,
  type TestUserIdentity,
} from './aws-cognito-requests.ts';
import { decodeBase32, totp, totpStep } from './aws-totp.ts';

/** What an auth call answers: tokens, or the next challenge and its session. */
export type AuthAnswer = Pick<AdminInitiateAuthCommandOutput, 'AuthenticationResult' | 'ChallengeName' | 'Session'>;

/** The Cognito operations the target uses, with only the response fields it reads. */
export interface CognitoAdminApi {
  adminCreateUser(input: AdminCreateUserCommandInput): Promise<Pick<AdminCreateUserCommandOutput, 'User'>>;
  adminSetUserPassword(input: AdminSetUserPasswordCommandInput): Promise<unknown>;
  adminInitiateAuth(input: AdminInitiateAuthCommandInput): Promise<AuthAnswer>;
  associateSoftwareToken(input: AssociateSoftwareTokenCommandInput): Promise<Pick<AssociateSoftwareTokenCommandOutput, 'SecretCode' | 'Session'>>;
  verifySoftwareToken(input: VerifySoftwareTokenCommandInput): Promise<Pick<VerifySoftwareTokenCommandOutput, 'Status' | 'Session'>>;
  adminRespondToAuthChallenge(input: AdminRespondToAuthChallengeCommandInput): Promise<AuthAnswer>;
  adminDeleteUser(input: AdminDeleteUserCommandInput): Promise<unknown>;
}

/** `CognitoAdminApi` over the AWS SDK client: one Command per call, nothing else. */
export function createSdkCognitoAdmin(client: CognitoIdentityProviderClient): CognitoAdminApi {
  return {
    adminCreateUser: (input) => client.send(new AdminCreateUserCommand(input)),
    adminSetUserPassword: (input) => client.send(new AdminSetUserPasswordCommand(input)),
    adminInitiateAuth: (input) => client.send(new AdminInitiateAuthCommand(input)),
    associateSoftwareToken: (input) => client.send(new AssociateSoftwareTokenCommand(input)),
    verifySoftwareToken: (input) => client.send(new VerifySoftwareTokenCommand(input)),
    adminRespondToAuthChallenge: (input) => client.send(new AdminRespondToAuthChallengeCommand(input)),
    adminDeleteUser: (input) => client.send(new AdminDeleteUserCommand(input)),
  };
}

export interface TestUserDeps {
  readonly cognito: CognitoAdminApi;
  /** `randomBytes(n).toString('hex')`. */
  readonly randomHex: (bytes: number) => string;
  /** Epoch milliseconds (for TOTP codes). */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** A signed-in test user: the pool username (for deletion), the `sub` and the ID token. */
export interface SignedInTestUser {
  readonly username: string;
  readonly sub: string;
  readonly idToken: string;
}

/** More challenges than MFA_SETUP then SOFTWARE_TOKEN_MFA means the pool asks for something else. */
const MAX_CHALLENGES = 3;

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === null || value === '') throw new Error(`cognito: ${what} missing from the response`);
  return value;
}

/**
 * Creates a user and signs it in. `onCreated` runs as soon as the user exists, so that the caller can
 * delete it even when a later step fails.
 */
export async function createSignedInTestUser(deps: TestUserDeps, pool: CognitoPool, name: string, onCreated: (username: string) => void): Promise<SignedInTestUser> {
  const user = createTestUserIdentity(name, deps.randomHex);
  const created = await deps.cognito.adminCreateUser(adminCreateUserInput(pool, user));
  onCreated(user.username);
  const sub = required(created.User?.Attributes?.find((a) => a.Name === 'sub')?.Value, 'AdminCreateUser: User.Attributes sub');
  await deps.cognito.adminSetUserPassword(adminSetUserPasswordInput(pool, user));
  const idToken = await signIn(deps, pool, user);
  return { username: user.username, sub, idToken };
}

/** ADMIN_USER_PASSWORD_AUTH, then whatever MFA challenges the pool asks, up to the ID token. */
async function signIn(deps: TestUserDeps, pool: CognitoPool, user: TestUserIdentity): Promise<string> {
  let answer = await deps.cognito.adminInitiateAuth(adminInitiateAuthInput(pool, user));
  let secret: Buffer | undefined;
  let lastUsedStep = -1;
  /** A code for the current step; Cognito refuses a code already used, so wait for the next step if needed. */
  const nextCode = async (key: Buffer): Promise<string> => {
    if (totpStep(deps.now() / 1000) <= lastUsedStep) await deps.sleep((lastUsedStep + 1) * 30_000 - deps.now() + 100);
    const seconds = deps.now() / 1000;
    lastUsedStep = totpStep(seconds);
    return totp(key, { timeSeconds: seconds });
  };
  for (let challenges = 0; challenges <= MAX_CHALLENGES; challenges += 1) {
    if (answer.AuthenticationResult) return required(answer.AuthenticationResult.IdToken, 'AuthenticationResult.IdToken');
    const session = required(answer.Session, `Session of challenge ${String(answer.ChallengeName)}`);
    switch (answer.ChallengeName) {
      case 'MFA_SETUP': {
        const associated = await deps.cognito.associateSoftwareToken(associateSoftwareTokenInput(session));
        secret = decodeBase32(required(associated.SecretCode, 'AssociateSoftwareToken: SecretCode'));
        const verified = await deps.cognito.verifySoftwareToken(verifySoftwareTokenInput(required(associated.Session, 'AssociateSoftwareToken: Session'), await nextCode(secret)));
        if (verified.Status !== 'SUCCESS') throw new Error(`cognito: VerifySoftwareToken answered Status ${String(verified.Status)} (is this machine's clock right?)`);
        answer = await deps.cognito.adminRespondToAuthChallenge(respondToMfaSetupInput(pool, user, required(verified.Session, 'VerifySoftwareToken: Session')));
        break;
      }
      case 'SOFTWARE_TOKEN_MFA': {
        if (!secret) throw new Error('cognito: SOFTWARE_TOKEN_MFA for a user whose TOTP secret this target did not set up');
        answer = await deps.cognito.adminRespondToAuthChallenge(respondToSoftwareTokenMfaInput(pool, user, session, await nextCode(secret)));
        break;
      }
      default:
        throw new Error(`cognito: sign-in answered challenge ${String(answer.ChallengeName)}; this target answers only MFA_SETUP and SOFTWARE_TOKEN_MFA (see docs/contract-suite-aws.md)`);
    }
  }
  throw new Error(`cognito: no tokens after ${MAX_CHALLENGES} challenges`);
}

/** Deletes a test user; one already gone counts as deleted, so cleanup can run twice. */
export async function deleteTestUser(cognito: CognitoAdminApi, pool: CognitoPool, username: string): Promise<void> {
  try {
    await cognito.adminDeleteUser(adminDeleteUserInput(pool, username));
  } catch (error) {
    // The SDK names service errors after the API's exception type.
    if (typeof error === 'object' && error !== null && 'name' in error && error.name === 'UserNotFoundException') return;
    throw error;
  }
}
