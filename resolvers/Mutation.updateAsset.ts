/**
 * Mutation.updateAsset (pipeline: getAssetForUpdate -> updateAssetItem -> removeAssetTags ->
 * putAssetTags -> checkTagExpiry -> rewriteAssetTags, the last being putAssetTags' code again for a
 * completion that raced the tag write). Optimistic locking: the change applies only if the asset is still at
 * `input.expectedVersion`; it then gets `version + 1` and a new `updatedAt`, and its tag items follow
 * the new tags (old ones deleted, new ones written). The before handler checks every field with
 * createUpload's rules. Answers the updated asset, or null when there is no such asset; the answer
 * is published to `onAssetUpdated`.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationUpdateAssetArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetView } from './shared/asset.ts';
import { toAssetOrNull } from './shared/asset-view.ts';
import { requireOwner } from './shared/owner.ts';
import type { UpdateAssetStash } from './shared/stash.ts';
import { validateUpdateAssetInput } from './shared/validate.ts';

export function request(ctx: Context<MutationUpdateAssetArgs, UpdateAssetStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  validateUpdateAssetInput(ctx.args.input);
  ctx.stash.id = ctx.args.input.id;
  return {};
}

export function response(ctx: Context<MutationUpdateAssetArgs, UpdateAssetStash, { result: AssetItem | null }>): AssetView | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return toAssetOrNull(ctx.prev.result);
}
