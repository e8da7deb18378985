/**
 * Bad input to the local Cognito API gets Cognito's error shape (status 400, `__type` and `message`,
 * `x-amzn-ErrorType: <Type>:`) and never crashes the handler: unknown actions, wrong JSON types,
 * oversized members and bodies, replayed SRP sessions, brute force, missing or bad signatures on the
 * Admin* actions, too many requests.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createPasswordVerifier } from '../../../local/cognito/srp.ts';
import { CLIENT_ID, createPoolFixture, POOL_ID, type PoolFixture } from './pool-fixture.ts';
import { AmplifyBigInteger, getAuthenticationHelper, getNowString, getSignatureString } from './amplify-srp.ts';

const PASSWORD = 'Correct-Horse-9!';
const fixtures: PoolFixture[] = [];

function fixture(...args: Parameters<typeof createPoolFixture>): PoolFixture {
  const created = createPoolFixture(...args);
  fixtures.push(created);
  return created;
}

afterEach(() => {
  for (const f of fixtures.splice(0)) f.dispose();
});

function error(type: string, message: string): { status: number; errorType: string; body: { __type: string; message: string } } {
  return { status: 400, errorType: `${type}:`, body: { __type: type, message } };
}

/** An open pool (self sign-up, USER_PASSWORD_AUTH on, MFA off) with one confirmed user. */
async function poolWithUser(): Promise<PoolFixture> {
  const f = fixture({ signUp: 'self', mfa: 'OFF', authFlows: { userSrp: true, userPassword: true, adminUserPassword: true } }, { autoConfirm: true });
  expect((await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password: PASSWORD })).status).toBe(200);
  return f;
}

