/**
 * Pipeline function retryUnprocessedAssets (data source: the assets table): reads once more the keys
 * batchGetAssets' BatchGetItem left in `unprocessedKeys` (DynamoDB may leave some under load).
 * A function makes one data-source request, and APPSYNC_JS has no `while` or classic `for` loop to
 * repeat one (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html), so the
 * bound is fixed by the pipeline: at most two BatchGetItem calls per request. Ids still unprocessed
 * after this one stay in `ctx.stash.batch.unprocessedIds` and the after handler reports them. No
 * back-off between the two (there is no sleep). Skipped when nothing is left. Passes `ctx.prev.result` on.
 */
import type { DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { batchGetOrSkip, storeBatchResult, type BatchFunctionContext, type BatchGetResult } from '../shared/batch.ts';

export function request(ctx: BatchFunctionContext): DynamoDBBatchGetItemRequest {
  return batchGetOrSkip(ctx, ctx.stash.batch?.unprocessedIds ?? []);
}

export function response(ctx: BatchFunctionContext<BatchGetResult>): unknown {
  return storeBatchResult(ctx, 'append');
}
