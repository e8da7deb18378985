/**
 * A user's own attributes through the pool's HTTP handler: UpdateUserAttributes (what may be written,
 * a changed e-mail address unverified with a logged code, AliasExistsException), VerifyUserAttribute
 * (wrong, used-up and expired codes), GetUserAttributeVerificationCode (its hourly limit) and
 * DeleteUserAttributes; and users from a store file written before these fields existed.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { USER_STORE_FILE } from '../../../local/cognito/user-store.ts';
import { CLIENT_ID, createPoolFixture, type PoolFixture } from './pool-fixture.ts';
import { cognitoError, EMAIL, loggedCode, OK, OPEN_POOL, PASSWORD, passwordSignIn, signedInUsersPerTest, tokensOf } from './signed-in-user.ts';

const NEW_EMAIL = 'lovelace@example.org';
const { user, cleanups } = signedInUsersPerTest();

/** GetUser's attributes as a record. */
async function attributesOf(f: PoolFixture, AccessToken: string): Promise<Record<string, string>> {
  const { body } = await f.call('GetUser', { AccessToken });
  return Object.fromEntries((body['UserAttributes'] as { Name: string; Value: string }[]).map((a) => [a.Name, a.Value]));
}

const DELIVERY = { Destination: 'l***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } as const;

describe('cognito UpdateUserAttributes: a new e-mail address', () => {
  it('takes effect at once, unverified, with a code logged for the new address (the deployed pool keeps nothing)', async () => {
    const { f, tokens, username } = await user();
    const update = await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] });
    expect(update).toEqual({ status: 200, errorType: null, body: { CodeDeliveryDetailsList: [DELIVERY] } });
    expect(await attributesOf(f, tokens.AccessToken)).toEqual({ sub: username, email: NEW_EMAIL, email_verified: 'false' });
    // The address is the sign-in name of an e-mail pool: the new one signs in, the old one no longer does.
    expect(tokensOf(await passwordSignIn(f, NEW_EMAIL, PASSWORD)).AccessToken).toMatch(/^ey/);
    expect(await passwordSignIn(f, EMAIL, PASSWORD)).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });

    expect(await f.call('VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email', Code: loggedCode(f, NEW_EMAIL) })).toEqual(OK);
    expect(await attributesOf(f, tokens.AccessToken)).toEqual({ sub: username, email: NEW_EMAIL, email_verified: 'true' });
    const idToken = tokensOf(await passwordSignIn(f, NEW_EMAIL, PASSWORD)).IdToken;
    expect(JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8'))).toMatchObject({ email: NEW_EMAIL, email_verified: true });
  });

  it('sends no code and keeps the verification when the address is the same, or for other attributes', async () => {
    const { f, tokens, username } = await user();
    expect(await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: EMAIL }, { Name: 'given_name', Value: 'Ada' }] })).toEqual(OK);
    expect(await attributesOf(f, tokens.AccessToken)).toEqual({ sub: username, email: EMAIL, email_verified: 'true', given_name: 'Ada' });
    expect(await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'phone_number', Value: '+15555550100' }] })).toEqual(OK);
    expect(await attributesOf(f, tokens.AccessToken)).toMatchObject({ phone_number: '+15555550100', phone_number_verified: 'false' });
    expect(f.logs.filter((line) => line.includes('verification code'))).toEqual([]);
  });

  it('answers AliasExistsException for another user\'s address, and changes nothing', async () => {
    const { f, tokens, username } = await user();
    expect((await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'grace@example.com', Password: PASSWORD })).status).toBe(200);
    const taken = await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'given_name', Value: 'Ada' }, { Name: 'email', Value: 'Grace@Example.com' }] });
    expect(taken).toEqual(cognitoError('AliasExistsException', 'An account with the given email already exists.'));
    expect(await attributesOf(f, tokens.AccessToken)).toEqual({ sub: username, email: EMAIL, email_verified: 'true' });
  });

  it('in a username pool, allows an address another user has (it is not a sign-in name there)', async () => {
    const { f, tokens } = await user({ signInWith: 'username' }, 'ada', { email: EMAIL });
    expect((await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'grace', Password: PASSWORD, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] })).status).toBe(200);
    expect(await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] })).toEqual({
      status: 200,
      errorType: null,
      body: { CodeDeliveryDetailsList: [DELIVERY] },
    });
  });
});

