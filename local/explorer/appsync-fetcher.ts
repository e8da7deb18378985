/**
 * GraphiQL's fetcher for an AppSync endpoint (browser code): queries and mutations go to
 * `POST /graphql` with the selected auth header, subscriptions through the AppSync realtime
 * client. Headers typed in GraphiQL's header editor are added to HTTP requests and override ours.
 */
import { getOperationAST, parse, type DocumentNode } from 'graphql';
import type {
  AppSyncRealtimeClient,
  AuthorizationHeader,
  RealtimeResult,
  SubscriptionStatus,
} from './appsync-realtime-client.ts';
import { postGraphQL, type FetchFunction, type GraphQLResult } from './graphql-http.ts';

/** What GraphiQL passes to a fetcher (`@graphiql/toolkit`'s FetcherParams/FetcherOpts, narrowed). */
export interface FetcherParams {
  readonly query: string;
  readonly operationName?: string | null | undefined;
  readonly variables?: unknown;
}
export interface FetcherOpts {
  readonly headers?: Readonly<Record<string, unknown>> | undefined;
  readonly documentAST?: DocumentNode | undefined;
}

export type AppSyncFetcher = (
  params: FetcherParams,
  opts?: FetcherOpts,
) => Promise<GraphQLResult> | AsyncIterableIterator<RealtimeResult>;

export interface AppSyncFetcherDeps {
  readonly fetch: FetchFunction;
  readonly realtime: AppSyncRealtimeClient;
  /** HTTP auth headers for the current auth choice (a signed-in user's token is read asynchronously). */
  readonly httpHeaders: () => Record<string, string> | Promise<Record<string, string>>;
  /** Realtime header object for the current auth choice (docs/APPSYNC-BEHAVIOUR.md#realtime-url-and-handshake). */
  readonly realtimeAuthorization: () => AuthorizationHeader | Promise<AuthorizationHeader>;
  /** Told about the running subscription's state (GraphiQL itself shows nothing until an event). */
  readonly onSubscriptionStatus?: ((status: SubscriptionStatus) => void) | undefined;
}

export interface AppSyncFetcherOptions {
  /** URL (or path) of the GraphQL endpoint. */
  readonly graphqlUrl: string;
}

function isSubscription(params: FetcherParams, opts: FetcherOpts | undefined): boolean {
  let document = opts?.documentAST;
  if (!document) {
    try {
      document = parse(params.query);
    } catch {
      // Syntax errors are the server's to report, in AppSync's words.
      return false;
    }
  }
  return getOperationAST(document, params.operationName ?? undefined)?.operation === 'subscription';
}

function stringHeaders(headers: Readonly<Record<string, unknown>> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') out[name] = value;
  }
  return out;
}

/**
 * A subscription whose authorization is still being read: `next` and `return` wait for it and then
 * go to the real iterator. Written by hand rather than as an async generator, because a generator
 * queues `return()` behind a pending `next()`, so GraphiQL's stop button would wait for an event.
 */
export function deferredSubscription(started: Promise<AsyncIterableIterator<RealtimeResult>>): AsyncIterableIterator<RealtimeResult> {
  const iterator: AsyncIterableIterator<RealtimeResult> = {
    next: () => started.then((inner) => inner.next()),
    return: () => started.then((inner) => inner.return?.() ?? { value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

export function createAppSyncFetcher(deps: AppSyncFetcherDeps, options: AppSyncFetcherOptions): AppSyncFetcher {
  return function appSyncFetcher(params, opts) {
    const variables = params.variables ?? undefined;
    if (isSubscription(params, opts)) {
      const start = async (): Promise<AsyncIterableIterator<RealtimeResult>> =>
        deps.realtime.subscribe({
          query: params.query,
          variables: typeof variables === 'object' && variables !== null ? (variables as Record<string, unknown>) : undefined,
          authorization: await deps.realtimeAuthorization(),
          onStatusChange: deps.onSubscriptionStatus,
        });
      return deferredSubscription(start());
    }
    const post = async (): Promise<GraphQLResult> =>
      postGraphQL(
        deps.fetch,
        options.graphqlUrl,
        { ...(await deps.httpHeaders()), ...stringHeaders(opts?.headers) },
        {
          query: params.query,
          ...(variables !== undefined ? { variables } : {}),
          ...(params.operationName ? { operationName: params.operationName } : {}),
        },
      );
    return post();
  };
}
