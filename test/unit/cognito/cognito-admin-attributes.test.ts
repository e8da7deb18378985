/**
 * The administrator's view of a user through the pool's HTTP handler, with SigV4-signed requests:
 * AdminGetUser (the whole answer, MFA members), AdminUpdateUserAttributes (a new e-mail address with
 * and without `email_verified`, the flags, blank values, what may be written, AliasExistsException)
 * and AdminDeleteUserAttributes; and that all three refuse unsigned calls.
 */
import { describe, expect, it } from 'vitest';
import { decodeBase32, totpCode } from '../../../local/cognito/totp.ts';
import { POOL_ID, type CallResult, type PoolFixture } from './pool-fixture.ts';
import { cognitoError, EMAIL, loggedCode, OK, PASSWORD, passwordSignIn, signedInUsersPerTest, tokensOf } from './signed-in-user.ts';

const NEW_EMAIL = 'lovelace@example.org';
const CREATED = Date.UTC(2025, 2, 4, 9, 0, 0) / 1000;
const { user } = signedInUsersPerTest();

/** A signed admin call in the fixture's pool. */
function admin(f: PoolFixture, action: string, body: Record<string, unknown>): Promise<CallResult> {
  return f.call(action, { UserPoolId: POOL_ID, ...body }, { signed: true });
}

/** AdminGetUser's attributes as a record. */
async function attributesOf(f: PoolFixture, Username: string): Promise<Record<string, string>> {
  const { body } = await admin(f, 'AdminGetUser', { Username });
  return Object.fromEntries((body['UserAttributes'] as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]));
}

function codeLines(f: PoolFixture): string[] {
  return f.logs.filter((line) => line.includes('verification code'));
}

describe('cognito AdminGetUser', () => {
  it('answers the user by username, sub or e-mail address, with dates, status and attributes', async () => {
    const { f, username } = await user({}, EMAIL, { given_name: 'Ada' });
    const expected = {
      status: 200,
      errorType: null,
      body: {
        Username: username,
        UserAttributes: [
          { Name: 'sub', Value: username },
          { Name: 'given_name', Value: 'Ada' },
          { Name: 'email', Value: EMAIL },
          { Name: 'email_verified', Value: 'true' },
        ],
        UserCreateDate: CREATED,
        UserLastModifiedDate: CREATED,
        Enabled: true,
        UserStatus: 'CONFIRMED',
      },
    };
    expect(await admin(f, 'AdminGetUser', { Username: username })).toEqual(expected);
    expect(await admin(f, 'AdminGetUser', { Username: 'ADA@example.com' })).toEqual(expected);

    f.advance(60_000);
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'family_name', Value: 'Lovelace' }] })).toEqual(OK);
    expect(await admin(f, 'AdminGetUser', { Username: username })).toMatchObject({ body: { UserCreateDate: CREATED, UserLastModifiedDate: CREATED + 60 } });
  });

  it('adds PreferredMfaSetting and UserMFASettingList once the user has verified and preferred TOTP', async () => {
    const { f, username, tokens } = await user({ mfa: 'OPTIONAL' });
    const { AccessToken } = tokens;
    const { body: associated } = await f.call('AssociateSoftwareToken', { AccessToken });
    const secret = decodeBase32(String(associated['SecretCode'])) ?? Buffer.alloc(0);
    expect((await f.call('VerifySoftwareToken', { AccessToken, UserCode: totpCode(secret, CREATED) })).status).toBe(200);
    expect((await admin(f, 'AdminGetUser', { Username: username })).body).not.toHaveProperty('UserMFASettingList');
    expect((await f.call('SetUserMFAPreference', { AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } })).status).toBe(200);
    expect(await admin(f, 'AdminGetUser', { Username: username })).toMatchObject({ status: 200, body: { PreferredMfaSetting: 'SOFTWARE_TOKEN_MFA', UserMFASettingList: ['SOFTWARE_TOKEN_MFA'] } });
  });

  it('answers UserNotFoundException for an unknown user and ResourceNotFoundException for another pool', async () => {
    const { f, username } = await user();
    expect(await admin(f, 'AdminGetUser', { Username: 'nobody@example.com' })).toEqual(cognitoError('UserNotFoundException', 'User does not exist.'));
    expect(await f.call('AdminGetUser', { UserPoolId: 'us-east-1_other', Username: username }, { signed: true })).toEqual(cognitoError('ResourceNotFoundException', 'User pool us-east-1_other does not exist.'));
    expect(await admin(f, 'AdminGetUser', {})).toEqual(cognitoError('InvalidParameterException', "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null"));
  });
});