describe('cognito UpdateUserAttributes: what may be written', () => {
  it('refuses read-only, unknown and malformed attributes with InvalidParameterException, all or nothing', async () => {
    const { f, tokens, username } = await user();
    const update = (Name: string, Value: string) => f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'name', Value: 'Ada' }, { Name, Value }] });
    for (const name of ['sub', 'email_verified', 'phone_number_verified', 'identities', 'cognito:user_status']) {
      expect(await update(name, 'x')).toEqual(cognitoError('InvalidParameterException', `Cannot modify the non-mutable attribute ${name}`));
    }
    for (const name of ['custom:tier', 'favourite_colour']) expect(await update(name, 'x')).toEqual(cognitoError('InvalidParameterException', 'Attribute does not exist in the schema.'));
    expect(await update('email', 'not-an-address')).toEqual(cognitoError('InvalidParameterException', 'Invalid email address format.'));
    expect(await update('phone_number', '555-0100')).toEqual(cognitoError('InvalidParameterException', 'Invalid phone number format.'));
    expect(await attributesOf(f, tokens.AccessToken)).toEqual({ sub: username, email: EMAIL, email_verified: 'true' });
  });

  it('validates the request before the token, and refuses bad tokens', async () => {
    const { f, tokens } = await user();
    expect(await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken })).toEqual(
      cognitoError('InvalidParameterException', "1 validation error detected: Value null at 'userAttributes' failed to satisfy constraint: Member must not be null"),
    );
    expect(await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: { email: NEW_EMAIL } })).toEqual(cognitoError('SerializationException', 'UserAttributes: expected an array, got object.'));
    expect(await f.call('UpdateUserAttributes', { AccessToken: 'x.y.z', UserAttributes: [{ Name: 'name', Value: 'Ada' }] })).toEqual(cognitoError('NotAuthorizedException', 'Invalid Access Token'));
    expect(await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [] })).toEqual(OK);
  });
});

describe('cognito VerifyUserAttribute and GetUserAttributeVerificationCode', () => {
  it('refuses a wrong code, uses a code up after five wrong guesses, and expires codes after 24 hours', async () => {
    const { f, tokens } = await user();
    const verify = (Code: string) => f.call('VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email', Code });
    expect(await verify('123456')).toEqual(cognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.'));
    await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] });
    const code = loggedCode(f, NEW_EMAIL);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) expect((await verify(wrong)).errorType).toBe('CodeMismatchException:');
    expect(await verify(code)).toEqual(cognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.'));
    expect(await verify(code)).toEqual(cognitoError('CodeMismatchException', 'Invalid verification code provided, please try again.'));

    expect(await f.call('GetUserAttributeVerificationCode', { AccessToken: tokens.AccessToken, AttributeName: 'email' })).toEqual({ status: 200, errorType: null, body: { CodeDeliveryDetails: DELIVERY } });
    f.advance(24 * 3600 * 1000);
    const { AccessToken } = tokensOf(await passwordSignIn(f, NEW_EMAIL, PASSWORD));
    expect(await f.call('VerifyUserAttribute', { AccessToken, AttributeName: 'email', Code: loggedCode(f, NEW_EMAIL) })).toEqual(
      cognitoError('ExpiredCodeException', 'Invalid code provided, please request a code again.'),
    );
  });

  it('sends five codes an hour per user, then LimitExceededException', async () => {
    const { f, tokens } = await user();
    let { AccessToken } = tokens;
    const send = () => f.call('GetUserAttributeVerificationCode', { AccessToken, AttributeName: 'email' });
    // The address change sends the first of the five.
    await f.call('UpdateUserAttributes', { AccessToken, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] });
    for (let i = 0; i < 4; i++) expect((await send()).status).toBe(200);
    expect(await send()).toEqual(cognitoError('LimitExceededException', 'Attempt limit exceeded, please try after some time.'));
    f.advance(3600 * 1000);
    ({ AccessToken } = tokensOf((await f.call('GetTokensFromRefreshToken', { ClientId: CLIENT_ID, RefreshToken: tokens.RefreshToken })).body));
    expect(await send()).toEqual({ status: 200, errorType: null, body: { CodeDeliveryDetails: DELIVERY } });
    // Only the latest code counts.
    expect(await f.call('VerifyUserAttribute', { AccessToken, AttributeName: 'email', Code: loggedCode(f, NEW_EMAIL) })).toEqual(OK);
  });

  it('sends codes for the e-mail address only, and verifies only attributes the user has', async () => {
    const { f, tokens } = await user({ signInWith: 'username' }, 'ada');
    expect(await f.call('GetUserAttributeVerificationCode', { AccessToken: tokens.AccessToken, AttributeName: 'phone_number' })).toEqual(
      cognitoError('InvalidParameterException', 'Cannot send a verification code for phone_number: this user pool verifies email only.'),
    );
    expect(await f.call('GetUserAttributeVerificationCode', { AccessToken: tokens.AccessToken, AttributeName: 'email' })).toEqual(cognitoError('InvalidParameterException', 'The user has no email to verify.'));
    expect(await f.call('VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'name', Code: '123456' })).toEqual(cognitoError('InvalidParameterException', 'The user has no name to verify.'));
    expect(await f.call('VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email' })).toEqual(
      cognitoError('InvalidParameterException', "1 validation error detected: Value null at 'code' failed to satisfy constraint: Member must not be null"),
    );
  });
});

