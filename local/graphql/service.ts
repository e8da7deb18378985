/**
 * `createGraphQLService`: the transport-free AppSync executor. Transports hand it a request and the
 * authenticated caller; it answers with AppSync's response body (never throws for bad input),
 * announces mutation results for subscriptions, and prepares subscriptions at `start`.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { execute, getOperationAST, type GraphQLError, type GraphQLSchema } from 'graphql';
import { ConfigError } from '../../api/config-error.ts';
import type { ApiDefinition } from '../../api/types.ts';
import { createDynamoDBDataSource } from '../datasources/dynamodb.ts';
import { createDynamoDBHttpTransport, createDynamoDBTransport, type DynamoDBTransport, type DynamoDBTransportOptions } from '../datasources/dynamodb-transport.ts';
import { createPaginationTokens } from '../datasources/dynamodb-token.ts';
import { createLambdaDataSource, type InvokeLambda } from '../datasources/lambda.ts';
import { createNoneDataSource, type DataSource } from '../datasources/types.ts';
import { createFieldAuthorizer } from './auth.ts';
import type { AppSyncGraphQLError, AppSyncResponseBody, ExecuteOptions, GraphQLRequest, GraphQLService, MutationEvent, RequestAuth } from './contract.ts';
import { createDocumentCache } from './document-cache.ts';
import { ERROR_TYPE, toError } from './errors.ts';
import { buildExecutableSchema } from './executable-schema.ts';
import { installFieldResolvers } from './field-resolvers.ts';
import { formatGraphQLError } from './format-error.ts';
import { mutationEvents } from './mutation-events.ts';
import { createRequestState } from './request-state.ts';
import { createResolverCache } from './resolver-cache.ts';
import { createResolverRunner, type LoadResolver } from './resolver-runner.ts';
import { createSubscriptionPreparer } from './subscriptions.ts';

/** An `extensions.invalidateSubscriptions` call made by a mutation's resolver. */
export interface InvalidationEvent {
  readonly subscriptionField: string;
  readonly payload: unknown;
}

export interface GraphQLServiceDeps {
  readonly api: ApiDefinition;
  /** The schema from `validateDefinition(api)`; the service works on its own copy. */
  readonly schema: GraphQLSchema;
  /** Compiles a resolver or function by its code file in the definition (`resolvers/Query.getAsset.ts`). */
  readonly loadResolver: LoadResolver;
  readonly dynamodb: DynamoDBClient;
  /** Where the data sources' DynamoDB calls go (`createDynamoDBHttpTransport`). @default the endpoint, region, credentials and maxAttempts of `dynamodb` */
  readonly dynamodbTransport?: DynamoDBTransportOptions;
  /** Logical table name in the definition → physical DynamoDB table name. */
  readonly tableNames: Readonly<Record<string, string>>;
  readonly invokeLambda: InvokeLambda;
  /** `ctx.env`: `resolverEnvironment(api)`. */
  readonly env: Readonly<Record<string, string>>;
  /** Called once per root mutation field that resolved to a value (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads). */
  readonly onMutation: (event: MutationEvent) => void;
  /** Called for each `extensions.invalidateSubscriptions` call, after the request finished. */
  readonly onInvalidate?: (event: InvalidationEvent) => void;
  /** Resolver `console.log` lines, verbose field logs, masked internal errors. */
  readonly log: (line: string) => void;
}

export interface GraphQLServiceOptions {
  /** AppSync `queryDepthLimit` (1-75; 0 disables). */
  readonly queryDepthLimit: number;
  /** AppSync `introspectionConfig`: ENABLED is true. */
  readonly introspection: boolean;
  /** One log line per resolver handler evaluation. */
  readonly verbose: boolean;
  /** AppSync `resolverCountLimit`. @default api.limits.resolverCountLimit */
  readonly resolverCountLimit?: number;
  /** Key material for pagination tokens; the same secret keeps tokens valid across restarts. @default random per process */
  readonly paginationSecret?: string;
  /** Emulate AppSync's per-resolver caching when the definition has a `cache` (off: `--no-cache`). @default true */
  readonly resolverCaching?: boolean;
}

function createDataSources(deps: GraphQLServiceDeps, transport: DynamoDBTransport, paginationSecret: string | undefined): Map<string, DataSource> {
  const tokens = createPaginationTokens(paginationSecret);
  const out = new Map<string, DataSource>();
  for (const [name, ds] of Object.entries(deps.api.dataSources)) {
    if (ds.type === 'AMAZON_DYNAMODB') {
      const tableName = deps.tableNames[ds.table];
      if (!tableName) throw new ConfigError(`dataSources.${name}.table: no physical table name given for '${ds.table}'. Received tableNames: ${JSON.stringify(deps.tableNames)}`);
      out.set(name, createDynamoDBDataSource({ transport, tableName, tableNames: deps.tableNames, tokens, log: deps.log }));
    } else if (ds.type === 'AWS_LAMBDA') {
      out.set(name, createLambdaDataSource({ lambdaName: ds.lambda, invokeLambda: deps.invokeLambda, log: deps.log }));
    } else {
      out.set(name, createNoneDataSource());
    }
  }
  return out;
}

