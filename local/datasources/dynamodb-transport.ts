/**
 * The DynamoDB calls of the data sources: the operation types and the `DynamoDBTransport` interface
 * the data sources use. `createDynamoDBHttpTransport(options)` (`dynamodb-http-transport.ts`) is the
 * lean transport, built from explicit options; `createDynamoDBTransport(client)` derives those
 * options from an SDK client, and keeps `client.send` for a client without a custom endpoint (real
 * AWS through the endpoint rules).
 */
import {
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type BatchGetItemCommandInput,
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandInput,
  type BatchWriteItemCommandOutput,
  type DeleteItemCommandInput,
  type DeleteItemCommandOutput,
  type DynamoDBClient,
  type GetItemCommandInput,
  type GetItemCommandOutput,
  type PutItemCommandInput,
  type PutItemCommandOutput,
  type QueryCommandInput,
  type QueryCommandOutput,
  type ScanCommandInput,
  type ScanCommandOutput,
  type TransactGetItemsCommandInput,
  type TransactGetItemsCommandOutput,
  type TransactWriteItemsCommandInput,
  type TransactWriteItemsCommandOutput,
  type UpdateItemCommandInput,
  type UpdateItemCommandOutput,
} from '@aws-sdk/client-dynamodb';
import { createDynamoDBHttpTransport, type DynamoDBTransportOptions } from './dynamodb-http-transport.ts';
import { DEFAULT_RETRY_POLICY } from './dynamodb-retry.ts';

export { createDynamoDBHttpTransport, type DynamoDBTransportOptions } from './dynamodb-http-transport.ts';
export { DEFAULT_RETRY_POLICY, type RetryPolicy } from './dynamodb-retry.ts';

type Out<T> = Omit<T, '$metadata'>;

/** Operation name → [input, output] in the SDK's types. */
export interface DynamoDBOperations {
  GetItem: [GetItemCommandInput, Out<GetItemCommandOutput>];
  PutItem: [PutItemCommandInput, Out<PutItemCommandOutput>];
  UpdateItem: [UpdateItemCommandInput, Out<UpdateItemCommandOutput>];
  DeleteItem: [DeleteItemCommandInput, Out<DeleteItemCommandOutput>];
  Query: [QueryCommandInput, Out<QueryCommandOutput>];
  Scan: [ScanCommandInput, Out<ScanCommandOutput>];
  BatchGetItem: [BatchGetItemCommandInput, Out<BatchGetItemCommandOutput>];
  BatchWriteItem: [BatchWriteItemCommandInput, Out<BatchWriteItemCommandOutput>];
  TransactGetItems: [TransactGetItemsCommandInput, Out<TransactGetItemsCommandOutput>];
  TransactWriteItems: [TransactWriteItemsCommandInput, Out<TransactWriteItemsCommandOutput>];
}

export type DynamoDBOperationName = keyof DynamoDBOperations;

export interface DynamoDBTransport {
  /** One DynamoDB API call; rejects with an SDK-shaped error. */
  send<K extends DynamoDBOperationName>(operation: K, input: DynamoDBOperations[K][0]): Promise<DynamoDBOperations[K][1]>;
  /** Closes the idle keep-alive sockets. Safe to call twice. */
  close(): void;
}

/** The SDK path, for clients without a custom endpoint. */
const SDK_CALLS: { readonly [K in DynamoDBOperationName]: (client: DynamoDBClient, input: DynamoDBOperations[K][0]) => Promise<DynamoDBOperations[K][1]> } = {
  GetItem: (client, input) => client.send(new GetItemCommand(input)),
  PutItem: (client, input) => client.send(new PutItemCommand(input)),
  UpdateItem: (client, input) => client.send(new UpdateItemCommand(input)),
  DeleteItem: (client, input) => client.send(new DeleteItemCommand(input)),
  Query: (client, input) => client.send(new QueryCommand(input)),
  Scan: (client, input) => client.send(new ScanCommand(input)),
  BatchGetItem: (client, input) => client.send(new BatchGetItemCommand(input)),
  BatchWriteItem: (client, input) => client.send(new BatchWriteItemCommand(input)),
  TransactGetItems: (client, input) => client.send(new TransactGetItemsCommand(input)),
  TransactWriteItems: (client, input) => client.send(new TransactWriteItemsCommand(input)),
};

/** The options of the lean transport, read from a client with a custom endpoint; null for one without (or with a non-http endpoint). */
async function optionsOfClient(client: DynamoDBClient): Promise<DynamoDBTransportOptions | null> {
  const config = client.config;
  if (!config.isCustomEndpoint || typeof config.endpoint !== 'function') return null;
  const endpoint: unknown = await config.endpoint();
  if (typeof endpoint !== 'object' || endpoint === null) return null;
  const { protocol, hostname, port, path } = endpoint as Record<string, unknown>;
  if ((protocol !== 'http:' && protocol !== 'https:') || typeof hostname !== 'string') return null;
  const host = hostname.includes(':') && !hostname.startsWith('[') ? `[${hostname}]` : hostname;
  const portPart = typeof port === 'number' || (typeof port === 'string' && port !== '') ? `:${port}` : '';
  const maxAttempts = Number(await config.maxAttempts());
  return {
    endpoint: `${protocol}//${host}${portPart}${typeof path === 'string' && path !== '' ? path : '/'}`,
    region: await config.region(),
    credentials: () => config.credentials(),
    retry: { maxAttempts: Number.isInteger(maxAttempts) && maxAttempts > 0 ? maxAttempts : DEFAULT_RETRY_POLICY.maxAttempts },
  };
}

/**
 * A transport over the endpoint, region, credentials and `maxAttempts` of `client` (which stays the
 * caller's to destroy); `client.send` when the client has no custom endpoint. Prefer
 * `createDynamoDBHttpTransport` with explicit options where they are known.
 */
export function createDynamoDBTransport(client: DynamoDBClient): DynamoDBTransport {
  let resolving: Promise<DynamoDBTransport | null> | null = null;
  return {
    send: async function sendDynamoDB<K extends DynamoDBOperationName>(operation: K, input: DynamoDBOperations[K][0]): Promise<DynamoDBOperations[K][1]> {
      resolving ??= optionsOfClient(client).then((options) => (options === null ? null : createDynamoDBHttpTransport(options)));
      const transport = await resolving;
      if (transport !== null) return transport.send(operation, input);
      const call = SDK_CALLS[operation] as (client: DynamoDBClient, input: DynamoDBOperations[K][0]) => Promise<DynamoDBOperations[K][1]>;
      return call(client, input);
    },
    close: function closeDynamoDBTransport() {
      void resolving?.then((transport) => transport?.close(), () => undefined);
    },
  };
}
