/**
 * Evaluating one resolver handler and applying what it did besides returning: its logs, appended
 * errors (located at the field), extensions, and `util.error` or an uncaught exception
 * (docs/APPSYNC-BEHAVIOUR.md#js-util-errors).
 */
import { locatedError, type GraphQLResolveInfo } from 'graphql';
import type { CompiledResolver, HandlerName, HandlerOutcome, ResolverContextInput, ResolverErrorValue } from '../runtime/contract.ts';
import { AppSyncResolverError, ERROR_TYPE, isAppSyncResolverError, toError } from './errors.ts';
import type { RequestState } from './request-state.ts';
import type { ResolverPlan } from './resolver-plan.ts';
import { trimToSelection } from './selection-set.ts';

export interface EvaluationDeps {
  readonly log: (line: string) => void;
  /** One log line per handler evaluation (AppSync field logs). */
  readonly verbose: boolean;
}

const MAX_LOGGED_VALUE = 2000;

/** An uncaught exception in resolver code: `errorType: "Code"` (docs/APPSYNC-BEHAVIOUR.md#js-util-errors). */
function codeError(e: unknown): AppSyncResolverError {
  if (isAppSyncResolverError(e)) return e;
  const typed = e as { errorType?: unknown };
  const errorType = typeof e === 'object' && e !== null && typeof typed.errorType === 'string' ? typed.errorType : ERROR_TYPE.CODE;
  return new AppSyncResolverError({ message: toError(e).message, errorType });
}

function trimmedData(data: unknown, info: GraphQLResolveInfo): unknown {
  if (data === null || data === undefined) return null;
  return trimToSelection(data, info.returnType, info.fieldNodes, info.fragments);
}

function resolverError(value: ResolverErrorValue, info: GraphQLResolveInfo): AppSyncResolverError {
  return new AppSyncResolverError({ message: value.message, errorType: value.errorType, data: trimmedData(value.data, info), errorInfo: value.errorInfo });
}

function logEvaluation(log: (line: string) => void, plan: ResolverPlan, stage: string, info: GraphQLResolveInfo, outcome: HandlerOutcome, startedAt: number): void {
  let shown: string;
  try {
    shown = JSON.stringify(outcome.earlyReturn ? outcome.earlyReturn.value : outcome.value) ?? 'undefined';
  } catch {
    shown = '[unserializable]';
  }
  if (shown.length > MAX_LOGGED_VALUE) shown = `${shown.slice(0, MAX_LOGGED_VALUE)}…`;
  const path = pathString(info.path);
  const status = outcome.error ? ` error=${JSON.stringify(outcome.error.message)}` : outcome.earlyReturn ? ` earlyReturn(${outcome.earlyReturn.skipTo})` : '';
  log(`[field] ${plan.name} ${path} ${stage} ${(performance.now() - startedAt).toFixed(3)}ms${status} -> ${shown}`);
}

/** Evaluates one handler and applies what it did besides returning: logs, errors, extensions. */
export function evaluate(deps: EvaluationDeps, plan: ResolverPlan, code: CompiledResolver, handler: HandlerName, stage: string, ctx: ResolverContextInput, state: RequestState, info: GraphQLResolveInfo): HandlerOutcome {
  const { log, verbose } = deps;
  const startedAt = verbose ? performance.now() : 0;
  let outcome: HandlerOutcome;
  try {
    outcome = code.evaluate(handler, ctx);
  } catch (e) {
    if (verbose) log(`[field] ${plan.name} ${pathString(info.path)} ${stage} threw ${toError(e).message}`);
    throw codeError(e);
  }
  for (const line of outcome.logs) log(line);
  if (verbose) logEvaluation(log, plan, stage, info, outcome, startedAt);
  for (const appended of outcome.appendedErrors) {
    state.appendedErrors.push(locatedError(resolverError(appended, info), info.fieldNodes, pathArray(info.path)));
  }
  const ext = outcome.extensions;
  if (ext.subscriptionFilter !== undefined) state.subscriptionFilter = ext.subscriptionFilter;
  if (ext.subscriptionInvalidationFilter !== undefined) state.subscriptionInvalidationFilter = ext.subscriptionInvalidationFilter;
  state.invalidations.push(...ext.invalidations);
  if (outcome.error) throw resolverError(outcome.error, info);
  return outcome;
}

export function pathArray(path: GraphQLResolveInfo['path']): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = path; p; p = p.prev) out.push(p.key);
  return out.reverse();
}

function pathString(path: GraphQLResolveInfo['path']): string {
  return pathArray(path).join('.');
}
