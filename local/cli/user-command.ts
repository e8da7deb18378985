/**
 * The command line of `npm run user` (local/cli/user.ts), parsed and checked before anything runs.
 */
export const USAGE = `usage: npm run user -- add <email> [--groups a,b] [--password P] [--permanent]
       npm run user -- list
       npm run user -- delete <email>
       npm run user -- set-password <email> <password> [--permanent]
  server options: --port N, --host H, --data-dir [DIR] (as given to npm start)`;

export interface UserCommand {
  readonly command: 'add' | 'list' | 'delete' | 'set-password';
  readonly positional: readonly string[];
  readonly groups: readonly string[];
  readonly password: string | null;
  readonly permanent: boolean;
  /** Arguments for `loadConfig` (`--port`, `--host`, `--data-dir`). */
  readonly serverArgs: readonly string[];
}

/** Parses the command line; throws an Error with the usage for anything else. */
export function parseUserCommand(argv: readonly string[]): UserCommand {
  const [command, ...rest] = argv;
  if (command !== 'add' && command !== 'list' && command !== 'delete' && command !== 'set-password') throw new Error(`unknown command: ${command ?? '(none)'}\n${USAGE}`);
  const positional: string[] = [];
  const groups: string[] = [];
  const serverArgs: string[] = [];
  let password: string | null = null;
  let permanent = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? rest[++i];
      if (v === undefined || v === '') throw new Error(`${name}: a value is required\n${USAGE}`);
      return v;
    };
    switch (name) {
      case '--groups': groups.push(...value().split(',').map((g) => g.trim()).filter((g) => g !== '')); break;
      case '--password': password = value(); break;
      case '--permanent': permanent = true; break;
      case '--port':
      case '--host':
        serverArgs.push(name, value());
        break;
      case '--data-dir':
        serverArgs.push(arg);
        if (inline === undefined && rest[i + 1] !== undefined && !(rest[i + 1] ?? '').startsWith('--')) serverArgs.push(rest[++i] ?? '');
        break;
      default:
        if (arg.startsWith('--')) throw new Error(`unknown option: ${arg}\n${USAGE}`);
        positional.push(arg);
    }
  }
  const wanted = { add: 1, list: 0, delete: 1, 'set-password': 2 }[command];
  if (positional.length !== wanted) throw new Error(`${command}: expects ${wanted} argument${wanted === 1 ? '' : 's'}, got ${positional.length}\n${USAGE}`);
  return { command, positional, groups, password: command === 'set-password' ? (positional[1] ?? null) : password, permanent, serverArgs };
}
