/**
 * Transaction operations of the DynamoDB data source
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-batch-and-transactions): TransactGetItems items in request order
 * with `null` holes, TransactWriteItems the keys written, `cancellationReasons` aligned with the
 * request items.
 */
import type { CancellationReason, TransactWriteItem } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../api/guards.ts';
import type { DataSourceOutcome } from './types.ts';
import { dynamoDBError, errorName } from './dynamodb-errors.ts';
import type { DynamoDBTransport } from './dynamodb-transport.ts';
import { expressionAttributes, list, physicalTable, readExpression, readProjection, requestError, requireKey } from './dynamodb-request.ts';
import { fromAttributeMap, toAttributeMap, type AttributeMap } from './dynamodb-values.ts';

/** Logical → physical table names. */
type TableNames = Readonly<Record<string, string>>;

function cancellationReasons(e: unknown): { type: string; message: string | null; item?: unknown }[] | null {
  const reasons = (e as { CancellationReasons?: CancellationReason[] }).CancellationReasons;
  if (!Array.isArray(reasons)) return null;
  return reasons.map((r) => ({
    type: r.Code ?? 'None',
    message: r.Message ?? null,
    ...(r.Item ? { item: fromAttributeMap(r.Item) } : {}),
  }));
}

/** One TransactWriteItems entry as DynamoDB takes it, and the key it writes. */
function toTransactWriteItem(tableNames: TableNames, raw: unknown, i: number): { key: AttributeMap; write: TransactWriteItem } {
  if (!isRecord(raw)) throw requestError(`TransactWriteItems: transactItems[${i}] must be an object`);
  const where = `transactItems[${i}]`;
  const TableName = physicalTable(raw['table'], tableNames, `TransactWriteItems: ${where}`);
  const Key = requireKey(raw, `${where}.key`);
  const condition = readExpression(raw['condition'], `${where}.condition`);
  const returnOld = isRecord(raw['condition']) && raw['condition']['returnValuesOnConditionCheckFailure'] === false ? 'NONE' : 'ALL_OLD';
  const conditionPart = condition ? { ConditionExpression: condition.expression, ReturnValuesOnConditionCheckFailure: returnOld } : {};
  switch (raw['operation']) {
    case 'PutItem': {
      const attributes = raw['attributeValues'] === undefined ? {} : toAttributeMap(raw['attributeValues'], `${where}.attributeValues`);
      return { key: Key, write: { Put: { TableName, Item: { ...attributes, ...Key }, ...conditionPart, ...expressionAttributes(condition) } } as TransactWriteItem };
    }
    case 'UpdateItem': {
      const update = readExpression(raw['update'], `${where}.update`);
      if (!update) throw requestError(`TransactWriteItems: ${where}.update must be an object with an 'expression'`);
      return { key: Key, write: { Update: { TableName, Key, UpdateExpression: update.expression, ...conditionPart, ...expressionAttributes(update, condition) } } as TransactWriteItem };
    }
    case 'DeleteItem':
      return { key: Key, write: { Delete: { TableName, Key, ...conditionPart, ...expressionAttributes(condition) } } as TransactWriteItem };
    case 'ConditionCheck':
      if (!condition) throw requestError(`TransactWriteItems: ${where}.condition is required for ConditionCheck`);
      return { key: Key, write: { ConditionCheck: { TableName, Key, ...conditionPart, ...expressionAttributes(condition) } } as TransactWriteItem };
    default:
      throw requestError(`TransactWriteItems: ${where}.operation must be PutItem, UpdateItem, DeleteItem or ConditionCheck, got ${JSON.stringify(raw['operation'])}`);
  }
}

export async function transactGetItems(tableNames: TableNames, transport: DynamoDBTransport, request: Record<string, unknown>): Promise<DataSourceOutcome> {
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
}

export async function transactWriteItems(tableNames: TableNames, transport: DynamoDBTransport, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const keys: AttributeMap[] = [];
  const items = list(request['transactItems'], "TransactWriteItems: 'transactItems'").map((raw, i): TransactWriteItem => {
    const item = toTransactWriteItem(tableNames, raw, i);
    keys.push(item.key);
    return item.write;
  });
  try {
    await transport.send('TransactWriteItems', { TransactItems: items });
    return { result: { keys: keys.map(fromAttributeMap), cancellationReasons: null } };
  } catch (e) {
    if (errorName(e) === 'TransactionCanceledException') return { result: { keys: null, cancellationReasons: cancellationReasons(e) }, error: dynamoDBError(e) };
    return { result: null, error: dynamoDBError(e) };
  }
}

