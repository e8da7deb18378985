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

/**
 * Items by the values of one set of key names. A lone string value (every asset key is one) is
 * looked up by its text in `byString`, without building a text for it; any other value, and a
 * several-name key, by its `attributeValueKey` text(s) in `byText`. The two maps never share a
 * lookup, so the texts of one cannot be mistaken for the other's.
 */
interface KeyIndex {
  readonly names: readonly string[];
  readonly byString: Map<string, StoredItem>;
  readonly byText: Map<string, StoredItem>;
}

/**
 * The `S` of a value that is only a string, or undefined. Exactly the values whose `attributeValueKey`
 * is `{"S":…}`: a member left undefined does not count, as JSON.stringify leaves it out.
 */
function loneString(value: AttributeValue): string | undefined {
  const text = value.S;
  if (typeof text !== 'string') return undefined;
  for (const key in value) if (key !== 'S' && Object.hasOwn(value, key) && Reflect.get(value, key) !== undefined) return undefined;
  return text;
}

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

/** Where `map`'s values of `index.names` are (or go) in `index`: a map and its key; null when one is missing. */
function slotOf(index: KeyIndex, map: StoredItem): { readonly table: Map<string, StoredItem>; readonly key: string } | null {
  const { names } = index;
  if (names.length === 1) {
    const value = map[names[0] as string];
    if (value === undefined) return null;
    const text = loneString(value);
    return text === undefined ? { table: index.byText, key: attributeValueKey(value) } : { table: index.byString, key: text };
  }
  const identity = identityOf(map, names);
  return identity === null ? null : { table: index.byText, key: identity };
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * For each key, the first of `found` whose attributes named in the key all equal the key's (as
 * `sameAttributeValue` compares them), or undefined. Each item is indexed once per set of key names
 * (one for a table's keys), so matching 100 keys costs 100 lookups instead of up to 10,000 comparisons.
 */
function matchKeys(keys: readonly AttributeMap[], found: readonly StoredItem[]): (StoredItem | undefined)[] {
  const indexes: KeyIndex[] = [];
  let last: KeyIndex | undefined;
  return keys.map((key) => {
    const names = Object.keys(key);
    // Keys of one table name the same attributes: the previous key's index is nearly always the one.
    let index = last !== undefined && sameNames(last.names, names) ? last : indexes.find((candidate) => sameNames(candidate.names, names));
    if (index === undefined) {
      index = { names, byString: new Map(), byText: new Map() };
      for (const item of found) {
        const slot = slotOf(index, item);
        if (slot !== null && !slot.table.has(slot.key)) slot.table.set(slot.key, item);
      }
      indexes.push(index);
    }
    last = index;
    const slot = slotOf(index, key);
    return slot === null ? undefined : slot.table.get(slot.key);
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