describe('cognito admin attribute actions need SigV4', () => {
  it('refuse unsigned calls with MissingAuthenticationTokenException and change nothing', async () => {
    const { f, username } = await user();
    const unsigned = [
      await f.call('AdminGetUser', { UserPoolId: POOL_ID, Username: username }),
      await f.call('AdminUpdateUserAttributes', { UserPoolId: POOL_ID, Username: username, UserAttributes: [{ Name: 'email_verified', Value: 'false' }] }),
      await f.call('AdminDeleteUserAttributes', { UserPoolId: POOL_ID, Username: username, UserAttributeNames: ['email_verified'] }),
    ];
    expect(unsigned).toEqual(Array(3).fill(cognitoError('MissingAuthenticationTokenException', 'Missing Authentication Token')));
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: EMAIL, email_verified: 'true' });
  });
});

describe('cognito AdminUpdateUserAttributes: a new e-mail address', () => {
  it('without email_verified: takes effect unverified, with a code logged that VerifyUserAttribute accepts', async () => {
    const { f, username, tokens } = await user();
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] })).toEqual(OK);
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: NEW_EMAIL, email_verified: 'false' });
    expect(codeLines(f)).toEqual([expect.stringMatching(/^\[cognito\] verification code for lovelace@example\.org: \d{6}$/)]);
    // The address is the sign-in name of an e-mail pool: the new one signs in.
    expect(tokensOf(await passwordSignIn(f, NEW_EMAIL, PASSWORD)).AccessToken).toMatch(/^ey/);
    expect(await f.call('VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email', Code: loggedCode(f, NEW_EMAIL) })).toEqual(OK);
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: NEW_EMAIL, email_verified: 'true' });
  });

  it('with email_verified "true" in the same call: verified at once, and no code is sent', async () => {
    const { f, username } = await user();
    const update = [
      { Name: 'email', Value: NEW_EMAIL },
      { Name: 'email_verified', Value: 'true' },
    ];
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: update })).toEqual(OK);
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: NEW_EMAIL, email_verified: 'true' });
    expect(codeLines(f)).toEqual([]);
    const idToken = tokensOf(await passwordSignIn(f, NEW_EMAIL, PASSWORD)).IdToken;
    expect(JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'))).toMatchObject({ email: NEW_EMAIL, email_verified: true });
  });

  it("answers AliasExistsException for another user's address, and changes nothing", async () => {
    const { f, username } = await user();
    expect((await admin(f, 'AdminCreateUser', { Username: 'grace@example.com', MessageAction: 'SUPPRESS' })).status).toBe(200);
    const taken = await admin(f, 'AdminUpdateUserAttributes', {
      Username: username,
      UserAttributes: [
        { Name: 'given_name', Value: 'Ada' },
        { Name: 'email', Value: 'Grace@Example.com' },
        { Name: 'email_verified', Value: 'true' },
      ],
    });
    expect(taken).toEqual(cognitoError('AliasExistsException', 'An account with the given email already exists.'));
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: EMAIL, email_verified: 'true' });
  });

  it("is not held to the user's hourly limit on verification messages", async () => {
    const { f, username } = await user();
    const results = [];
    for (let i = 0; i < 7; i++) results.push(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'email', Value: `ada${i}@example.org` }] }));
    expect(results).toEqual(Array(7).fill(OK));
    expect(codeLines(f)).toHaveLength(7);
  });
});

