/**
 * DynamoDB typed values in the three forms we meet: the request objects resolvers build (typed JSON
 * where `N` may be a JSON number and `B` is base64, docs/APPSYNC-BEHAVIOUR.md#js-util-helpers), the AWS SDK's
 * `AttributeValue` (N as string, B as bytes), and the plain JSON AppSync hands response handlers.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../api/guards.ts';
import { AppSyncResolverError, ERROR_TYPE } from '../graphql/errors.ts';

export type AttributeMap = Record<string, AttributeValue>;

function invalid(where: string, detail: string): never {
  throw new AppSyncResolverError({ message: `${where}: ${detail}`, errorType: ERROR_TYPE.MAPPING_TEMPLATE });
}

function numberText(v: unknown, where: string): string {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return v;
  return invalid(where, `N must be a number or a numeric string, got ${JSON.stringify(v)}`);
}

function bytes(v: unknown, where: string): Uint8Array {
  if (typeof v !== 'string') return invalid(where, `B must be a base64 string, got ${typeof v}`);
  return new Uint8Array(Buffer.from(v, 'base64'));
}

function stringList(v: unknown, where: string, type: string): unknown[] {
  if (!Array.isArray(v)) return invalid(where, `${type} must be an array`);
  return v;
}

/** A typed value from a resolver's request object → the SDK's AttributeValue (JSON numbers in `N` are stringified here). */
export function toAttributeValue(value: unknown, where: string): AttributeValue {
  if (!isRecord(value)) return invalid(where, `expected a typed value such as {"S": "..."}, got ${JSON.stringify(value) ?? 'undefined'}`);
  const keys = Object.keys(value);
  if (keys.length !== 1) return invalid(where, `a typed value has exactly one type key, got ${JSON.stringify(keys)}`);
  const type = keys[0] as string;
  const v = value[type];
  switch (type) {
    case 'S':
      if (typeof v !== 'string') return invalid(where, 'S must be a string');
      return { S: v };
    case 'N':
      return { N: numberText(v, where) };
    case 'B':
      return { B: bytes(v, where) };
    case 'BOOL':
      if (typeof v !== 'boolean') return invalid(where, 'BOOL must be a boolean');
      return { BOOL: v };
    case 'NULL':
      return { NULL: true };
    case 'SS':
      return { SS: stringList(v, where, 'SS').map((s) => (typeof s === 'string' ? s : invalid(where, 'SS members must be strings'))) };
    case 'NS':
      return { NS: stringList(v, where, 'NS').map((n) => numberText(n, where)) };
    case 'BS':
      return { BS: stringList(v, where, 'BS').map((b) => bytes(b, where)) };
    case 'L':
      return { L: stringList(v, where, 'L').map((item, i) => toAttributeValue(item, `${where}[${i}]`)) };
    case 'M':
      if (!isRecord(v)) return invalid(where, 'M must be an object');
      return { M: toAttributeMap(v, where) };
    default:
      return invalid(where, `unknown type ${type}`);
  }
}

export function toAttributeMap(value: unknown, where: string): AttributeMap {
  if (!isRecord(value)) return invalid(where, `expected a map of typed values, got ${JSON.stringify(value) ?? 'undefined'}`);
  const out: AttributeMap = {};
  for (const [k, v] of Object.entries(value)) out[k] = toAttributeValue(v, `${where}.${k}`);
  return out;
}

/** SDK AttributeValue → plain JSON as AppSync gives response handlers (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results). */
export function fromAttributeValue(value: AttributeValue): unknown {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.B !== undefined) return Buffer.from(value.B).toString('base64');
  if (value.SS !== undefined) return [...value.SS];
  if (value.NS !== undefined) return value.NS.map(Number);
  if (value.BS !== undefined) return value.BS.map((b) => Buffer.from(b).toString('base64'));
  if (value.L !== undefined) return value.L.map(fromAttributeValue);
  if (value.M !== undefined) return fromAttributeMap(value.M);
  return null;
}

export function fromAttributeMap(map: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // for…in + hasOwn visits the own enumerable keys in Object.entries order without building the
  // entry pairs (one batch of 100 items would allocate over a thousand of them).
  for (const k in map) if (Object.hasOwn(map, k)) out[k] = fromAttributeValue(map[k] as AttributeValue);
  return out;
}

/** SDK AttributeValue → typed JSON (N as string, B as base64), e.g. to store a key in a token. */
export function toTypedJson(value: AttributeValue): unknown {
  if (value.B !== undefined) return { B: Buffer.from(value.B).toString('base64') };
  if (value.BS !== undefined) return { BS: value.BS.map((b) => Buffer.from(b).toString('base64')) };
  if (value.L !== undefined) return { L: value.L.map(toTypedJson) };
  if (value.M !== undefined) return { M: toTypedJsonMap(value.M) };
  return value;
}

export function toTypedJsonMap(map: Readonly<Record<string, AttributeValue>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(map)) out[k] = toTypedJson(v);
  return out;
}

/** A text that two SDK values share exactly when they are equal (numbers and sets normalised): what `sameAttributeValue` compares. */
export function attributeValueKey(value: AttributeValue): string {
  // A lone string (every key here is one) has nothing to normalise: the same text without the replacer.
  if (typeof value.S === 'string' && isLoneMember(value)) return `{"S":${JSON.stringify(value.S)}}`;
  return JSON.stringify(toTypedJson(value), normaliseNumbers);
}

function isLoneMember(value: object): boolean {
  let count = 0;
  for (const key in value) if (Object.hasOwn(value, key) && ++count > 1) return false;
  return true;
}

/** True when two SDK values are equal (for matching batch results to keys and short-circuits). */
export function sameAttributeValue(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return attributeValueKey(a) === attributeValueKey(b);
}

function normaliseNumbers(key: string, v: unknown): unknown {
  if (key === 'N' && typeof v === 'string') return String(Number(v));
  if (key === 'NS' && Array.isArray(v)) return v.map((n) => String(Number(n))).sort();
  if ((key === 'SS' || key === 'BS') && Array.isArray(v)) return [...(v as string[])].sort();
  if (isRecord(v) && !('S' in v || 'N' in v || 'B' in v || 'BOOL' in v || 'NULL' in v || 'L' in v || 'M' in v || 'SS' in v || 'NS' in v || 'BS' in v)) {
    return Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  }
  return v;
}
