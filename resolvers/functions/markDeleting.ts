/**
 * Pipeline function markDeleting (data source: the assets table). Sets status DELETING, only when
 * the caller owns the asset. On a failed condition AppSync hands the stored item to the response
 * handler in `ctx.result` (docs/APPSYNC-BEHAVIOUR.md#dynamodb-condition-failures): none means no such asset (null, as
 * getAsset answers), another owner's item means `Unauthorized`.
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBUpdateItemRequest } from '@aws-appsync/utils';
import type { MutationDeleteAssetArgs } from '../../generated/schema-types.ts';
import { CONDITIONAL_CHECK_FAILED, type AssetItem } from '../shared/asset.ts';
import type { DeleteAssetStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash>): DynamoDBUpdateItemRequest {
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ id: ctx.stash.id }),
    update: {
      expression: 'SET #status = :status, #updatedAt = :updatedAt',
      expressionNames: { '#status': 'status', '#updatedAt': 'updatedAt' },
      expressionValues: util.dynamodb.toMapValues({ ':status': 'DELETING', ':updatedAt': util.time.nowISO8601() }),
    },
    condition: {
      expression: 'attribute_exists(#id) AND #owner = :owner',
      expressionNames: { '#id': 'id', '#owner': 'owner' },
      expressionValues: util.dynamodb.toMapValues({ ':owner': ctx.stash.owner }),
    },
  };
}

export function response(
  ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash, { result: unknown }, undefined, AssetItem | null>,
): AssetItem | null {
  if (ctx.error) {
    if (ctx.error.type !== CONDITIONAL_CHECK_FAILED) {
      util.error(ctx.error.message, ctx.error.type);
    }
    if (ctx.result !== null && ctx.result !== undefined) {
      util.unauthorized();
    }
  }
  const item = ctx.error ? null : (ctx.result ?? null);
  if (item !== null && item.tags !== null && item.tags.length > 0) {
    // removeAssetTags deletes them before the asset item goes.
    ctx.stash.tagChange = { owner: item.owner, assetId: item.id, createdAt: item.createdAt, put: [], remove: item.tags, expiresAt: null };
  }
  // Null (no such asset) makes deleteObject skip the rest of the pipeline.
  return item;
}
