/**
 * `createLocalApi`: the whole API as values, with no listening (in the spirit of graphql-yoga's
 * `createYoga` and graphql-ws's `makeServer`). From the definition, its checked schema, the stores,
 * the Lambdas and the identities it builds the GraphQL executor, the subscription registry, the Web
 * request handler (`http/router.ts`), the realtime server (`realtime/ws-adapter.ts`) and the S3
 * front's mount. Whoever listens (`local/server.ts`) hands requests and upgrades to it.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { GraphQLSchema } from 'graphql';
import { resolverEnvironment, tableEnvironment } from '../api/environment.ts';
import { resolverBundlePath } from '../api/paths.ts';
import type { ApiDefinition } from '../api/types.ts';
import type { Authenticator } from './auth/authenticate.ts';
import type { DynamoDBTransportOptions } from './datasources/dynamodb-transport.ts';
import type { GraphQLService } from './graphql/contract.ts';
import { createGraphQLService, type GraphQLServiceOptions } from './graphql/index.ts';
import { createHotSwap } from './host/hot-swap.ts';
import type { CorsPolicy } from './http/cors.ts';
import { createGraphQLHttpHandler } from './http/graphql-handler.ts';
import type { ServedApi } from './http/front-door.ts';
import type { HostVerdict } from './http/host-allow-list.ts';
import type { WebHandler } from './http/node-adapter.ts';
import type { NodeRequestListener } from './http/path-mount.ts';
import { createHttpRouter, GRAPHQL_PATH, type OptionalHandler } from './http/router.ts';
import type { OriginLambdaInvoker } from './lambda/per-origin-invoker.ts';
import { createSubscriptionRegistry } from './realtime/registry.ts';
import type { RealtimeSessionOptions } from './realtime/session.ts';
import { createRealtimeServer, type RealtimeServer } from './realtime/ws-adapter.ts';
import { loadResolverFile } from './runtime/index.ts';
import type { S3Store } from './s3/s3-store.ts';

export interface LocalApiDeps {
  readonly definition: ApiDefinition;
  /** The schema `buildApi` checked; `reload` serves another. */
  readonly schema: GraphQLSchema;
  /** The client, the data sources' transport and the physical table names (logical name → physical). */
  readonly tables: { readonly client: DynamoDBClient; readonly transport: DynamoDBTransportOptions; readonly names: Readonly<Record<string, string>> };
  /** The embedded S3 front, mounted at `s3Path`; null with a configured S3 endpoint. */
  readonly s3: Pick<S3Store, 'mount'> | null;
  /** Called with the GraphQL request's origin, for the URLs the Lambdas mint. */
  readonly lambdas: OriginLambdaInvoker;
  readonly authenticator: Authenticator;
  /** Which browser origins may read API answers and open realtime connections. */
  readonly cors: CorsPolicy;
  /** Judges the `Host` of upgrades and S3 requests (DNS rebinding, `http/host-allow-list.ts`). */
  readonly checkHost: (host: string | undefined, defaultPort: number) => HostVerdict;
  /** API routes besides `/graphql` and `/health` (issuer, user pool, CA); their answers carry CORS headers. */
  readonly routes: readonly OptionalHandler[];
  /** Page routes (explorer, demo); their answers carry no CORS headers. */
  readonly pages: readonly OptionalHandler[];
  /** Resolver `console.log`, verbose field logs, masked internal errors. */
  readonly log: (line: string) => void;
  readonly onError: (error: unknown) => void;
}

export interface LocalApiOptions {
  /** The executor's options; `queryDepthLimit` comes from the definition. */
  readonly executor: Omit<GraphQLServiceOptions, 'queryDepthLimit'>;
  /** Keep-alive and connection timeout of realtime sessions. */
  readonly realtime: Omit<RealtimeSessionOptions, 'graphqlPath'>;
  /** Where the S3 front is mounted (`/s3`). */
  readonly s3Path: string;
}

export interface LocalApi extends ServedApi {
  /** Every HTTP request that is not for the S3 front. */
  readonly handle: WebHandler;
  readonly realtime: RealtimeServer;
  readonly s3Front: NodeRequestListener | null;
  /** Swaps in an executor for `schema`: requests in flight finish on the previous one, which is then closed. */
  reload(schema: GraphQLSchema): Promise<void>;
  /** Closes realtime connections, then the executor. Safe to call twice. */
  close(): Promise<void>;
}

export function createLocalApi(deps: LocalApiDeps, options: LocalApiOptions): LocalApi {
  const { definition, tables, onError } = deps;
  const registry = createSubscriptionRegistry({ onError });
  const createExecutor = (schema: GraphQLSchema): GraphQLService & { close(): Promise<void> } =>
    createGraphQLService(
      {
        api: definition,
        schema,
        loadResolver: (codeFile) => loadResolverFile(resolverBundlePath(codeFile)),
        dynamodb: tables.client,
        dynamodbTransport: tables.transport,
        tableNames: tables.names,
        invokeLambda: (name, event, origin) => deps.lambdas.invoke(name, event, origin),
        env: { ...resolverEnvironment(definition), ...tableEnvironment(tables.names) },
        onMutation: (event) => void registry.publish(event),
        onInvalidate: (event) => void registry.invalidate(event),
        log: deps.log,
      },
      { ...options.executor, queryDepthLimit: definition.limits.queryDepthLimit },
    );
  const executors = createHotSwap(createExecutor(deps.schema));
  // Each call reads the current executor, so a reload never cuts a request in half.
  const service: GraphQLService = {
    execute: (request, auth, executeOptions) => executors.current().execute(request, auth, executeOptions),
    prepareSubscription: (request, auth) => executors.current().prepareSubscription(request, auth),
  };
  const realtime = createRealtimeServer(
    { service, authenticator: deps.authenticator, registry, onError, checkHost: deps.checkHost, isAllowedOrigin: (origin) => deps.cors.allowOrigin(origin) !== null },
    { ...options.realtime, graphqlPath: GRAPHQL_PATH },
  );
  const graphql = createGraphQLHttpHandler({ service, authenticator: deps.authenticator, onError });

  let closing: Promise<void> | null = null;
  return {
    handle: createHttpRouter({ graphql, cors: deps.cors, others: deps.routes, pages: deps.pages }),
    realtime,
    s3Front: deps.s3?.mount(options.s3Path, deps.checkHost) ?? null,
    reload: function reloadExecutor(schema) {
      return executors.swap(createExecutor(schema));
    },
    close: function closeLocalApi() {
      closing ??= (async () => {
        try {
          await realtime.close();
        } finally {
          await executors.close();
        }
      })();
      return closing;
    },
  };
}
