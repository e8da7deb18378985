/**
 * `npm run user -- <command>`: manages the users of a running `npm start`'s local user pool, through
 * its Cognito endpoint (`/cognito-idp/`) with the AWS SDK, signed with the backend credentials of the
 * state folder (`local-credentials.json`), as an administrator would on AWS. Talking to the server
 * (rather than editing `cognito-users.json`) keeps one writer, and works for in-memory pools too.
 *
 *   add <email> [--groups a,b] [--password P] [--permanent]
 *       AdminCreateUser (+ AdminAddUserToGroup); prints the temporary password, which the user's
 *       first sign-in replaces (NEW_PASSWORD_REQUIRED). --permanent sets the password as final.
 *   list                      ListUsers
 *   delete <email>            AdminDeleteUser
 *   set-password <email> <P> [--permanent]
 *                             AdminSetUserPassword
 *   Server options: --port N (default 4000, or PORT), --host H, --data-dir [DIR] (as given to npm start).
 */
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminSetUserPasswordCommand,
  CognitoIdentityProviderClient,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { isConfigError } from '../../api/config-error.ts';
import { api } from '../../api/definition.ts';
import { resolveUserPool } from '../../api/user-pool.ts';
import { loadLocalCredentials } from '../auth/local-credentials.ts';
import { generateTemporaryPassword } from '../cognito/pool-settings.ts';
import { COGNITO_PATH } from '../cognito/handler.ts';
import { loadConfig } from '../config.ts';
import { parseUserCommand } from './user-command.ts';

/** Runs one command against the running server. */
async function main(): Promise<void> {
  const args = parseUserCommand(process.argv.slice(2));
  const config = loadConfig(process.env, args.serverArgs);
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host.includes(':') ? `[${config.host}]` : config.host;
  const endpoint = `http://${host}:${config.port}${COGNITO_PATH}`;
  const UserPoolId = config.userPoolIssuer.split('/').pop() ?? '';
  const client = new CognitoIdentityProviderClient({ endpoint, region: config.region, credentials: { ...loadLocalCredentials(config.stateDir) }, maxAttempts: 1 });
  const [name = ''] = args.positional;
  try {
    switch (args.command) {
      case 'add': {
        const policy = resolveUserPool(api).passwordPolicy;
        const password = args.password ?? generateTemporaryPassword(policy);
        const { User } = await client.send(
          new AdminCreateUserCommand({ UserPoolId, Username: name, TemporaryPassword: password, MessageAction: 'SUPPRESS', UserAttributes: name.includes('@') ? [{ Name: 'email_verified', Value: 'true' }] : [] }),
        );
        for (const GroupName of args.groups) await client.send(new AdminAddUserToGroupCommand({ UserPoolId, Username: name, GroupName }));
        if (args.permanent) await client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: name, Password: password, Permanent: true }));
        process.stdout.write(`${password}\n`);
        process.stderr.write(
          `(created ${name}${args.groups.length > 0 ? ` in ${args.groups.join(', ')}` : ''}, username ${User?.Username ?? '?'}; ${args.permanent ? 'password is permanent' : 'temporary password: the first sign-in sets a new one'})\n`,
        );
        break;
      }
      case 'list': {
        const { Users = [] } = await client.send(new ListUsersCommand({ UserPoolId }));
        for (const user of Users) {
          const email = user.Attributes?.find((a) => a.Name === 'email')?.Value ?? '';
          process.stdout.write(`${user.Username ?? ''}\t${email}\t${user.UserStatus ?? ''}\n`);
        }
        break;
      }
      case 'delete':
        await client.send(new AdminDeleteUserCommand({ UserPoolId, Username: name }));
        process.stderr.write(`(deleted ${name})\n`);
        break;
      case 'set-password':
        await client.send(new AdminSetUserPasswordCommand({ UserPoolId, Username: name, Password: args.password ?? '', Permanent: args.permanent }));
        process.stderr.write(`(password of ${name} set${args.permanent ? ', permanent' : ', temporary'})\n`);
        break;
    }
  } catch (error) {
    const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    if (code === 'ECONNREFUSED') throw new Error(`no server at ${endpoint}: start it with npm start (same --port and --data-dir)`);
    throw error;
  } finally {
    client.destroy();
  }
}

try {
  await main();
} catch (error) {
  const described = error instanceof Error ? `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}` : String(error);
  process.stderr.write(`${isConfigError(error) ? String((error as Error).message) : described}\n`);
  process.exitCode = 1;
}
