/**
 * The assets table on the bench's store: created from the one definition (`api/definition.ts`) and
 * seeded with asset items, so ours, the simulator and the raw SDK baseline all read the same rows.
 */
import {
  BatchWriteItemCommand,
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type AttributeDefinition,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { api } from '../../api/definition.ts';
import type { KeyAttribute, TableDefinition } from '../../api/types.ts';

/** The owner of every API-key caller (`schema.graphql`: "all API-key callers share the owner `apikey`"). */
export const API_KEY_OWNER = 'apikey';

/** Credentials for the local store; dynalite accepts any. */
export const STORE_CREDENTIALS = { accessKeyId: 'AKIALOCALDEVELOPMENT', secretAccessKey: 'localdevelopmentsecretaccesskey/00000000' } as const;

export function createStoreClient(endpoint: string, maxSockets = 64): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: STORE_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { httpAgent: { keepAlive: true, maxSockets } },
  });
}

function attributeDefinitions(table: TableDefinition): AttributeDefinition[] {
  const keys = new Map<string, KeyAttribute>();
  const add = (key: KeyAttribute | undefined): void => {
    if (key !== undefined) keys.set(key.name, key);
  };
  add(table.partitionKey);
  add(table.sortKey);
  for (const gsi of table.globalSecondaryIndexes) {
    add(gsi.partitionKey);
    add(gsi.sortKey);
  }
  return [...keys.values()].map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
}

function keySchema(partitionKey: KeyAttribute, sortKey: KeyAttribute | undefined) {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' as const },
    ...(sortKey === undefined ? [] : [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }]),
  ];
}

/** Creates the `assets` table of the definition under `tableName` unless it exists (on-demand billing). */
export async function ensureAssetTable(client: DynamoDBClient, tableName: string): Promise<void> {
  const table = api.tables.assets;
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return;
  } catch (error) {
    if ((error as { name?: unknown }).name !== 'ResourceNotFoundException') throw error;
  }
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: attributeDefinitions(table),
      KeySchema: keySchema(table.partitionKey, undefined),
      GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((gsi) => ({
        IndexName: gsi.indexName,
        KeySchema: keySchema(gsi.partitionKey, gsi.sortKey),
        Projection: { ProjectionType: gsi.projection },
      })),
    }),
  );
}

export interface SeedOptions {
  /** Number of items to write. */
  readonly count: number;
  /** First index (ids are `bench-<index>`), so seeding can be resumed. @default 0 */
  readonly from?: number;
  /** @default API_KEY_OWNER */
  readonly owner?: string;
  /** Parallel BatchWriteItem calls. @default 8 */
  readonly parallel?: number;
}

/** The id of the i-th seeded asset. */
export function seededAssetId(index: number): string {
  return `bench-${String(index).padStart(7, '0')}`;
}

/** A READY asset item as `putAsset` + `completeAsset` leave it (DynamoDB JSON). */
function seededItem(index: number, owner: string): Record<string, { S: string } | { N: string } | { L: { S: string }[] }> {
  const id = seededAssetId(index);
  // Distinct, increasing createdAt values so the newest-first page is well defined.
  const createdAt = new Date(Date.UTC(2024, 0, 1) + index * 1000).toISOString();
  return {
    id: { S: id },
    owner: { S: owner },
    name: { S: `file-${index}.png` },
    contentType: { S: 'image/png' },
    size: { N: String(1024 + (index % 1000)) },
    key: { S: `assets/${owner}/${id}/file-${index}.png` },
    description: { S: 'seeded by npm run bench' },
    tags: { L: [{ S: 'bench' }] },
    status: { S: 'READY' },
    createdAt: { S: createdAt },
    updatedAt: { S: createdAt },
  };
}

/** Writes `count` READY assets with BatchWriteItem (25 per call), retrying unprocessed items. */
export async function seedAssets(client: DynamoDBClient, tableName: string, options: SeedOptions): Promise<void> {
  const from = options.from ?? 0;
  const owner = options.owner ?? API_KEY_OWNER;
  const batches: WriteRequest[][] = [];
  for (let i = from; i < from + options.count; i += 25) {
    const batch: WriteRequest[] = [];
    for (let j = i; j < Math.min(i + 25, from + options.count); j++) batch.push({ PutRequest: { Item: seededItem(j, owner) } });
    batches.push(batch);
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      let pending: WriteRequest[] | undefined = batches[next++];
      while (pending !== undefined && pending.length > 0) {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [tableName]: pending } }));
        pending = out.UnprocessedItems?.[tableName];
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 8 }, worker));
}
