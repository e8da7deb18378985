/**
 * Pipeline function retryUnprocessedAssets (data source: the assets table): reads once more the keys
 * batchGetAssets' BatchGetItem left in `unprocessedKeys` (DynamoDB may leave some under load).
 * A function makes one data-source request, and APPSYNC_JS has no `while` or classic `for` loop to
 * repeat one (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html), so the
 * bound is fixed by the pipeline: at most two BatchGetItem calls per request. Ids still unprocessed
 * after this one stay in `ctx.stash.batch.unprocessedIds` and the after handler reports them. No
 * back-off between the two (there is no sleep). Skipped when nothing is left. Passes `ctx.prev.result` on.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { batchGetRequest, readBatchResult, type BatchGetResult } from '../shared/batch.ts';
import type { AssetBatch } from '../shared/stash.ts';

export function request(ctx: Context<Record<string, unknown>, { batch?: AssetBatch }, { result: unknown }>): DynamoDBBatchGetItemRequest {
  const batch = ctx.stash.batch;
  if (batch === undefined || batch.unprocessedIds.length === 0) {
    runtime.earlyReturn(ctx.prev.result);
  }
  return batchGetRequest(ctx.env, batch.unprocessedIds);
}

export function response(ctx: Context<Record<string, unknown>, { batch?: AssetBatch }, { result: unknown }, undefined, BatchGetResult>): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const batch = ctx.stash.batch;
  if (batch !== undefined) {
    const read = readBatchResult(ctx.env, ctx.result);
    ctx.stash.batch = { ids: batch.ids, items: batch.items.concat(read.items), unprocessedIds: read.unprocessedIds };
  }
  return ctx.prev.result;
}
