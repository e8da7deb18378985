/**
 * Runs unit and pipeline resolvers exactly as docs/APPSYNC-BEHAVIOUR.md#js-pipeline-flow describes: request → data
 * source → response; pipeline before → functions (each request / data source / response, with
 * `ctx.prev.result` and one shared `ctx.stash`) → after; `runtime.earlyReturn`; `util.error` aborting
 * the resolver, `util.appendError` recording located errors. Resolver bundles are compiled once, when
 * the runner is created.
 */
import type { GraphQLResolveInfo } from 'graphql';
import type { ApiDefinition } from '../../api/types.ts';
import type { ResolverContextInput } from '../runtime/contract.ts';
import type { DataSource, DataSourceError } from '../datasources/types.ts';
import { evaluate, type EvaluationDeps } from './handler-evaluation.ts';
import type { ResolverCache } from './resolver-cache.ts';
import type { RequestState } from './request-state.ts';
import { planResolvers, type LoadResolver, type ResolverPlan, type Step } from './resolver-plan.ts';
import { createSelectionSetInfo } from './selection-set.ts';

type SelectionSetInfo = ReturnType<typeof createSelectionSetInfo>;

export type { LoadResolver, ResolverPlan } from './resolver-plan.ts';
export { pathArray } from './handler-evaluation.ts';

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

/** The context every handler of one resolution starts from. */
function baseContext(
  selectionSetInfo: SelectionSetInfo,
  env: Readonly<Record<string, string>>,
  source: unknown,
  args: Record<string, unknown>,
  state: RequestState,
  info: GraphQLResolveInfo,
): ResolverContextInput {
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

export function createResolverRunner(deps: ResolverRunnerDeps, options: ResolverRunnerOptions) {
  const { env, log } = deps;
  const selectionSetInfo = createSelectionSetInfo();
  const plans = planResolvers(deps);
  const evaluation: EvaluationDeps = { log, verbose: options.verbose };

  /** One request handler → data source → response handler round (a unit resolver or a pipeline function). */
  async function runStep(plan: ResolverPlan, step: Step, ctx: ResolverContextInput, state: RequestState, info: GraphQLResolveInfo): Promise<{ value: unknown; skipToEnd: boolean }> {
    const request = evaluate(evaluation, plan, step.code, 'request', `${step.label}request`, ctx, state, info);
    if (request.earlyReturn) return { value: request.earlyReturn.value, skipToEnd: request.earlyReturn.skipTo === 'END' };
    const ds = await step.dataSource.invoke({ request: request.value, scope: step.scope, requestKey: state, maxBatchSize: step.maxBatchSize, origin: state.origin });
    const response = evaluate(evaluation, plan, step.code, 'response', `${step.label}response`, withResult(ctx, ds.result, ds.error), state, info);
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
    const base = baseContext(selectionSetInfo, env, source, args, state, info);
    if (plan.kind === 'UNIT') return (await runStep(plan, plan.step, base, state, info)).value ?? null;

    const before = evaluate(evaluation, plan, plan.code, 'request', 'before', base, state, info);
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
    const after = evaluate(evaluation, plan, plan.code, 'response', 'after', { ...base, prev: { result: prev }, result: prev }, state, info);
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
