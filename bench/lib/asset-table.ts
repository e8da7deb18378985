/**
 * The assets table on the bench's store: created from the one definition (`api/definition.ts`) by
 * the same `ensureTables` our server uses, under the same physical name, and seeded with asset items,
 * so ours, the simulator and the raw SDK baseline all read the same rows.
 */
import { BatchWriteItemCommand, DynamoDBClient, type AttributeValue, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { api } from '../../api/definition.ts';

import { ensureTables, localTableNames } from '../../local/stores/tables.ts';
import { TEST_CREDENTIALS } from '../../test/support/credentials.ts';

/** The owner of every API-key caller (`schema.graphql`: "all API-key callers share the owner `apikey`"). */
export const API_KEY_OWNER = 'apikey';

/**
 * Credentials for the local store (dynalite accepts any): the documented development ones, copied
 * because the SDK writes `$source` onto the object it is given and `TEST_CREDENTIALS` is frozen.
 */
export const STORE_CREDENTIALS: { accessKeyId: string; secretAccessKey: string } = { ...TEST_CREDENTIALS };

export function createStoreClient(endpoint: string, maxSockets = 64): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: STORE_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { httpAgent: { keepAlive: true, maxSockets } },
  });
}

/** The physical name our server gives the assets table (`asset-api-assets`). */
export const ASSETS_TABLE_NAME: string = localTableNames(api)['assets'] ?? 'asset-api-assets';

/** Creates every table of the definition on the store, as our server does at start. */
export async function ensureBenchTables(client: DynamoDBClient): Promise<void> {
  await ensureTables(client, api, localTableNames(api));
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

/**
 * Writes the items `item(from)`..`item(from + count - 1)` into `tableName` with BatchWriteItem (25 per
 * call, `parallel` calls at a time), retrying unprocessed items.
 */
export async function writeInBatches(
  client: DynamoDBClient,
  tableName: string,
  item: (index: number) => Record<string, AttributeValue>,
  options: { readonly from?: number; readonly count: number; readonly parallel?: number },
): Promise<void> {
  const from = options.from ?? 0;
  const batches: WriteRequest[][] = [];
  for (let i = from; i < from + options.count; i += 25) {
    const batch: WriteRequest[] = [];
    for (let j = i; j < Math.min(i + 25, from + options.count); j++) batch.push({ PutRequest: { Item: item(j) } });
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

/** Writes `count` READY assets with BatchWriteItem (25 per call), retrying unprocessed items. */
export async function seedAssets(client: DynamoDBClient, tableName: string, options: SeedOptions): Promise<void> {
  const owner = options.owner ?? API_KEY_OWNER;
  await writeInBatches(client, tableName, (index) => seededItem(index, owner), options);
}
