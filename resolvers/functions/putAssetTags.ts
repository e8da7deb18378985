/**
 * Pipeline function putAssetTags (data source: the assetTags table): writes the tag items named in
 * `ctx.stash.tagChange.put` with one BatchPutItem (at most 20 tags, within DynamoDB's 25 per batch).
 * A PENDING asset's items carry its `expiresAt`, so DynamoDB TTL removes them with it; a put replaces
 * the whole item, so rewriting them when the asset becomes READY drops the TTL. Skipped when there is
 * nothing to write. Passes the asset (`ctx.prev.result`) on.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-batch-put-item.html
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBBatchPutItemRequest } from '@aws-appsync/utils';
import { ENV_NAMES, readTableName } from '../shared/settings.ts';
import { tagItemKey, type TagStash } from '../shared/tags.ts';

export function request(ctx: Context<Record<string, unknown>, TagStash, { result: unknown }>): DynamoDBBatchPutItemRequest {
  const change = ctx.stash.tagChange;
  if (change === undefined || change.put.length === 0) {
    runtime.earlyReturn(ctx.prev.result);
  }
  const table = readTableName(ctx.env, ENV_NAMES.ASSET_TAGS_TABLE);
  const items = change.put.map((tag) => {
    const key = tagItemKey(change, tag);
    return change.expiresAt === null
      ? util.dynamodb.toMapValues({ ownerTag: key.ownerTag, createdAtId: key.createdAtId, assetId: change.assetId })
      : util.dynamodb.toMapValues({ ownerTag: key.ownerTag, createdAtId: key.createdAtId, assetId: change.assetId, expiresAt: change.expiresAt });
  });
  const tables: DynamoDBBatchPutItemRequest['tables'] = {};
  tables[table] = items;
  return { operation: 'BatchPutItem', tables };
}

export function response(
  ctx: Context<Record<string, unknown>, TagStash, { result: unknown }, undefined, { unprocessedItems?: Record<string, unknown[]> | null }>,
): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const left = ctx.result.unprocessedItems?.[readTableName(ctx.env, ENV_NAMES.ASSET_TAGS_TABLE)] ?? [];
  if (left.length > 0) {
    // Rare (throttling); the asset is written, so say so instead of answering as if all went well.
    util.error(`putAssetTags: ${left.length} tag item(s) were not written; repeat the change`, 'DynamoDB:UnprocessedItems', null, { unprocessedItems: left.length });
  }
  return ctx.prev.result;
}
