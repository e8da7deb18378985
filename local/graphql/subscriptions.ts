/**
 * Subscription `start` (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads, #field-authorization-directives):
 * validate the operation, check auth on the
 * subscription field, run its resolver once (NONE data source pattern) to collect the filters it set,
 * and hand back a `PreparedSubscription` that projects each published mutation payload through the
 * subscriber's selection set (fields the mutation did not select come out null, and a null in a
 * non-null position is an error that propagates).
 */
import { execute, executeSync, getOperationAST, type GraphQLError, type GraphQLSchema } from 'graphql';
import type { AppSyncGraphQLError, GraphQLRequest, PrepareSubscriptionResult, RequestAuth } from './contract.ts';
import type { PreparedDocument } from './document-cache.ts';
import { fragmentsOf, rootFieldNodes } from './mutation-events.ts';
import { createRequestState } from './request-state.ts';

export interface SubscriptionPreparerDeps {
  readonly schema: GraphQLSchema;
  /** The same schema with output values taken as already serialized. */
  readonly projectionSchema: GraphQLSchema;
  readonly getDocument: (query: string) => PreparedDocument;
  readonly formatError: (error: GraphQLError) => AppSyncGraphQLError;
}

function rejected(message: string): PrepareSubscriptionResult {
  return { ok: false, errors: [{ path: null, locations: null, message }] };
}

/**
 * A query or mutation (or a several-operation document) sent to the realtime endpoint, as AppSync
 * answers it (docs/APPSYNC-BEHAVIOUR.md#realtime-errors; observed with an empty type for the multi-op case).
 */
function unsupported(operationType: string): PrepareSubscriptionResult {
  return { ok: false, errors: [{ errorType: 'UnsupportedOperation', message: `${operationType} not supported through the realtime channel` }] };
}

/** `@aws_subscribe(mutations: [...])` on the subscription field. */
function subscribedMutations(schema: GraphQLSchema, fieldName: string): string[] {
  const field = schema.getSubscriptionType()?.getFields()[fieldName];
  const directive = field?.astNode?.directives?.find((d) => d.name.value === 'aws_subscribe');
  const arg = directive?.arguments?.find((a) => a.name.value === 'mutations');
  if (!arg || arg.value.kind !== 'ListValue') return [];
  return arg.value.values.flatMap((v) => (v.kind === 'StringValue' ? [v.value] : []));
}

export function createSubscriptionPreparer(deps: SubscriptionPreparerDeps) {
  const { schema, projectionSchema, getDocument, formatError } = deps;

  return async function prepareSubscription(request: GraphQLRequest, auth: RequestAuth): Promise<PrepareSubscriptionResult> {
    const prepared = getDocument(request.query);
    if (!prepared.ok) return { ok: false, errors: prepared.errors.map(formatError) };
    const { document } = prepared;
    const operationName = request.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) return operationName ? rejected(`Unknown operation named '${operationName}'.`) : unsupported('');
    if (operation.operation !== 'subscription') return unsupported(operation.operation);
    const variableValues = request.variables ?? {};

    const state = createRequestState(auth, 'subscribe');
    const result = await execute({ schema, document, variableValues, operationName, contextValue: state });
    const errors = [...(result.errors ?? []), ...state.appendedErrors];
    if (errors.length > 0) return { ok: false, errors: errors.map(formatError) };

    const [responseKey, node] = [...rootFieldNodes(operation, fragmentsOf(document))].find(([, n]) => n.name.value !== '__typename') ?? [];
    if (!responseKey || !node) return rejected('A subscription selects exactly one field of the Subscription type.');
    const fieldName = node.name.value;
    const call = state.rootFields.get(responseKey);

    return {
      ok: true,
      subscription: {
        fieldName,
        arguments: call?.arguments ?? {},
        mutations: subscribedMutations(schema, fieldName),
        filter: state.subscriptionFilter,
        invalidationFilter: state.subscriptionInvalidationFilter,
        project: function projectPayload(payload) {
          const projected = executeSync({ schema: projectionSchema, document, rootValue: { [fieldName]: payload }, variableValues, operationName });
          const projectedErrors = projected.errors ?? [];
          return {
            data: projected.data ?? null,
            ...(projectedErrors.length > 0 ? { errors: projectedErrors.map(formatError) } : {}),
          };
        },
      },
    };
  };
}
