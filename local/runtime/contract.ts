/**
 * The seam between the APPSYNC_JS runtime (`local/runtime/`) and the GraphQL executor
 * (`local/graphql/`). The runtime compiles one resolver bundle and evaluates one handler against a
 * context made of plain values; the executor decides which handler runs when and talks to data sources.
 * Everything crossing this seam is plain JSON-compatible data (no objects from the sandbox's realm).
 */
import type { AuthType } from '../../api/types.ts';

/** `ctx.identity` as AppSync builds it for each auth mode (docs/APPSYNC-BEHAVIOUR.md#resolver-identity-and-request). */
export type AppSyncIdentity = Readonly<Record<string, unknown>> | null;

/** `ctx.info` (docs/APPSYNC-BEHAVIOUR.md#js-info-and-selection-set). */
export interface ResolverInfo {
  readonly fieldName: string;
  readonly parentTypeName: string;
  readonly variables: Readonly<Record<string, unknown>>;
  readonly selectionSetList: readonly string[];
  readonly selectionSetGraphQL: string;
}

/** The values a handler sees as `ctx`. The runtime builds the sandboxed `ctx` from these. */
export interface ResolverContextInput {
  readonly arguments: Readonly<Record<string, unknown>>;
  readonly identity: AppSyncIdentity;
  readonly source: Readonly<Record<string, unknown>> | null;
  /** Shared by every handler of one resolution (pipeline before, functions, after). Mutated in place. */
  readonly stash: Record<string, unknown>;
  /** Pipeline functions and the after handler: the previous step's result. */
  readonly prev?: { readonly result: unknown };
  /** Response handlers: the data source's result. */
  readonly result?: unknown;
  /** Response handlers: the data source's error, as AppSync shapes it. */
  readonly error?: { readonly message: string; readonly type: string };
  readonly request: { readonly headers: Readonly<Record<string, string>>; readonly domainName: string | null };
  readonly info: ResolverInfo;
  /** AppSync API environment variables (`ctx.env`). */
  readonly env: Readonly<Record<string, string>>;
  /** The request's auth mode, for `util.authType()`. */
  readonly authType: AuthType;
}

/** An error raised by `util.error`/`util.unauthorized` or appended with `util.appendError`. */
export interface ResolverErrorValue {
  readonly message: string;
  readonly errorType: string | null;
  readonly data: unknown;
  readonly errorInfo: unknown;
}

/** Subscription-related calls made through `extensions` during a handler. */
export interface ExtensionCalls {
  /** `extensions.setSubscriptionFilter(...)`: the filter object as given (already JSON). */
  readonly subscriptionFilter?: unknown;
  /** `extensions.setSubscriptionInvalidationFilter(...)`. */
  readonly subscriptionInvalidationFilter?: unknown;
  /** `extensions.invalidateSubscriptions({ subscriptionField, payload })`, in call order. */
  readonly invalidations: readonly { readonly subscriptionField: string; readonly payload: unknown }[];
  /** `extensions.evictFromApiCache(typeName, fieldName, keys)`, in call order. */
  readonly cacheEvictions: readonly { readonly typeName: string; readonly fieldName: string; readonly keys: unknown }[];
}

/** What one handler evaluation produced. */
export interface HandlerOutcome {
  /** The handler's return value, copied out of the sandbox as JSON-compatible data. */
  readonly value: unknown;
  /** Set when the handler called `util.error`/`util.unauthorized` (evaluation stopped there). */
  readonly error: ResolverErrorValue | null;
  /** `util.appendError` calls, in order. */
  readonly appendedErrors: readonly ResolverErrorValue[];
  /**
   * Set when the handler called `runtime.earlyReturn(value, { skipTo })`. Without `skipTo` the runtime
   * reports `'NEXT'` and sets `skipToDefaulted` (in a pipeline's before handler AppSync's default is END).
   */
  readonly earlyReturn: { readonly value: unknown; readonly skipTo: 'END' | 'NEXT'; readonly skipToDefaulted?: boolean } | null;
  readonly extensions: ExtensionCalls;
  /** Lines written with `console.log`/`console.error`, formatted as AppSync logs them. */
  readonly logs: readonly string[];
  /** Headers added with `util.http.addResponseHeader(s)` (last write of a name wins). */
  readonly responseHeaders?: Readonly<Record<string, string>>;
  /**
   * Set when the handler threw (uncaught exception): `error` then carries errorType `Code` and the
   * message `code.js:L:C: <Name>: <message>` (docs/APPSYNC-BEHAVIOUR.md#js-util-errors); these are its position in the code.
   */
  readonly codeError?: { readonly line: number | null; readonly column: number | null };
}

export type HandlerName = 'request' | 'response';

/** A bundle compiled once; `evaluate` runs a handler without recompiling. */
export interface CompiledResolver {
  readonly filename: string;
  hasHandler(name: HandlerName): boolean;
  evaluate(name: HandlerName, ctx: ResolverContextInput): HandlerOutcome;
}
