/**
 * Entry of the code that runs INSIDE each resolver's vm context. The host bundles this file once
 * (esbuild, IIFE), runs it in a fresh context and calls `install(bridge)`, which builds the AppSync
 * globals (`util`, `extensions`, `runtime`, `console`), removes what APPSYNC_JS lacks, freezes the
 * realm and returns the `run` entry point. Everything the resolver can touch is made in this realm.
 */
import { setBridge, type HostBridge } from './bridge.ts';
import { createDynamodbModule } from './dynamodb-helpers.ts';
import { hardenRealm, hiddenIntrinsics } from './harden.ts';
import { beginEvaluation, earlyReturnSignal, isStopSignal, state } from './state.ts';
import * as core from './util-core.ts';
import { createDynamodbUtil } from './util-dynamodb.ts';
import { createHttpUtil, createMathUtil, createStrUtil, createXmlUtil } from './util-misc.ts';
import { createTimeUtil } from './util-time.ts';
import { createTransformUtil } from './util-transform.ts';

const nativeParse = JSON.parse;
const nativeStringify = JSON.stringify;
const defineProperty = Object.defineProperty;

/** Globals APPSYNC_JS does not offer (spec §1.5): timers never existed here; these are removed. */
const REMOVED_GLOBALS = ['Promise', 'Date', 'Intl', 'eval', 'SharedArrayBuffer', 'Atomics', 'WebAssembly', 'FinalizationRegistry', 'WeakRef'];

/** What the host sends for one evaluation. */
export interface RunRequest {
  ctx: Record<string, unknown> & { info?: Record<string, unknown>; env?: Record<string, unknown> };
  authType: string;
}

export type ModuleFactory = (importModule: (specifier: string) => unknown, globalView: unknown) => Record<string, unknown>;

export interface SandboxApi {
  /**
   * Runs `handler` of a fresh module instance; returns the outcome as a JSON string. `request` is a
   * host object: it is copied into this realm (JSON semantics) before resolver code runs.
   */
  run(factory: ModuleFactory, handler: string, request: RunRequest, filename: string): string;
}

/**
 * Copies a host value into this realm with JSON semantics (undefined members and functions dropped,
 * undefined array slots become null). Only fresh objects of this realm come out, so no host object
 * (and no host `Function` constructor) becomes reachable from resolver code.
 */
function importValue(v: unknown): unknown {
  if (typeof v !== 'object' || v === null) {
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    return typeof v === 'string' || typeof v === 'boolean' || v === null ? v : undefined;
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const x of v as unknown[]) {
      const copied = importValue(x);
      out.push(copied === undefined ? null : copied);
    }
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const copied = importValue((v as Record<string, unknown>)[k]);
    if (copied === undefined) continue;
    if (k === '__proto__') defineProperty(out, k, { value: copied, writable: true, enumerable: true, configurable: true });
    else out[k] = copied;
  }
  return out;
}

