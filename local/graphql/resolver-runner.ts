/**
 * Runs unit and pipeline resolvers exactly as docs/APPSYNC-BEHAVIOUR.md#js-pipeline-flow describes: request → data
 * source → response; pipeline before → functions (each request / data source / response, with
 * `ctx.prev.result` and one shared `ctx.stash`) → after; `runtime.earlyReturn`; `util.error` aborting
 * the resolver, `util.appendError` recording located errors. Resolver bundles are compiled once, when
 * the runner is created.
 */
import { locatedError, type GraphQLResolveInfo } from 'graphql';
import { ConfigError } from '../../api/config-error.ts';
import type { ApiDefinition, ResolverCachingDefinition, ResolverDefinition } from '../../api/types.ts';
import type { CompiledResolver, HandlerName, HandlerOutcome, ResolverContextInput, ResolverErrorValue } from '../runtime/contract.ts';
import type { DataSource, DataSourceError } from '../datasources/types.ts';
import { AppSyncResolverError, ERROR_TYPE, isAppSyncResolverError, toError } from './errors.ts';
import type { ResolverCache } from './resolver-cache.ts';
import type { RequestState } from './request-state.ts';
import { createSelectionSetInfo, trimToSelection } from './selection-set.ts';

export type LoadResolver = (codeFile: string) => CompiledResolver;

interface Step {
  /** `function:putAsset`: scopes pagination tokens and Lambda batches. */
  readonly scope: string;
  readonly label: string;
  readonly code: CompiledResolver;
  readonly dataSource: DataSource;
  readonly maxBatchSize: number;
}

/** `caching`: set when the definition has a `cache` and the resolver declares `caching`. */
export type ResolverPlan =
  | { readonly kind: 'UNIT'; readonly name: string; readonly step: Step; readonly caching?: ResolverCachingDefinition }
  | { readonly kind: 'PIPELINE'; readonly name: string; readonly code: CompiledResolver; readonly functions: readonly Step[]; readonly caching?: ResolverCachingDefinition };

export interface ResolverRunnerDeps {
  readonly api: ApiDefinition;
  readonly loadResolver: LoadResolver;
  readonly dataSources: ReadonlyMap<string, DataSource>;
  readonly env: Readonly<Record<string, string>>;
  readonly log: (line: string) => void;
  /** Per-resolver caching (`createResolverCache`); without it nothing is cached. @default none */
  readonly resultCache?: ResolverCache;
}

export interface ResolverRunnerOptions {
  /** One log line per handler evaluation (AppSync field logs). @default false */
  readonly verbose: boolean;
}

const MAX_LOGGED_VALUE = 2000;

function assertHandlers(code: CompiledResolver, where: string): void {
  for (const name of ['request', 'response'] as const) {
    if (!code.hasHandler(name)) throw new ConfigError(`${where}: ${code.filename} must export a '${name}' function (APPSYNC_JS requires both handlers)`);
  }
}

/** An uncaught exception in resolver code: `errorType: "Code"` (docs/APPSYNC-BEHAVIOUR.md#js-util-errors). */
function codeError(e: unknown): AppSyncResolverError {
  if (isAppSyncResolverError(e)) return e;
  const typed = e as { errorType?: unknown };
  const errorType = typeof e === 'object' && e !== null && typeof typed.errorType === 'string' ? typed.errorType : ERROR_TYPE.CODE;
  return new AppSyncResolverError({ message: toError(e).message, errorType });
}