describe('cognito AdminUpdateUserAttributes: what may be written', () => {
  it('writes the verification flags, with no code sent', async () => {
    const { f, username } = await user({}, EMAIL, { phone_number: '+15555550100' });
    const update = (UserAttributes: { Name: string; Value: string }[]) => admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes });
    expect(await update([{ Name: 'email_verified', Value: 'false' }, { Name: 'phone_number_verified', Value: 'true' }])).toEqual(OK);
    expect(await attributesOf(f, username)).toEqual({ sub: username, phone_number: '+15555550100', email: EMAIL, email_verified: 'false', phone_number_verified: 'true' });
    expect(await update([{ Name: 'email_verified', Value: 'true' }])).toEqual(OK);
    expect(await attributesOf(f, username)).toMatchObject({ email_verified: 'true' });
    expect(codeLines(f)).toEqual([]);
  });

  it('removes an attribute given a blank value, with its verification flag; but not the sign-in e-mail address', async () => {
    const { f, username } = await user({}, EMAIL, { phone_number: '+15555550100', given_name: 'Ada' });
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'phone_number', Value: '+15555550100' }, { Name: 'phone_number_verified', Value: 'true' }] })).toEqual(OK);
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'phone_number', Value: '' }, { Name: 'given_name', Value: '' }] })).toEqual(OK);
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: EMAIL, email_verified: 'true' });
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'email', Value: '' }] })).toEqual(
      cognitoError('InvalidParameterException', 'Cannot delete the email attribute: it is the sign-in name of this user pool.'),
    );
  });

  it('refuses read-only, unknown and malformed attributes with InvalidParameterException, all or nothing', async () => {
    const { f, username } = await user();
    const update = (Name: string, Value: string) => admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'name', Value: 'Ada' }, { Name, Value }] });
    for (const name of ['sub', 'identities', 'cognito:user_status']) {
      expect(await update(name, 'x')).toEqual(cognitoError('InvalidParameterException', `Cannot modify the non-mutable attribute ${name}`));
    }
    for (const name of ['custom:tier', 'favourite_colour']) expect(await update(name, 'x')).toEqual(cognitoError('InvalidParameterException', 'Attribute does not exist in the schema.'));
    expect(await update('email', 'not-an-address')).toEqual(cognitoError('InvalidParameterException', 'Invalid email address format.'));
    expect(await update('phone_number', '555-0100')).toEqual(cognitoError('InvalidParameterException', 'Invalid phone number format.'));
    expect(await update('email_verified', 'yes')).toEqual(cognitoError('InvalidParameterException', 'email_verified must be "true" or "false".'));
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: EMAIL, email_verified: 'true' });
  });

  it('needs UserAttributes and an existing user', async () => {
    const { f, username } = await user();
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username })).toEqual(
      cognitoError('InvalidParameterException', "1 validation error detected: Value null at 'userAttributes' failed to satisfy constraint: Member must not be null"),
    );
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: 'nobody@example.com', UserAttributes: [] })).toEqual(cognitoError('UserNotFoundException', 'User does not exist.'));
  });
});

describe('cognito AdminDeleteUserAttributes', () => {
  it('removes attributes with their verification flag and pending code', async () => {
    const { f, username, tokens } = await user({ signInWith: 'username' }, 'ada', { email: EMAIL, given_name: 'Ada' });
    expect(await admin(f, 'AdminUpdateUserAttributes', { Username: username, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] })).toEqual(OK);
    const code = loggedCode(f, NEW_EMAIL);
    expect(await admin(f, 'AdminDeleteUserAttributes', { Username: username, UserAttributeNames: ['email', 'given_name', 'nickname'] })).toEqual(OK);
    expect(await attributesOf(f, username)).toEqual({ sub: expect.any(String) });
    expect(await f.call('VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email', Code: code })).toEqual(cognitoError('InvalidParameterException', 'The user has no email to verify.'));
  });

  it('removes a verification flag alone; refuses read-only, unknown and sign-in e-mail attributes, all or nothing', async () => {
    const { f, username } = await user({}, EMAIL, { given_name: 'Ada' });
    const remove = (name: string) => admin(f, 'AdminDeleteUserAttributes', { Username: username, UserAttributeNames: ['given_name', name] });
    expect(await remove('sub')).toEqual(cognitoError('InvalidParameterException', 'Cannot modify the non-mutable attribute sub'));
    expect(await remove('custom:tier')).toEqual(cognitoError('InvalidParameterException', 'Attribute does not exist in the schema.'));
    expect(await remove('email')).toEqual(cognitoError('InvalidParameterException', 'Cannot delete the email attribute: it is the sign-in name of this user pool.'));
    expect(await attributesOf(f, username)).toEqual({ sub: username, given_name: 'Ada', email: EMAIL, email_verified: 'true' });
    expect(await remove('email_verified')).toEqual(OK);
    expect(await attributesOf(f, username)).toEqual({ sub: username, email: EMAIL });
  });

  it('needs UserAttributeNames and an existing user', async () => {
    const { f, username } = await user();
    expect(await admin(f, 'AdminDeleteUserAttributes', { Username: username })).toEqual(
      cognitoError('InvalidParameterException', "1 validation error detected: Value null at 'userAttributeNames' failed to satisfy constraint: Member must not be null"),
    );
    expect(await admin(f, 'AdminDeleteUserAttributes', { Username: 'nobody@example.com', UserAttributeNames: ['given_name'] })).toEqual(cognitoError('UserNotFoundException', 'User does not exist.'));
  });
});
