/**
 * Amplify JS v6's account calls (`updatePassword`, `updateUserAttributes`, `updateUserAttribute`,
 * `sendUserAttributeVerificationCode`, `confirmUserAttribute`, `deleteUserAttributes`, `deleteUser`)
 * against the local user pool of a real server, as an app makes them with the user's access token,
 * then sign-in and the GraphQL API with what is left. Nothing in the client is faked; Amplify reaches
 * the pool through `Auth.Cognito.userPoolEndpoint`. No subscriptions, so no TLS trust is needed.
 */
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import {
  confirmUserAttribute,
  deleteUser,
  deleteUserAttributes,
  fetchAuthSession,
  fetchUserAttributes,
  sendUserAttributeVerificationCode,
  signIn,
  signOut,
  signUp,
  updatePassword,
  updateUserAttribute,
  updateUserAttributes,
} from 'aws-amplify/auth';
import { describe, test as base } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { GetAssetDocument as GetAssetNode } from '../../generated/operations.ts';
import { amplifyQuery } from '../support/amplify-documents.ts';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { getUser } from '../support/cognito-get-user.ts';
import { rejectionOf } from '../support/rejection.ts';

/** Self sign-up (confirmed at once), e-mail sign-in, MFA off: the account calls without challenges in the way. */
const SELF_SIGN_UP: ApiDefinition = { ...api, userPool: { ...api.userPool, signUp: 'self', mfa: 'OFF' } };

const test = base.extend<{ pool: TestServer }>({
  pool: [
    async ({}, use) => {
      const started = await startTestServer({ api: SELF_SIGN_UP, argv: ['--auto-confirm', '--no-tls'] });
      const { server, config } = started;
      Amplify.configure({
        Auth: { Cognito: { userPoolId: server.userPool.userPoolId, userPoolClientId: server.userPool.clientId, userPoolEndpoint: server.userPool.endpoint } },
        API: { GraphQL: { endpoint: server.url, region: config.region, defaultAuthMode: 'userPool' } },
      });
      await use(started);
      await started.close();
    },
    { scope: 'file' },
  ],
});

const GetAssetDocument = amplifyQuery(GetAssetNode);
const PASSWORD = 'Correct-Horse-9!';
const NEW_PASSWORD = 'Battery-Staple-7?';

/** The last code the server logged for `email` (`[cognito] verification code for …`). */
function loggedCode(logs: readonly string[], email: string): string {
  const codes = logs.map((line) => (line.includes(`verification code for ${email}: `) ? line.slice(-6) : null)).filter((code): code is string => code !== null);
  return codes.at(-1) ?? '';
}

/** `getAsset` over plain HTTP with `Authorization: <token>`, as any AppSync client sends it. */
async function getAssetWith(url: string, token: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: token }, body: JSON.stringify({ query: '{ getAsset(id: "missing") { id } }' }) });
  return { status: response.status, body: await response.json() };
}

