/**
 * Account flows of the local pool through its HTTP handler: password reset with the logged code,
 * GetUser, TOTP set up with an access token (OPTIONAL MFA), refresh and revocation (GlobalSignOut,
 * RevokeToken), and users kept across restarts with a data folder (0600, no password in it).
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeBase32, totpCode } from '../../../local/cognito/totp.ts';
import { USER_STORE_FILE } from '../../../local/cognito/user-store.ts';
import { CLIENT_ID, createPoolFixture, type PoolFixture } from './pool-fixture.ts';

const PASSWORD = 'Correct-Horse-9!';
const OPEN = { signUp: 'self', mfa: 'OPTIONAL', authFlows: { userSrp: true, userPassword: true, adminUserPassword: true } } as const;
const cleanups: (() => void)[] = [];

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

async function openPool(dataDir?: string): Promise<PoolFixture> {
  const f = createPoolFixture(OPEN, { autoConfirm: true, ...(dataDir === undefined ? {} : { dataDir }) }, dataDir);
  cleanups.push(() => f.dispose());
  return f;
}

async function signIn(f: PoolFixture, password = PASSWORD): Promise<Record<string, unknown>> {
  return (await f.call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'ada@example.com', PASSWORD: password } })).body;
}

function tokensOf(body: Record<string, unknown>): { AccessToken: string; RefreshToken: string; IdToken: string } {
  return body['AuthenticationResult'] as { AccessToken: string; RefreshToken: string; IdToken: string };
}

describe('cognito flows: password reset', () => {
  it('ForgotPassword logs a code; ConfirmForgotPassword with it sets the new password', async () => {
    const f = await openPool();
    await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password: PASSWORD });
    expect(await f.call('ForgotPassword', { ClientId: CLIENT_ID, Username: 'ada@example.com' })).toEqual({
      status: 200,
      errorType: null,
      body: { CodeDeliveryDetails: { Destination: 'a***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } },
    });
    const code = /password reset code for ada@example\.com: (\d{6})/.exec(f.logs.join('\n'))?.[1] ?? '';
    expect((await f.call('ConfirmForgotPassword', { ClientId: CLIENT_ID, Username: 'ada@example.com', ConfirmationCode: code, Password: 'weak' })).errorType).toBe('InvalidPasswordException:');
    expect(await f.call('ConfirmForgotPassword', { ClientId: CLIENT_ID, Username: 'ada@example.com', ConfirmationCode: code, Password: 'New-Horse-10!' })).toEqual({ status: 200, errorType: null, body: {} });
    expect((await f.call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'ada@example.com', PASSWORD } })).body['message']).toBe('Incorrect username or password.');
    expect(tokensOf(await signIn(f, 'New-Horse-10!')).AccessToken).toMatch(/^ey/);
  });
});

describe('cognito flows: tokens', () => {
  it('GetUser shows the user; refresh keeps the sign-in; GlobalSignOut revokes refresh and access tokens', async () => {
    const f = await openPool();
    const { body: signedUp } = await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password: PASSWORD });
    const first = tokensOf(await signIn(f));
    expect(await f.call('GetUser', { AccessToken: first.AccessToken })).toEqual({
      status: 200,
      errorType: null,
      body: {
        Username: signedUp['UserSub'],
        UserAttributes: [
          { Name: 'sub', Value: signedUp['UserSub'] },
          { Name: 'email', Value: 'ada@example.com' },
          { Name: 'email_verified', Value: 'true' },
        ],
      },
    });
    const refreshed = await f.call('GetTokensFromRefreshToken', { ClientId: CLIENT_ID, RefreshToken: first.RefreshToken });
    expect(refreshed).toMatchObject({ status: 200, body: { AuthenticationResult: { TokenType: 'Bearer', ExpiresIn: 3600, AccessToken: expect.any(String), IdToken: expect.any(String) } } });
    expect(Object.keys(refreshed.body['AuthenticationResult'] as object)).not.toContain('RefreshToken');

    expect(await f.call('GlobalSignOut', { AccessToken: first.AccessToken })).toEqual({ status: 200, errorType: null, body: {} });
    const revoked = (action: string, body: unknown) => f.call(action, body).then((r) => [r.errorType, r.body['message']]);
    expect(await revoked('GetUser', { AccessToken: first.AccessToken })).toEqual(['NotAuthorizedException:', 'Access Token has been revoked']);
    expect(await revoked('GetTokensFromRefreshToken', { ClientId: CLIENT_ID, RefreshToken: first.RefreshToken })).toEqual(['NotAuthorizedException:', 'Refresh Token has been revoked']);
    expect(await revoked('InitiateAuth', { AuthFlow: 'REFRESH_TOKEN_AUTH', ClientId: CLIENT_ID, AuthParameters: { REFRESH_TOKEN: 'not-a-token' } })).toEqual(['NotAuthorizedException:', 'Invalid Refresh Token']);

    // A new sign-in is a new session; RevokeToken ends only that one.
    const second = tokensOf(await signIn(f));
    expect((await f.call('GetUser', { AccessToken: second.AccessToken })).status).toBe(200);
    expect(await f.call('RevokeToken', { ClientId: CLIENT_ID, Token: second.RefreshToken })).toEqual({ status: 200, errorType: null, body: {} });
    expect(await revoked('GetUser', { AccessToken: second.AccessToken })).toEqual(['NotAuthorizedException:', 'Access Token has been revoked']);
    f.advance(3600 * 1000 + 1);
    expect(await revoked('GetUser', { AccessToken: tokensOf(await signIn(f)).AccessToken })).toEqual([null, undefined]);
  });
});

describe('cognito flows: TOTP with an access token (MFA optional)', () => {
  it('AssociateSoftwareToken, VerifySoftwareToken, SetUserMFAPreference; the next sign-in asks for a code', async () => {
    const f = await openPool();
    await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password: PASSWORD });
    const { AccessToken } = tokensOf(await signIn(f));
    expect((await f.call('SetUserMFAPreference', { AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })).body['message']).toBe('User has not verified software token mfa');
    const { body: associated } = await f.call('AssociateSoftwareToken', { AccessToken });
    const secret = decodeBase32(String(associated['SecretCode'])) ?? Buffer.alloc(0);
    const now = Date.UTC(2025, 2, 4, 9, 0, 0) / 1000;
    expect(await f.call('VerifySoftwareToken', { AccessToken, UserCode: totpCode(secret, now + 90) })).toEqual({ status: 400, errorType: 'EnableSoftwareTokenMFAException:', body: { __type: 'EnableSoftwareTokenMFAException', message: 'Code mismatch' } });
    expect(await f.call('VerifySoftwareToken', { AccessToken, UserCode: totpCode(secret, now) })).toEqual({ status: 200, errorType: null, body: { Status: 'SUCCESS' } });
    expect((await f.call('SetUserMFAPreference', { AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })).status).toBe(200);
    expect(await f.call('GetUser', { AccessToken })).toMatchObject({ body: { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } });

    const challenged = await signIn(f);
    expect(challenged).toEqual({ ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: expect.any(String), ChallengeParameters: { USER_ID_FOR_SRP: expect.any(String) } });
    const answer = (code: string) => f.call('RespondToAuthChallenge', { ClientId: CLIENT_ID, ChallengeName: 'SOFTWARE_TOKEN_MFA', Session: challenged['Session'], ChallengeResponses: { USERNAME: 'ada@example.com', SOFTWARE_TOKEN_MFA_CODE: code } });
    // The code used to verify the token is spent; the next step's code is accepted.
    expect((await answer(totpCode(secret, now))).body['message']).toBe('Invalid code received for user');
    expect(await answer(totpCode(secret, now + 30))).toMatchObject({ status: 200, body: { AuthenticationResult: { TokenType: 'Bearer' } } });
  });
});

describe('cognito flows: persistence', () => {
  it('keeps users in <data dir>/cognito-users.json (0600, verifier only) across a restart; memory otherwise', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cognito-data-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = await openPool(dataDir);
    await first.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password: PASSWORD });
    const file = join(dataDir, USER_STORE_FILE);
    expect({ path: first.pool.storePath, mode: (statSync(file).mode & 0o777).toString(8) }).toEqual({ path: file, mode: '600' });
    const stored = readFileSync(file, 'utf8');
    expect(stored).not.toContain(PASSWORD);
    expect(JSON.parse(stored)).toMatchObject({ version: 1, users: [{ status: 'CONFIRMED', password: { salt: expect.any(String), verifier: expect.any(String) } }] });

    const restarted = await openPool(dataDir);
    expect(tokensOf(await signIn(restarted)).AccessToken).toMatch(/^ey/);
    const inMemory = await openPool();
    expect(inMemory.pool.storePath).toBeNull();
    expect((await inMemory.call('InitiateAuth', { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'ada@example.com', PASSWORD } })).body['message']).toBe('Incorrect username or password.');
  });
});
