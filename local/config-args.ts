/**
 * The command line of the local server, split into flags for `loadConfig` (`config.ts`): flags with
 * a value (`--port N` or `--port=N`), repeatable flags (`--cors-origin URL`), boolean flags, and
 * `--data-dir [DIR]` with its optional value. Unknown arguments are a ConfigError that lists the known ones.
 */
import { ConfigError } from '../api/config-error.ts';

const FLAGS_WITH_VALUE = new Set(['--port', '--host', '--public-host', '--mfa', '--public-url', '--outputs']);
/** Flags that may be given more than once; each occurrence adds a value. */
const REPEATABLE_FLAGS = new Set(['--cors-origin']);
const BOOLEAN_FLAGS = new Set(['--verbose', '--no-tls', '--no-introspection', '--no-watch', '--no-cache', '--auto-confirm', '--no-outputs']);

export interface ParsedArgs {
  readonly values: Map<string, string | true>;
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const inline = eq > 0 ? arg.slice(eq + 1) : undefined;
    if (FLAGS_WITH_VALUE.has(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value.startsWith('--')) throw new ConfigError(`${name}: a value is required. Received: nothing`);
      values.set(name, value);
    } else if (name === '--data-dir') {
      const next = argv[i + 1];
      if (inline !== undefined) values.set(name, inline);
      else if (next !== undefined && !next.startsWith('--')) values.set(name, argv[++i] ?? '');
      else values.set(name, true);
    } else if (BOOLEAN_FLAGS.has(name) && inline === undefined) {
      values.set(name, true);
    } else {
      throw new ConfigError(`unknown argument. Received: ${arg} (known: --port N, --host H, --data-dir [DIR], --verbose, --no-tls, --no-introspection, --no-watch, --no-cache, --cors-origin URL, --public-host NAME, --public-url URL, --outputs PATH, --no-outputs, --mfa off|optional|required, --auto-confirm)`);
    }
  }
  return { values };
}

/** Takes the repeatable flags out of `argv`: their values by flag, and the other arguments. */
export function takeRepeatableArgs(argv: readonly string[]): { repeated: Map<string, string[]>; rest: string[] } {
  const repeated = new Map<string, string[]>();
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!REPEATABLE_FLAGS.has(name)) {
      rest.push(arg);
      continue;
    }
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || value.startsWith('--')) throw new ConfigError(`${name}: a value is required. Received: nothing`);
    repeated.set(name, [...(repeated.get(name) ?? []), value]);
  }
  return { repeated, rest };
}
