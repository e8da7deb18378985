/**
 * Pipeline function getAssetForUpdate (data source: the assets table): reads the asset (consistent
 * read) and refuses, before anything is written, an asset of another owner (`Unauthorized`, as
 * getAsset), one that is neither READY nor PENDING (`InvalidStatusError`, `errorInfo.status`) and a
 * stale `expectedVersion` (`ConflictError`, `errorInfo.currentVersion`, the stored asset as `data`).
 * updateAssetItem's condition checks the same again, for a change that lands in between.
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBGetItemRequest } from '@aws-appsync/utils';
import type { MutationUpdateAssetArgs } from '../../generated/schema-types.ts';
import type { AssetItem } from '../shared/asset.ts';
import { assertUpdatable } from '../shared/update-rules.ts';
import type { UpdateAssetStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationUpdateAssetArgs, UpdateAssetStash>): DynamoDBGetItemRequest {
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.stash.id }), consistentRead: true };
}

export function response(
  ctx: Context<MutationUpdateAssetArgs, UpdateAssetStash, { result: unknown }, undefined, AssetItem | null>,
): AssetItem | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const item = ctx.result ?? null;
  if (item === null) {
    // No such asset: updateAssetItem skips the rest and the mutation answers null, as deleteAsset does.
    return null;
  }
  assertUpdatable(item, ctx.stash.owner, ctx.args.input.expectedVersion);
  return item;
}
