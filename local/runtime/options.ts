/**
 * The runtime's switches, one options object that every host passes to `compileResolver`,
 * `loadResolverFile` and `evaluateCode` (STYLE 10: only entry points read the environment; they
 * call `runtimeOptionsFromEnv` and pass the result down).
 */
import { ConfigError } from '../../api/config-error.ts';

export interface RuntimeOptions {
  /**
   * Take the fast paths that rest on static proofs (docs/ARCHITECTURE.md#request-path-socket--resolver--store--response): a module whose top
   * level is proven stateless is instantiated once, frozen and shared by every evaluation
   * (module-analysis.ts); only the `ctx` members a handler can observe are copied into the sandbox
   * (context-usage.ts); results come out in one walk (copy-out.ts). `false` takes the plain path:
   * every evaluation runs the module's top level afresh, copies the whole `ctx` in, and copies
   * results out with `JSON.parse(JSON.stringify(…))`. Both give the same results; the plain path is
   * the reference the fast paths are tested against, and a way to rule them out when debugging.
   * @default true
   */
  readonly fastPaths?: boolean;
}

/** The environment variable entry points read: `0`/`false` takes the plain path, `1`/`true` (or unset) the fast paths. */
export const FAST_PATHS_ENV = 'ASSET_API_RUNTIME_FAST_PATHS';

/** For entry points only: the runtime options named by `env`. Throws `ConfigError` on any other value. */
export function runtimeOptionsFromEnv(env: Readonly<Record<string, string | undefined>>): RuntimeOptions {
  const raw = env[FAST_PATHS_ENV];
  if (raw === undefined || raw === '' || raw === '1' || raw === 'true') return { fastPaths: true };
  if (raw === '0' || raw === 'false') return { fastPaths: false };
  throw new ConfigError(`${FAST_PATHS_ENV}: must be 0, 1, false or true. Received: ${raw}`);
}
