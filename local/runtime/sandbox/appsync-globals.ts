/**
 * The AppSync globals a resolver sees (`util`, `extensions`, `runtime`, `console`, `JSON`), built in
 * the sandbox realm. Part of the vm prelude: imports only files of this folder.
 */
import { earlyReturnSignal, state } from './state.ts';
import * as core from './util-core.ts';
import { createDynamodbUtil } from './util-dynamodb.ts';
import { createHttpUtil, createMathUtil, createStrUtil, createXmlUtil } from './util-misc.ts';
import { createTimeUtil } from './util-time.ts';
import { createTransformUtil } from './util-transform.ts';

const nativeParse = JSON.parse;
const nativeStringify = JSON.stringify;

/**
 * One `console.*` argument as EvaluateCode shows it: JSON-encoded, so a string keeps its quotes
 * (`"This request is allowed"`, https://docs.aws.amazon.com/appsync/latest/devguide/test-debug-resolvers-js.html).
 * Our choice where the docs show nothing: a value JSON cannot encode (undefined, a function) prints
 * as `undefined`, a circular one as `String(v)`.
 */
function formatLogArg(v: unknown): string {
  try {
    return nativeStringify(v) ?? 'undefined';
  } catch {
    return String(v);
  }
}

const LINE_COLUMN = /^(\d+):(\d+)/;

/** Where the running resolver (`filename`) made the call now on the stack, as V8 reports it (1-based). */
function callerPosition(filename: string): { line: number | null; column: number | null } {
  const stack = new Error().stack ?? '';
  const at = filename === '' ? -1 : stack.indexOf(`${filename}:`);
  const position = at < 0 ? null : LINE_COLUMN.exec(stack.slice(at + filename.length + 1));
  return position ? { line: Number(position[1]), column: Number(position[2]) } : { line: null, column: null };
}

/** A `console` method recording at `level`. */
function consoleMethod(level: string): (...args: unknown[]) => void {
  return function log(...args: unknown[]): void {
    const s = state();
    const { line, column } = callerPosition(s.filename);
    s.logs.push({ level, text: args.map(formatLogArg).join(' '), line, column });
  };
}

/** Builds the globals once per realm; every resolver evaluation in the realm shares them. */
export function createAppSyncGlobals() {
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
  // `console.log` logs at INFO: "INFO - code.js:13:5: ..."
  // (https://docs.aws.amazon.com/appsync/latest/devguide/test-debug-resolvers-js.html). The docs list only
  // `log` and `error` (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html);
  // ERROR for `error`, and INFO/WARN/DEBUG for `info`/`warn`/`debug`, are our choice.
  const console = { log: consoleMethod('INFO'), error: consoleMethod('ERROR'), info: consoleMethod('INFO'), warn: consoleMethod('WARN'), debug: consoleMethod('DEBUG') };
  // JSON.parse of invalid text returns "" instead of throwing (docs/APPSYNC-BEHAVIOUR.md#js-built-in-objects).
  const json = {
    parse: function parse(text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown): unknown {
      try { return nativeParse(text, reviver); } catch { return ''; }
    },
    stringify: nativeStringify,
  };
  return { util, extensions, runtime, console, json };
}
