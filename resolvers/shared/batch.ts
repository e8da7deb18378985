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

/**
 * What batchGetAssets and retryUnprocessedAssets answer as their result: the ids their BatchGetItem
 * left unprocessed. retryUnprocessedAssets' request handler reads them from `ctx.prev.result`, so it
 * never reads the stash, whose found items would otherwise be copied into and out of it.
 */
export interface BatchProgress {
  readonly unprocessedIds: string[];
}

/** The context of batchGetAssets and retryUnprocessedAssets: they fill `ctx.stash.batch` and answer a `BatchProgress`. */
export type BatchFunctionContext<TResult = unknown> = Context<Record<string, unknown>, { batch?: AssetBatch }, { result: unknown }, undefined, TResult>;

/** The ids the previous batch function left unprocessed; none when it was skipped (its result is then not a `BatchProgress`). */
export function unprocessedIdsOf(prevResult: unknown): string[] {
  if (typeof prevResult !== 'object' || prevResult === null) {
    return [];
  }
  const ids = (prevResult as Partial<BatchProgress>).unprocessedIds;
  return Array.isArray(ids) ? ids : [];
}

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
 * the ids it left unprocessed, and answers those ids (`BatchProgress`) for retryUnprocessedAssets.
 */
export function storeBatchResult(ctx: BatchFunctionContext<BatchGetResult>, found: 'replace' | 'append'): BatchProgress {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const batch = ctx.stash.batch;
  if (batch === undefined) {
    return { unprocessedIds: [] };
  }
  const read = readBatchResult(ctx.env, ctx.result);
  ctx.stash.batch = { ids: batch.ids, items: found === 'append' ? batch.items.concat(read.items) : read.items, unprocessedIds: read.unprocessedIds };
  return { unprocessedIds: read.unprocessedIds };
}

/** `items` by id, for `findAsset`. Keys carry a `#` prefix, so no id (not even `__proto__`) names a member of `Object.prototype`. */
export type AssetIndex = Record<string, AssetItem>;

/**
 * Indexes `items` by id in one pass, so that the after handlers look up each of up to 100 ids
 * without scanning the items once per id. The first item with a given id wins, as with `find`.
 */
export function indexAssets(items: AssetItem[]): AssetIndex {
  const index: AssetIndex = {};
  items.forEach((item) => {
    const key = `#${item.id}`;
    if (typeof item.id === 'string' && index[key] === undefined) {
      index[key] = item;
    }
  });
  return index;
}

/** The item whose id is `id` in `index`, or null. */
export function findAsset(index: AssetIndex, id: string): AssetItem | null {
  const item = index[`#${id}`];
  return item !== undefined && item.id === id ? item : null;
}
