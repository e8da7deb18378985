/**
 * The DynamoDB transport's retry policy: which failures are retried (throttling, 429, timeouts,
 * connection errors, 5xx; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.Errors.html#Programming.Errors.RetryAndBackoff),
 * the SDKs' standard-mode defaults, and the attempts and delays the failing error reports.
 */
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../../api/config-error.ts';
import { DEFAULT_RETRY_POLICY, classifyDynamoDBError, resolveRetryPolicy, runWithRetries } from '../../../local/datasources/dynamodb-retry.ts';

function failure(fields: Record<string, unknown>): Error {
  return Object.assign(new Error('failed'), fields);
}

describe('dynamodb retry policy', () => {
  it('retries throttling, 429, timeouts, connection errors and 5xx, and nothing else', () => {
    expect([
      classifyDynamoDBError(failure({ name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 } })),
      classifyDynamoDBError(failure({ name: 'Unknown', $metadata: { httpStatusCode: 429 } })),
      classifyDynamoDBError(failure({ name: 'TimeoutError' })),
      classifyDynamoDBError(failure({ code: 'ECONNRESET' })),
      classifyDynamoDBError(failure({ name: 'InternalServerError', $metadata: { httpStatusCode: 500 } })),
      classifyDynamoDBError(failure({ name: 'ConditionalCheckFailedException', $metadata: { httpStatusCode: 400 } })),
      classifyDynamoDBError('not an error'),
    ]).toEqual(['throttling', 'throttling', 'transient', 'transient', 'transient', false, false]);
  });

  it("defaults to the SDKs' standard mode and refuses a maxAttempts below 1", () => {
    let refused: unknown;
    try {
      resolveRetryPolicy({ maxAttempts: 0 });
    } catch (e) {
      refused = e;
    }
    expect({
      defaults: { ...resolveRetryPolicy(), classify: undefined },
      override: resolveRetryPolicy({ maxAttempts: 5 }).maxAttempts,
      refused: isConfigError(refused) ? refused.message : refused,
    }).toEqual({
      defaults: { maxAttempts: 3, baseDelayMs: 100, throttlingBaseDelayMs: 500, maxDelayMs: 20_000, classify: undefined },
      override: 5,
      refused: 'retry.maxAttempts must be a whole number of at least 1. Received: 0',
    });
    expect(DEFAULT_RETRY_POLICY.classify).toBe(classifyDynamoDBError);
  });

  it('stops after maxAttempts and reports the attempts on the error; a client error ends at once', async () => {
    const policy = resolveRetryPolicy({ maxAttempts: 2, baseDelayMs: 0, throttlingBaseDelayMs: 0 });
    let calls = 0;
    const throttled = await runWithRetries(policy, () => {
      calls++;
      return Promise.reject(failure({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }));
    }).catch((e: unknown) => e);
    const throttledCalls = calls;
    calls = 0;
    const invalid = await runWithRetries(policy, () => {
      calls++;
      return Promise.reject(failure({ name: 'ValidationException', $metadata: { httpStatusCode: 400 } }));
    }).catch((e: unknown) => e);
    expect({ throttledCalls, throttled: (throttled as { $metadata: unknown }).$metadata, invalidCalls: calls, invalid: (invalid as { $metadata: unknown }).$metadata }).toEqual({
      throttledCalls: 2,
      throttled: { httpStatusCode: 400, attempts: 2, totalRetryDelay: 0 },
      invalidCalls: 1,
      invalid: { httpStatusCode: 400, attempts: 1, totalRetryDelay: 0 },
    });
  });
});
