/**
 * ChangePassword and DeleteUser through the pool's HTTP handler: request validation, the access-token
 * checks, the previous password and its attempt limit, the password policy, the SRP verifier kept in
 * step (Amplify's SRP helpers sign in with the new password only), tokens issued before a change
 * (still valid), and a deleted user's tokens and sign-in (refused).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, POOL_ID, type PoolFixture } from './pool-fixture.ts';
import { cognitoError, EMAIL, OK, PASSWORD, passwordSignIn, signedInUser, srpSignIn, tokensOf, type SignedInUser } from './signed-in-user.ts';

const NEW_PASSWORD = 'Battery-Staple-7?';
const fixtures: PoolFixture[] = [];

async function user(...args: Parameters<typeof signedInUser>): Promise<SignedInUser> {
  const created = await signedInUser(...args);
  fixtures.push(created.f);
  return created;
}

afterEach(() => {
  for (const f of fixtures.splice(0)) f.dispose();
});

describe('cognito ChangePassword: the request', () => {
  it('needs all three members, in Cognito validation wording', async () => {
    const { f, tokens } = await user();
    const nullMember = (member: string) => cognitoError('InvalidParameterException', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
    expect(await f.call('ChangePassword', { PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD })).toEqual(nullMember('accessToken'));
    expect(await f.call('ChangePassword', { AccessToken: tokens.AccessToken, ProposedPassword: NEW_PASSWORD })).toEqual(nullMember('previousPassword'));
    expect(await f.call('ChangePassword', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD })).toEqual(nullMember('proposedPassword'));
    expect(await f.call('ChangePassword', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'x'.repeat(257) })).toEqual(
      cognitoError('InvalidParameterException', "1 validation error detected: Value at 'proposedPassword' failed to satisfy constraint: Member must have length less than or equal to 256"),
    );
  });

  it('refuses a malformed, expired or revoked access token with NotAuthorizedException', async () => {
    const { f, tokens } = await user();
    const change = (AccessToken: string) => f.call('ChangePassword', { AccessToken, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD });
    expect(await change('not.a.jwt')).toEqual(cognitoError('NotAuthorizedException', 'Invalid Access Token'));
    expect(await change(tokens.IdToken)).toEqual(cognitoError('NotAuthorizedException', 'Invalid Access Token'));
    const fresh = tokensOf(await passwordSignIn(f, EMAIL, PASSWORD));
    expect(await f.call('GlobalSignOut', { AccessToken: fresh.AccessToken })).toEqual(OK);
    expect(await change(fresh.AccessToken)).toEqual(cognitoError('NotAuthorizedException', 'Access Token has been revoked'));

    const later = await user();
    later.f.advance(3600 * 1000 + 1);
    expect(await later.f.call('ChangePassword', { AccessToken: later.tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD })).toEqual(
      cognitoError('NotAuthorizedException', 'Access Token has expired'),
    );
    expect(tokensOf(await passwordSignIn(later.f, EMAIL, PASSWORD)).AccessToken).toMatch(/^ey/);
  });
});

describe('cognito ChangePassword: the passwords', () => {
  it('refuses a wrong previous password, then one that breaks the policy, and changes nothing', async () => {
    const { f, tokens } = await user();
    const change = (PreviousPassword: string, ProposedPassword: string) => f.call('ChangePassword', { AccessToken: tokens.AccessToken, PreviousPassword, ProposedPassword });
    expect(await change('Wrong-Horse-9!', NEW_PASSWORD)).toEqual(cognitoError('NotAuthorizedException', 'Incorrect username or password.'));
    expect(await change(PASSWORD, 'short')).toEqual(cognitoError('InvalidPasswordException', 'Password did not conform with policy: Password not long enough'));
    expect(await change(PASSWORD, 'no-upper-case-9!')).toEqual(cognitoError('InvalidPasswordException', 'Password did not conform with policy: Password must have uppercase characters'));
    expect(tokensOf(await passwordSignIn(f, EMAIL, PASSWORD)).AccessToken).toMatch(/^ey/);
  });

  it('keeps the SRP verifier in step: SRP and USER_PASSWORD_AUTH take the new password, not the old one', async () => {
    const { f, tokens } = await user();
    expect(await f.call('ChangePassword', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD })).toEqual(OK);
    expect(await srpSignIn(f, EMAIL, PASSWORD)).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await srpSignIn(f, EMAIL, NEW_PASSWORD)).toEqual({ ChallengeParameters: {}, AuthenticationResult: expect.objectContaining({ TokenType: 'Bearer' }) });
    expect(await passwordSignIn(f, EMAIL, PASSWORD)).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(tokensOf(await passwordSignIn(f, EMAIL, NEW_PASSWORD)).AccessToken).toMatch(/^ey/);
    // The new password is the previous one from now on.
    expect(await f.call('ChangePassword', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: 'Third-Password-5#' })).toEqual(
      cognitoError('NotAuthorizedException', 'Incorrect username or password.'),
    );
  });

  it('keeps tokens issued before the change valid (Cognito revokes nothing; GlobalSignOut does)', async () => {
    const { f, tokens, username } = await user();
    expect(await f.call('ChangePassword', { AccessToken: tokens.AccessToken, PreviousPassword: PASSWORD, ProposedPassword: NEW_PASSWORD })).toEqual(OK);
    expect(await f.call('GetUser', { AccessToken: tokens.AccessToken })).toMatchObject({ status: 200, body: { Username: username } });
    expect(await f.call('GetTokensFromRefreshToken', { ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken })).toMatchObject({ status: 200, body: { AuthenticationResult: { TokenType: 'Bearer' } } });
    expect(await f.call('GlobalSignOut', { AccessToken: tokens.AccessToken })).toEqual(OK);
    expect(await f.call('GetUser', { AccessToken: tokens.AccessToken })).toEqual(cognitoError('NotAuthorizedException', 'Access Token has been revoked'));
  });

  it('answers LimitExceededException after five wrong previous passwords, until the lockout passes', async () => {
    const { f, tokens } = await user();
    const change = (PreviousPassword: string) => f.call('ChangePassword', { AccessToken: tokens.AccessToken, PreviousPassword, ProposedPassword: NEW_PASSWORD });
    for (let i = 0; i < 5; i++) expect((await change(`Wrong-Horse-${i}!`)).errorType).toBe('NotAuthorizedException:');
    expect(await change(PASSWORD)).toEqual(cognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.'));
    // Sign-in has its own count: ChangePassword failures do not lock the user out of signing in.
    expect(tokensOf(await passwordSignIn(f, EMAIL, PASSWORD)).AccessToken).toMatch(/^ey/);
    f.advance(1001);
    expect(await change(PASSWORD)).toEqual(OK);
  });
});

describe('cognito DeleteUser', () => {
  it('deletes the user: its access and refresh tokens are refused, and it can no longer sign in', async () => {
    const { f, tokens } = await user();
    const other = tokensOf(await passwordSignIn(f, EMAIL, PASSWORD));
    expect(await f.call('DeleteUser', { AccessToken: tokens.AccessToken })).toEqual(OK);
    for (const AccessToken of [tokens.AccessToken, other.AccessToken]) {
      expect(await f.call('GetUser', { AccessToken })).toEqual(cognitoError('NotAuthorizedException', 'Access Token has been revoked'));
    }
    expect(await f.call('DeleteUser', { AccessToken: other.AccessToken })).toEqual(cognitoError('NotAuthorizedException', 'Access Token has been revoked'));
    expect(await f.call('GetTokensFromRefreshToken', { ClientId: CLIENT_ID, RefreshToken: other.RefreshToken })).toEqual(cognitoError('NotAuthorizedException', 'Refresh Token has been revoked'));
    expect(await passwordSignIn(f, EMAIL, PASSWORD)).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await srpSignIn(f, EMAIL, PASSWORD)).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await f.call('ListUsers', { UserPoolId: POOL_ID }, { signed: true })).toEqual({ status: 200, errorType: null, body: { Users: [] } });
  });

  it('tells a host which verified claims come from a revoked sign-in (isTokenRevoked)', async () => {
    const { f, tokens } = await user();
    const claims = (token: string): Record<string, unknown> => JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect([f.pool.isTokenRevoked(claims(tokens.AccessToken)), f.pool.isTokenRevoked(claims(tokens.IdToken))]).toEqual([false, false]);
    expect(await f.call('DeleteUser', { AccessToken: tokens.AccessToken })).toEqual(OK);
    expect([f.pool.isTokenRevoked(claims(tokens.AccessToken)), f.pool.isTokenRevoked(claims(tokens.IdToken))]).toEqual([true, true]);
    expect(f.pool.isTokenRevoked({ sub: 'alice', origin_jti: 'never-issued-here' })).toBe(false);
  });

  it('lets the address sign up again as a new user (new sub)', async () => {
    const { f, tokens, username } = await user();
    expect(await f.call('DeleteUser', { AccessToken: tokens.AccessToken })).toEqual(OK);
    const again = await f.call('SignUp', { ClientId: CLIENT_ID, Username: EMAIL, Password: PASSWORD });
    expect(again).toMatchObject({ status: 200, body: { UserConfirmed: true } });
    expect(again.body['UserSub']).not.toBe(username);
    expect(await f.call('GetUser', { AccessToken: tokens.AccessToken })).toEqual(cognitoError('NotAuthorizedException', 'Access Token has been revoked'));
  });

  it('needs a valid access token', async () => {
    const { f } = await user();
    expect(await f.call('DeleteUser', {})).toEqual(cognitoError('InvalidParameterException', "1 validation error detected: Value null at 'accessToken' failed to satisfy constraint: Member must not be null"));
    expect(await f.call('DeleteUser', { AccessToken: 'e30.e30.e30' })).toEqual(cognitoError('NotAuthorizedException', 'Invalid Access Token'));
    expect(tokensOf(await passwordSignIn(f, EMAIL, PASSWORD)).AccessToken).toMatch(/^ey/);
  });
});
