/**
 * Item operations of the DynamoDB data source: GetItem, PutItem, UpdateItem and DeleteItem
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results), with AppSync's re-read after a failed
 * condition (docs/APPSYNC-BEHAVIOUR.md#dynamodb-condition-failures).
 */
import type { DataSourceOutcome } from './types.ts';
import { dynamoDBError, errorName } from './dynamodb-errors.ts';
import type { DynamoDBTransport } from './dynamodb-transport.ts';
import { expressionAttributes, optionalBoolean, readCondition, readExpression, readProjection, requestError, requireKey, type WriteCondition } from './dynamodb-request.ts';
import { fromAttributeMap, sameAttributeValue, toAttributeMap, type AttributeMap } from './dynamodb-values.ts';

/** What the item operations read. */
export interface ItemDeps {
  readonly transport: DynamoDBTransport;
  /** The physical name of the data source's table. */
  readonly tableName: string;
  readonly log: (line: string) => void;
}

/** Runs a call and maps its output, or turns its failure into AppSync's DynamoDB error. */
async function send<T>(run: () => Promise<T>, onSuccess: (out: T) => unknown): Promise<DataSourceOutcome> {
  try {
    return { result: onSuccess(await run()) };
  } catch (e) {
    return { result: null, error: dynamoDBError(e) };
  }
}

/** After ConditionalCheckFailedException: AppSync re-reads the item and may short-circuit (docs/APPSYNC-BEHAVIOUR.md#dynamodb-condition-failures). */
async function onConditionFailed(
  deps: ItemDeps,
  e: unknown,
  key: AttributeMap,
  condition: WriteCondition | undefined,
  isEquivalent: (stored: AttributeMap | undefined) => boolean,
): Promise<DataSourceOutcome> {
  if (errorName(e) !== 'ConditionalCheckFailedException' || !condition) return { result: null, error: dynamoDBError(e) };
  const { transport, tableName: TableName } = deps;
  if (condition.strategy === 'Custom') deps.log('DynamoDB: conditionalCheckFailedHandler strategy Custom is not supported locally; using Reject');
  let stored: AttributeMap | undefined;
  try {
    stored = (await transport.send('GetItem', { TableName, Key: key, ConsistentRead: condition.consistentRead })).Item;
  } catch (readError) {
    return { result: null, error: dynamoDBError(readError) };
  }
  if (isEquivalent(stored)) return { result: stored ? fromAttributeMap(stored) : null };
  return { result: stored ? fromAttributeMap(stored) : null, error: dynamoDBError(e) };
}

export function getItem(deps: ItemDeps, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const { transport, tableName: TableName } = deps;
  const projection = readProjection(request['projection'], 'GetItem.projection');
  const input = {
    TableName,
    Key: requireKey(request),
    ConsistentRead: optionalBoolean(request, 'consistentRead') ?? false,
    ...(projection ? { ProjectionExpression: projection.expression } : {}),
    ...expressionAttributes(projection),
  };
  return send(
    () => transport.send('GetItem', input),
    (out) => (out.Item ? fromAttributeMap(out.Item) : null),
  );
}

export async function putItem(deps: ItemDeps, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const { transport, tableName: TableName } = deps;
  const key = requireKey(request);
  const attributes = request['attributeValues'] === undefined ? {} : toAttributeMap(request['attributeValues'], 'attributeValues');
  const Item = { ...attributes, ...key };
  const condition = readCondition(request['condition'], 'PutItem.condition');
  try {
    await transport.send('PutItem', { TableName, Item, ...(condition ? { ConditionExpression: condition.expression } : {}), ...expressionAttributes(condition) });
    return { result: fromAttributeMap(Item) };
  } catch (e) {
    const ignored = new Set(condition?.equalsIgnore ?? []);
    return onConditionFailed(deps, e, key, condition, (stored) => {
      if (!stored) return false;
      const names = new Set([...Object.keys(stored), ...Object.keys(Item)].filter((n) => !ignored.has(n)));
      return [...names].every((n) => sameAttributeValue(stored[n], Item[n]));
    });
  }
}

export async function updateItem(deps: ItemDeps, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const { transport, tableName: TableName } = deps;
  const key = requireKey(request);
  const update = readExpression(request['update'], 'UpdateItem.update');
  if (!update) throw requestError("UpdateItem: 'update' must be an object with an 'expression'");
  const condition = readCondition(request['condition'], 'UpdateItem.condition');
  try {
    const out = await transport.send('UpdateItem', {
      TableName,
      Key: key,
      UpdateExpression: update.expression,
      ...(condition ? { ConditionExpression: condition.expression } : {}),
      ...expressionAttributes(update, condition),
      ReturnValues: 'ALL_NEW',
    });
    return { result: out.Attributes ? fromAttributeMap(out.Attributes) : null };
  } catch (e) {
    return onConditionFailed(deps, e, key, condition, () => false);
  }
}

export async function deleteItem(deps: ItemDeps, request: Record<string, unknown>): Promise<DataSourceOutcome> {
  const { transport, tableName: TableName } = deps;
  const key = requireKey(request);
  const condition = readCondition(request['condition'], 'DeleteItem.condition');
  try {
    const out = await transport.send('DeleteItem', {
      TableName,
      Key: key,
      ...(condition ? { ConditionExpression: condition.expression } : {}),
      ...expressionAttributes(condition),
      ReturnValues: 'ALL_OLD',
    });
    return { result: out.Attributes ? fromAttributeMap(out.Attributes) : null };
  } catch (e) {
    return onConditionFailed(deps, e, key, condition, (stored) => stored === undefined);
  }
}
