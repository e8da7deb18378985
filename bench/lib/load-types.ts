/** What a load run reports, whether it drove HTTP (autocannon) or the SDK directly. */
export interface LoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Completed requests in the measured window. */
  readonly total: number;
  /** Completed requests in the warm-up before it (for CPU per request over both). */
  readonly warmupTotal: number;
  /** Transport errors, timeouts, non-2xx answers and answers with GraphQL `errors`. */
  readonly failed: number;
  /** CPU time of the load generator over the warm-up and the measured window (µs); 0 when the worker does not report it. */
  readonly generatorCpuMicros: number;
}

export interface HttpLoadSpec {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

export type SdkOperation = 'GetItem' | 'Query' | 'PutItem';

export interface SdkLoadSpec {
  readonly endpoint: string;
  readonly tableName: string;
  readonly operation: SdkOperation;
  /** GetItem: the id to read. */
  readonly id: string;
  /** Query: the owner whose newest page to read. */
  readonly owner: string;
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}
