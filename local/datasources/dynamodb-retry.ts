/**
 * When a DynamoDB call is tried again, and how long the transport waits first. DynamoDB asks
 * clients to retry throttling and server errors with exponential backoff
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.RetryAndBackoff);
 * the defaults are the AWS SDKs' standard retry mode: three attempts in all, a jittered exponential
 * delay, a longer base after throttling
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 */
import { ConfigError } from '../../api/config-error.ts';

/** How a retryable failure is retried: throttling waits on the longer base. */
export type RetryKind = 'throttling' | 'transient';

export interface RetryPolicy {
  /** Attempts in all, the first included (the SDKs' `max_attempts`); at least 1. @default 3 */
  readonly maxAttempts: number;
  /** Base of the delay after a transient failure; the n-th retry waits a random time below `base * 2^(n-1)`. @default 100 */
  readonly baseDelayMs: number;
  /** Base of the delay after a throttling failure. @default 500 */
  readonly throttlingBaseDelayMs: number;
  /** Upper bound of one delay. @default 20000 */
  readonly maxDelayMs: number;
  /** Which failures are retried, and as what; `false` fails the call at once. @default classifyDynamoDBError */
  readonly classify: (error: unknown) => RetryKind | false;
}

/** Error codes DynamoDB (and AWS services generally) use for throttling; the SDKs' standard mode retries them. */
const THROTTLING_ERRORS = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
]);
/** Timeouts, retried as transient. */
const TRANSIENT_ERRORS = new Set(['TimeoutError', 'RequestTimeout', 'RequestTimeoutException']);
/** Connection failures (`error.code` of node's socket errors): no response arrived, so the call is tried again. */
const NETWORK_ERRORS = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** The fields of an SDK-shaped failure that decide whether it is retried. */
interface RetryableFields {
  readonly name?: string;
  readonly code?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

/** Throttling codes and HTTP 429; timeouts, connection errors and any 5xx as transient; nothing else. */
export function classifyDynamoDBError(error: unknown): RetryKind | false {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as RetryableFields;
  if (e.name !== undefined && THROTTLING_ERRORS.has(e.name)) return 'throttling';
  if (e.$metadata?.httpStatusCode === 429) return 'throttling';
  if (e.name !== undefined && TRANSIENT_ERRORS.has(e.name)) return 'transient';
  if (e.code !== undefined && NETWORK_ERRORS.has(e.code)) return 'transient';
  // 500, 502-504 are transient and any other 5xx a server error: the SDK retries both.
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 500 && status <= 599) return 'transient';
  return false;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  baseDelayMs: 100,
  throttlingBaseDelayMs: 500,
  maxDelayMs: 20_000,
  classify: classifyDynamoDBError,
});

/** The default policy with `overrides` applied; a `maxAttempts` that is not a positive integer is refused. */
export function resolveRetryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new ConfigError(`retry.maxAttempts must be a whole number of at least 1. Received: ${String(policy.maxAttempts)}`);
  }
  return Object.freeze(policy);
}

/** The wait before retry number `retry` (1 for the first retry): random below the exponential bound, capped. */
export function retryDelayMs(policy: RetryPolicy, kind: RetryKind, retry: number): number {
  const base = kind === 'throttling' ? policy.throttlingBaseDelayMs : policy.baseDelayMs;
  return Math.floor(Math.min(policy.maxDelayMs, Math.random() * 2 ** (retry - 1) * base));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs `attempt` until it succeeds, fails with an error the policy does not retry, or has used
 * `maxAttempts`. The error that ends it gets `$metadata.attempts` and `$metadata.totalRetryDelay`,
 * as the SDK's errors do.
 */
export async function runWithRetries<T>(policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  let totalRetryDelay = 0;
  for (let attempts = 1; ; attempts++) {
    try {
      return await attempt();
    } catch (error) {
      const kind = policy.classify(error);
      if (kind === false || attempts >= policy.maxAttempts) {
        if (error instanceof Error) {
          const e = error as Error & { $metadata?: Record<string, unknown> };
          e.$metadata = { ...e.$metadata, attempts, totalRetryDelay };
        }
        throw error;
      }
      const delay = retryDelayMs(policy, kind, attempts);
      totalRetryDelay += delay;
      await sleep(delay);
    }
  }
}
