/**
 * Entry of the code that runs INSIDE each resolver's vm context. The host bundles this file once
 * (esbuild, IIFE), runs it in a fresh context and calls `install(bridge)`, which builds the AppSync
 * globals (`util`, `extensions`, `runtime`, `console`), removes what APPSYNC_JS lacks, freezes the
 * realm and returns the `run` entry point. Everything the resolver can touch is made in this realm.
 */
import { setBridge, type HostBridge } from './bridge.ts';
import { buildContext, importValue, ResolverInfo } from './context-import.ts';
import { createDynamodbModule } from './dynamodb-helpers.ts';
import { hardenRealm, hiddenIntrinsics } from './harden.ts';
import { createAppSyncGlobals } from './appsync-globals.ts';
import { beginEvaluation, endEvaluation, isStopSignal, type EvaluationState } from './state.ts';

const defineProperty = Object.defineProperty;

/** Globals APPSYNC_JS does not offer (docs/APPSYNC-BEHAVIOUR.md#js-built-in-objects): timers never existed here; these are removed. */
const REMOVED_GLOBALS = ['Promise', 'Date', 'Intl', 'eval', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'FinalizationRegistry', 'WeakRef'];

/**
 * The context members as the host passes them (a host object: `ResolverContextInput`). Only
 * `buildContext` (context-import.ts) reads it, and copies every member into this realm.
 */
export type HostContext = Record<string, unknown> & { info?: Record<string, unknown>; env?: Record<string, unknown> };

export type ModuleFactory = (importModule: (specifier: string) => unknown, globalView: unknown, collect?: (values: unknown[]) => void) => Record<string, unknown>;

/** A module instantiated once and shared by every evaluation (module-analysis.ts proved it immutable). */
export interface SharedModule {
  readonly exports: Readonly<Record<string, unknown>>;
}

/** A value check from module-analysis.ts (`ValueCheck`), as host data. */
export interface SharingCheck {
  readonly binding: number;
  readonly path: readonly (string | null)[];
  readonly kind: 'value' | 'elements';
  readonly line: number;
}

export interface SandboxApi {
  /**
   * Runs the module's top level once, checks `checks` against the values it produced and deep-freezes
   * every top-level value. Returns the shared instance, or the reason the module must be
   * instantiated per evaluation instead.
   */
  instantiate(factory: ModuleFactory, checks: readonly SharingCheck[]): { readonly module: SharedModule | null; readonly reason: string | null };
  /**
   * Runs `handler` with a `ctx` built in this realm from the host's `ctx`. `target` is a shared
   * instance, or (when `fresh`) a factory whose top level runs first; `members` (context-members.ts)
   * names the `ctx` members the handler can observe. Returns the evaluation state,
   * reused by the next run: the host copies what it needs out of it at once.
   */
  run(target: SharedModule | ModuleFactory, fresh: boolean, handler: string, ctx: HostContext, authType: string, filename: string, members: number): EvaluationState;
  /** Describes a value thrown while the host copied an outcome out (e.g. a circular structure). */
  describeError(e: unknown, filename: string): { readonly message: string; readonly line: number | null; readonly column: number | null };
  /** This realm's `Object.prototype` and `Array.prototype`, so the host can recognise plain data. */
  readonly objectPrototype: object;
  readonly arrayPrototype: object;
  /** The prototype of `ctx.info`: its instances serialise like plain objects (own enumerable members). */
  readonly infoPrototype: object;
}

function codeErrorOf(e: unknown, filename: string): { message: string; line: number | null; column: number | null } {
  const name = typeof e === 'object' && e !== null && typeof (e as Error).name === 'string' ? (e as Error).name : 'Error';
  const text = typeof e === 'object' && e !== null && typeof (e as Error).message === 'string' ? (e as Error).message : String(e);
  const stack = typeof e === 'object' && e !== null && typeof (e as Error).stack === 'string' ? (e as Error).stack! : '';
  const at = stack.indexOf(`${filename}:`);
  const position = at < 0 ? null : /^(\d+):(\d+)/.exec(stack.slice(at + filename.length + 1));
  const line = position ? Number(position[1]) : null;
  const column = position ? Number(position[2]) : null;
  // AppSync prefixes the message with the position in the uploaded file, named code.js
  // (docs/APPSYNC-BEHAVIOUR.md#js-util-errors, "Uncaught exception").
  const prefix = line === null ? '' : `code.js:${line}:${column}: `;
  return { message: `${prefix}${name}: ${text}`, line, column };
}

/** Resolves a check's path on an instantiated module: every value found there (`null` = each own value). */
function valuesAt(root: unknown, path: readonly (string | null)[]): unknown[] {
  let current: unknown[] = [root];
  for (const key of path) {
    const next: unknown[] = [];
    for (const v of current) {
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null) continue;
      if (key === null) for (const k of Object.keys(v)) next.push((v as Record<string, unknown>)[k]);
      else next.push((v as Record<string, unknown>)[key]);
    }
    current = next;
  }
  return current;
}

