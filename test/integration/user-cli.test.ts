/**
 * `npm run user` against a running server: it creates an admin-pool user through the Cognito
 * endpoint with SigV4 (the state folder's backend credentials), prints a temporary password, and the
 * first sign-in with it gets NEW_PASSWORD_REQUIRED. Also its usage errors and a server that is not there.
 */
import { AdminInitiateAuthCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, test as base } from 'vitest';
import { PROJECT_ROOT } from '../../api/paths.ts';
import { loadLocalCredentials } from '../../local/auth/local-credentials.ts';
import { parseUserCommand } from '../../local/cli/user-command.ts';
import { loadConfig } from '../../local/config.ts';
import { startLocalServer, type LocalServer } from '../../local/server.ts';

/** Runs `npm run user -- <args>` (without npm) and collects its output. */
function runUserCli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'local/cli/user.ts'), ...args], { cwd: PROJECT_ROOT, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

// The server takes the state folder's backend credentials, as `npm start` does, so the CLI's signature verifies.
const test = base.extend<{ server: LocalServer }>({
  server: [
    async ({}, use) => {
      const config = loadConfig({}, ['--port', '0', '--no-watch']);
      const server = await startLocalServer({ ...config, localCredentials: loadLocalCredentials(config.stateDir) });
      await use(server);
      await server.close();
    },
    { scope: 'file' },
  ],
});

describe('npm run user', () => {
  test('add prints a temporary password that signs in to NEW_PASSWORD_REQUIRED; list shows the user', async ({ server, expect }) => {
    const added = await runUserCli(['add', 'bob@example.com', '--groups', 'admin', '--port', String(server.port)]);
    expect({ code: added.code, stderr: added.stderr.replace(/username [0-9a-f-]{36}/, 'username <sub>') }).toEqual({
      code: 0,
      stderr: '(created bob@example.com in admin, username <sub>; temporary password: the first sign-in sets a new one)\n',
    });
    const password = added.stdout.trim();
    expect(password).toMatch(/^\S{16,}$/);

    const client = new CognitoIdentityProviderClient({ endpoint: server.userPool.endpoint, region: 'us-east-1', credentials: { ...server.backendCredentials } });
    const signIn = await client.send(
      new AdminInitiateAuthCommand({ UserPoolId: server.userPool.userPoolId, ClientId: server.userPool.clientId, AuthFlow: 'ADMIN_USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'bob@example.com', PASSWORD: password } }),
    );
    client.destroy();
    expect(signIn.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(JSON.parse(signIn.ChallengeParameters?.['userAttributes'] ?? '{}')).toEqual({ email: 'bob@example.com' });

    const listed = await runUserCli(['list', '--port', String(server.port)]);
    expect(listed).toEqual({ code: 0, stdout: expect.stringMatching(/^[0-9a-f-]{36}\tbob@example\.com\tFORCE_CHANGE_PASSWORD\n$/), stderr: '' });
  });

  test('says when no server answers, and explains its usage', async ({ expect }) => {
    expect(await runUserCli(['list', '--port', '1'])).toEqual({ code: 1, stdout: '', stderr: 'no server at http://127.0.0.1:1/cognito-idp/: start it with npm start (same --port and --data-dir)\n' });
    expect(() => parseUserCommand(['add'])).toThrow(/^add: expects 1 argument, got 0\nusage: npm run user/);
    expect(() => parseUserCommand(['remove', 'x'])).toThrow(/^unknown command: remove\n/);
    expect(parseUserCommand(['add', 'a@example.com', '--groups=admin,editors', '--data-dir', '/tmp/x'])).toEqual({
      command: 'add',
      positional: ['a@example.com'],
      groups: ['admin', 'editors'],
      password: null,
      permanent: false,
      serverArgs: ['--data-dir', '/tmp/x'],
    });
  });
});
