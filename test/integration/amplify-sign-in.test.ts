/**
 * Amplify JS v6's own Auth (`signUp`, `confirmSignUp`, `signIn` with its default USER_SRP_AUTH flow,
 * `confirmSignIn`, `fetchAuthSession`, `signOut`) against the local user pool of `npm start`, then
 * the API with `authMode: 'userPool'` using the tokens Amplify got: nothing in the client is faked.
 * Amplify is pointed at the pool with `Auth.Cognito.userPoolEndpoint` (it then POSTs every Cognito
 * call to that URL). Runs in the `trusts-local-ca` project (vitest.config.ts): Amplify dials wss://.
 */
import { AdminCreateUserCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { confirmSignIn, confirmSignUp, fetchAuthSession, signIn, signOut, signUp } from 'aws-amplify/auth';
import { describe, test as base } from 'vitest';
import { api } from '../../api/definition.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { decodeBase32, totpCode } from '../../local/cognito/totp.ts';
import type { LocalServer } from '../../local/server.ts';
import { TEST_CREDENTIALS } from '../support/credentials.ts';
import { startTestServer } from '../support/test-server.ts';
import { CreateUploadDocument as CreateUploadNode, GetAssetDocument as GetAssetNode, OnAssetCreatedDocument as OnAssetCreatedNode } from '../../generated/operations.ts';
import { putToTicket } from './lib/upload.ts';
import { createEventQueue, installWebSocketTap, type WebSocketTap } from '../support/websocket-global.ts';
import { amplifyQuery, amplifyMutation, amplifySubscription } from '../support/amplify-documents.ts';
import { getUser } from '../support/cognito-get-user.ts';
import { rejectionOf } from '../support/rejection.ts';

interface PoolServer {
  readonly server: LocalServer;
  readonly logs: string[];
  readonly tap: WebSocketTap;
  /** Points Amplify (Auth and API) at this server. */
  configureAmplify(): void;
}

async function startPoolServer(definition: ApiDefinition): Promise<PoolServer> {
  const { server, config, logs } = await startTestServer({ api: definition });
  const tap = installWebSocketTap();
  return {
    server,
    logs,
    tap,
    configureAmplify: () =>
      Amplify.configure({
        Auth: { Cognito: { userPoolId: server.userPool.userPoolId, userPoolClientId: server.userPool.clientId, userPoolEndpoint: server.userPool.endpoint } },
        API: { GraphQL: { endpoint: server.url, region: config.region, defaultAuthMode: 'userPool' } },
      }),
  };
}

/** Self sign-up, MFA off: the sign-up and SRP sign-in path. */
const SELF_SIGN_UP: ApiDefinition = { ...api, userPool: { ...api.userPool, signUp: 'self', mfa: 'OFF' } };

const test = base.extend<{ openPool: PoolServer; mfaPool: PoolServer }>({
  openPool: [
    async ({}, use) => {
      const pool = await startPoolServer(SELF_SIGN_UP);
      await use(pool);
      pool.tap.restore();
      await pool.server.close();
    },
    { scope: 'file' },
  ],
  // The definition as deployed: admin-only, TOTP MFA required.
  mfaPool: [
    async ({}, use) => {
      const pool = await startPoolServer(api);
      await use(pool);
      pool.tap.restore();
      await pool.server.close();
    },
    { scope: 'file' },
  ],
});

const CreateUploadDocument = amplifyMutation(CreateUploadNode);
const GetAssetDocument = amplifyQuery(GetAssetNode);
const OnAssetCreatedDocument = amplifySubscription(OnAssetCreatedNode);

const ISO_MILLIS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const BYTES = Buffer.from('signed in with amplify');

function present<T>(value: T | null): T {
  if (value === null) throw new Error('expected a value, got null');
  return value;
}

describe('amplify js v6 auth: sign-up and SRP sign-in', () => {
  test('signUp, confirmSignUp with the logged code, a wrong password, then signIn (SRP) and the API as that user', async ({ openPool, expect }) => {
    const { server, logs, tap } = openPool;
    openPool.configureAmplify();
    const email = 'ada@example.com';
    const password = 'Correct-Horse-9';

    const signedUp = await signUp({ username: email, password, options: { userAttributes: { email } } });
    expect(signedUp).toEqual({
      isSignUpComplete: false,
      userId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      nextStep: { signUpStep: 'CONFIRM_SIGN_UP', codeDeliveryDetails: { deliveryMedium: 'EMAIL', destination: 'a***@e***', attributeName: 'email' } },
    });
    const code = /confirmation code for ada@example\.com: (\d{6})/.exec(logs.join('\n'))?.[1] ?? '';
    expect(await confirmSignUp({ username: email, confirmationCode: code })).toEqual({ isSignUpComplete: true, nextStep: { signUpStep: 'DONE' } });

    expect(await rejectionOf(signIn({ username: email, password: 'Wrong-Horse-9' }))).toEqual({ name: 'NotAuthorizedException', message: 'Incorrect username or password.' });
    expect(await signIn({ username: email, password })).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });

    const session = await fetchAuthSession();
    const access = session.tokens?.accessToken.payload ?? {};
    expect(access).toEqual({
      sub: signedUp.userId,
      iss: `https://cognito-idp.us-east-1.amazonaws.com/${server.userPool.userPoolId}`,
      client_id: server.userPool.clientId,
      origin_jti: expect.any(String),
      event_id: expect.any(String),
      token_use: 'access',
      scope: 'aws.cognito.signin.user.admin',
      auth_time: expect.any(Number),
      iat: expect.any(Number),
      exp: (access['iat'] as number) + 3600,
      jti: expect.any(String),
      username: signedUp.userId,
    });
    expect(session.tokens?.idToken?.payload).toMatchObject({ sub: signedUp.userId, 'cognito:username': signedUp.userId, email, email_verified: true, token_use: 'id', aud: server.userPool.clientId });

    // The API with the user's own tokens: createUpload, the bytes, the event over wss://, getAsset.
    const client = generateClient();
    const events = createEventQueue<unknown>();
    const subscription = client.graphql({ query: OnAssetCreatedDocument, authMode: 'userPool' }).subscribe({ next: (event) => events.push(event), error: (error: unknown) => events.fail(error) });
    await tap.nextFrame((f) => f['type'] === 'start_ack');
    const created = await client.graphql({ query: CreateUploadDocument, authMode: 'userPool', variables: { input: { name: 'notes.txt', contentType: 'text/plain', size: BYTES.length } } });
    const asset = created.data.createUpload.asset;
    expect(asset).toMatchObject({ owner: signedUp.userId, status: 'PENDING' });
    expect(await putToTicket(present(created.data.createUpload.upload), BYTES)).toEqual({ status: 200, error: null });
    const ready = { ...asset, status: 'READY', updatedAt: expect.stringMatching(ISO_MILLIS) };
    expect(await events.next()).toEqual({ data: { onAssetCreated: ready } });
    subscription.unsubscribe();
    expect(await client.graphql({ query: GetAssetDocument, authMode: 'userPool', variables: { id: asset.id } })).toEqual({ data: { getAsset: { ...ready, downloadUrl: expect.any(String) } } });

    // A refreshed session (GetTokensFromRefreshToken): new tokens of the same sign-in, and they work.
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    expect(refreshed.tokens?.accessToken.payload['jti']).not.toBe(access['jti']);
    expect(refreshed.tokens?.accessToken.payload['origin_jti']).toBe(access['origin_jti']);
    expect(await client.graphql({ query: GetAssetDocument, authMode: 'userPool', variables: { id: asset.id } })).toMatchObject({ data: { getAsset: { id: asset.id, status: 'READY' } } });

    // signOut revokes the refresh token (RevokeToken): the sign-in's access tokens then fail GetUser.
    const accessToken = refreshed.tokens?.accessToken.toString() ?? '';
    expect(await getUser(server.userPool.endpoint, accessToken)).toMatchObject({ status: 200, body: { Username: signedUp.userId } });
    await signOut();
    expect(await getUser(server.userPool.endpoint, accessToken)).toEqual({ status: 400, body: { __type: 'NotAuthorizedException', message: 'Access Token has been revoked' } });
    expect((await fetchAuthSession()).tokens).toBeUndefined();
  });
});

