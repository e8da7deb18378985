/**
 * What the executor hands a data source and what it gets back. A data source turns the object a
 * request handler returned into an AWS call and answers with AppSync's `ctx.result` / `ctx.error`
 * (docs/APPSYNC-BEHAVIOUR.md#data-sources, #js-pipeline-flow). A request AppSync itself would reject throws an
 * `AppSyncResolverError` instead, which aborts the resolver.
 */

/** `ctx.error` as AppSync shapes it for a failed data-source call. */
export interface DataSourceError {
  readonly message: string;
  readonly type: string;
}

export interface DataSourceOutcome {
  readonly result: unknown;
  readonly error?: DataSourceError;
}

export interface DataSourceCall {
  /** The request handler's return value, already plain JSON. */
  readonly request: unknown;
  /**
   * The resolver or function making the call (`Query.listAssets`, `function:putAsset`). Pagination
   * tokens are only valid for the scope that issued them; batches group calls of one scope.
   */
  readonly scope: string;
  /** One object per GraphQL request: Lambda batches never span requests. */
  readonly requestKey: object;
  /** Lambda BatchInvoke: the most payloads one invocation takes (the resolver's `maxBatchSize`). */
  readonly maxBatchSize: number;
  /** The origin the GraphQL request was sent to, handed to the Lambda invoker; undefined outside HTTP requests. @default undefined */
  readonly origin?: string | undefined;
}

export interface DataSource {
  invoke(call: DataSourceCall): Promise<DataSourceOutcome>;
}

/** NONE data source (docs/APPSYNC-BEHAVIOUR.md#none-data-source): `ctx.result` is the request's `payload`. */
export function createNoneDataSource(): DataSource {
  return {
    invoke: function invokeNone(call) {
      const request = call.request;
      const payload = typeof request === 'object' && request !== null ? (request as Record<string, unknown>)['payload'] : undefined;
      return Promise.resolve({ result: payload ?? null });
    },
  };
}
