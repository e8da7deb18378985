/**
 * Resolver plans: each resolver of the definition with its compiled code, data source and (for a
 * pipeline) its functions, built once when the runner is created. A missing handler, data source or
 * function fails at start with a `ConfigError` naming it.
 */
import { ConfigError } from '../../api/config-error.ts';
import type { ApiDefinition, ResolverCachingDefinition, ResolverDefinition } from '../../api/types.ts';
import type { CompiledResolver } from '../runtime/contract.ts';
import type { DataSource } from '../datasources/types.ts';

export type LoadResolver = (codeFile: string) => CompiledResolver;

export interface Step {
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

export interface PlanDeps {
  readonly api: ApiDefinition;
  readonly loadResolver: LoadResolver;
  readonly dataSources: ReadonlyMap<string, DataSource>;
}

function assertHandlers(code: CompiledResolver, where: string): void {
  for (const name of ['request', 'response'] as const) {
    if (!code.hasHandler(name)) throw new ConfigError(`${where}: ${code.filename} must export a '${name}' function (APPSYNC_JS requires both handlers)`);
  }
}

/** Compiles each code file once, however many resolvers and functions share it. */
function createLoader(deps: PlanDeps): (codeFile: string, where: string) => CompiledResolver {
  const compiled = new Map<string, CompiledResolver>();
  return function load(codeFile, where) {
    let code = compiled.get(codeFile);
    if (!code) {
      code = deps.loadResolver(codeFile);
      assertHandlers(code, where);
      compiled.set(codeFile, code);
    }
    return code;
  };
}

function dataSourceOf(deps: PlanDeps, name: string, where: string): DataSource {
  const ds = deps.dataSources.get(name);
  if (!ds) throw new ConfigError(`${where}.dataSource: no such data source. Received: ${name}`);
  return ds;
}

function planOf(deps: PlanDeps, load: ReturnType<typeof createLoader>, resolver: ResolverDefinition): ResolverPlan {
  const { api } = deps;
  const name = `${resolver.typeName}.${resolver.fieldName}`;
  const where = `resolvers[${name}]`;
  const caching = api.cache !== undefined && resolver.caching !== undefined ? { caching: resolver.caching } : {};
  if (resolver.kind === 'UNIT') {
    const step: Step = {
      scope: name,
      label: '',
      code: load(resolver.code, where),
      dataSource: dataSourceOf(deps, resolver.dataSource, where),
      maxBatchSize: resolver.maxBatchSize ?? 1,
    };
    return { kind: 'UNIT', name, step, ...caching };
  }
  const functions = resolver.functions.map((fnName): Step => {
    const fn = api.functions[fnName];
    if (!fn) throw new ConfigError(`${where}.functions: no such function. Received: ${fnName}`);
    return { scope: `function:${fnName}`, label: `${fnName} `, code: load(fn.code, `functions.${fnName}`), dataSource: dataSourceOf(deps, fn.dataSource, `functions.${fnName}`), maxBatchSize: 1 };
  });
  return { kind: 'PIPELINE', name, code: load(resolver.code, where), functions, ...caching };
}

/** `Type.field` -> plan, for every resolver of the definition, in definition order. */
export function planResolvers(deps: PlanDeps): Map<string, ResolverPlan> {
  const load = createLoader(deps);
  const plans = new Map<string, ResolverPlan>();
  for (const resolver of deps.api.resolvers) plans.set(`${resolver.typeName}.${resolver.fieldName}`, planOf(deps, load, resolver));
  return plans;
}