function passwordAuth(password: string, username = 'ada@example.com'): Record<string, unknown> {
  return { AuthFlow: 'USER_PASSWORD_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: username, PASSWORD: password } };
}

describe('cognito api: the request envelope', () => {
  it('answers an unknown or missing X-Amz-Target with UnknownOperationException', async () => {
    const f = fixture();
    expect(await f.call('DeleteEverything', {})).toEqual(error('UnknownOperationException', 'Unknown operation: X-Amz-Target "AWSCognitoIdentityProviderService.DeleteEverything".'));
    expect(await f.call('toString', {})).toEqual(error('UnknownOperationException', 'Unknown operation: X-Amz-Target "AWSCognitoIdentityProviderService.toString".'));
    expect(await f.call('GetUser', {}, { headers: { 'x-amz-target': 'Other.GetUser' } })).toEqual(error('UnknownOperationException', 'Unknown operation: X-Amz-Target "Other.GetUser".'));
  });

  it('answers a body that is not a JSON object, or a member of the wrong type, with SerializationException', async () => {
    const f = fixture();
    expect(await f.call('InitiateAuth', '{"AuthFlow":')).toEqual(error('SerializationException', 'The request body is not valid JSON.'));
    expect(await f.call('InitiateAuth', '[1,2]')).toEqual(error('SerializationException', 'The request body must be a JSON object, got array.'));
    expect(await f.call('InitiateAuth', { AuthFlow: 7, ClientId: CLIENT_ID })).toEqual(error('SerializationException', 'AuthFlow: expected a string, got number.'));
    expect(await f.call('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: ['a'] } })).toEqual(
      error('SerializationException', 'AuthParameters.USERNAME: expected a string, got array.'),
    );
    expect(await f.call('SignUp', { ClientId: CLIENT_ID }, { headers: { 'content-type': 'text/plain' } })).toEqual(error('SerializationException', 'Content-Type must be application/x-amz-json-1.1; received "text/plain".'));
  });

  it("answers missing and oversized members with InvalidParameterException in Cognito's validation wording", async () => {
    const f = fixture();
    expect(await f.call('InitiateAuth', { ClientId: CLIENT_ID })).toEqual(
      error('InvalidParameterException', "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null"),
    );
    expect(await f.call('ForgotPassword', { ClientId: CLIENT_ID, Username: 'x'.repeat(129) })).toEqual(
      error('InvalidParameterException', "1 validation error detected: Value at 'username' failed to satisfy constraint: Member must have length less than or equal to 128"),
    );
    expect(await f.call('InitiateAuth', { AuthFlow: 'MAGIC', ClientId: CLIENT_ID })).toEqual(
      error(
        'InvalidParameterException',
        "1 validation error detected: Value 'MAGIC' at 'authFlow' failed to satisfy constraint: Member must satisfy enum value set: [USER_SRP_AUTH, REFRESH_TOKEN_AUTH, REFRESH_TOKEN, CUSTOM_AUTH, ADMIN_NO_SRP_AUTH, USER_PASSWORD_AUTH, ADMIN_USER_PASSWORD_AUTH, USER_AUTH]",
      ),
    );
    expect(await f.call('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: 'otherclient', AuthParameters: {} })).toEqual(error('ResourceNotFoundException', 'User pool client otherclient does not exist.'));
    expect(await f.call('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: 'a' } })).toEqual(error('InvalidParameterException', 'Missing required parameter SRP_A'));
  });

  it('refuses a body over 64 KiB without reading it all', async () => {
    const f = fixture();
    expect(await f.call('SignUp', { ClientId: CLIENT_ID, Padding: 'x'.repeat(70_000) })).toEqual(error('InvalidParameterException', 'Request body is larger than 65536 bytes.'));
  });

  it('answers TooManyRequestsException past the request rate', async () => {
    const f = fixture({}, { requestsPerSecond: 2 });
    const body = { AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID, AuthParameters: {} };
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await f.call('InitiateAuth', body)).errorType);
    expect(results).toEqual(['InvalidParameterException:', 'InvalidParameterException:', 'TooManyRequestsException:']);
    f.advance(1000);
    expect((await f.call('InitiateAuth', body)).errorType).toBe('InvalidParameterException:');
  });
});

describe('cognito api: pool settings', () => {
  it('refuses SignUp on an admin-only pool and a flow the app client does not allow', async () => {
    const f = fixture();
    expect(await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password: PASSWORD })).toEqual(error('NotAuthorizedException', 'SignUp is not permitted for this user pool'));
    expect(await f.call('InitiateAuth', passwordAuth(PASSWORD))).toEqual(error('InvalidParameterException', 'Auth flow not enabled for this client'));
  });

  it("checks the password policy with Cognito's messages", async () => {
    const f = fixture({ signUp: 'self' });
    const attempt = (Password: string) => f.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password });
    expect(await attempt('Short-1!')).toEqual(error('InvalidPasswordException', 'Password did not conform with policy: Password not long enough'));
    expect(await attempt('alllowercase-1!')).toEqual(error('InvalidPasswordException', 'Password did not conform with policy: Password must have uppercase characters'));
    expect(await attempt('NoDigitsHere-!!')).toEqual(error('InvalidPasswordException', 'Password did not conform with policy: Password must have numeric characters'));
    expect(await attempt('NoSymbols12345')).toEqual(error('InvalidPasswordException', 'Password did not conform with policy: Password must have symbol characters'));
    expect(await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'not-an-email', Password: PASSWORD })).toEqual(error('InvalidParameterException', 'Username should be an email.'));
  });

  it('answers unknown users as the pool says: "Incorrect username or password." or UserNotFoundException', async () => {
    const flows = { userSrp: true, userPassword: true, adminUserPassword: true };
    const hiding = fixture({ authFlows: flows });
    const telling = fixture({ authFlows: flows, preventUserExistenceErrors: false });
    expect(await hiding.call('InitiateAuth', passwordAuth(PASSWORD, 'nobody@example.com'))).toEqual(error('NotAuthorizedException', 'Incorrect username or password.'));
    expect(await telling.call('InitiateAuth', passwordAuth(PASSWORD, 'nobody@example.com'))).toEqual(error('UserNotFoundException', 'User does not exist.'));
    expect(await hiding.call('ForgotPassword', { ClientId: CLIENT_ID, Username: 'nobody@example.com' })).toEqual({
      status: 200,
      errorType: null,
      body: { CodeDeliveryDetails: { Destination: 'n***@e***', DeliveryMedium: 'EMAIL', AttributeName: 'email' } },
    });
  });
});

