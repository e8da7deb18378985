/**
 * DynamoDB failures as AppSync puts them in `ctx.error` (docs/APPSYNC-BEHAVIOUR.md#dynamodb-errors): type
 * `DynamoDB:<ExceptionName>`, message the service text plus the AWS SDK v2 suffix AppSync appends,
 * e.g. `The conditional request failed (Service: DynamoDb, Status Code: 400, Request ID: …)`.
 */
import type { DataSourceError } from './types.ts';

interface SdkErrorLike {
  readonly name?: unknown;
  readonly message?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
}

export function dynamoDBError(e: unknown): DataSourceError {
  const err = (typeof e === 'object' && e !== null ? e : {}) as SdkErrorLike;
  const name = typeof err.name === 'string' && err.name !== '' && err.name !== 'Error' ? err.name : 'AmazonDynamoDBException';
  const text = typeof err.message === 'string' && err.message !== '' ? err.message : name;
  const status = err.$metadata?.httpStatusCode;
  if (status === undefined) return { type: `DynamoDB:${name}`, message: text };
  const requestId = err.$metadata?.requestId ?? 'null';
  return { type: `DynamoDB:${name}`, message: `${text} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})` };
}

export function errorName(e: unknown): string {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string' ? (e as { name: string }).name : '';
}
