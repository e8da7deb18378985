/**
 * Query.uploadPartUrls (pipeline: getMultipartAsset -> mintPartUrls): presigned UploadPart URLs for
 * up to 100 parts of the caller's PENDING multipart upload. Also how a client resumes: it asks again
 * for the parts `uploadedParts` does not list.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryUploadPartUrlsArgs, UploadPartUrl } from '../generated/schema-types.ts';
import { validatePartUrlsArgs } from './shared/multipart.ts';
import { requireOwner } from './shared/owner.ts';
import type { MultipartStash } from './shared/stash.ts';

export function request(ctx: Context<QueryUploadPartUrlsArgs, MultipartStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  ctx.stash.id = ctx.args.assetId;
  validatePartUrlsArgs(ctx.args.partNumbers, ctx.args.checksumsSha256);
  return {};
}

export function response(ctx: Context<QueryUploadPartUrlsArgs, MultipartStash, { result: UploadPartUrl[] | null }>): UploadPartUrl[] {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const urls = ctx.prev.result;
  if (urls === null) {
    util.error(`Asset ${ctx.args.assetId} not found`, 'NotFound');
  }
  return urls;
}
