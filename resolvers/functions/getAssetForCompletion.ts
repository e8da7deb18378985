/** Pipeline function getAssetForCompletion (data source: the assets table): reads the asset by id. */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBGetItemRequest } from '@aws-appsync/utils';
import type { MutationCompleteUploadArgs } from '../../generated/schema-types.ts';
import type { AssetItem } from '../shared/asset.ts';
import type { CompleteUploadStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationCompleteUploadArgs, CompleteUploadStash>): DynamoDBGetItemRequest {
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.stash.id }), consistentRead: true };
}

export function response(
  ctx: Context<MutationCompleteUploadArgs, CompleteUploadStash, { result: unknown }, undefined, AssetItem | null>,
): AssetItem | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return ctx.result ?? null;
}
