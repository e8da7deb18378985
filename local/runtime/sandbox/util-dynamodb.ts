/**
 * `util.dynamodb` (runs INSIDE the vm context). Numbers stay JSON numbers, arrays never become sets,
 * `toS3Object` emits compact JSON (docs/APPSYNC-BEHAVIOUR.md#js-util-helpers). AWS docs:
 * dynamodb-helpers-in-util-dynamodb-js.html.
 */
export type TypedValue = Record<string, unknown>;

// Own copy, not api/guards.ts: files in sandbox/ are bundled alone into the vm prelude (and hashed for its cache).
function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JS value → typed value. `undefined` members are dropped (JSON semantics, docs/APPSYNC-BEHAVIOUR.md#js-context). */
export function toDynamoDB(value: unknown): TypedValue | null {
  if (value === null) return { NULL: null };
  if (typeof value === 'string') return { S: value };
  if (typeof value === 'number') return { N: value };
  if (typeof value === 'boolean') return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map((v) => toDynamoDB(v === undefined ? null : v)) };
  if (isPlainObject(value)) return { M: toMapValues(value) };
  return null;
}

export function toMapValues(value: unknown): Record<string, TypedValue | null> | null {
  if (!isPlainObject(value)) return null;
  const out: Record<string, TypedValue | null> = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || typeof v === 'function') continue;
    out[k] = toDynamoDB(v);
  }
  return out;
}

const isAbsent = (v: unknown): boolean => v === null || v === undefined;

export const toString = (v: unknown): TypedValue | null => (isAbsent(v) ? null : { S: v });
export const toNumber = (v: unknown): TypedValue | null => (isAbsent(v) ? null : { N: v });
export const toBoolean = (v: unknown): TypedValue | null => (isAbsent(v) ? null : { BOOL: v });
export const toBinary = (v: unknown): TypedValue | null => (isAbsent(v) ? null : { B: v });
export const toStringSet = (v: unknown): TypedValue | null => (isAbsent(v) ? null : { SS: v });
export const toNumberSet = (v: unknown): TypedValue | null => (isAbsent(v) ? null : { NS: v });
export const toBinarySet = (v: unknown): TypedValue | null => (isAbsent(v) ? null : { BS: v });
export const toNull = (): TypedValue => ({ NULL: null });
export const toList = (v: unknown): TypedValue | null => (Array.isArray(v) ? toDynamoDB(v) : null);
export const toMap = (v: unknown): TypedValue | null => (isPlainObject(v) ? toDynamoDB(v) : null);

/** `{ S: '{"s3":{"key":…,"bucket":…,"region":…[,"version":…]}}' }`, compact, as recorded EvaluateCode output shows. */
export function toS3Object(key: string, bucket: string, region: string, version?: string): TypedValue {
  const s3: Record<string, string> = { key, bucket, region };
  if (version !== undefined && version !== null) s3['version'] = version;
  return { S: JSON.stringify({ s3 }) };
}

/** Inverse of `toS3Object`: `{ key, bucket, region, version? }`. */
export function fromS3ObjectJson(text: string): Record<string, unknown> | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  const s3 = isPlainObject(parsed) ? parsed['s3'] : undefined;
  if (!isPlainObject(s3)) return null;
  const out: Record<string, unknown> = { key: s3['key'], bucket: s3['bucket'], region: s3['region'] };
  if (s3['version'] !== undefined) out['version'] = s3['version'];
  return out;
}

export function createDynamodbUtil(): Record<string, unknown> {
  return {
    toDynamoDB, toMapValues, toString, toNumber, toBoolean, toBinary, toStringSet, toNumberSet, toBinarySet,
    toNull, toList, toMap, toS3Object, fromS3ObjectJson,
  };
}