describe('cognito api: USER_SRP_AUTH sessions', () => {
  /** Amplify's client half of a PASSWORD_VERIFIER answer. */
  async function srpAnswer(f: PoolFixture, password: string, login = 'ada@example.com'): Promise<{ challenge: Record<string, unknown>; answer: Record<string, unknown> }> {
    const helper = await getAuthenticationHelper('localpool');
    const started = await f.call('InitiateAuth', { AuthFlow: 'USER_SRP_AUTH', ClientId: CLIENT_ID, AuthParameters: { USERNAME: login, SRP_A: helper.A.toString(16) } });
    const params = started.body['ChallengeParameters'] as Record<string, string>;
    const userId = params['USER_ID_FOR_SRP'] ?? '';
    const hkdf = await helper.getPasswordAuthenticationKey({ username: userId, password, serverBValue: new AmplifyBigInteger(params['SRP_B'] ?? '', 16), salt: new AmplifyBigInteger(params['SALT'] ?? '', 16) });
    const timestamp = getNowString();
    return {
      challenge: started.body,
      answer: {
        ChallengeName: 'PASSWORD_VERIFIER',
        ClientId: CLIENT_ID,
        ChallengeResponses: {
          USERNAME: userId,
          PASSWORD_CLAIM_SECRET_BLOCK: params['SECRET_BLOCK'] ?? '',
          TIMESTAMP: timestamp,
          PASSWORD_CLAIM_SIGNATURE: getSignatureString({ userPoolName: 'localpool', username: userId, challengeParameters: { SECRET_BLOCK: params['SECRET_BLOCK'] ?? '' }, dateNow: timestamp, hkdf }),
        },
      },
    };
  }

  it('signs in once per SECRET_BLOCK: a replayed answer is "Invalid session for the user."', async () => {
    const f = await poolWithUser();
    const { challenge, answer } = await srpAnswer(f, PASSWORD);
    expect(challenge).toEqual({
      ChallengeName: 'PASSWORD_VERIFIER',
      ChallengeParameters: { SALT: expect.stringMatching(/^[0-9a-f]+$/), SECRET_BLOCK: expect.any(String), SRP_B: expect.stringMatching(/^[0-9a-f]+$/), USERNAME: expect.any(String), USER_ID_FOR_SRP: expect.any(String) },
    });
    expect(await f.call('RespondToAuthChallenge', answer)).toMatchObject({ status: 200, body: { ChallengeParameters: {}, AuthenticationResult: { TokenType: 'Bearer', ExpiresIn: 3600 } } });
    expect(await f.call('RespondToAuthChallenge', answer)).toEqual(error('NotAuthorizedException', 'Invalid session for the user.'));
  });

  it('expires an unanswered challenge after 3 minutes', async () => {
    const f = await poolWithUser();
    const { answer } = await srpAnswer(f, PASSWORD);
    f.advance(3 * 60 * 1000 + 1);
    expect(await f.call('RespondToAuthChallenge', answer)).toEqual(error('NotAuthorizedException', 'Invalid session for the user, session is expired.'));
  });

  it('answers a decoy challenge for an unknown user, with the same salt each time, and then refuses it', async () => {
    const f = await poolWithUser();
    const first = await srpAnswer(f, PASSWORD, 'nobody@example.com');
    const second = await srpAnswer(f, PASSWORD, 'nobody@example.com');
    expect((first.challenge['ChallengeParameters'] as Record<string, string>)['SALT']).toBe((second.challenge['ChallengeParameters'] as Record<string, string>)['SALT']);
    expect(await f.call('RespondToAuthChallenge', first.answer)).toEqual(error('NotAuthorizedException', 'Incorrect username or password.'));
  });

  it('refuses a forged signature', async () => {
    const f = await poolWithUser();
    const { answer } = await srpAnswer(f, 'Wrong-Horse-9!');
    expect(await f.call('RespondToAuthChallenge', answer)).toEqual(error('NotAuthorizedException', 'Incorrect username or password.'));
  });
});

