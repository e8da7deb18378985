/**
 * Reading the request objects of AppSync's DynamoDB reference (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results): small
 * guards that either return typed pieces ready for the AWS SDK or throw an AppSync `MappingTemplate`
 * error naming the field that was wrong.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../api/guards.ts';
import { AppSyncResolverError, ERROR_TYPE } from '../graphql/errors.ts';
import { toAttributeMap, toAttributeValue, type AttributeMap } from './dynamodb-values.ts';

export function requestError(message: string): AppSyncResolverError {
  return new AppSyncResolverError({ message, errorType: ERROR_TYPE.MAPPING_TEMPLATE });
}

export function requireRecord(request: Record<string, unknown>, field: string): Record<string, unknown> {
  const v = request[field];
  if (!isRecord(v)) throw requestError(`${String(request['operation'])}: '${field}' must be an object, got ${JSON.stringify(v) ?? 'undefined'}`);
  return v;
}

export function optionalBoolean(request: Record<string, unknown>, field: string): boolean | undefined {
  const v = request[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw requestError(`${String(request['operation'])}: '${field}' must be a boolean, got ${JSON.stringify(v)}`);
  return v;
}

export function optionalInteger(request: Record<string, unknown>, field: string): number | undefined {
  const v = request[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw requestError(`${String(request['operation'])}: '${field}' must be a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

export function optionalString(request: Record<string, unknown>, field: string): string | undefined {
  const v = request[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw requestError(`${String(request['operation'])}: '${field}' must be a string, got ${JSON.stringify(v)}`);
  return v;
}

/** A request field that must be an array (`where` names it in the error). */
export function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw requestError(`${where} must be an array`);
  return value;
}

export function requireKey(request: Record<string, unknown>, where = 'key'): AttributeMap {
  const key = request['key'];
  if (!isRecord(key) || Object.keys(key).length === 0) throw requestError(`${String(request['operation'])}: '${where}' must be a non-empty map of typed values`);
  return toAttributeMap(key, where);
}

/** An `{expression, expressionNames?, expressionValues?}` object in SDK form. */
export interface SdkExpression {
  readonly expression: string;
  readonly names: Record<string, string>;
  readonly values: Record<string, AttributeValue>;
}

export function readExpression(value: unknown, where: string): SdkExpression | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) throw requestError(`${where} must be an object with an 'expression', got ${JSON.stringify(value)}`);
  const expression = value['expression'];
  if (typeof expression !== 'string') throw requestError(`${where}.expression must be a string`);
  const names: Record<string, string> = {};
  const rawNames = value['expressionNames'];
  if (rawNames !== undefined && rawNames !== null) {
    if (!isRecord(rawNames)) throw requestError(`${where}.expressionNames must be an object`);
    for (const [k, v] of Object.entries(rawNames)) {
      if (typeof v !== 'string') throw requestError(`${where}.expressionNames.${k} must be a string`);
      names[k] = v;
    }
  }
  const rawValues = value['expressionValues'];
  const values: Record<string, AttributeValue> = {};
  if (rawValues !== undefined && rawValues !== null) {
    if (!isRecord(rawValues)) throw requestError(`${where}.expressionValues must be an object`);
    for (const [k, v] of Object.entries(rawValues)) values[k] = toAttributeValue(v, `${where}.expressionValues.${k}`);
  }
  return { expression, names, values };
}

/** Merged `ExpressionAttributeNames`/`Values`, omitted when empty (DynamoDB rejects empty maps). */
export function expressionAttributes(...expressions: (SdkExpression | undefined)[]): {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, AttributeValue>;
} {
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  for (const e of expressions) {
    if (!e) continue;
    Object.assign(names, e.names);
    Object.assign(values, e.values);
  }
  return {
    ...(Object.keys(names).length > 0 ? { ExpressionAttributeNames: names } : {}),
    ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

/** `projection` as `{expression, expressionNames}`; a list of paths is accepted too. */
export function readProjection(value: unknown, where: string): SdkExpression | undefined {
  if (Array.isArray(value)) {
    const names: Record<string, string> = {};
    let n = 0;
    const paths = value.map((path) => {
      if (typeof path !== 'string') throw requestError(`${where} entries must be strings`);
      return path
        .split('.')
        .map((segment) => {
          n += 1;
          names[`#projection_${n}`] = segment;
          return `#projection_${n}`;
        })
        .join('.');
    });
    return { expression: paths.join(', '), names, values: {} };
  }
  return readExpression(value, where);
}

/** The condition of a PutItem/UpdateItem/DeleteItem (docs/APPSYNC-BEHAVIOUR.md#dynamodb-condition-failures). */
export interface WriteCondition extends SdkExpression {
  readonly equalsIgnore: readonly string[];
  readonly consistentRead: boolean;
  readonly strategy: 'Reject' | 'Custom';
}

export function readCondition(value: unknown, where: string): WriteCondition | undefined {
  const expression = readExpression(value, where);
  if (!expression || !isRecord(value)) return undefined;
  const equalsIgnore = Array.isArray(value['equalsIgnore']) ? value['equalsIgnore'].filter((x): x is string => typeof x === 'string') : [];
  const handler = value['conditionalCheckFailedHandler'];
  const strategy = isRecord(handler) && handler['strategy'] === 'Custom' ? 'Custom' : 'Reject';
  return { ...expression, equalsIgnore, consistentRead: value['consistentRead'] !== false, strategy };
}

/** A table named in a batch or transaction: logical names from the definition map to physical ones. */
export function physicalTable(name: unknown, tableNames: Readonly<Record<string, string>>, where: string): string {
  if (typeof name !== 'string' || name === '') throw requestError(`${where}: table name must be a non-empty string`);
  return tableNames[name] ?? name;
}
