/**
 * Mutation.abortUpload (pipeline: getMultipartAsset -> abortMultipart -> removeAssetTags ->
 * deleteAssetItem): aborts the caller's PENDING multipart upload (S3 removes its parts), then removes
 * the asset's tag items and the asset. If a step fails the asset stays PENDING and the call can be
 * repeated. Returns the asset as it was; null when there is no such asset.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationAbortUploadArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetView } from './shared/asset.ts';
import { toAssetOrNull } from './shared/asset-view.ts';
import { requireOwner } from './shared/owner.ts';
import type { MultipartStash } from './shared/stash.ts';

export function request(ctx: Context<MutationAbortUploadArgs, MultipartStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  ctx.stash.id = ctx.args.assetId;
  return {};
}

export function response(ctx: Context<MutationAbortUploadArgs, MultipartStash, { result: AssetItem | null }>): AssetView | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return toAssetOrNull(ctx.prev.result);
}
