/**
 * Mutation.completeUpload (IAM only; pipeline: getAssetForCompletion -> completeAsset -> putAssetTags). Called by
 * the upload-completed Lambda when S3 reports a new object. The asset is found through the object
 * key (`<prefix>/<owner>/<id>/<name>`); the status comes from comparing S3's facts with the ticket,
 * never from the caller's word. Returns null for an object no asset is waiting for (the Lambda then
 * deletes it).
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationCompleteUploadArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetView } from './shared/asset.ts';
import { toAssetOrNull } from './shared/asset-view.ts';
import { readKeyPrefix } from './shared/settings.ts';
import type { CompleteUploadStash } from './shared/stash.ts';

export function request(ctx: Context<MutationCompleteUploadArgs, CompleteUploadStash>): Record<string, never> {
  // The schema already restricts the field to @aws_iam; checked again so a schema edit cannot open it.
  if (util.authType() !== 'IAM Authorization') {
    util.unauthorized();
  }
  const { key, size, contentType } = ctx.args.input;
  const prefix = `${readKeyPrefix(ctx.env)}/`;
  const parts = key.startsWith(prefix) ? key.slice(prefix.length).split('/') : [];
  const [owner, id, name] = parts;
  if (parts.length !== 3 || !owner || !id || !name) {
    // Not a key this API made: no asset waits for it.
    runtime.earlyReturn(null);
  }
  ctx.stash.id = id;
  ctx.stash.owner = owner;
  ctx.stash.key = key;
  ctx.stash.size = size;
  ctx.stash.contentType = contentType ?? null;
  return {};
}

export function response(ctx: Context<MutationCompleteUploadArgs, CompleteUploadStash, { result: AssetItem | null }>): AssetView | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return toAssetOrNull(ctx.prev.result);
}