const INTERNAL_FAILURE: AppSyncResponseBody = {
  data: null,
  errors: [{ errorType: ERROR_TYPE.INTERNAL_FAILURE, message: 'An internal failure occurred while executing the request.' }],
};

/** What running an operation reads. */
interface ExecutionContext {
  readonly schema: GraphQLSchema;
  readonly getDocument: ReturnType<typeof createDocumentCache>;
  readonly formatError: (error: GraphQLError) => AppSyncGraphQLError;
  readonly deps: Pick<GraphQLServiceDeps, 'log' | 'onMutation' | 'onInvalidate'>;
}

/** Calls one listener; a listener that throws is logged and never fails the request. */
function publish(log: (line: string) => void, callback: () => void, what: string): void {
  try {
    callback();
  } catch (e) {
    log(`[error] ${what} listener threw: ${toError(e).message}`);
  }
}

/** Runs one query or mutation and announces its mutation results and invalidations. */
async function run(ctx: ExecutionContext, request: GraphQLRequest, auth: RequestAuth, options: ExecuteOptions | undefined): Promise<AppSyncResponseBody> {
  const { schema, getDocument, formatError, deps } = ctx;
  const prepared = getDocument(request.query);
  if (!prepared.ok) return { data: null, errors: prepared.errors.map(formatError) };
  const { document } = prepared;
  const operationName = request.operationName ?? undefined;
  const operation = getOperationAST(document, operationName);
  if (operation?.operation === 'subscription') {
    // Subscriptions go through the realtime endpoint (docs/APPSYNC-BEHAVIOUR.md#http-endpoint-and-methods).
    return { data: null, errors: [{ errorType: 'UnsupportedOperation', message: 'subscription not supported through HTTP' }] };
  }
  const state = createRequestState(auth, 'execute', options?.origin);
  const result = await execute({ schema, document, variableValues: request.variables ?? {}, operationName, contextValue: state });
  const errors = [...(result.errors ?? []), ...state.appendedErrors].map(formatError);
  const body: AppSyncResponseBody = { data: result.data ?? null, ...(errors.length > 0 ? { errors } : {}) };
  if (operation?.operation === 'mutation') {
    for (const event of mutationEvents(operation, document, result.data, state)) publish(deps.log, () => deps.onMutation(event), 'onMutation');
  }
  const onInvalidate = deps.onInvalidate;
  if (onInvalidate) for (const event of state.invalidations) publish(deps.log, () => onInvalidate(event), 'onInvalidate');
  return body;
}


/** The resolver runner over this service's data sources, with per-resolver caching when the definition has a cache. */
function createRunner(deps: GraphQLServiceDeps, options: GraphQLServiceOptions, transport: DynamoDBTransport): ReturnType<typeof createResolverRunner> {
  return createResolverRunner(
    {
      api: deps.api,
      loadResolver: deps.loadResolver,
      dataSources: createDataSources(deps, transport, options.paginationSecret),
      env: deps.env,
      log: deps.log,
      ...(deps.api.cache !== undefined && options.resolverCaching !== false ? { resultCache: createResolverCache(deps.api.cache) } : {}),
    },
    { verbose: options.verbose },
  );
}

export function createGraphQLService(deps: GraphQLServiceDeps, options: GraphQLServiceOptions): GraphQLService & { close(): Promise<void> } {
  const schema = buildExecutableSchema(deps.schema, { serializedOutput: false });
  const projectionSchema = buildExecutableSchema(deps.schema, { serializedOutput: true });
  const transport = deps.dynamodbTransport !== undefined ? createDynamoDBHttpTransport(deps.dynamodbTransport) : createDynamoDBTransport(deps.dynamodb);
  const runner = createRunner(deps, options, transport);
  installFieldResolvers(
    schema,
    { authorizer: createFieldAuthorizer(deps.api, schema), runner, log: deps.log },
    { queryDepthLimit: options.queryDepthLimit, resolverCountLimit: options.resolverCountLimit ?? deps.api.limits.resolverCountLimit },
  );
  const getDocument = createDocumentCache(schema, { introspection: options.introspection });
  const formatError = (error: GraphQLError): AppSyncGraphQLError => formatGraphQLError(error, schema);
  const prepareSubscription = createSubscriptionPreparer({ schema, projectionSchema, getDocument, formatError });
  const ctx: ExecutionContext = { schema, getDocument, formatError, deps };
  const inFlight = new Set<Promise<unknown>>();

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    void promise.finally(() => inFlight.delete(promise)).catch(() => undefined);
    return promise;
  }

  return {
    execute: function executeGraphQL(request, auth, executeOptions) {
      return track(
        run(ctx, request, auth, executeOptions).catch((e: unknown) => {
          deps.log(`[error] execute: ${toError(e).stack ?? String(e)}`);
          return INTERNAL_FAILURE;
        }),
      );
    },
    prepareSubscription: function prepareGraphQLSubscription(request, auth) {
      return track(
        prepareSubscription(request, auth).catch((e: unknown) => {
          deps.log(`[error] prepareSubscription: ${toError(e).stack ?? String(e)}`);
          return { ok: false as const, errors: INTERNAL_FAILURE.errors ?? [] };
        }),
      );
    },
    close: async function closeGraphQLService() {
      await Promise.allSettled([...inFlight]);
      transport.close();
    },
  };
}
