/**
 * `compileResolver`: checks a bundle as AppSync does at save time, compiles it once into the
 * sandbox and returns a `CompiledResolver` whose `evaluate` only runs code. On AppSync every handler
 * run starts from the uploaded code, so module-level variables never carry state from one request to
 * the next. Locally, a module whose top level is proven immutable (module-analysis.ts) is
 * instantiated once, checked and deep-frozen, and shared by every evaluation; any other module runs
 * its top level afresh for each evaluation.
 *
 * Per evaluation the host passes its `ctx` members straight to the sandbox, which copies them into
 * its realm (no JSON text): only those the handler can observe (context-usage.ts). The outcome is
 * read from the sandbox's evaluation state and copied out with JSON semantics by one walk
 * (copy-out.ts).
 *
 * With `fastPaths: false` (options.ts) none of those shortcuts is taken: every evaluation runs the
 * top level afresh, copies every `ctx` member in, and copies the outcome out through JSON text.
 */
import type { AuthType } from '../../api/types.ts';
import type { CompiledResolver, ExtensionCalls, HandlerName, HandlerOutcome, ResolverContextInput, ResolverErrorValue } from './contract.ts';
import { copyOutByJson, createCopyOut, type CopyOut } from './copy-out.ts';
import type { DiskCache } from './disk-cache.ts';
import { CodeValidationError } from './errors.ts';
import { sharedSandbox, type Sandbox } from './sandbox.ts';
import type { HostContext, ModuleFactory, SharedModule } from './sandbox/prelude.ts';
import { ALL_CONTEXT_MEMBERS, contextMemberBits } from './sandbox/context-members.ts';
import type { EvaluationState, LogEntry } from './sandbox/state.ts';
import type { LogCallSites } from './log-call-sites.ts';
import type { RuntimeOptions } from './options.ts';
import { validateResolverCode, validateResolverCodeCached } from './validate.ts';

export { validateResolverCode } from './validate.ts';

/** `util.authType()` strings per auth mode (docs/APPSYNC-BEHAVIOUR.md#multi-auth-default-and-additional-modes). */
export const AUTH_TYPE_NAMES: Readonly<Record<AuthType, string>> = {
  API_KEY: 'API Key Authorization',
  AWS_IAM: 'IAM Authorization',
  AMAZON_COGNITO_USER_POOLS: 'User Pool Authorization',
  OPENID_CONNECT: 'Open ID Connect Authorization',
  AWS_LAMBDA: 'Lambda Authorization',
};

/** The outcome as the sandbox reports it, before it is shaped for the executor or EvaluateCode. */
export interface RawOutcome {
  readonly value?: unknown;
  readonly error: (ResolverErrorValue & { readonly unauthorized: boolean }) | null;
  readonly earlyReturn: { readonly value: unknown; readonly skipTo: 'END' | 'NEXT'; readonly skipToDefaulted: boolean } | null;
  readonly codeError: { readonly message: string; readonly line: number | null; readonly column: number | null } | null;
  readonly appendedErrors: readonly ResolverErrorValue[];
  readonly logs: readonly string[];
  readonly invalidations: readonly { readonly subscriptionField: string; readonly payload: unknown }[];
  readonly cacheEvictions: readonly { readonly typeName: string; readonly fieldName: string; readonly keys: unknown }[];
  readonly subscriptionFilter?: unknown;
  readonly subscriptionInvalidationFilter?: unknown;
  readonly responseHeaders: Readonly<Record<string, string>>;
  readonly stash?: Record<string, unknown>;
}

/** How the module's top level is run: once and shared, or afresh for each evaluation (and why). */
export interface ModuleState {
  readonly mode: 'shared' | 'per-evaluation';
  readonly reason: string | null;
}

/** A compiled resolver plus the raw entry point `evaluateCode` uses. */
export interface LocalCompiledResolver extends CompiledResolver {
  /** Runs a handler with `authTypeName` as `util.authType()` returns it; the stash is NOT written back. */
  evaluateRaw(name: HandlerName, ctx: Omit<ResolverContextInput, 'authType'>, authTypeName: string): RawOutcome;
  readonly moduleState: ModuleState;
}

export interface CompileOptions extends RuntimeOptions {
  /** Cache of validation results (validate.ts); null validates every time. @default null */
  readonly cache?: DiskCache | null;
}

/** The plain path's module state: the proof is not used, whatever it says. */
const PLAIN_MODULE_STATE: ModuleState = Object.freeze({ mode: 'per-evaluation', reason: 'fastPaths is false' });

/** The plain path's `ctx` members: every one, for both handlers. */
const ALL_MEMBERS: Readonly<Record<string, number>> = Object.freeze({ request: ALL_CONTEXT_MEMBERS, response: ALL_CONTEXT_MEMBERS });

const NONE: readonly never[] = Object.freeze([]);
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});
const NO_EXTENSION_CALLS: ExtensionCalls = Object.freeze({ invalidations: NONE, cacheEvictions: NONE });

