/**
 * Pipeline function retryUnprocessedAssets (data source: the assets table): reads once more the keys
 * batchGetAssets' BatchGetItem left in `unprocessedKeys` (DynamoDB may leave some under load).
 * A function makes one data-source request, and APPSYNC_JS has no `while` or classic `for` loop to
 * repeat one (https://docs.aws.amazon.com/appsync/latest/devguide/supported-features.html), so the
 * bound is fixed by the pipeline: at most two BatchGetItem calls per request. Ids still unprocessed
 * after this one stay in `ctx.stash.batch.unprocessedIds` and the after handler reports them. No
 * back-off between the two (there is no sleep). Skipped (the previous result passed on) when nothing
 * is left. The request handler reads the ids to retry from batchGetAssets' result, not from the
 * stash: the local runtime copies into the sandbox only the `ctx` members a handler reads
 * (docs/ARCHITECTURE.md), and the stash holds every item found so far.
 */
import type { DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { batchGetOrSkip, storeBatchResult, unprocessedIdsOf, type BatchFunctionContext, type BatchGetResult, type BatchProgress } from '../shared/batch.ts';

export function request(ctx: BatchFunctionContext): DynamoDBBatchGetItemRequest {
  return batchGetOrSkip(ctx, unprocessedIdsOf(ctx.prev.result));
}

export function response(ctx: BatchFunctionContext<BatchGetResult>): BatchProgress {
  return storeBatchResult(ctx, 'append');
}
