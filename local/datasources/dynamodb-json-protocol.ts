/**
 * DynamoDB's JSON protocol (awsJson1_0) as the AWS SDK reads and writes it: `B`/`BS` bytes travel as
 * base64, and a failure becomes an error with the SDK's `name`, `message`, `$fault`, `$metadata`
 * (`httpStatusCode`, `requestId`) and the exception's own members (`CancellationReasons`, `Item`).
 * https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
 */
import type { IncomingHttpHeaders } from 'node:http';
import { isRecord } from '../../api/guards.ts';

export const DYNAMODB_CONTENT_TYPE = 'application/x-amz-json-1.0';
/** `X-Amz-Target` is this prefix and the operation name. */
export const DYNAMODB_TARGET_PREFIX = 'DynamoDB_20120810.';

/** An SDK-shaped service or network failure, as `dynamoDBError` reads it. */
export interface TransportError extends Error {
  $metadata: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
  $fault?: 'client' | 'server';
  code?: string;
}

/** JSON.stringify replacer: `B`/`BS` bytes travel as base64, as the SDK sends them. */
export function encodeBinary(_key: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') : value;
}

/** Deeper than any request; beyond it the replacer is used (and JSON.stringify reports a cycle itself). */
const MAX_PLAIN_DEPTH = 64;

/**
 * Whether `value` holds bytes or a `toJSON` anywhere. Without either, `encodeBinary` returns every
 * value it is given unchanged, so plain JSON.stringify writes the same text without calling it
 * once per member (a 100-key BatchGetItem has several hundred members).
 */
function needsBinaryEncoding(value: unknown, depth: number): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (depth > MAX_PLAIN_DEPTH || value instanceof Uint8Array || typeof (value as { toJSON?: unknown }).toJSON === 'function') return true;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (needsBinaryEncoding(item, depth + 1)) return true;
    return false;
  }
  for (const key in value) if (needsBinaryEncoding((value as Record<string, unknown>)[key], depth + 1)) return true;
  return false;
}

/** A request body: JSON with `B`/`BS` bytes as base64 (`encodeBinary`). */
export function stringifyRequest(input: unknown): string {
  return needsBinaryEncoding(input, 0) ? JSON.stringify(input, encodeBinary) : JSON.stringify(input);
}

/** Turns base64 `B` and `BS` members of attribute values back into bytes, as the SDK returns them. */
function decodeBinary(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) decodeBinary(item);
    return;
  }
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    const member = value[key];
    if (key === 'B' && typeof member === 'string') value[key] = new Uint8Array(Buffer.from(member, 'base64'));
    else if (key === 'BS' && Array.isArray(member) && member.every((m) => typeof m === 'string')) {
      value[key] = member.map((m: string) => new Uint8Array(Buffer.from(m, 'base64')));
    } else decodeBinary(member);
  }
}

/** A response body: `{}` when empty, bytes decoded. Throws on text that is not JSON. */
export function parseJson(text: string): unknown {
  if (text === '') return {};
  const value: unknown = JSON.parse(text);
  if (text.includes('"B')) decodeBinary(value);
  return value;
}

/** The SDK's error for a non-2xx answer: the name from `__type` (or `code`, or `x-amzn-ErrorType`), the message from the body. */
export function serviceError(status: number, headers: IncomingHttpHeaders, text: string): TransportError {
  let body: Record<string, unknown> = {};
  try {
    const parsed = parseJson(text);
    if (isRecord(parsed)) body = parsed;
  } catch {
    // Not JSON (a proxy's page): the status code names the failure.
  }
  const typeField = typeof body['__type'] === 'string' ? body['__type'] : typeof body['code'] === 'string' ? body['code'] : undefined;
  const headerType = headers['x-amzn-errortype'];
  const rawType = typeField ?? (typeof headerType === 'string' ? headerType.split(':')[0] : undefined) ?? '';
  const name = rawType.slice(rawType.lastIndexOf('#') + 1) || 'UnknownError';
  const messageField = body['message'] ?? body['Message'];
  const error = new Error(typeof messageField === 'string' ? messageField : name) as TransportError;
  // The SDK keeps the body's members (`__type`, `CancellationReasons`, `Item`) on the error; the
  // double cast because an Error has no index signature for members only known at run time.
  for (const [key, value] of Object.entries(body)) {
    if (key !== 'message' && key !== 'Message') (error as unknown as Record<string, unknown>)[key] = value;
  }
  error.name = name;
  error.$fault = status >= 500 ? 'server' : 'client';
  const requestId = headers['x-amzn-requestid'];
  error.$metadata = { httpStatusCode: status, ...(typeof requestId === 'string' ? { requestId } : {}) };
  return error;
}