describe('cognito DeleteUserAttributes', () => {
  it('removes attributes with their verification flag and pending code', async () => {
    const { f, tokens } = await user({ signInWith: 'username' }, 'ada', { email: EMAIL, given_name: 'Ada' });
    await f.call('UpdateUserAttributes', { AccessToken: tokens.AccessToken, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] });
    const code = loggedCode(f, NEW_EMAIL);
    expect(await f.call('DeleteUserAttributes', { AccessToken: tokens.AccessToken, UserAttributeNames: ['email', 'given_name', 'nickname'] })).toEqual(OK);
    expect(await attributesOf(f, tokens.AccessToken)).toEqual({ sub: expect.any(String) });
    expect(await f.call('VerifyUserAttribute', { AccessToken: tokens.AccessToken, AttributeName: 'email', Code: code })).toEqual(cognitoError('InvalidParameterException', 'The user has no email to verify.'));
  });

  it('refuses read-only, unknown and (e-mail sign-in pool) e-mail attributes, all or nothing', async () => {
    const { f, tokens, username } = await user({}, EMAIL, { given_name: 'Ada' });
    const remove = (name: string) => f.call('DeleteUserAttributes', { AccessToken: tokens.AccessToken, UserAttributeNames: ['given_name', name] });
    expect(await remove('sub')).toEqual(cognitoError('InvalidParameterException', 'Cannot modify the non-mutable attribute sub'));
    expect(await remove('email_verified')).toEqual(cognitoError('InvalidParameterException', 'Cannot modify the non-mutable attribute email_verified'));
    expect(await remove('custom:tier')).toEqual(cognitoError('InvalidParameterException', 'Attribute does not exist in the schema.'));
    expect(await remove('email')).toEqual(cognitoError('InvalidParameterException', 'Cannot delete the email attribute: it is the sign-in name of this user pool.'));
    expect(await f.call('DeleteUserAttributes', { AccessToken: tokens.AccessToken })).toEqual(
      cognitoError('InvalidParameterException', "1 validation error detected: Value null at 'userAttributeNames' failed to satisfy constraint: Member must not be null"),
    );
    expect(await attributesOf(f, tokens.AccessToken)).toEqual({ sub: username, given_name: 'Ada', email: EMAIL, email_verified: 'true' });
  });
});

describe('cognito attributes: persistence', () => {
  it('reads users written before attribute codes existed, and keeps pending codes across a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'cognito-attrs-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = createPoolFixture(OPEN_POOL, { autoConfirm: true, dataDir }, dataDir);
    await first.call('SignUp', { ClientId: CLIENT_ID, Username: EMAIL, Password: PASSWORD });
    const file = join(dataDir, USER_STORE_FILE);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { users: Record<string, unknown>[] };
    for (const u of stored.users) {
      delete u['attributeCodes'];
      delete u['attributeCodeRequests'];
    }
    writeFileSync(file, JSON.stringify(stored));

    const restarted = createPoolFixture(OPEN_POOL, { autoConfirm: true, dataDir }, dataDir);
    const { AccessToken } = tokensOf(await passwordSignIn(restarted, EMAIL, PASSWORD));
    expect((await restarted.call('UpdateUserAttributes', { AccessToken, UserAttributes: [{ Name: 'email', Value: NEW_EMAIL }] })).status).toBe(200);
    const again = createPoolFixture(OPEN_POOL, { autoConfirm: true, dataDir }, dataDir);
    expect(await again.call('VerifyUserAttribute', { AccessToken, AttributeName: 'email', Code: loggedCode(restarted, NEW_EMAIL) })).toEqual(OK);
    expect(readFileSync(file, 'utf8')).not.toContain(loggedCode(restarted, NEW_EMAIL));
  });
});
