/** BatchGetItem of asset items by id, shared by batchGetAssets and retryUnprocessedAssets. */
import { util } from '@aws-appsync/utils';
import type { DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { AssetItem } from './asset.ts';
import { ENV_NAMES, readTableName } from './settings.ts';

/** What AppSync answers for BatchGetItem: per table, the items in request order (null when absent) and the unprocessed keys. */
export interface BatchGetResult {
  readonly data: Record<string, (AssetItem | null)[]>;
  readonly unprocessedKeys: Record<string, { id: string }[]>;
}

/** DynamoDB's limit of keys in one BatchGetItem, and so of ids in one `getAssets`. */
export const BATCH_GET_MAX_KEYS = 100;

export function batchGetRequest(env: Record<string, string>, ids: string[]): DynamoDBBatchGetItemRequest {
  const tables: DynamoDBBatchGetItemRequest['tables'] = {};
  tables[readTableName(env, ENV_NAMES.ASSETS_TABLE)] = { keys: ids.map((id) => util.dynamodb.toMapValues({ id })) };
  return { operation: 'BatchGetItem', tables };
}

export function readBatchResult(env: Record<string, string>, result: BatchGetResult): { items: AssetItem[]; unprocessedIds: string[] } {
  const table = readTableName(env, ENV_NAMES.ASSETS_TABLE);
  const found = result.data[table] ?? [];
  const left = result.unprocessedKeys[table] ?? [];
  const items: AssetItem[] = [];
  found.forEach((item) => {
    if (item !== null) {
      items.push(item);
    }
  });
  return { items, unprocessedIds: left.map((key) => key.id) };
}

/** The item with `id` among `items`, or null. Ids are compared as strings, never used as object keys. */
export function findAsset(items: AssetItem[], id: string): AssetItem | null {
  return items.find((item) => item.id === id) ?? null;
}
