/**
 * The AMAZON_DYNAMODB data source: every request operation of AppSync's JS DynamoDB reference
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results) translated to DynamoDB API calls, with results and errors shaped as
 * AppSync returns them. Item operations and reads live here, batches and transactions in
 * `dynamodb-batch.ts`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { isRecord } from '../../api/guards.ts';
import type { DataSource, DataSourceCall, DataSourceOutcome } from './types.ts';
import { createBatchOperations } from './dynamodb-batch.ts';
import { dynamoDBError, errorName } from './dynamodb-errors.ts';
import type { DynamoDBTransport } from './dynamodb-transport.ts';
import {
  expressionAttributes,
  optionalBoolean,
  optionalInteger,
  optionalString,
  readCondition,
  readExpression,
  readProjection,
  requestError,
  requireKey,
  type WriteCondition,
} from './dynamodb-request.ts';
import { INVALID_TOKEN_ERROR, type PaginationTokens } from './dynamodb-token.ts';
import { fromAttributeMap, sameAttributeValue, toAttributeMap, type AttributeMap } from './dynamodb-values.ts';

export interface DynamoDBDataSourceDeps {
  /** DynamoDB calls (`createDynamoDBTransport`). */
  readonly transport: DynamoDBTransport;
  /** The physical name of the data source's table. */
  readonly tableName: string;
  /** Logical → physical names of every table, for batch and transaction requests. */
  readonly tableNames: Readonly<Record<string, string>>;
  readonly tokens: PaginationTokens;
  readonly log: (line: string) => void;
}

type Operation = (request: Record<string, unknown>, call: DataSourceCall) => Promise<DataSourceOutcome>;

