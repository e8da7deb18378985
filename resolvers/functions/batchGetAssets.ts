/**
 * Pipeline function batchGetAssets (data source: the assets table): reads the distinct ids in
 * `ctx.stash.batch.ids` (at most 100, DynamoDB's BatchGetItem limit) with one BatchGetItem and keeps
 * what it found, and the keys DynamoDB left unprocessed, in the stash for retryUnprocessedAssets and
 * the resolver's after handler. Skipped when there is no batch (listAssets without `tag`) or no id.
 * Passes `ctx.prev.result` on.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-batch-get-item.html
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { batchGetRequest, readBatchResult, type BatchGetResult } from '../shared/batch.ts';
import type { AssetBatch } from '../shared/stash.ts';

export function request(ctx: Context<Record<string, unknown>, { batch?: AssetBatch }, { result: unknown }>): DynamoDBBatchGetItemRequest {
  const batch = ctx.stash.batch;
  if (batch === undefined || batch.ids.length === 0) {
    runtime.earlyReturn(ctx.prev.result);
  }
  return batchGetRequest(ctx.env, batch.ids);
}

export function response(ctx: Context<Record<string, unknown>, { batch?: AssetBatch }, { result: unknown }, undefined, BatchGetResult>): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const batch = ctx.stash.batch;
  if (batch !== undefined) {
    const read = readBatchResult(ctx.env, ctx.result);
    ctx.stash.batch = { ids: batch.ids, items: read.items, unprocessedIds: read.unprocessedIds };
  }
  return ctx.prev.result;
}
