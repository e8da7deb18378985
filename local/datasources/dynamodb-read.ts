/**
 * Query and Scan for the DynamoDB data source (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results):
 * they share paging (docs/APPSYNC-BEHAVIOUR.md#dynamodb-pagination), filters, projections and the
 * result shape `{ items, nextToken, scannedCount }`.
 */
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { DataSourceCall, DataSourceOutcome } from './types.ts';
import { dynamoDBError } from './dynamodb-errors.ts';
import type { DynamoDBTransport } from './dynamodb-transport.ts';
import { expressionAttributes, optionalBoolean, optionalInteger, optionalString, readExpression, readProjection, requestError } from './dynamodb-request.ts';
import { INVALID_TOKEN_ERROR, type PaginationTokens } from './dynamodb-token.ts';
import { fromAttributeMap } from './dynamodb-values.ts';

/** What Query and Scan read. */
export interface ReadDeps {
  readonly transport: DynamoDBTransport;
  /** The physical name of the data source's table. */
  readonly tableName: string;
  readonly tokens: PaginationTokens;
}

/** The request's expressions, read in the order AppSync checks them. */
function readExpressions(kind: 'Query' | 'Scan', request: Record<string, unknown>) {
  const keyCondition = kind === 'Query' ? readExpression(request['query'], 'Query.query') : undefined;
  if (kind === 'Query' && !keyCondition) throw requestError("Query: 'query' must be an object with an 'expression'");
  const filter = readExpression(request['filter'], `${kind}.filter`);
  const projection = readProjection(request['projection'], `${kind}.projection`);
  return { keyCondition, filter, projection };
}

/** The input members Query and Scan share, and Scan's segment. */
function sharedInput(
  deps: ReadDeps,
  request: Record<string, unknown>,
  expressions: ReturnType<typeof readExpressions>,
  ExclusiveStartKey: Record<string, AttributeValue> | undefined,
) {
  const { keyCondition, filter, projection } = expressions;
  const index = optionalString(request, 'index');
  const limit = optionalInteger(request, 'limit');
  const select = optionalString(request, 'select');
  const segment = optionalInteger(request, 'segment');
  const totalSegments = optionalInteger(request, 'totalSegments');
  if ((segment === undefined) !== (totalSegments === undefined)) throw requestError("Scan: 'segment' and 'totalSegments' go together");
  const input = {
    TableName: deps.tableName,
    ...(index !== undefined ? { IndexName: index } : {}),
    ...(limit !== undefined ? { Limit: limit } : {}),
    ...(ExclusiveStartKey ? { ExclusiveStartKey } : {}),
    ConsistentRead: optionalBoolean(request, 'consistentRead') ?? false,
    ...(select !== undefined ? { Select: select as 'ALL_ATTRIBUTES' } : {}),
    ...(filter ? { FilterExpression: filter.expression } : {}),
    ...(projection ? { ProjectionExpression: projection.expression } : {}),
    ...expressionAttributes(keyCondition, filter, projection),
  };
  return { input, segment, totalSegments };
}

export async function readItems(deps: ReadDeps, kind: 'Query' | 'Scan', request: Record<string, unknown>, call: DataSourceCall): Promise<DataSourceOutcome> {
  const { transport, tokens } = deps;
  const expressions = readExpressions(kind, request);
  const nextToken = optionalString(request, 'nextToken');
  let ExclusiveStartKey: Record<string, AttributeValue> | undefined;
  if (nextToken !== undefined) {
    const decoded = tokens.decode(call.scope, nextToken);
    if (!decoded) return { result: null, error: INVALID_TOKEN_ERROR };
    ExclusiveStartKey = decoded;
  }
  const { input, segment, totalSegments } = sharedInput(deps, request, expressions, ExclusiveStartKey);
  try {
    const out =
      kind === 'Query'
        ? await transport.send('Query', {
            ...input,
            KeyConditionExpression: expressions.keyCondition?.expression ?? '',
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
}