export function createResolverRunner(deps: ResolverRunnerDeps, options: ResolverRunnerOptions) {
  const { api, env, log } = deps;
  const selectionSetInfo = createSelectionSetInfo();
  const compiled = new Map<string, CompiledResolver>();

  function load(codeFile: string, where: string): CompiledResolver {
    let code = compiled.get(codeFile);
    if (!code) {
      code = deps.loadResolver(codeFile);
      assertHandlers(code, where);
      compiled.set(codeFile, code);
    }
    return code;
  }

  function dataSource(name: string, where: string): DataSource {
    const ds = deps.dataSources.get(name);
    if (!ds) throw new ConfigError(`${where}.dataSource: no such data source. Received: ${name}`);
    return ds;
  }

  function planOf(resolver: ResolverDefinition): ResolverPlan {
    const name = `${resolver.typeName}.${resolver.fieldName}`;
    const where = `resolvers[${name}]`;
    const caching = api.cache !== undefined && resolver.caching !== undefined ? { caching: resolver.caching } : {};
    if (resolver.kind === 'UNIT') {
      const step: Step = {
        scope: name,
        label: '',
        code: load(resolver.code, where),
        dataSource: dataSource(resolver.dataSource, where),
        maxBatchSize: resolver.maxBatchSize ?? 1,
      };
      return { kind: 'UNIT', name, step, ...caching };
    }
    const functions = resolver.functions.map((fnName): Step => {
      const fn = api.functions[fnName];
      if (!fn) throw new ConfigError(`${where}.functions: no such function. Received: ${fnName}`);
      return { scope: `function:${fnName}`, label: `${fnName} `, code: load(fn.code, `functions.${fnName}`), dataSource: dataSource(fn.dataSource, `functions.${fnName}`), maxBatchSize: 1 };
    });
    return { kind: 'PIPELINE', name, code: load(resolver.code, where), functions, ...caching };
  }

  const plans = new Map<string, ResolverPlan>();
  for (const resolver of api.resolvers) plans.set(`${resolver.typeName}.${resolver.fieldName}`, planOf(resolver));

  function trimmedData(data: unknown, info: GraphQLResolveInfo): unknown {
    if (data === null || data === undefined) return null;
    return trimToSelection(data, info.returnType, info.fieldNodes, info.fragments);
  }

  function resolverError(value: ResolverErrorValue, info: GraphQLResolveInfo): AppSyncResolverError {
    return new AppSyncResolverError({ message: value.message, errorType: value.errorType, data: trimmedData(value.data, info), errorInfo: value.errorInfo });
  }

  function logEvaluation(plan: ResolverPlan, stage: string, info: GraphQLResolveInfo, outcome: HandlerOutcome, startedAt: number): void {
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
  function evaluate(plan: ResolverPlan, code: CompiledResolver, handler: HandlerName, stage: string, ctx: ResolverContextInput, state: RequestState, info: GraphQLResolveInfo): HandlerOutcome {
    const startedAt = options.verbose ? performance.now() : 0;
    let outcome: HandlerOutcome;
    try {
      outcome = code.evaluate(handler, ctx);
    } catch (e) {
      if (options.verbose) log(`[field] ${plan.name} ${pathString(info.path)} ${stage} threw ${toError(e).message}`);
      throw codeError(e);
    }
    for (const line of outcome.logs) log(line);
    if (options.verbose) logEvaluation(plan, stage, info, outcome, startedAt);
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

  function baseContext(source: unknown, args: Record<string, unknown>, state: RequestState, info: GraphQLResolveInfo): ResolverContextInput {
    const selection = selectionSetInfo(info.fieldNodes, info.returnType, info.fragments);
    const isRoot = info.path.prev === undefined;
    return {
      arguments: args,
      identity: state.auth.identity,
      source: isRoot || typeof source !== 'object' || source === null ? null : (source as Record<string, unknown>),
      stash: {},
      request: { headers: state.auth.headers, domainName: null },
      info: {
        fieldName: info.fieldName,
        parentTypeName: info.parentType.name,
        variables: info.variableValues,
        selectionSetList: selection.selectionSetList,
        selectionSetGraphQL: selection.selectionSetGraphQL,
      },
      env,
      authType: state.auth.authType,
    };
  }

  function withResult(ctx: ResolverContextInput, result: unknown, error: DataSourceError | undefined): ResolverContextInput {
    return error ? { ...ctx, result, error } : { ...ctx, result };
  }

  /** One request handler → data source → response handler round (a unit resolver or a pipeline function). */
  async function runStep(plan: ResolverPlan, step: Step, ctx: ResolverContextInput, state: RequestState, info: GraphQLResolveInfo): Promise<{ value: unknown; skipToEnd: boolean }> {
    const request = evaluate(plan, step.code, 'request', `${step.label}request`, ctx, state, info);
    if (request.earlyReturn) return { value: request.earlyReturn.value, skipToEnd: request.earlyReturn.skipTo === 'END' };
    const ds = await step.dataSource.invoke({ request: request.value, scope: step.scope, requestKey: state, maxBatchSize: step.maxBatchSize });
    const response = evaluate(plan, step.code, 'response', `${step.label}response`, withResult(ctx, ds.result, ds.error), state, info);
    return { value: response.earlyReturn ? response.earlyReturn.value : response.value, skipToEnd: false };
  }

  /**
   * A resolver with `caching` answers from the cache while its entry is fresh, without running;
   * otherwise it runs and, when it raised and appended no error, its result is kept (resolver-cache.ts).
   */
  async function run(plan: ResolverPlan, source: unknown, args: Record<string, unknown>, state: RequestState, info: GraphQLResolveInfo): Promise<unknown> {
    const cache = deps.resultCache;
    if (plan.caching === undefined || cache === undefined) return runResolver(plan, source, args, state, info);
    const lookup = cache.get(plan.name, plan.caching, { arguments: args, identity: state.auth.identity, source });
    if (lookup.hit) return lookup.value;
    const appendedBefore = state.appendedErrors.length;
    const value = await runResolver(plan, source, args, state, info);
    if (state.appendedErrors.length === appendedBefore) cache.set(lookup.key, plan.caching, value);
    return value;
  }

  async function runResolver(plan: ResolverPlan, source: unknown, args: Record<string, unknown>, state: RequestState, info: GraphQLResolveInfo): Promise<unknown> {
    const base = baseContext(source, args, state, info);
    if (plan.kind === 'UNIT') return (await runStep(plan, plan.step, base, state, info)).value ?? null;

    const before = evaluate(plan, plan.code, 'request', 'before', base, state, info);
    let prev: unknown = before.earlyReturn ? before.earlyReturn.value : before.value;
    // earlyReturn in the before handler skips every function unless it asks for NEXT explicitly
    // (docs/APPSYNC-BEHAVIOUR.md#js-runtime-earlyreturn).
    let skipToEnd = before.earlyReturn !== null && (before.earlyReturn.skipTo === 'END' || before.earlyReturn.skipToDefaulted === true);
    for (const step of plan.functions) {
      if (skipToEnd) break;
      const outcome = await runStep(plan, step, { ...base, prev: { result: prev } }, state, info);
      prev = outcome.value;
      skipToEnd = outcome.skipToEnd;
    }
    const after = evaluate(plan, plan.code, 'response', 'after', { ...base, prev: { result: prev }, result: prev }, state, info);
    return (after.earlyReturn ? after.earlyReturn.value : after.value) ?? null;
  }

  return {
    /** The plan for `Type.field`, if the definition attaches a resolver to it. */
    planFor(typeName: string, fieldName: string): ResolverPlan | undefined {
      return plans.get(`${typeName}.${fieldName}`);
    },
    run,
  };
}

export type ResolverRunner = ReturnType<typeof createResolverRunner>;

export function pathArray(path: GraphQLResolveInfo['path']): (string | number)[] {
  const out: (string | number)[] = [];
  for (let p: GraphQLResolveInfo['path'] | undefined = path; p; p = p.prev) out.push(p.key);
  return out.reverse();
}

function pathString(path: GraphQLResolveInfo['path']): string {
  return pathArray(path).join('.');
}