function replaceContents(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const key of Object.keys(target)) delete target[key];
  Object.assign(target, source);
}

function isEmptyRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  for (const key in v) if (Object.hasOwn(v, key)) return false;
  return true;
}

const copiers = new WeakMap<Sandbox, CopyOut>();

function copierFor(sandbox: Sandbox): CopyOut {
  let copy = copiers.get(sandbox);
  if (!copy) {
    copy = createCopyOut(sandbox.api);
    copiers.set(sandbox, copy);
  }
  return copy;
}

/**
 * One log line as EvaluateCode returns it: `INFO - code.js:13:5: "This request is allowed"`
 * (https://docs.aws.amazon.com/appsync/latest/devguide/test-debug-resolvers-js.html), the position
 * being where the call starts in the uploaded file, always named code.js. Without a position (not
 * seen in any documented output; our choice) the line reads `INFO - code.js: …`.
 */
function formatLog(entry: LogEntry, sites: LogCallSites): string {
  if (entry.line === null || entry.column === null) return `${entry.level} - code.js: ${entry.text}`;
  const [line, column] = sites[`${entry.line}:${entry.column}`] ?? [entry.line, entry.column];
  return `${entry.level} - code.js:${line}:${column}: ${entry.text}`;
}

/** Reads the sandbox's evaluation state into host data (every value copied out with JSON semantics). */
function readOutcome(s: EvaluationState, copyOut: CopyOut, sandbox: Sandbox, filename: string, sites: LogCallSites): RawOutcome {
  let codeError = s.codeError ? { message: s.codeError.message, line: s.codeError.line, column: s.codeError.column } : null;
  let error: RawOutcome['error'] = null;
  let earlyReturn: RawOutcome['earlyReturn'] = null;
  let value: unknown = null;
  // Undefined when the handler cannot see the stash (context-usage.ts): it is then unchanged.
  let stash: Record<string, unknown> | undefined;
  try {
    const stop = s.stop;
    if (stop?.kind === 'error') {
      const e = stop.value;
      error = { message: e.message, errorType: e.errorType, data: copyOut(e.data) ?? null, errorInfo: copyOut(e.errorInfo) ?? null, unauthorized: stop.unauthorized };
    } else if (stop?.kind === 'earlyReturn') {
      earlyReturn = { value: copyOut(stop.value) ?? null, skipTo: stop.skipTo, skipToDefaulted: stop.skipToDefaulted };
    }
    value = copyOut(s.value);
    stash = s.stash === undefined ? undefined : isEmptyRecord(s.stash) ? {} : copyOut(s.stash) as Record<string, unknown>;
  } catch (e) {
    const described = sandbox.api.describeError(e, filename);
    codeError = { message: described.message, line: described.line, column: described.column };
    value = null;
    stash = {};
  }
  return {
    value,
    error,
    earlyReturn,
    codeError,
    appendedErrors: s.appendedErrors.length === 0 ? NONE : s.appendedErrors.map((e) => ({ message: e.message, errorType: e.errorType, data: copyOut(e.data) ?? null, errorInfo: copyOut(e.errorInfo) ?? null })),
    logs: s.logs.length === 0 ? NONE : s.logs.map((entry) => formatLog(entry, sites)),
    invalidations: s.invalidations.length === 0 ? NONE : s.invalidations.map((i) => ({ subscriptionField: i.subscriptionField, payload: copyOut(i.payload) ?? null })),
    cacheEvictions: s.cacheEvictions.length === 0 ? NONE : s.cacheEvictions.map((c) => ({ typeName: c.typeName, fieldName: c.fieldName, keys: copyOut(c.keys) ?? null })),
    ...(s.subscriptionFilter !== undefined ? { subscriptionFilter: copyOut(s.subscriptionFilter) } : {}),
    ...(s.subscriptionInvalidationFilter !== undefined ? { subscriptionInvalidationFilter: copyOut(s.subscriptionInvalidationFilter) } : {}),
    responseHeaders: isEmptyRecord(s.responseHeaders) ? NO_HEADERS : copyOut(s.responseHeaders) as Record<string, string>,
    ...(stash !== undefined ? { stash } : {}),
  };
}

/**
 * The common case — the handler returned (or threw nothing) and made no side-channel call — read with
 * two copies and one allocation; null when the full `readOutcome` is needed.
 */
function readQuietOutcome(s: EvaluationState, copyOut: CopyOut, ctx: ResolverContextInput): HandlerOutcome | null {
  if (s.eventful) return null;
  let value: unknown;
  try {
    value = copyOut(s.value);
    if (s.stash !== undefined && !(isEmptyRecord(s.stash) && isEmptyRecord(ctx.stash))) replaceContents(ctx.stash, copyOut(s.stash) as Record<string, unknown>);
  } catch {
    return null;
  }
  return { value: value ?? null, error: null, appendedErrors: NONE, earlyReturn: null, extensions: NO_EXTENSION_CALLS, logs: NONE, responseHeaders: NO_HEADERS };
}

