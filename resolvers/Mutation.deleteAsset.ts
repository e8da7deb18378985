/**
 * Mutation.deleteAsset (pipeline: markDeleting -> deleteObject -> removeAssetTags -> deleteAssetItem).
 * The item is marked DELETING first (only by its owner), then the object is removed, then its tag
 * items, then the item: if a step
 * fails the item stays DELETING and the call can be repeated, so neither bytes without metadata nor
 * metadata without bytes remain. Returns the asset as marked (status DELETING), or null when there is
 * no such asset.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationDeleteAssetArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetView } from './shared/asset.ts';
import { toAssetOrNull } from './shared/asset-view.ts';
import { requireOwner } from './shared/owner.ts';
import type { DeleteAssetStash } from './shared/stash.ts';

export function request(ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  ctx.stash.id = ctx.args.id;
  return {};
}

export function response(ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash, { result: AssetItem | null }>): AssetView | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return toAssetOrNull(ctx.prev.result);
}
