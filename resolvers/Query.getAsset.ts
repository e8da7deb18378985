/** Query.getAsset (data source: the assets table): the caller's asset, null when there is none. */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBGetItemRequest } from '@aws-appsync/utils';
import type { QueryGetAssetArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetView } from './shared/asset.ts';
import { toAsset } from './shared/asset-view.ts';
import { requireOwner } from './shared/owner.ts';

interface GetAssetStash {
  owner: string;
}

export function request(ctx: Context<QueryGetAssetArgs, GetAssetStash>): DynamoDBGetItemRequest {
  ctx.stash.owner = requireOwner(ctx);
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.args.id }) };
}

export function response(
  ctx: Context<QueryGetAssetArgs, GetAssetStash, undefined, undefined, AssetItem | null>,
): AssetView | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const item = ctx.result;
  if (item === null || item === undefined) {
    return null;
  }
  if (item.owner !== ctx.stash.owner) {
    // Another owner's asset: AppSync's own error, the same as for a field the caller may not read.
    util.unauthorized();
  }
  return toAsset(item);
}
