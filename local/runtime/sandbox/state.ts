/**
 * Per-evaluation state of the sandbox (runs INSIDE the vm context). Evaluation is synchronous, so one
 * slot holds the state of the handler that is running; `beginEvaluation` resets it for each call.
 */

/** An error value as `util.error` / `util.appendError` record it. */
export interface SandboxErrorValue {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

/** One `console.*` call: its level, its arguments as text, and where V8 saw the call (1-based; null when not found). */
export interface LogEntry {
  level: string;
  text: string;
  line: number | null;
  column: number | null;
}

export interface EvaluationState {
  authType: string;
  /** The resolver's file name as its script was compiled (where `console.*` calls are looked up in stacks). */
  filename: string;
  appendedErrors: SandboxErrorValue[];
  logs: LogEntry[];
  subscriptionFilter: unknown;
  subscriptionInvalidationFilter: unknown;
  invalidations: { subscriptionField: string; payload: unknown }[];
  cacheEvictions: { typeName: string; fieldName: string; keys: unknown }[];
  responseHeaders: Record<string, string>;
  /** What the handler returned (raw; the host copies it out with JSON semantics). */
  value: unknown;
  /** The evaluation's `ctx.stash` (raw). */
  stash: unknown;
  /** Set when `util.error`/`util.unauthorized`/`runtime.earlyReturn` stopped the handler. */
  stop: StopSignal | null;
  /** Set when the handler threw anything else: the thrown value, described by `codeError`. */
  codeError: { message: string; line: number | null; column: number | null } | null;
  /** True when anything besides `value` and `stash` is set (the host's fast path reads only those two). */
  eventful: boolean;
}

/** Replaced (never mutated) by `util.http.addResponseHeader`, so one frozen empty object serves every run. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * One state object, reset for each run instead of allocated: the host reads (and copies) it right
 * after the run returns, before the next run can start.
 */
const current: EvaluationState = {
  authType: 'API Key Authorization',
  filename: '',
  appendedErrors: [],
  logs: [],
  subscriptionFilter: undefined,
  subscriptionInvalidationFilter: undefined,
  invalidations: [],
  cacheEvictions: [],
  responseHeaders: NO_HEADERS,
  value: undefined,
  stash: undefined,
  stop: null,
  codeError: null,
  eventful: false,
};

export function beginEvaluation(authType: string, filename: string): EvaluationState {
  const c = current;
  c.authType = authType;
  c.filename = filename;
  if (c.appendedErrors.length > 0) c.appendedErrors = [];
  if (c.logs.length > 0) c.logs = [];
  if (c.invalidations.length > 0) c.invalidations = [];
  if (c.cacheEvictions.length > 0) c.cacheEvictions = [];
  c.subscriptionFilter = undefined;
  c.subscriptionInvalidationFilter = undefined;
  c.responseHeaders = NO_HEADERS;
  c.value = undefined;
  c.stash = undefined;
  c.stop = null;
  c.codeError = null;
  c.eventful = false;
  return c;
}

/** Sets `eventful` once the handler ran. */
export function endEvaluation(c: EvaluationState): EvaluationState {
  c.eventful = c.stop !== null || c.codeError !== null || c.appendedErrors.length > 0 || c.logs.length > 0 || c.invalidations.length > 0
    || c.cacheEvictions.length > 0 || c.subscriptionFilter !== undefined || c.subscriptionInvalidationFilter !== undefined || c.responseHeaders !== NO_HEADERS;
  return c;
}

export function state(): EvaluationState {
  return current;
}

/**
 * Thrown by `util.error`, `util.unauthorized` and `runtime.earlyReturn` to stop the handler. The marker
 * object is private to the prelude's closure, so resolver code can neither forge nor recognise it.
 */
const SIGNAL_MARK = {};

export type StopSignal =
  | { readonly mark: object; readonly kind: 'error'; readonly value: SandboxErrorValue; readonly unauthorized: boolean }
  | { readonly mark: object; readonly kind: 'earlyReturn'; readonly value: unknown; readonly skipTo: 'END' | 'NEXT'; readonly skipToDefaulted: boolean };

export function errorSignal(value: SandboxErrorValue, unauthorized: boolean): StopSignal {
  return { mark: SIGNAL_MARK, kind: 'error', value, unauthorized };
}

export function earlyReturnSignal(value: unknown, skipTo: 'END' | 'NEXT', skipToDefaulted: boolean): StopSignal {
  return { mark: SIGNAL_MARK, kind: 'earlyReturn', value, skipTo, skipToDefaulted };
}

export function isStopSignal(e: unknown): e is StopSignal {
  return typeof e === 'object' && e !== null && (e as { mark?: unknown }).mark === SIGNAL_MARK;
}
