/**
 * One `node:vm` context, shared by every resolver of the process (creating and hardening a context
 * costs ~20 ms; sharing is safe because nothing mutable is reachable from resolver code: globals are
 * read-only, intrinsics frozen, module state is re-created per evaluation, see compile.ts). The util library (`sandbox/prelude.ts`) is bundled once
 * per process and run inside each context, so every object resolver code can reach — `util`,
 * `ctx`, the built-ins — belongs to the sandbox's realm; no host function is reachable, and string
 * code generation (`eval`, `Function`) is disabled. Node's globals (`process`, `require`, timers,
 * `Buffer`, `fetch`) do not exist in a fresh context.
 */
import { buildSync } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import type { HostBridge } from './sandbox/bridge.ts';
import type { ModuleFactory, SandboxApi } from './sandbox/prelude.ts';

/** File name the prelude shows in stack traces. */
const PRELUDE_FILENAME = 'appsync-js-runtime.js';
const PRELUDE_GLOBAL = '__appsyncPrelude';

let preludeScript: vm.Script | null = null;

function loadPreludeScript(): vm.Script {
  if (preludeScript) return preludeScript;
  const entry = fileURLToPath(new URL('./sandbox/prelude.ts', import.meta.url));
  const result = buildSync({
    entryPoints: [entry], bundle: true, format: 'iife', globalName: PRELUDE_GLOBAL, write: false,
    platform: 'neutral', target: 'es2022', logLevel: 'silent', charset: 'utf8',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('sandbox: esbuild produced no prelude');
  preludeScript = new vm.Script(`(function () { "use strict";\n${text}\nreturn ${PRELUDE_GLOBAL}.install; })()`, { filename: PRELUDE_FILENAME });
  return preludeScript;
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

/** The process-wide sandbox, created on first use. */
export function sharedSandbox(): Sandbox {
  shared ??= createSandbox('appsync-js');
  return shared;
}

export function createSandbox(name: string): Sandbox {
  const context = vm.createContext(Object.create(null) as object, { name, codeGeneration: { strings: false, wasm: false } });
  const install = loadPreludeScript().runInContext(context) as (b: HostBridge) => SandboxApi;
  const api = install(bridge);
  return {
    api,
    compileFactory: function compileFactory(factorySource: string, filename: string): ModuleFactory {
      // lineOffset -1: the wrapper's first line is ours, so the resolver's line 1 stays line 1.
      const script = new vm.Script(factorySource, { filename, lineOffset: -1 });
      return script.runInContext(context) as ModuleFactory;
    },
  };
}
