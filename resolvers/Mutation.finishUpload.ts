/**
 * Mutation.finishUpload (pipeline: getMultipartAsset -> completeMultipart): the client's end of a
 * multipart upload. S3 assembles the object; its object-created event then drives the upload-completed
 * Lambda and `completeUpload` exactly as after a single PUT (size and content type checked against
 * the ticket, READY announced once). Returns the asset, still PENDING; null when there is no such asset.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationFinishUploadArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetView } from './shared/asset.ts';
import { toAssetOrNull } from './shared/asset-view.ts';
import { validateCompletedParts } from './shared/multipart.ts';
import { requireOwner } from './shared/owner.ts';
import type { MultipartStash } from './shared/stash.ts';

export function request(ctx: Context<MutationFinishUploadArgs, MultipartStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  ctx.stash.id = ctx.args.assetId;
  validateCompletedParts(ctx.args.parts);
  return {};
}

export function response(ctx: Context<MutationFinishUploadArgs, MultipartStash, { result: AssetItem | null }>): AssetView | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return toAssetOrNull(ctx.prev.result);
}
