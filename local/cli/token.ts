/**
 * `npm run token -- --sub alice [--groups admin,editors] [--username NAME] [--email E] [--access]
 * [--expires SECONDS] [--data-dir DIR]`: prints a Cognito-shaped token signed by the local issuer's
 * key, the same key file the server reads (`<data dir or temp state folder>/local-issuer-key.pem`),
 * so the token verifies against a running `npm start` with the same `--data-dir`. Only the token goes
 * to stdout; use it as the `Authorization` header.
 */
import { isConfigError } from '../../api/config-error.ts';
import { createLocalIssuer } from '../auth/local-issuer.ts';
import { loadConfig } from '../config.ts';

interface TokenArgs {
  readonly sub: string;
  readonly groups: string[];
  readonly username?: string;
  readonly email?: string;
  readonly tokenUse: 'id' | 'access';
  readonly expiresInSeconds: number;
  /** Arguments for `loadConfig` (`--data-dir`). */
  readonly serverArgs: string[];
}

const USAGE = 'usage: npm run token -- --sub <id> [--groups a,b] [--username NAME] [--email E] [--access] [--expires SECONDS] [--data-dir DIR]';

function parseTokenArgs(argv: readonly string[]): TokenArgs {
  let sub: string | undefined;
  const groups: string[] = [];
  let username: string | undefined;
  let email: string | undefined;
  let tokenUse: 'id' | 'access' = 'id';
  let expiresInSeconds = 3600;
  const serverArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const [name = '', inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${name}: a value is required\n${USAGE}`);
      return v;
    };
    switch (name) {
      case '--sub': sub = value(); break;
      case '--groups': groups.push(...value().split(',').map((g) => g.trim()).filter((g) => g !== '')); break;
      case '--username': username = value(); break;
      case '--email': email = value(); break;
      case '--access': tokenUse = 'access'; break;
      case '--expires': {
        const raw = value();
        expiresInSeconds = Number(raw);
        if (!Number.isSafeInteger(expiresInSeconds) || expiresInSeconds < 1) throw new Error(`--expires: must be a positive integer. Received: ${raw}`);
        break;
      }
      case '--data-dir':
        serverArgs.push(arg);
        if (inline === undefined && argv[i + 1] !== undefined && !(argv[i + 1] ?? '').startsWith('--')) serverArgs.push(argv[++i] ?? '');
        break;
      default:
        throw new Error(`unknown argument: ${arg}\n${USAGE}`);
    }
  }
  if (sub === undefined) throw new Error(`--sub is required\n${USAGE}`);
  return { sub, groups, tokenUse, expiresInSeconds, serverArgs, ...(username !== undefined ? { username } : {}), ...(email !== undefined ? { email } : {}) };
}

try {
  const args = parseTokenArgs(process.argv.slice(2));
  const config = loadConfig(process.env, args.serverArgs);
  const issuer = createLocalIssuer({ stateDir: config.stateDir, issuer: config.userPoolIssuer, clientId: config.userPoolClientId });
  const token = await issuer.mintToken({
    sub: args.sub,
    groups: args.groups,
    tokenUse: args.tokenUse,
    expiresInSeconds: args.expiresInSeconds,
    ...(args.username !== undefined ? { username: args.username } : {}),
    ...(args.email !== undefined ? { email: args.email } : {}),
  });
  process.stdout.write(`${token}\n`);
  process.stderr.write(`(${args.tokenUse} token for sub=${args.sub}, valid ${args.expiresInSeconds} s, key ${issuer.keyPath})\n`);
} catch (error) {
  process.stderr.write(`${isConfigError(error) || error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