describe('amplify js v6 auth: the account of a signed-in user', () => {
  test('updatePassword: wrong and weak passwords are refused; then the new password signs in (SRP) and the old one does not', async ({ pool, expect }) => {
    const email = 'ada@example.com';
    expect(await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } })).toMatchObject({ isSignUpComplete: true });
    expect(await signIn({ username: email, password: PASSWORD })).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const before = (await fetchAuthSession()).tokens?.accessToken.toString() ?? '';

    expect(await rejectionOf(updatePassword({ oldPassword: 'Wrong-Horse-9!', newPassword: NEW_PASSWORD }))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await rejectionOf(updatePassword({ oldPassword: PASSWORD, newPassword: 'too-short' }))).toEqual({
      name: 'InvalidPasswordException',
      message: 'Password did not conform with policy: Password not long enough',
    });
    expect(await updatePassword({ oldPassword: PASSWORD, newPassword: NEW_PASSWORD })).toBeUndefined();
    // Tokens issued before the change stay valid, as in Cognito.
    expect(await getUser(pool.server.userPool.endpoint, before)).toMatchObject({ status: 200 });

    await signOut();
    expect(await rejectionOf(signIn({ username: email, password: PASSWORD }))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await signIn({ username: email, password: NEW_PASSWORD })).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    await signOut();
  });

  test('updateUserAttributes, sendUserAttributeVerificationCode, confirmUserAttribute, updateUserAttribute, deleteUserAttributes', async ({ pool, expect }) => {
    const email = 'grace@example.com';
    const newEmail = 'hopper@example.org';
    await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
    await signIn({ username: email, password: PASSWORD });
    const { sub } = await fetchUserAttributes();
    const delivery = { attributeName: 'email', deliveryMedium: 'EMAIL', destination: 'h***@e***' };

    expect(await updateUserAttributes({ userAttributes: { email: newEmail, given_name: 'Grace' } })).toEqual({
      email: { isUpdated: false, nextStep: { updateAttributeStep: 'CONFIRM_ATTRIBUTE_WITH_CODE', codeDeliveryDetails: delivery } },
      given_name: { isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } },
    });
    expect(await fetchUserAttributes()).toEqual({ sub, email: newEmail, email_verified: 'false', given_name: 'Grace' });
    const first = loggedCode(pool.logs, newEmail);
    expect(await rejectionOf(confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: first === '000000' ? '111111' : '000000' }))).toEqual({
      name: 'CodeMismatchException',
      message: 'Invalid verification code provided, please try again.',
    });
    expect(await sendUserAttributeVerificationCode({ userAttributeKey: 'email' })).toEqual(delivery);
    expect(await confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: loggedCode(pool.logs, newEmail) })).toBeUndefined();
    expect(await fetchUserAttributes()).toEqual({ sub, email: newEmail, email_verified: 'true', given_name: 'Grace' });

    expect(await updateUserAttribute({ userAttribute: { attributeKey: 'nickname', value: 'Amazing Grace' } })).toEqual({ isUpdated: true, nextStep: { updateAttributeStep: 'DONE' } });
    expect(await rejectionOf(updateUserAttributes({ userAttributes: { email_verified: 'true' } }))).toEqual({ name: 'InvalidParameterException', message: 'Cannot modify the non-mutable attribute email_verified' });
    expect(await deleteUserAttributes({ userAttributeKeys: ['given_name', 'nickname'] })).toBeUndefined();
    expect(await fetchUserAttributes()).toEqual({ sub, email: newEmail, email_verified: 'true' });

    // The address is the sign-in name: the new one signs in, the old one no longer does.
    await signOut();
    expect(await rejectionOf(signIn({ username: email, password: PASSWORD }))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await signIn({ username: newEmail, password: PASSWORD })).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    expect((await fetchAuthSession()).tokens?.idToken?.payload).toMatchObject({ email: newEmail, email_verified: true });
    await signOut();
  });

  test('deleteUser: the pool refuses the old tokens, sign-in fails, and Amplify has no session left for the API', async ({ pool, expect }) => {
    const { server } = pool;
    const email = 'katherine@example.com';
    await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
    await signIn({ username: email, password: PASSWORD });
    const client = generateClient();
    expect(await client.graphql({ query: GetAssetDocument, authMode: 'userPool', variables: { id: 'missing' } })).toEqual({ data: { getAsset: null } });
    const accessToken = (await fetchAuthSession()).tokens?.accessToken.toString() ?? '';

    expect(await deleteUser()).toBeUndefined();
    expect((await fetchAuthSession()).tokens).toBeUndefined();
    expect(await getUser(server.userPool.endpoint, accessToken)).toEqual({ status: 400, body: { __type: 'NotAuthorizedException', message: 'Access Token has been revoked' } });
    expect(await rejectionOf(signIn({ username: email, password: PASSWORD }))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await rejectionOf(client.graphql({ query: GetAssetDocument, authMode: 'userPool', variables: { id: 'missing' } }))).toMatchObject({ name: 'NoValidAuthTokens' });

    // The API, like AppSync, checks a token's signature, issuer, client and expiry, not the pool's
    // user list: the deleted user's unexpired access token still reads (its own, now orphaned) data.
    // https://docs.aws.amazon.com/cognito/latest/developerguide/token-revocation.html
    expect(await getAssetWith(server.url, accessToken)).toEqual({ status: 200, body: { data: { getAsset: null } } });
  });
});
