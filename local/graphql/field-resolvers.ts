/**
 * Gives every field of the executor's schema copy its `resolve`: auth directives first
 * (docs/APPSYNC-BEHAVIOUR.md#field-authorization-directives), then AppSync's limits (query depth,
 * resolver count; docs/APPSYNC-BEHAVIOUR.md#request-limits), then the declared
 * resolver or, without one, the parent's property of the same name (AppSync has no other default).
 * Everything a field throws reaches graphql-js as a branded `AppSyncResolverError`, so graphql-js
 * locates it and propagates nulls; anything unexpected is logged once and masked (STYLE 8).
 */
import { Kind, isObjectType, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { FieldAuthorizer } from './auth.ts';
import { AppSyncResolverError, ERROR_TYPE, isAppSyncResolverError, toError, unauthorizedFieldError } from './errors.ts';
import type { RequestState } from './request-state.ts';
import type { ResolverPlan, ResolverRunner } from './resolver-runner.ts';

export interface FieldResolverDeps {
  readonly authorizer: FieldAuthorizer;
  readonly runner: ResolverRunner;
  readonly log: (line: string) => void;
}

export interface FieldResolverOptions {
  /** AppSync `queryDepthLimit` (1-75; 0 disables). */
  readonly queryDepthLimit: number;
  /** AppSync `resolverCountLimit` (1-10000; 0 means AppSync's default of 10000). */
  readonly resolverCountLimit: number;
}

const DEFAULT_RESOLVER_COUNT_LIMIT = 10_000;

function depthOf(path: GraphQLResolveInfo['path']): number {
  let depth = 0;
  for (let p: GraphQLResolveInfo['path'] | undefined = path; p; p = p.prev) if (typeof p.key === 'string') depth += 1;
  return depth;
}

/**
 * AppSync JS resolvers see `null` for a nullable argument whose variable was not supplied
 * (aws/aws-appsync-community#348), where graphql-js leaves the argument out.
 */
function withUnsuppliedVariables(args: Record<string, unknown>, info: GraphQLResolveInfo): Record<string, unknown> {
  const node = info.fieldNodes[0];
  if (!node?.arguments || node.arguments.length === 0) return args;
  let out = args;
  for (const arg of node.arguments) {
    const name = arg.name.value;
    if (arg.value.kind !== Kind.VARIABLE || name in out || arg.value.name.value in info.variableValues) continue;
    if (out === args) out = { ...args };
    out[name] = null;
  }
  return out;
}

function mask(e: unknown, where: string, log: (line: string) => void): AppSyncResolverError {
  if (isAppSyncResolverError(e)) return e;
  const error = toError(e);
  log(`[error] ${where}: ${error.stack ?? error.message}`);
  return new AppSyncResolverError({ message: 'An internal failure occurred while resolving this field.', errorType: ERROR_TYPE.INTERNAL_FAILURE });
}

export function installFieldResolvers(schema: GraphQLSchema, deps: FieldResolverDeps, options: FieldResolverOptions): void {
  const { authorizer, runner, log } = deps;
  const depthLimit = options.queryDepthLimit;
  const countLimit = options.resolverCountLimit > 0 ? options.resolverCountLimit : DEFAULT_RESOLVER_COUNT_LIMIT;
  const rootTypes = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t !== null && t !== undefined));

  function guard(isAllowed: (auth: RequestState['auth']) => boolean, typeName: string, fieldName: string, state: RequestState, info: GraphQLResolveInfo): void {
    if (!isAllowed(state.auth)) throw unauthorizedFieldError(fieldName, typeName);
    if (depthLimit > 0 && depthOf(info.path) > depthLimit) {
      throw new AppSyncResolverError({
        message: `Query depth limit of ${depthLimit} reached at field ${fieldName}.`,
        errorType: ERROR_TYPE.QUERY_DEPTH_LIMIT_REACHED,
      });
    }
  }

  function createResolve(typeName: string, fieldName: string, plan: ResolverPlan | undefined, isRoot: boolean): GraphQLFieldResolver<unknown, RequestState> {
    const where = `${typeName}.${fieldName}`;
    // The field's auth rule is looked up once here, not on every resolution.
    const isAllowed = authorizer.checkerFor(typeName, fieldName);
    if (!plan) {
      return function resolveProperty(source, args, state, info) {
        guard(isAllowed, typeName, fieldName, state, info);
        if (isRoot) state.rootFields.set(info.path.key as string, { fieldName, arguments: args });
        return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[fieldName] : null;
      };
    }
    return async function resolveWithResolver(source, rawArgs, state, info) {
      try {
        guard(isAllowed, typeName, fieldName, state, info);
        const args = withUnsuppliedVariables(rawArgs, info);
        if (isRoot) state.rootFields.set(info.path.key as string, { fieldName, arguments: args });
        // A subscription start runs the subscription field's resolver only, never nested ones.
        if (state.mode === 'subscribe' && !isRoot) return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[fieldName] : null;
        state.resolverCount += 1;
        if (state.resolverCount > countLimit) {
          throw new AppSyncResolverError({ message: `Resolver execution limit of ${countLimit} reached.`, errorType: ERROR_TYPE.RESOLVER_EXECUTION_LIMIT_REACHED });
        }
        return await runner.run(plan, source, args, state, info);
      } catch (e) {
        throw mask(e, where, log);
      }
    };
  }

  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isRoot = rootTypes.has(type);
    for (const field of Object.values(type.getFields())) {
      field.resolve = createResolve(type.name, field.name, runner.planFor(type.name, field.name), isRoot);
    }
  }
}