export function createDynamoDBDataSource(deps: DynamoDBDataSourceDeps): DataSource {
  const { transport, tableName: TableName, tokens } = deps;

  async function send<T>(run: () => Promise<T>, onSuccess: (out: T) => unknown): Promise<DataSourceOutcome> {
    try {
      return { result: onSuccess(await run()) };
    } catch (e) {
      return { result: null, error: dynamoDBError(e) };
    }
  }

  /** After ConditionalCheckFailedException: AppSync re-reads the item and may short-circuit (docs/APPSYNC-BEHAVIOUR.md#dynamodb-condition-failures). */
  async function onConditionFailed(
    e: unknown,
    key: AttributeMap,
    condition: WriteCondition | undefined,
    isEquivalent: (stored: AttributeMap | undefined) => boolean,
  ): Promise<DataSourceOutcome> {
    if (errorName(e) !== 'ConditionalCheckFailedException' || !condition) return { result: null, error: dynamoDBError(e) };
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

  const getItem: Operation = (request) => {
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
  };

  const putItem: Operation = async (request) => {
    const key = requireKey(request);
    const attributes = request['attributeValues'] === undefined ? {} : toAttributeMap(request['attributeValues'], 'attributeValues');
    const Item = { ...attributes, ...key };
    const condition = readCondition(request['condition'], 'PutItem.condition');
    try {
      await transport.send('PutItem', { TableName, Item, ...(condition ? { ConditionExpression: condition.expression } : {}), ...expressionAttributes(condition) });
      return { result: fromAttributeMap(Item) };
    } catch (e) {
      const ignored = new Set(condition?.equalsIgnore ?? []);
      return onConditionFailed(e, key, condition, (stored) => {
        if (!stored) return false;
        const names = new Set([...Object.keys(stored), ...Object.keys(Item)].filter((n) => !ignored.has(n)));
        return [...names].every((n) => sameAttributeValue(stored[n], Item[n]));
      });
    }
  };

  const updateItem: Operation = async (request) => {
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
      return onConditionFailed(e, key, condition, () => false);
    }
  };

  const deleteItem: Operation = async (request) => {
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
      return onConditionFailed(e, key, condition, (stored) => stored === undefined);
    }
  };

  /** Query and Scan share paging, filters, projections and the result shape. */
  function read(kind: 'Query' | 'Scan'): Operation {
    return async (request, call) => {
      const keyCondition = kind === 'Query' ? readExpression(request['query'], 'Query.query') : undefined;
      if (kind === 'Query' && !keyCondition) throw requestError("Query: 'query' must be an object with an 'expression'");
      const filter = readExpression(request['filter'], `${kind}.filter`);
      const projection = readProjection(request['projection'], `${kind}.projection`);
      const nextToken = optionalString(request, 'nextToken');
      let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
      if (nextToken !== undefined) {
        const decoded = tokens.decode(call.scope, nextToken);
        if (!decoded) return { result: null, error: INVALID_TOKEN_ERROR };
        ExclusiveStartKey = decoded;
      }
      const index = optionalString(request, 'index');
      const limit = optionalInteger(request, 'limit');
      const select = optionalString(request, 'select');
      const segment = optionalInteger(request, 'segment');
      const totalSegments = optionalInteger(request, 'totalSegments');
      if ((segment === undefined) !== (totalSegments === undefined)) throw requestError("Scan: 'segment' and 'totalSegments' go together");
      const input = {
        TableName,
        ...(index !== undefined ? { IndexName: index } : {}),
        ...(limit !== undefined ? { Limit: limit } : {}),
        ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
        ConsistentRead: optionalBoolean(request, 'consistentRead') ?? false,
        ...(select !== undefined ? { Select: select as 'ALL_ATTRIBUTES' } : {}),
        ...(filter ? { FilterExpression: filter.expression } : {}),
        ...(projection ? { ProjectionExpression: projection.expression } : {}),
        ...expressionAttributes(keyCondition, filter, projection),
      };
      try {
        const out =
          kind === 'Query'
            ? await transport.send('Query', {
                ...input,
                KeyConditionExpression: keyCondition?.expression ?? '',
                ScanIndexForward: optionalBoolean(request, 'scanIndexForward') ?? true,
              })
            : await transport.send('Scan', { ...input, ...(segment !== undefined ? { Segment: segment, TotalSegments: totalSegments } : {}) });
        return {
          result: {
            items: (out.Items ?? []).map(fromAttributeMap),
            nextToken: out.LastEvaluatedKey ? tokens.encode(call.scope, out.LastEvaluatedKey) : null,
            scannedCount: out.ScannedCount ?? 0,
          },
        };
      } catch (e) {
        return { result: null, error: dynamoDBError(e) };
      }
    };
  }

  /** Sync needs a versioned (conflict-detection) data source; the definition declares none (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results). */
  const sync: Operation = () => {
    throw requestError('Sync operation is only supported on versioned data sources (conflict detection and resolution must be enabled on the data source).');
  };

  const batch = createBatchOperations({ transport, tableNames: deps.tableNames });
  const operations: Readonly<Record<string, Operation>> = {
    GetItem: getItem,
    PutItem: putItem,
    UpdateItem: updateItem,
    DeleteItem: deleteItem,
    Query: read('Query'),
    Scan: read('Scan'),
    Sync: sync,
    BatchGetItem: batch.batchGetItem,
    BatchPutItem: batch.batchPutItem,
    BatchDeleteItem: batch.batchDeleteItem,
    TransactGetItems: batch.transactGetItems,
    TransactWriteItems: batch.transactWriteItems,
  };

  return {
    invoke: async function invokeDynamoDB(call) {
      const request = call.request;
      if (!isRecord(request)) throw requestError(`DynamoDB request must be an object, got ${JSON.stringify(request) ?? 'undefined'}`);
      const name = request['operation'];
      const operation = typeof name === 'string' ? operations[name] : undefined;
      if (!operation) throw requestError(`Unsupported operation '${String(name)}'. Expected one of ${Object.keys(operations).join(', ')}`);
      return operation(request, call);
    },
  };
}