function formatLogArg(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return nativeStringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function codeErrorOf(e: unknown, filename: string): { message: string; line: number | null; column: number | null } {
  const name = typeof e === 'object' && e !== null && typeof (e as Error).name === 'string' ? (e as Error).name : 'Error';
  const text = typeof e === 'object' && e !== null && typeof (e as Error).message === 'string' ? (e as Error).message : String(e);
  const stack = typeof e === 'object' && e !== null && typeof (e as Error).stack === 'string' ? (e as Error).stack! : '';
  const at = stack.indexOf(`${filename}:`);
  const position = at < 0 ? null : /^(\d+):(\d+)/.exec(stack.slice(at + filename.length + 1));
  const line = position ? Number(position[1]) : null;
  const column = position ? Number(position[2]) : null;
  // AppSync prefixes the message with the position in the uploaded file, named code.js (spec §1.6).
  const prefix = line === null ? '' : `code.js:${line}:${column}: `;
  return { message: `${prefix}${name}: ${text}`, line, column };
}

function buildContext(input: RunRequest['ctx']): Record<string, unknown> {
  const infoIn = input.info ?? {};
  const info: Record<string, unknown> = { fieldName: infoIn['fieldName'], parentTypeName: infoIn['parentTypeName'], variables: infoIn['variables'] ?? {} };
  // JSON.stringify(ctx.info) omits the selection set (spec §2.4, §9.16): non-enumerable members.
  defineProperty(info, 'selectionSetList', { value: infoIn['selectionSetList'] ?? [], enumerable: false, writable: true, configurable: true });
  defineProperty(info, 'selectionSetGraphQL', { value: infoIn['selectionSetGraphQL'] ?? '', enumerable: false, writable: true, configurable: true });
  const args = input['arguments'] ?? {};
  const ctx: Record<string, unknown> = {
    arguments: args,
    args,
    identity: input['identity'] ?? null,
    source: input['source'] ?? null,
    stash: input['stash'] ?? {},
    prev: input['prev'] ?? null,
    request: input['request'] ?? { headers: {}, domainName: null },
    info,
    env: Object.freeze(input.env ?? {}),
  };
  if (Object.hasOwn(input, 'result')) ctx['result'] = input['result'];
  if (input['error'] !== undefined && input['error'] !== null) ctx['error'] = input['error'];
  return ctx;
}

export function install(bridge: HostBridge): SandboxApi {
  setBridge(bridge);
  const g = globalThis as unknown as Record<string, unknown>;
  const pushLog = (...args: unknown[]): void => { state().logs.push(args.map(formatLogArg).join(' ')); };
  const util = {
    escapeJavaScript: core.escapeJavaScript, urlEncode: core.urlEncode, urlDecode: core.urlDecode,
    base64Encode: core.base64Encode, base64Decode: core.base64Decode,
    autoId: core.autoId, autoUlid: core.autoUlid, autoKsuid: core.autoKsuid,
    unauthorized: core.unauthorized, error: core.error, appendError: core.appendError,
    matches: core.matches, authType: core.authType,
    time: createTimeUtil(), dynamodb: createDynamodbUtil(), http: createHttpUtil(), xml: createXmlUtil(),
    transform: createTransformUtil(), math: createMathUtil(), str: createStrUtil(),
  };
  const extensions = {
    setSubscriptionFilter: (filter: unknown) => { state().subscriptionFilter = filter; },
    setSubscriptionInvalidationFilter: (filter: unknown) => { state().subscriptionInvalidationFilter = filter; },
    invalidateSubscriptions: (obj: { subscriptionField?: unknown; payload?: unknown }) => {
      state().invalidations.push({ subscriptionField: String(obj?.subscriptionField), payload: obj?.payload ?? null });
    },
    evictFromApiCache: (typeName: unknown, fieldName: unknown, keys: unknown) => {
      state().cacheEvictions.push({ typeName: String(typeName), fieldName: String(fieldName), keys: keys ?? null });
    },
  };
  const runtime = {
    earlyReturn: (value?: unknown, options?: { skipTo?: unknown }) => {
      const skipTo = options?.skipTo === 'END' ? 'END' : 'NEXT';
      throw earlyReturnSignal(value, skipTo, options?.skipTo === undefined);
    },
  };
  const console = { log: pushLog, error: pushLog, info: pushLog, warn: pushLog, debug: pushLog };
  // JSON.parse of invalid text returns "" instead of throwing (spec §1.5, §9.15).
  const json = {
    parse: function parse(text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown): unknown {
      try { return nativeParse(text, reviver); } catch { return ''; }
    },
    stringify: nativeStringify,
  };
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
  hardenRealm([...names.map((n) => g[n]), ...hidden, view, utilsModule, dynamodbModule, importModule]);

  return Object.freeze({
    run: function run(factory: ModuleFactory, handler: string, request: RunRequest, filename: string): string {
      const s = beginEvaluation(String(request.authType));
      const ctx = buildContext(importValue(request.ctx) as RunRequest['ctx']);
      const outcome: Record<string, unknown> = { error: null, earlyReturn: null, codeError: null };
      try {
        const mod = factory(importModule, view);
        const fn = mod[handler];
        if (typeof fn !== 'function') throw new TypeError(`${handler} is not a function`);
        outcome['value'] = fn(ctx);
      } catch (e) {
        if (isStopSignal(e)) {
          if (e.kind === 'error') outcome['error'] = { ...e.value, unauthorized: e.unauthorized };
          else outcome['earlyReturn'] = { value: e.value ?? null, skipTo: e.skipTo, skipToDefaulted: e.skipToDefaulted };
        } else {
          outcome['codeError'] = codeErrorOf(e, filename);
        }
      }
      Object.assign(outcome, {
        appendedErrors: s.appendedErrors, logs: s.logs, invalidations: s.invalidations, cacheEvictions: s.cacheEvictions,
        subscriptionFilter: s.subscriptionFilter, subscriptionInvalidationFilter: s.subscriptionInvalidationFilter,
        responseHeaders: s.responseHeaders, stash: ctx['stash'],
      });
      try {
        return nativeStringify(outcome);
      } catch (e) {
        return nativeStringify({ ...outcome, value: null, stash: {}, codeError: codeErrorOf(e, filename) });
      }
    },
  });
}