describe('cognito api: brute force', () => {
  it('locks the user out after five failures: "Password attempts exceeded", even with the right password, for 1 s then 2 s', async () => {
    const f = await poolWithUser();
    const wrong = [];
    for (let i = 0; i < 5; i++) wrong.push((await f.call('InitiateAuth', passwordAuth('Wrong-Horse-9!'))).body['message']);
    expect(wrong).toEqual(Array(5).fill('Incorrect username or password.'));
    expect(await f.call('InitiateAuth', passwordAuth(PASSWORD))).toEqual(error('NotAuthorizedException', 'Password attempts exceeded'));
    f.advance(1000);
    expect(await f.call('InitiateAuth', passwordAuth('Wrong-Horse-9!'))).toEqual(error('NotAuthorizedException', 'Incorrect username or password.'));
    f.advance(1999);
    expect(await f.call('InitiateAuth', passwordAuth(PASSWORD))).toEqual(error('NotAuthorizedException', 'Password attempts exceeded'));
    f.advance(1);
    expect(await f.call('InitiateAuth', passwordAuth(PASSWORD))).toMatchObject({ status: 200, body: { AuthenticationResult: { TokenType: 'Bearer' } } });
    // A success resets the count.
    expect(await f.call('InitiateAuth', passwordAuth('Wrong-Horse-9!'))).toEqual(error('NotAuthorizedException', 'Incorrect username or password.'));
    expect((await f.call('InitiateAuth', passwordAuth(PASSWORD))).status).toBe(200);
  });

  it('uses up a confirmation code after five wrong guesses (LimitExceededException)', async () => {
    const f = fixture({ signUp: 'self' });
    await f.call('SignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', Password: PASSWORD });
    const code = /confirmation code for ada@example\.com: (\d{6})/.exec(f.logs.join('\n'))?.[1] ?? '';
    const wrongCode = code === '000000' ? '111111' : '000000';
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push((await f.call('ConfirmSignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', ConfirmationCode: wrongCode })).errorType);
    expect(answers).toEqual([...Array(5).fill('CodeMismatchException:'), 'LimitExceededException:']);
    expect(await f.call('ConfirmSignUp', { ClientId: CLIENT_ID, Username: 'ada@example.com', ConfirmationCode: code })).toEqual(error('CodeMismatchException', 'Invalid verification code provided, please try again.'));
  });
});

describe('cognito api: Admin* actions need SigV4', () => {
  const create = { UserPoolId: POOL_ID, Username: 'grace@example.com', TemporaryPassword: 'Temporary-Pass-1', MessageAction: 'SUPPRESS' };

  it('refuses an unsigned call and a wrong signature, accepts the backend credentials', async () => {
    const f = fixture();
    expect(await f.call('AdminCreateUser', create)).toEqual(error('MissingAuthenticationTokenException', 'Missing Authentication Token'));
    expect((await f.call('AdminCreateUser', create, { headers: { authorization: 'AWS4-HMAC-SHA256 Credential=AKIAOTHER/20250304/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=00' } })).errorType).toBe(
      'UnrecognizedClientException:',
    );
    const created = await f.call('AdminCreateUser', create, { signed: true });
    expect(created).toEqual({
      status: 200,
      errorType: null,
      body: {
        User: {
          Username: expect.stringMatching(/^[0-9a-f-]{36}$/),
          Attributes: [
            { Name: 'sub', Value: (created.body['User'] as { Username: string }).Username },
            { Name: 'email', Value: 'grace@example.com' },
          ],
          UserCreateDate: Date.UTC(2025, 2, 4, 9, 0, 0) / 1000,
          UserLastModifiedDate: Date.UTC(2025, 2, 4, 9, 0, 0) / 1000,
          Enabled: true,
          UserStatus: 'FORCE_CHANGE_PASSWORD',
        },
      },
    });
    expect(await f.call('AdminCreateUser', create, { signed: true })).toEqual(error('UsernameExistsException', 'User account already exists'));
    expect(await f.call('AdminAddUserToGroup', { UserPoolId: POOL_ID, Username: 'grace@example.com', GroupName: 'nope' }, { signed: true })).toEqual(error('ResourceNotFoundException', 'Group not found.'));
    expect(await f.call('ListUsers', { UserPoolId: 'us-east-1_other' }, { signed: true })).toEqual(error('ResourceNotFoundException', 'User pool us-east-1_other does not exist.'));
    expect(await f.call('ListUsers', { UserPoolId: POOL_ID, Filter: 'email = "grace@example.com"', AttributesToGet: ['email'] }, { signed: true })).toMatchObject({
      status: 200,
      body: { Users: [{ Attributes: [{ Name: 'email', Value: 'grace@example.com' }], UserStatus: 'FORCE_CHANGE_PASSWORD' }] },
    });
  });

  it('keeps only the SRP verifier: the stored record never holds the password', () => {
    expect(JSON.stringify(createPasswordVerifier('localpool', 'u', 'Temporary-Pass-1'))).not.toContain('Temporary-Pass-1');
  });
});
