/**
 * Batch and transaction operations of the DynamoDB data source
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-batch-and-transactions): results per table in request order with `null` holes, table names as the request wrote
 * them, `cancellationReasons` aligned with the request items.
 */
import type { AttributeValue, CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../api/guards.ts';
import type { DataSourceCall, DataSourceOutcome } from './types.ts';
import { dynamoDBError, errorName } from './dynamodb-errors.ts';
import type { DynamoDBTransport } from './dynamodb-transport.ts';
import { expressionAttributes, physicalTable, readExpression, readProjection, requestError, requireKey } from './dynamodb-request.ts';
import { fromAttributeMap, sameAttributeValue, toAttributeMap, type AttributeMap } from './dynamodb-values.ts';

type Operation = (request: Record<string, unknown>, call: DataSourceCall) => Promise<DataSourceOutcome>;

function matches(item: Readonly<Record<string, AttributeValue>>, key: AttributeMap): boolean {
  return Object.entries(key).every(([name, value]) => sameAttributeValue(item[name], value));
}

function tablesOf(request: Record<string, unknown>): Record<string, unknown> {
  const tables = request['tables'];
  if (!isRecord(tables) || Object.keys(tables).length === 0) throw requestError(`${String(request['operation'])}: 'tables' must be a non-empty object`);
  return tables;
}

function list(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw requestError(`${where} must be an array`);
  return value;
}

function cancellationReasons(e: unknown): { type: string; message: string | null; item?: unknown }[] | null {
  const reasons = (e as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  if (!Array.isArray(reasons)) return null;
  return reasons.map((r) => ({
    type: r.Code ?? 'None',
    message: r.Message ?? null,
    ...(r.Item ? { item: fromAttributeMap(r.Item) } : {}),
  }));
}

export function createBatchOperations(deps: { readonly transport: DynamoDBTransport; readonly tableNames: Readonly<Record<string, string>> }) {
  const { transport, tableNames } = deps;

  const batchGetItem: Operation = async (request) => {
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
        data[t.name] = t.keys.map((key) => {
          const item = found.find((i) => matches(i, key));
          return item ? fromAttributeMap(item) : null;
        });
        unprocessedKeys[t.name] = unprocessed.map(fromAttributeMap);
      }
      return { result: { data, unprocessedKeys } };
    } catch (e) {
      return { result: null, error: dynamoDBError(e) };
    }
  };

  function batchWrite(kind: 'BatchPutItem' | 'BatchDeleteItem'): Operation {
    return async (request) => {
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
    };
  }

  const transactGetItems: Operation = async (request) => {
    const items = list(request['transactItems'], "TransactGetItems: 'transactItems'").map((raw, i) => {
      if (!isRecord(raw)) throw requestError(`TransactGetItems: transactItems[${i}] must be an object`);
      const projection = readProjection(raw['projection'], `transactItems[${i}].projection`);
      return {
        Get: {
          TableName: physicalTable(raw['table'], tableNames, `TransactGetItems: transactItems[${i}]`),
          Key: requireKey(raw, `transactItems[${i}].key`),
          ...(projection ? { ProjectionExpression: projection.expression } : {}),
          ...expressionAttributes(projection),
        },
      };
    });
    try {
      const out = await transport.send('TransactGetItems', { TransactItems: items });
      return { result: { items: (out.Responses ?? []).map((r) => (r.Item ? fromAttributeMap(r.Item) : null)), cancellationReasons: null } };
    } catch (e) {
      if (errorName(e) === 'TransactionCanceledException') return { result: { items: null, cancellationReasons: cancellationReasons(e) }, error: dynamoDBError(e) };
      return { result: null, error: dynamoDBError(e) };
    }
  };

  const transactWriteItems: Operation = async (request) => {
    const keys: AttributeMap[] = [];
    const items = list(request['transactItems'], "TransactWriteItems: 'transactItems'").map((raw, i): TransactWriteItem => {
      if (!isRecord(raw)) throw requestError(`TransactWriteItems: transactItems[${i}] must be an object`);
      const where = `transactItems[${i}]`;
      const TableName = physicalTable(raw['table'], tableNames, `TransactWriteItems: ${where}`);
      const Key = requireKey(raw, `${where}.key`);
      keys.push(Key);
      const condition = readExpression(raw['condition'], `${where}.condition`);
      const returnOld = isRecord(raw['condition']) && raw['condition']['returnValuesOnConditionCheckFailure'] === false ? 'NONE' : 'ALL_OLD';
      const conditionPart = condition ? { ConditionExpression: condition.expression, ReturnValuesOnConditionCheckFailure: returnOld } : {};
      switch (raw['operation']) {
        case 'PutItem': {
          const attributes = raw['attributeValues'] === undefined ? {} : toAttributeMap(raw['attributeValues'], `${where}.attributeValues`);
          return { Put: { TableName, Item: { ...attributes, ...Key }, ...conditionPart, ...expressionAttributes(condition) } } as TransactWriteItem;
        }
        case 'UpdateItem': {
          const update = readExpression(raw['update'], `${where}.update`);
          if (!update) throw requestError(`TransactWriteItems: ${where}.update must be an object with an 'expression'`);
          return { Update: { TableName, Key, UpdateExpression: update.expression, ...conditionPart, ...expressionAttributes(update, condition) } } as TransactWriteItem;
        }
        case 'DeleteItem':
          return { Delete: { TableName, Key, ...conditionPart, ...expressionAttributes(condition) } } as TransactWriteItem;
        case 'ConditionCheck':
          if (!condition) throw requestError(`TransactWriteItems: ${where}.condition is required for ConditionCheck`);
          return { ConditionCheck: { TableName, Key, ...conditionPart, ...expressionAttributes(condition) } } as TransactWriteItem;
        default:
          throw requestError(`TransactWriteItems: ${where}.operation must be PutItem, UpdateItem, DeleteItem or ConditionCheck, got ${JSON.stringify(raw['operation'])}`);
      }
    });
    try {
      await transport.send('TransactWriteItems', { TransactItems: items });
      return { result: { keys: keys.map(fromAttributeMap), cancellationReasons: null } };
    } catch (e) {
      if (errorName(e) === 'TransactionCanceledException') return { result: { keys: null, cancellationReasons: cancellationReasons(e) }, error: dynamoDBError(e) };
      return { result: null, error: dynamoDBError(e) };
    }
  };

  return {
    batchGetItem,
    batchPutItem: batchWrite('BatchPutItem'),
    batchDeleteItem: batchWrite('BatchDeleteItem'),
    transactGetItems,
    transactWriteItems,
  };
}
