/**
 * Per-evaluation state of the sandbox (runs INSIDE the vm context). Evaluation is synchronous, so one
 * slot holds the state of the handler that is running; `beginEvaluation` replaces it for each call.
 */

/** An error value as `util.error` / `util.appendError` record it. */
export interface SandboxErrorValue {
  message: string;
  errorType: string | null;
  data: unknown;
  errorInfo: unknown;
}

export interface EvaluationState {
  authType: string;
  appendedErrors: SandboxErrorValue[];
  logs: string[];
  subscriptionFilter?: unknown;
  subscriptionInvalidationFilter?: unknown;
  invalidations: { subscriptionField: string; payload: unknown }[];
  cacheEvictions: { typeName: string; fieldName: string; keys: unknown }[];
  responseHeaders: Record<string, string>;
}

function emptyState(): EvaluationState {
  return {
    authType: 'API Key Authorization',
    appendedErrors: [],
    logs: [],
    invalidations: [],
    cacheEvictions: [],
    responseHeaders: {},
  };
}

let current: EvaluationState = emptyState();

export function beginEvaluation(authType: string): EvaluationState {
  current = emptyState();
  current.authType = authType;
  return current;
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