const isInert = (v: unknown): boolean => (typeof v !== 'object' || v === null);

function passesCheck(values: unknown[], kind: 'value' | 'elements'): boolean {
  for (const v of values) {
    if (isInert(v)) continue;
    if (kind === 'value') return false;
    if (typeof v === 'function') continue;
    for (const k of Object.keys(v as object)) if (!isInert((v as Record<string, unknown>)[k])) return false;
  }
  return true;
}

/** Freezes everything reachable from `roots` that `hardenRealm` did not freeze already. */
function deepFreeze(roots: readonly unknown[], hardened: WeakSet<object>): void {
  const queue: unknown[] = [...roots];
  while (queue.length > 0) {
    const v = queue.pop();
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || hardened.has(v)) continue;
    hardened.add(v);
    Object.freeze(v);
    queue.push(Reflect.getPrototypeOf(v));
    for (const key of Reflect.ownKeys(v)) {
      const desc = Reflect.getOwnPropertyDescriptor(v, key);
      if (!desc) continue;
      if ('value' in desc) queue.push(desc.value);
      if (desc.get) queue.push(desc.get);
      if (desc.set) queue.push(desc.set);
    }
  }
}

export function install(bridge: HostBridge): SandboxApi {
  setBridge(bridge);
  const g = globalThis as unknown as Record<string, unknown>;
  const { util, extensions, runtime, console, json } = createAppSyncGlobals();
  const utilsModule = Object.freeze({ util, extensions, runtime });
  const dynamodbModule = Object.freeze(createDynamodbModule());
  const importModule = (specifier: string): unknown => {
    if (specifier === '@aws-appsync/utils') return utilsModule;
    if (specifier === '@aws-appsync/utils/dynamodb') return dynamodbModule;
    throw new Error(`Cannot find module '${specifier}'`);
  };

  const hidden = hiddenIntrinsics();
  for (const name of REMOVED_GLOBALS) delete g[name];
  Object.assign(g, { util, extensions, runtime, console, JSON: json });
  const names = Object.getOwnPropertyNames(g).filter((n) => n !== 'globalThis');
  for (const name of names) defineProperty(g, name, { value: g[name], writable: false, configurable: false, enumerable: false });
  const view: Record<string, unknown> = {};
  for (const name of names) view[name] = g[name];
  const hardened = hardenRealm([...names.map((n) => g[n]), ...hidden, view, utilsModule, dynamodbModule, importModule, ResolverInfo]);

  const describeError = function describeError(e: unknown, filename: string): { message: string; line: number | null; column: number | null } {
    return codeErrorOf(e, filename);
  };

  const instantiate = function instantiate(factory: ModuleFactory, checks: readonly SharingCheck[]): { module: SharedModule | null; reason: string | null } {
    let values: unknown[] = [];
    let exportsTable: Record<string, unknown>;
    const s = beginEvaluation('API Key Authorization', '');
    try {
      exportsTable = factory(importModule, view, function collect(v: unknown[]) { values = v; });
    } catch (e) {
      return { module: null, reason: `the top level threw: ${codeErrorOf(e, '').message}` };
    }
    if (s.logs.length > 0 || s.appendedErrors.length > 0 || s.invalidations.length > 0 || s.cacheEvictions.length > 0) {
      return { module: null, reason: 'the top level has side effects' };
    }
    for (const check of importValue(checks) as SharingCheck[]) {
      if (!passesCheck(valuesAt(values[check.binding], check.path), check.kind)) {
        return { module: null, reason: `a mutable top-level object flows into handler code (line ${check.line})` };
      }
    }
    deepFreeze([...values, exportsTable], hardened);
    return { module: Object.freeze({ exports: exportsTable }), reason: null };
  };

  const run = function run(target: SharedModule | ModuleFactory, fresh: boolean, handler: string, hostCtx: HostContext, authType: string, filename: string, members: number): EvaluationState {
    const s = beginEvaluation(authType, filename);
    try {
      const ctx = buildContext(hostCtx, members);
      s.stash = ctx['stash'];
      const mod = fresh ? (target as ModuleFactory)(importModule, view) : (target as SharedModule).exports;
      const fn = mod[handler];
      if (typeof fn !== 'function') throw new TypeError(`${handler} is not a function`);
      s.value = fn(ctx);
    } catch (e) {
      if (isStopSignal(e)) s.stop = e;
      else s.codeError = codeErrorOf(e, filename);
    }
    return endEvaluation(s);
  };

  return Object.freeze({ run, instantiate, describeError, objectPrototype: Object.prototype, arrayPrototype: Array.prototype, infoPrototype: ResolverInfo.prototype });
}
