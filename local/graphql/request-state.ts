/**
 * What one GraphQL request accumulates while graphql-js executes it (the `contextValue`): the caller,
 * errors added with `util.appendError` (already located, so their path is graphql-js's), mutation
 * fields to publish, invalidations, and for a subscription start the filters its resolver set.
 */
import type { GraphQLError } from 'graphql';
import type { RequestAuth } from './contract.ts';

export type ExecutionMode = 'execute' | 'subscribe';

export interface RootFieldCall {
  readonly fieldName: string;
  readonly arguments: Readonly<Record<string, unknown>>;
}

export interface RequestState {
  readonly auth: RequestAuth;
  readonly mode: ExecutionMode;
  /** The origin the request was sent to, for Lambda data sources (`ExecuteOptions.origin`). */
  readonly origin: string | undefined;
  /** `util.appendError` errors, located at their field. */
  readonly appendedErrors: GraphQLError[];
  /** Root fields of the operation by response key, with their coerced arguments. */
  readonly rootFields: Map<string, RootFieldCall>;
  /** `extensions.invalidateSubscriptions` calls, published once the request is done. */
  readonly invalidations: { readonly subscriptionField: string; readonly payload: unknown }[];
  subscriptionFilter: unknown;
  subscriptionInvalidationFilter: unknown;
  /** Resolvers run so far (AppSync's `resolverCountLimit`). */
  resolverCount: number;
}

export function createRequestState(auth: RequestAuth, mode: ExecutionMode, origin?: string): RequestState {
  return {
    auth,
    mode,
    origin,
    appendedErrors: [],
    rootFields: new Map(),
    invalidations: [],
    subscriptionFilter: null,
    subscriptionInvalidationFilter: null,
    resolverCount: 0,
  };
}
