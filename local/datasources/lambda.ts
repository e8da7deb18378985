/**
 * The AWS_LAMBDA data source (docs/APPSYNC-BEHAVIOUR.md#lambda-invoke, #lambda-batchinvoke): `Invoke` sends the request's `payload` as
 * the event; `BatchInvoke` collects the payloads of sibling resolutions of the same resolver made in
 * the same tick of one GraphQL request, up to `maxBatchSize`, and invokes once with the array. A
 * Lambda that throws surfaces as `Lambda:Unhandled` with its `errorMessage` (docs/APPSYNC-BEHAVIOUR.md#lambda-errors).
 */
import { AppSyncResolverError, ERROR_TYPE, toError } from '../graphql/errors.ts';
import type { DataSource, DataSourceCall, DataSourceOutcome } from './types.ts';

/** Invokes a Lambda by its name in the definition; `origin` is the GraphQL request's (`DataSourceCall.origin`). */
export type InvokeLambda = (lambdaName: string, event: unknown, origin?: string) => Promise<unknown>;

export interface LambdaDataSourceDeps {
  readonly lambdaName: string;
  readonly invokeLambda: InvokeLambda;
  readonly log: (line: string) => void;
}

interface Pending {
  readonly payload: unknown;
  readonly resolve: (outcome: DataSourceOutcome) => void;
}

/** Lambda responses travel as JSON: `undefined` becomes null, functions and prototypes vanish. */
function asJson(value: unknown): unknown {
  if (value === undefined) return null;
  return JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
}

function unhandled(e: unknown): DataSourceOutcome {
  return { result: null, error: { type: ERROR_TYPE.LAMBDA_UNHANDLED, message: toError(e).message } };
}

/** A batched element written as `{ data, errorMessage, errorType }` reports a per-item error (docs/APPSYNC-BEHAVIOUR.md#lambda-batchinvoke). */
function batchElement(element: unknown): DataSourceOutcome {
  if (typeof element === 'object' && element !== null && !Array.isArray(element)) {
    const keys = Object.keys(element);
    const e = element as Record<string, unknown>;
    if (typeof e['errorMessage'] === 'string' && keys.every((k) => k === 'data' || k === 'errorMessage' || k === 'errorType')) {
      return { result: e['data'] ?? null, error: { message: e['errorMessage'], type: typeof e['errorType'] === 'string' ? e['errorType'] : ERROR_TYPE.LAMBDA_UNHANDLED } };
    }
  }
  return { result: element ?? null };
}

async function invokeOnce(invokeLambda: InvokeLambda, lambdaName: string, event: unknown, origin: string | undefined): Promise<DataSourceOutcome> {
  try {
    return { result: asJson(await invokeLambda(lambdaName, event, origin)) };
  } catch (e) {
    return unhandled(e);
  }
}

/** Invokes once with a chunk of batched payloads and settles each with its element of the answer. */
async function flushChunk(invokeLambda: InvokeLambda, lambdaName: string, chunk: readonly Pending[], origin: string | undefined): Promise<void> {
  try {
    const response = asJson(await invokeLambda(lambdaName, chunk.map((p) => p.payload), origin));
    if (!Array.isArray(response) || response.length !== chunk.length) {
      const got = Array.isArray(response) ? `an array of ${response.length}` : typeof response;
      const error = {
        type: ERROR_TYPE.LAMBDA_UNHANDLED,
        message: `BatchInvoke: the Lambda must return an array of ${chunk.length} elements (one per payload, in order), got ${got}`,
      };
      for (const p of chunk) p.resolve({ result: null, error });
      return;
    }
    chunk.forEach((p, i) => p.resolve(batchElement(response[i])));
  } catch (e) {
    const outcome = unhandled(e);
    for (const p of chunk) p.resolve(outcome);
  }
}

export function createLambdaDataSource(deps: LambdaDataSourceDeps): DataSource {
  const { lambdaName, invokeLambda } = deps;
  /** Per GraphQL request, per calling resolver: the payloads waiting for this tick's flush. */
  const queues = new WeakMap<object, Map<string, Pending[]>>();

  // One request key is one GraphQL request, so every call of a batch has the same origin.
  function flush(requestKey: object, scope: string, maxBatchSize: number, origin: string | undefined): void {
    const byScope = queues.get(requestKey);
    const pending = byScope?.get(scope) ?? [];
    byScope?.delete(scope);
    for (let i = 0; i < pending.length; i += maxBatchSize) void flushChunk(invokeLambda, lambdaName, pending.slice(i, i + maxBatchSize), origin);
  }

  function enqueue(call: DataSourceCall, payload: unknown): Promise<DataSourceOutcome> {
    return new Promise((resolve) => {
      let byScope = queues.get(call.requestKey);
      if (!byScope) {
        byScope = new Map();
        queues.set(call.requestKey, byScope);
      }
      let pending = byScope.get(call.scope);
      if (!pending) {
        pending = [];
        byScope.set(call.scope, pending);
        const maxBatchSize = Math.max(1, call.maxBatchSize);
        // Wait for the current promise jobs to drain (siblings resolve in them), as DataLoader does.
        void Promise.resolve().then(() => process.nextTick(() => flush(call.requestKey, call.scope, maxBatchSize, call.origin)));
      }
      pending.push({ payload, resolve });
    });
  }

  return {
    invoke: async function invokeLambdaDataSource(call) {
      const request = call.request;
      if (typeof request !== 'object' || request === null || Array.isArray(request)) {
        throw new AppSyncResolverError({ message: `Lambda request must be an object, got ${JSON.stringify(request) ?? 'undefined'}`, errorType: ERROR_TYPE.MAPPING_TEMPLATE });
      }
      const { operation, payload, invocationType } = request as Record<string, unknown>;
      const event = payload === undefined ? null : payload;
      if (operation === 'Invoke') {
        if (invocationType === 'Event') {
          // Asynchronous invocation: the field resolves to null at once (docs/APPSYNC-BEHAVIOUR.md#lambda-invoke).
          invokeLambda(lambdaName, event, call.origin).catch((e: unknown) => deps.log(`Lambda ${lambdaName} (Event invocation) failed: ${toError(e).message}`));
          return { result: null };
        }
        return invokeOnce(invokeLambda, lambdaName, event, call.origin);
      }
      if (operation === 'BatchInvoke') return enqueue(call, event);
      throw new AppSyncResolverError({
        message: `Unsupported operation '${String(operation)}'. Lambda requests take 'Invoke' or 'BatchInvoke'`,
        errorType: ERROR_TYPE.MAPPING_TEMPLATE,
      });
    },
  };
}
