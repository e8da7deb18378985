/**
 * One `node:vm` context, shared by every resolver of the process (creating and hardening a context
 * costs ~20 ms; sharing is safe because nothing mutable is reachable from resolver code: globals are
 * read-only, intrinsics frozen, and module state is either re-created per evaluation or proven
 * immutable and frozen, see module-analysis.ts). The util library (`sandbox/prelude.ts`) is bundled
 * by esbuild into one script and run inside the context, so every object resolver code can reach —
 * `util`, `ctx`, the built-ins — belongs to the sandbox's realm; no host function is reachable, and
 * string code generation (`eval`, `Function`) is disabled. Node's globals (`process`, `require`,
 * timers, `Buffer`, `fetch`) do not exist in a fresh context.
 *
 * The bundled prelude (and V8's code cache for it) is kept in the runtime's disk cache, keyed by a
 * hash of the `sandbox/` sources, the esbuild version and the Node version: esbuild runs (and is
 * loaded) only when those sources changed.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { createDiskCache, sha256, type DiskCache } from './disk-cache.ts';
import type { HostBridge } from './sandbox/bridge.ts';
import type { ModuleFactory, SandboxApi } from './sandbox/prelude.ts';

/** File name the prelude shows in stack traces. */
const PRELUDE_FILENAME = 'appsync-js-runtime.js';
const PRELUDE_GLOBAL = '__appsyncPrelude';
/** Bump when the way the prelude is built changes (options below). */
const PRELUDE_BUILD_VERSION = '1';

const SANDBOX_DIR = fileURLToPath(new URL('./sandbox/', import.meta.url));

function preludeKey(require: NodeJS.Require): string {
  const parts = [PRELUDE_BUILD_VERSION, process.version];
  try {
    parts.push((JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')) as { version?: unknown }).version as string);
  } catch {
    parts.push('esbuild?');
  }
  for (const name of readdirSync(SANDBOX_DIR).filter((n) => n.endsWith('.ts')).sort()) parts.push(name, readFileSync(join(SANDBOX_DIR, name), 'utf8'));
  return sha256(parts);
}

function bundlePrelude(require: NodeJS.Require): string {
  const { buildSync } = require('esbuild') as typeof import('esbuild');
  const result = buildSync({
    entryPoints: [join(SANDBOX_DIR, 'prelude.ts')], bundle: true, format: 'iife', globalName: PRELUDE_GLOBAL, write: false,
    platform: 'neutral', target: 'es2022', logLevel: 'silent', charset: 'utf8',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('sandbox: esbuild produced no prelude');
  return `(function () { "use strict";\n${text}\nreturn ${PRELUDE_GLOBAL}.install; })()`;
}

interface PreludeScript {
  readonly script: vm.Script;
  /** Stores V8's code cache once the prelude ran (its lazily compiled functions are then included). */
  saveCodeCache(): void;
}

const preludeScripts = new Map<string, PreludeScript>();

/** The prelude compiled from a cached source, or null when that source does not compile. */
function compilePrelude(source: string, cachedData: Buffer | undefined): vm.Script | null {
  try {
    return new vm.Script(source, { filename: PRELUDE_FILENAME, ...(cachedData ? { cachedData } : {}) });
  } catch {
    return null;
  }
}

/** The prelude script: from memory, else from the disk cache, else bundled now (and cached). */
function loadPreludeScript(cache: DiskCache | null): PreludeScript {
  const memoKey = cache?.dir ?? '';
  const memo = preludeScripts.get(memoKey);
  if (memo) return memo;
  const require = createRequire(import.meta.url);
  const key = preludeKey(require);
  const sourceName = `prelude-${key}.js`;
  const codeCacheName = `prelude-${key}.v8`;
  const cachedSource = cache?.read(sourceName) ?? null;
  let cachedData = cache?.readBytes(codeCacheName) ?? undefined;
  let script = cachedSource === null ? null : compilePrelude(cachedSource, cachedData);
  if (script === null) {
    // No entry, or one that does not compile (a truncated or damaged file): the cache is only a cache.
    const source = bundlePrelude(require);
    cache?.write(sourceName, source);
    cachedData = undefined;
    script = new vm.Script(source, { filename: PRELUDE_FILENAME });
  }
  let saved = cachedData !== undefined && script.cachedDataRejected !== true;
  const loaded: PreludeScript = {
    script,
    saveCodeCache: function saveCodeCache(): void {
      if (saved || !cache) return;
      saved = true;
      cache.write(codeCacheName, script.createCachedData());
    },
  };
  preludeScripts.set(memoKey, loaded);
  return loaded;
}

const bridge: HostBridge = Object.freeze({
  randomHex: function randomHex(n: number): string {
    return randomBytes(Math.max(0, Math.min(1024, Math.floor(n)))).toString('hex');
  },
});

export interface Sandbox {
  readonly api: SandboxApi;
  /** Compiles a factory source (from `rewriteModule`) in this context; done once per file. */
  compileFactory(factorySource: string, filename: string): ModuleFactory;
}

let shared: Sandbox | null = null;

/**
 * The process-wide sandbox, created on first use; its prelude comes from `cache` as given by that
 * first call (@default the disk cache under `dist/.runtime-cache`).
 */
export function sharedSandbox(cache?: DiskCache): Sandbox {
  shared ??= createSandbox('appsync-js', { cache: cache ?? createDiskCache() });
  return shared;
}

export interface SandboxOptions {
  /** Where the bundled prelude is cached; null bundles it in memory only. @default null */
  readonly cache?: DiskCache | null;
}

/**
 * `vm.constants.DONT_CONTEXTIFY` (Node ≥ 20.18): the context's global is an ordinary object instead
 * of one backed by interceptors, so every global lookup in resolver code (`Object`, `JSON`, `util`)
 * costs what it costs in the host instead of a call into C++ (about 5x slower code overall).
 */
// Double cast: @types/node 20 types the constant as a number and older 20.x lack it (a symbol at run time).
const DONT_CONTEXTIFY: unknown = (vm.constants as unknown as Readonly<Record<string, unknown>> | undefined)?.['DONT_CONTEXTIFY'];

export function createSandbox(name: string, options: SandboxOptions = {}): Sandbox {
  const contextObject = (DONT_CONTEXTIFY ?? Object.create(null)) as object;
  const context = vm.createContext(contextObject, { name, codeGeneration: { strings: false, wasm: false } });
  const prelude = loadPreludeScript(options.cache ?? null);
  const install = prelude.script.runInContext(context) as (b: HostBridge) => SandboxApi;
  const api = install(bridge);
  prelude.saveCodeCache();
  return {
    api,
    compileFactory: function compileFactory(factorySource: string, filename: string): ModuleFactory {
      // lineOffset -1: the wrapper's first line is ours, so the resolver's line 1 stays line 1.
      const script = new vm.Script(factorySource, { filename, lineOffset: -1 });
      return script.runInContext(context) as ModuleFactory;
    },
  };
}
