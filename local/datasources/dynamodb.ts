/**
 * The AMAZON_DYNAMODB data source: every request operation of AppSync's JS DynamoDB reference
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results) translated to DynamoDB API calls, with results and errors shaped as
 * AppSync returns them. Item operations live in `dynamodb-items.ts`, Query and Scan in
 * `dynamodb-read.ts`, batches and transactions in `dynamodb-batch.ts` and `dynamodb-transact.ts`.
 */
import { isRecord } from '../../api/guards.ts';
import type { DataSource, DataSourceCall, DataSourceOutcome } from './types.ts';
import { createBatchOperations } from './dynamodb-batch.ts';
import { deleteItem, getItem, putItem, updateItem } from './dynamodb-items.ts';
import { readItems } from './dynamodb-read.ts';
import { requestError } from './dynamodb-request.ts';
import type { DynamoDBTransport } from './dynamodb-transport.ts';
import type { PaginationTokens } from './dynamodb-token.ts';

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

/** Sync needs a versioned (conflict-detection) data source; the definition declares none (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results). */
const sync: Operation = () => {
  throw requestError('Sync operation is only supported on versioned data sources (conflict detection and resolution must be enabled on the data source).');
};

export function createDynamoDBDataSource(deps: DynamoDBDataSourceDeps): DataSource {
  const { transport, tableName, tokens } = deps;
  const items = { transport, tableName, log: deps.log };
  const reads = { transport, tableName, tokens };
  const batch = createBatchOperations({ transport, tableNames: deps.tableNames });
  const operations: Readonly<Record<string, Operation>> = {
    GetItem: (request) => getItem(items, request),
    PutItem: (request) => putItem(items, request),
    UpdateItem: (request) => updateItem(items, request),
    DeleteItem: (request) => deleteItem(items, request),
    Query: (request, call) => readItems(reads, 'Query', request, call),
    Scan: (request, call) => readItems(reads, 'Scan', request, call),
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