function toHandlerOutcome(raw: RawOutcome, ctx: ResolverContextInput): HandlerOutcome {
  let error: ResolverErrorValue | null = null;
  if (raw.codeError) {
    error = { message: raw.codeError.message, errorType: 'Code', data: null, errorInfo: null };
  } else if (raw.error) {
    // Live responses name the field; EvaluateCode shows plain "Unauthorized" (docs/APPSYNC-BEHAVIOUR.md#js-util-errors).
    const message = raw.error.unauthorized ? `Not Authorized to access ${ctx.info.fieldName} on type ${ctx.info.parentTypeName}` : raw.error.message;
    error = { message, errorType: raw.error.errorType, data: raw.error.data, errorInfo: raw.error.errorInfo };
  }
  const extensions: ExtensionCalls = {
    invalidations: raw.invalidations,
    cacheEvictions: raw.cacheEvictions,
    ...(raw.subscriptionFilter !== undefined ? { subscriptionFilter: raw.subscriptionFilter } : {}),
    ...(raw.subscriptionInvalidationFilter !== undefined ? { subscriptionInvalidationFilter: raw.subscriptionInvalidationFilter } : {}),
  };
  const outcome: HandlerOutcome = {
    value: raw.value ?? null,
    error,
    appendedErrors: raw.appendedErrors,
    earlyReturn: raw.earlyReturn,
    extensions,
    logs: raw.logs,
    responseHeaders: raw.responseHeaders,
  };
  return raw.codeError ? { ...outcome, codeError: { line: raw.codeError.line, column: raw.codeError.column } } : outcome;
}

/**
 * Checks and compiles one resolver bundle. Throws `CodeValidationError` (with AWS-shaped
 * `codeErrors`) for code AppSync would reject at save time.
 */
export function compileResolver(source: string, filename: string, options: CompileOptions = {}): LocalCompiledResolver {
  const validated = options.cache ? validateResolverCodeCached(source, options.cache) : validateResolverCode(source);
  if (validated.codeErrors.length > 0 || validated.factorySource === null) throw new CodeValidationError(filename, validated.codeErrors);
  const fastPaths = options.fastPaths ?? true;
  const sandbox = sharedSandbox(options.cache ?? undefined);
  const api = sandbox.api;
  const copyOut = fastPaths ? copierFor(sandbox) : copyOutByJson;
  const factory = sandbox.compileFactory(validated.factorySource, filename);
  const handlers = new Set(validated.exports.keys());
  const members: Readonly<Record<string, number>> = fastPaths
    ? { request: contextMemberBits(validated.contextUsage['request'] ?? null), response: contextMemberBits(validated.contextUsage['response'] ?? null) }
    : ALL_MEMBERS;

  let target: SharedModule | ModuleFactory = factory;
  let fresh = true;
  let moduleState: ModuleState = fastPaths ? { mode: 'per-evaluation', reason: validated.modulePlan?.reason ?? 'the module was not analysed' } : PLAIN_MODULE_STATE;
  if (fastPaths && validated.modulePlan?.mode === 'shared') {
    const instance = api.instantiate(factory, validated.modulePlan.checks);
    if (instance.module) {
      target = instance.module;
      fresh = false;
      moduleState = { mode: 'shared', reason: null };
    } else {
      moduleState = { mode: 'per-evaluation', reason: instance.reason };
    }
  }

  const evaluateRaw = function evaluateRaw(name: HandlerName, ctx: Omit<ResolverContextInput, 'authType'>, authTypeName: string): RawOutcome {
    // The host's ctx goes in as is: the sandbox copies each member it uses into its own realm.
    const s = api.run(target, fresh, name, ctx as unknown as HostContext, authTypeName, filename, members[name] ?? ALL_CONTEXT_MEMBERS);
    return readOutcome(s, copyOut, sandbox, filename, validated.logCallSites);
  };

  return {
    filename,
    moduleState,
    hasHandler: function hasHandler(name: HandlerName): boolean {
      return handlers.has(name);
    },
    evaluate: function evaluate(name: HandlerName, ctx: ResolverContextInput): HandlerOutcome {
      // Double cast: the sandbox reads the host's ctx as a plain record (sandbox/context-import.ts buildContext).
      const s = api.run(target, fresh, name, ctx as unknown as HostContext, AUTH_TYPE_NAMES[ctx.authType], filename, members[name] ?? ALL_CONTEXT_MEMBERS);
      const quiet = readQuietOutcome(s, copyOut, ctx);
      if (quiet) return quiet;
      const raw = readOutcome(s, copyOut, sandbox, filename, validated.logCallSites);
      if (raw.stash && !(isEmptyRecord(raw.stash) && isEmptyRecord(ctx.stash))) replaceContents(ctx.stash, raw.stash);
      return toHandlerOutcome(raw, ctx);
    },
    evaluateRaw,
  };
}
