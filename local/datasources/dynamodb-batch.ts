/**
 * Batch and transaction operations of the DynamoDB data source
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-batch-and-transactions): results per table in request order with `null` holes, table names as the request wrote
 * them, `cancellationReasons` aligned with the request items. Transactions live in
 * `dynamodb-transact.ts`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../api/guards.ts';
import type { DataSourceCall, DataSourceOutcome } from './types.ts';
import { dynamoDBError } from './dynamodb-errors.ts';
import type { DynamoDBTransport } from './dynamodb-transport.ts';
import { expressionAttributes, list, physicalTable, readProjection, requestError } from './dynamodb-request.ts';
import { transactGetItems, transactWriteItems } from './dynamodb-transact.ts';
import { attributeValueKey, fromAttributeMap, sameAttributeValue, toAttributeMap, type AttributeMap } from './dynamodb-values.ts';

type Operation = (request: Record<string, unknown>, call: DataSourceCall) => Promise<DataSourceOutcome>;

type StoredItem = Readonly<Record<string, AttributeValue>>;

/** The values of `names` in `map` as one text (`attributeValueKey` of each); null when one is missing. */
function identityOf(map: StoredItem, names: readonly string[]): string | null {
  const parts: string[] = [];
  for (const name of names) {
    const value = map[name];
    if (value === undefined) return null;
    parts.push(attributeValueKey(value));
  }
  return JSON.stringify(parts);
}

/**
 * For each key, the first of `found` whose attributes named in the key all equal the key's (as
 * `sameAttributeValue` compares them), or undefined. Each item is indexed once per set of key names
 * (one for a table's keys), so matching 100 keys costs 100 lookups instead of up to 10,000 comparisons.
 */
function matchKeys(keys: readonly AttributeMap[], found: readonly StoredItem[]): (StoredItem | undefined)[] {
  const indexes = new Map<string, Map<string, StoredItem>>();
  return keys.map((key) => {
    const names = Object.keys(key);
    const signature = JSON.stringify(names);
    let index = indexes.get(signature);
    if (index === undefined) {
      index = new Map();
      for (const item of found) {
        const identity = identityOf(item, names);
        if (identity !== null && !index.has(identity)) index.set(identity, item);
      }
      indexes.set(signature, index);
    }
    const identity = identityOf(key, names);
    return identity === null ? undefined : index.get(identity);
  });
}

function tablesOf(request: Record<string, unknown>): Record<string, unknown> {
  const tables = request['tables'];
  if (!isRecord(tables) || Object.keys(tables).length === 0) throw requestError(`${String(request['operation'])}: 'tables' must be a non-empty object`);
  return tables;
}

async function batchGetItem(deps: BatchDeps, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const { transport, tableNames } = deps;
  const tables = tablesOf(request);
  const plan = Object.entries(tables).map(([name, spec]) => {
    if (!isRecord(spec)) throw requestError(`BatchGetItem: tables.${name} must be an object with 'keys'`);
    const keys = list(spec['keys'], `BatchGetItem: tables.${name}.keys`).map((k, i) => toAttributeMap(k, `tables.${name}.keys[${i}]`));
    const projection = readProjection(spec['projection'], `tables.${name}.projection`);
    return { name, physical: physicalTable(name, tableNames, 'BatchGetItem'), keys, projection, consistentRead: spec['consistentRead'] === true };
  });
  try {
    const out = await transport.send('BatchGetItem', {
      RequestItems: Object.fromEntries(
        plan.map((t) => [
          t.physical,
          {
            Keys: t.keys,
            ConsistentRead: t.consistentRead,
            ...(t.projection ? { ProjectionExpression: t.projection.expression } : {}),
            ...expressionAttributes(t.projection),
          },
        ]),
      ),
    });
    const data: Record<string, unknown[]> = {};
    const unprocessedKeys: Record<string, unknown[]> = {};
    for (const t of plan) {
      const found = out.Responses?.[t.physical] ?? [];
      const unprocessed = out.UnprocessedKeys?.[t.physical]?.Keys ?? [];
      data[t.name] = matchKeys(t.keys, found).map((item) => (item ? fromAttributeMap(item) : null));
      unprocessedKeys[t.name] = unprocessed.map(fromAttributeMap);
    }
    return { result: { data, unprocessedKeys } };
  } catch (e) {
    return { result: null, error: dynamoDBError(e) };
  }
}

async function batchWrite(deps: BatchDeps, kind: 'BatchPutItem' | 'BatchDeleteItem', request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const { transport, tableNames } = deps;
  const tables = tablesOf(request);
  const plan = Object.entries(tables).map(([name, entries]) => ({
    name,
    physical: physicalTable(name, tableNames, kind),
    values: list(entries, `${kind}: tables.${name}`).map((v, i) => toAttributeMap(v, `tables.${name}[${i}]`)),
  }));
  try {
    const out = await transport.send('BatchWriteItem', {
      RequestItems: Object.fromEntries(
        plan.map((t) => [t.physical, t.values.map((v) => (kind === 'BatchPutItem' ? { PutRequest: { Item: v } } : { DeleteRequest: { Key: v } }))]),
      ),
    });
    const data: Record<string, unknown[]> = {};
    const unprocessed: Record<string, unknown[]> = {};
    for (const t of plan) {
      const left = (out.UnprocessedItems?.[t.physical] ?? []).map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key).filter((v) => v !== undefined);
      data[t.name] = t.values.map((v) => (left.some((l) => Object.keys(v).every((k) => sameAttributeValue(l[k], v[k]))) ? null : fromAttributeMap(v)));
      unprocessed[t.name] = left.map(fromAttributeMap);
    }
    return { result: kind === 'BatchPutItem' ? { data, unprocessedItems: unprocessed } : { data, unprocessedKeys: unprocessed } };
  } catch (e) {
    return { result: null, error: dynamoDBError(e) };
  }
}

/** What the batch and transaction operations read. */
interface BatchDeps {
  readonly transport: DynamoDBTransport;
  readonly tableNames: Readonly<Record<string, string>>;
}

export function createBatchOperations(deps: BatchDeps) {
  const { transport, tableNames } = deps;
  const operations: Record<'batchGetItem' | 'batchPutItem' | 'batchDeleteItem' | 'transactGetItems' | 'transactWriteItems', Operation> = {
    batchGetItem: (request) => batchGetItem(deps, request),
    batchPutItem: (request) => batchWrite(deps, 'BatchPutItem', request),
    batchDeleteItem: (request) => batchWrite(deps, 'BatchDeleteItem', request),
    transactGetItems: (request) => transactGetItems(tableNames, transport, request),
    transactWriteItems: (request) => transactWriteItems(tableNames, transport, request),
  };
  return operations;
}
