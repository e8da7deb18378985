/**
 * A pool with one signed-up, signed-in user for the tests of the access-token actions, and the two
 * ways to sign in with a password: USER_PASSWORD_AUTH, and SRP driven by Amplify's own helpers.
 */
import { AmplifyBigInteger, getAuthenticationHelper, getNowString, getSignatureString } from './amplify-srp.ts';
import { CLIENT_ID, createPoolFixture, type PoolFixture } from './pool-fixture.ts';
import type { UserPoolDefinition } from '../../../api/types.ts';
import { afterEach } from 'vitest';

export const PASSWORD = 'Correct-Horse-9!';
export const EMAIL = 'ada@example.com';

/** Self sign-up, MFA off, every flow on: the rules under test, without challenges in the way. */
export const OPEN_POOL = { signUp: 'self', mfa: 'OFF', authFlows: { userSrp: true, userPassword: true, adminUserPassword: true } } as const satisfies Partial<UserPoolDefinition>;

export interface Tokens {
  readonly AccessToken: string;
  readonly RefreshToken: string;
  readonly IdToken: string;
}

export interface SignedInUser {
  readonly f: PoolFixture;
  /** Cognito's username (the sub, in an e-mail sign-in pool). */
  readonly username: string;
  readonly tokens: Tokens;
}

export function tokensOf(body: Record<string, unknown>): Tokens {
  return body['AuthenticationResult'] as Tokens;
}

/** InitiateAuth USER_PASSWORD_AUTH: the tokens, or the error body. */
export async function passwordSignIn(f: PoolFixture, login: string, password: string): Promise<Record<string, unknown>> {
  return (await f.call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: login, PASSWORD: password } })).body;
}

/** USER_SRP_AUTH then PASSWORD_VERIFIER, computed by Amplify's SRP helpers: the final answer's body. */
export async function srpSignIn(f: PoolFixture, login: string, password: string): Promise<Record<string, unknown>> {
  const helper = await getAuthenticationHelper('localpool');
  const started = await f.call('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: login, SRP_A: helper.A.toString(16) } });
  const params = started.body['ChallengeParameters'] as Record<string, string>;
  const userId = params['USER_ID_FOR_SRP'] ?? '';
  const secretBlock = params['SECRET_BLOCK'] ?? '';
  const hkdf = await helper.getPasswordAuthenticationKey({ username: userId, password, serverBValue: new AmplifyBigInteger(params['SRP_B'] ?? '', 16), salt: new AmplifyBigInteger(params['SALT'] ?? '', 16) });
  const timestamp = getNowString();
  const signature = getSignatureString({ userPoolName: 'localpool', username: userId, challengeParameters: { SECRET_BLOCK: secretBlock }, dateNow: timestamp, hkdf });
  const answered = await f.call('RespondToAuthChallenge', {
    ChallengeName: 'PASSWORD_VERIFIER',
    ClientId: CLIENT_ID,
    ChallengeResponses: { USERNAME: userId, PASSWORD_CLAIM_SECRET_BLOCK: secretBlock, TIMESTAMP: timestamp, PASSWORD_CLAIM_SIGNATURE: signature },
  });
  return answered.body;
}

/** A pool (OPEN_POOL plus `definition`) with `login` signed up (confirmed at once) and signed in. */
export async function signedInUser(definition: Partial<UserPoolDefinition> = {}, login = EMAIL, attributes: Record<string, string> = {}): Promise<SignedInUser> {
  const f = createPoolFixture({ ...OPEN_POOL, ...definition }, { autoConfirm: true });
  const UserAttributes = Object.entries(attributes).map(([Name, Value]) => ({ Name, Value }));
  const signedUp = await f.call('SignUp', { ClientId: CLIENT_ID, Username: login, Password: PASSWORD, UserAttributes });
  if (signedUp.status !== 200) throw new Error(`SignUp failed: ${JSON.stringify(signedUp.body)}`);
  const sub = String(signedUp.body['UserSub']);
  const username = definition.signInWith === 'username' ? login : sub;
  return { f, username, tokens: tokensOf(await passwordSignIn(f, login, PASSWORD)) };
}

export function cognitoError(type: string, message: string): { status: number; errorType: string; body: { __type: string; message: string } } {
  return { status: 400, errorType: `${type}:`, body: { __type: type, message } };
}

export const OK = { status: 200, errorType: null, body: {} } as const;

/** The six-digit code last logged for `destination` (`[cognito] verification code for …`). */
export function loggedCode(f: PoolFixture, destination: string): string {
  const pattern = new RegExp(`verification code for ${destination.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (\\d{6})`);
  const matches = f.logs.map((line) => pattern.exec(line)?.[1]).filter((code): code is string => code !== undefined);
  const code = matches.at(-1);
  if (code === undefined) throw new Error(`no verification code logged for ${destination}`);
  return code;
}

/**
 * `signedInUser` for the tests of one file: each fixture it makes is disposed after the test that
 * made it, with whatever else the test pushes on `cleanups` (registers the file's `afterEach`).
 */
export function signedInUsersPerTest(): { readonly user: (...args: Parameters<typeof signedInUser>) => Promise<SignedInUser>; readonly cleanups: (() => void)[] } {
  const cleanups: (() => void)[] = [];
  afterEach(() => {
    for (const cleanup of cleanups.splice(0)) cleanup();
  });
  return {
    cleanups,
    user: async function userForThisTest(...args) {
      const created = await signedInUser(...args);
      cleanups.push(() => created.f.dispose());
      return created;
    },
  };
}
