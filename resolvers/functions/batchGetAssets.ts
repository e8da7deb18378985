/**
 * Pipeline function batchGetAssets (data source: the assets table): reads the distinct ids in
 * `ctx.stash.batch.ids` (at most 100, DynamoDB's BatchGetItem limit) with one BatchGetItem and keeps
 * what it found, and the keys DynamoDB left unprocessed, in the stash for retryUnprocessedAssets and
 * the resolver's after handler; answers the unprocessed ids (`BatchProgress`) for
 * retryUnprocessedAssets. Skipped (the previous result passed on) when there is no batch (listAssets
 * without `tag`) or no id.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-batch-get-item.html
 */
import type { DynamoDBBatchGetItemRequest } from '@aws-appsync/utils';
import { batchGetOrSkip, storeBatchResult, type BatchFunctionContext, type BatchGetResult, type BatchProgress } from '../shared/batch.ts';

export function request(ctx: BatchFunctionContext): DynamoDBBatchGetItemRequest {
  return batchGetOrSkip(ctx, ctx.stash.batch?.ids ?? []);
}

export function response(ctx: BatchFunctionContext<BatchGetResult>): BatchProgress {
  return storeBatchResult(ctx, 'replace');
}
