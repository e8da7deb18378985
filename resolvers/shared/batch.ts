/** BatchGetItem of asset items by id, shared by batchGetAssets and retryUnprocessedAssets. */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import type { AssetItem } from './asset.ts';
import type { AssetBatch } from './stash.ts';
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

/** The context of batchGetAssets and retryUnprocessedAssets: they fill `ctx.stash.batch` and pass `ctx.prev.result` on. */
export type BatchFunctionContext<TResult = unknown> = Context<Record<string, unknown>, { batch?: AssetBatch }, { result: unknown }, undefined, TResult>;

/** The BatchGetItem of `ids`; with no id to read, skips the function and passes `ctx.prev.result` on. */
export function batchGetOrSkip(ctx: BatchFunctionContext, ids: string[]): DynamoDBBatchGetItemRequest {
  if (ids.length === 0) {
    runtime.earlyReturn(ctx.prev.result);
  }
  return batchGetRequest(ctx.env, ids);
}

/**
 * The response of both functions: surfaces `ctx.error`, then keeps in `ctx.stash.batch` the items
 * this BatchGetItem found (`'replace'`: the first read; `'append'`: added to those found before) and
 * the ids it left unprocessed.
 */
export function storeBatchResult(ctx: BatchFunctionContext<BatchGetResult>, found: 'replace' | 'append'): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const batch = ctx.stash.batch;
  if (batch !== undefined) {
    const read = readBatchResult(ctx.env, ctx.result);
    ctx.stash.batch = { ids: batch.ids, items: found === 'append' ? batch.items.concat(read.items) : read.items, unprocessedIds: read.unprocessedIds };
  }
  return ctx.prev.result;
}

/** The item with `id` among `items`, or null. Ids are compared as strings, never used as object keys. */
export function findAsset(items: AssetItem[], id: string): AssetItem | null {
  return items.find((item) => item.id === id) ?? null;
}
