/**
 * The seam between the GraphQL executor (`local/graphql/`, transport-free) and the transports
 * (`local/http/`, `local/realtime/`). Transports authenticate the caller and hand the executor plain
 * values; the executor returns AppSync-shaped results and announces mutation results for subscriptions.
 */
import type { AuthType } from '../../api/types.ts';
import type { AppSyncIdentity } from '../runtime/contract.ts';

/** Who is calling, decided by the transport from headers (docs/APPSYNC-BEHAVIOUR.md#auth-mode-detection, #realtime-url-and-handshake). */
export interface RequestAuth {
  readonly authType: AuthType;
  readonly identity: AppSyncIdentity;
  /** Request headers, lower-cased names (`ctx.request.headers`). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface GraphQLRequest {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>> | null;
  readonly operationName?: string | null;
}

/** AppSync's error object (docs/APPSYNC-BEHAVIOUR.md#graphql-error-object). */
export interface AppSyncGraphQLError {
  readonly message: string;
  readonly path?: readonly (string | number)[] | null;
  readonly locations?: readonly { readonly line: number; readonly column: number; readonly sourceName?: null }[] | null;
  readonly errorType?: string;
  readonly errorInfo?: unknown;
  readonly data?: unknown;
}

/** The JSON body AppSync returns with HTTP 200. */
export interface AppSyncResponseBody {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly AppSyncGraphQLError[];
}

/** A mutation field finished: what `@aws_subscribe` subscribers may receive (docs/APPSYNC-BEHAVIOUR.md#subscription-payloads). */
export interface MutationEvent {
  /** The mutation field, e.g. `completeUpload`. */
  readonly fieldName: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** The field's value as the mutation's caller received it (only the fields it selected). */
  readonly payload: unknown;
}

/** A subscription accepted at `start`: its field, arguments and the filters its resolver set. */
export interface PreparedSubscription {
  readonly fieldName: string;
  readonly arguments: Readonly<Record<string, unknown>>;
  /** Mutation fields that feed this subscription (`@aws_subscribe(mutations: ...)`). */
  readonly mutations: readonly string[];
  /** `extensions.setSubscriptionFilter` output, if any. */
  readonly filter: unknown;
  /** `extensions.setSubscriptionInvalidationFilter` output, if any. */
  readonly invalidationFilter: unknown;
  /** Project a mutation payload through the subscriber's selection set (AWSJSON etc. serialized). */
  project(payload: unknown): Record<string, unknown>;
}

export type PrepareSubscriptionResult =
  | { readonly ok: true; readonly subscription: PreparedSubscription }
  | { readonly ok: false; readonly errors: readonly AppSyncGraphQLError[] };

/** Facts about the transport's request that the executor only hands on to data sources. */
export interface ExecuteOptions {
  /**
   * The origin the request was sent to (`http(s)://<checked host>:<port>`): Lambda data sources pass
   * it to the invoker, which presigns URLs for it (docs/devices.md). Undefined outside HTTP requests.
   */
  readonly origin?: string;
}

export interface GraphQLService {
  /** Queries and mutations. Never throws for bad input: errors come back in the body. */
  execute(request: GraphQLRequest, auth: RequestAuth, options?: ExecuteOptions): Promise<AppSyncResponseBody>;
  /** Validates a subscription operation, checks auth and runs its resolver (filters). */
  prepareSubscription(request: GraphQLRequest, auth: RequestAuth): Promise<PrepareSubscriptionResult>;
}
