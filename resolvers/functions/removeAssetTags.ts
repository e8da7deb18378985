/**
 * Pipeline function removeAssetTags (data source: the assetTags table): deletes the tag items named
 * in `ctx.stash.tagChange.remove` with one BatchDeleteItem (deleting an absent item is not an error,
 * so a repeated deleteAsset is harmless). Skipped when there is nothing to delete. Passes the asset
 * (`ctx.prev.result`) on.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-batch-delete-item.html
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBBatchDeleteItemRequest } from '@aws-appsync/utils';
import { ENV_NAMES, readTableName } from '../shared/settings.ts';
import { tagItemKey, type TagStash } from '../shared/tags.ts';

export function request(ctx: Context<Record<string, unknown>, TagStash, { result: unknown }>): DynamoDBBatchDeleteItemRequest {
  const change = ctx.stash.tagChange;
  if (change === undefined || change.remove.length === 0) {
    runtime.earlyReturn(ctx.prev.result);
  }
  const tables: DynamoDBBatchDeleteItemRequest['tables'] = {};
  tables[readTableName(ctx.env, ENV_NAMES.ASSET_TAGS_TABLE)] = change.remove.map((tag) => util.dynamodb.toMapValues(tagItemKey(change, tag)));
  return { operation: 'BatchDeleteItem', tables };
}

export function response(
  ctx: Context<Record<string, unknown>, TagStash, { result: unknown }, undefined, { unprocessedKeys?: Record<string, unknown[]> | null }>,
): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const left = ctx.result.unprocessedKeys?.[readTableName(ctx.env, ENV_NAMES.ASSET_TAGS_TABLE)] ?? [];
  if (left.length > 0) {
    util.error(`removeAssetTags: ${left.length} tag item(s) were not deleted; repeat the change`, 'DynamoDB:UnprocessedKeys', null, { unprocessedKeys: left.length });
  }
  return ctx.prev.result;
}
