/**
 * A backend script's calls through the AWS SDK's Cognito client (SigV4 with the server's backend
 * credentials) against the local user pool of a real server: AdminCreateUser, then
 * AdminUpdateUserAttributes, AdminGetUser and AdminDeleteUserAttributes, and their errors as the SDK
 * raises them. The pool is the definition's own (admin-only, e-mail sign-in).
 */
import {
  AdminCreateUserCommand,
  AdminDeleteUserAttributesCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  type AdminGetUserCommandOutput,
} from '@aws-sdk/client-cognito-identity-provider';
import { describe, test as base } from 'vitest';
import { startTestServer, type TestServer } from '../support/test-server.ts';
import { rejectionOf } from '../support/rejection.ts';

const test = base.extend<{ pool: TestServer }>({
  pool: [
    async ({}, use) => {
      const started = await startTestServer({ argv: ['--no-tls'] });
      await use(started);
      await started.close();
    },
    { scope: 'file' },
  ],
});

/** AdminGetUser's answer without the SDK's response metadata. */
function withoutMetadata(output: AdminGetUserCommandOutput): Omit<AdminGetUserCommandOutput, '$metadata'> {
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

describe('cognito admin attribute actions through the AWS SDK', () => {
  test('a new e-mail address, verified by the administrator, then an attribute removed', async ({ pool, expect }) => {
    const { server, logs } = pool;
    const UserPoolId = server.userPool.userPoolId;
    const client = new CognitoIdentityProviderClient({ endpoint: server.userPool.endpoint, region: 'us-east-1', credentials: { ...server.backendCredentials } });
    try {
      const created = await client.send(new AdminCreateUserCommand({ UserPoolId, Username: 'grace@example.com', MessageAction: 'SUPPRESS' }));
      const Username = created.User?.Username ?? '';
      expect(Username).toMatch(/^[0-9a-f-]{36}$/);

      await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'email', Value: 'hopper@example.org' }, { Name: 'given_name', Value: 'Grace' }] }));
      expect(logs.filter((line) => line.startsWith('[cognito] verification code for hopper@example.org: '))).toHaveLength(1);
      await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username: 'hopper@example.org', UserAttributes: [{ Name: 'email_verified', Value: 'true' }] }));
      await client.send(new AdminDeleteUserAttributesCommand({ UserPoolId, Username, UserAttributeNames: ['given_name'] }));

      const got = await client.send(new AdminGetUserCommand({ UserPoolId, Username: 'hopper@example.org' }));
      expect(withoutMetadata(got)).toEqual({
        Username,
        UserAttributes: [
          { Name: 'sub', Value: Username },
          { Name: 'email', Value: 'hopper@example.org' },
          { Name: 'email_verified', Value: 'true' },
        ],
        UserCreateDate: created.User?.UserCreateDate,
        UserLastModifiedDate: expect.any(Date),
        Enabled: true,
        UserStatus: 'FORCE_CHANGE_PASSWORD',
      });

      expect(await rejectionOf(client.send(new AdminGetUserCommand({ UserPoolId, Username: 'grace@example.com' })))).toEqual({ name: 'UserNotFoundException', message: 'User does not exist.' });
      await client.send(new AdminCreateUserCommand({ UserPoolId, Username: 'ada@example.com', MessageAction: 'SUPPRESS' }));
      expect(await rejectionOf(client.send(new AdminUpdateUserAttributesCommand({ UserPoolId, Username, UserAttributes: [{ Name: 'email', Value: 'ada@example.com' }] })))).toEqual({
        name: 'AliasExistsException',
        message: 'An account with the given email already exists.',
      });
      expect(await rejectionOf(client.send(new AdminDeleteUserAttributesCommand({ UserPoolId, Username, UserAttributeNames: ['sub'] })))).toEqual({
        name: 'InvalidParameterException',
        message: 'Cannot modify the non-mutable attribute sub',
      });
    } finally {
      client.destroy();
    }
  });
});