describe('amplify js v6 auth: admin-created user, new password and TOTP (MFA required)', () => {
  test('NEW_PASSWORD_REQUIRED, then CONTINUE_SIGN_IN_WITH_TOTP_SETUP, then TOTP codes at the next sign-in', async ({ mfaPool, expect }) => {
    const { server } = mfaPool;
    mfaPool.configureAmplify();
    const admin = new CognitoIdentityProviderClient({ endpoint: server.userPool.endpoint, region: 'us-east-1', credentials: { ...TEST_CREDENTIALS } });
    const email = 'grace@example.com';
    const created = await admin.send(
      new AdminCreateUserCommand({
        UserPoolId: server.userPool.userPoolId,
        Username: email,
        TemporaryPassword: 'Temporary-Pass-1',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }],
      }),
    );
    admin.destroy();
    expect(created.User?.UserStatus).toBe('FORCE_CHANGE_PASSWORD');

    expect(await signIn({ username: email, password: 'Temporary-Pass-1' })).toEqual({
      isSignedIn: false,
      nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED', missingAttributes: [] },
    });
    const setup = await confirmSignIn({ challengeResponse: 'Brand-New-Pass-2' });
    expect(setup).toEqual({
      isSignedIn: false,
      nextStep: { signInStep: 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP', totpSetupDetails: { sharedSecret: expect.stringMatching(/^[A-Z2-7]{32}$/), getSetupUri: expect.any(Function) } },
    });
    const secret = decodeBase32(setup.nextStep.signInStep === 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP' ? setup.nextStep.totpSetupDetails.sharedSecret : '') ?? Buffer.alloc(0);
    const now = Date.now() / 1000;
    expect(await confirmSignIn({ challengeResponse: totpCode(secret, now) })).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    await signOut();

    expect(await signIn({ username: email, password: 'Brand-New-Pass-2' })).toEqual({ isSignedIn: false, nextStep: { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' } });
    expect(await rejectionOf(confirmSignIn({ challengeResponse: '000000' === totpCode(secret, now + 30) ? '111111' : '000000' }))).toEqual({ name: 'CodeMismatchException', message: 'Invalid code received for user' });
    // A code is good once: the next step's code (accepted within ±1 step).
    expect(await confirmSignIn({ challengeResponse: totpCode(secret, now + 30) })).toEqual({ isSignedIn: true, nextStep: { signInStep: 'DONE' } });
    const session = await fetchAuthSession();
    expect(session.tokens?.idToken?.payload).toMatchObject({ email, 'cognito:username': created.User?.Username });
    await signOut();
  });
});
