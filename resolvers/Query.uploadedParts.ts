/**
 * Query.uploadedParts (pipeline: getMultipartAsset -> listUploadParts): the caller's PENDING
 * multipart upload (`MultipartUpload`) and the parts S3 holds for it, so a client that lost its
 * state (a reload, another device) can send only the missing parts and finish.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryUploadedPartsArgs, UploadedPart, UploadedParts } from '../generated/schema-types.ts';
import { requireOwner } from './shared/owner.ts';
import type { MultipartStash } from './shared/stash.ts';

export function request(ctx: Context<QueryUploadedPartsArgs, MultipartStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  ctx.stash.id = ctx.args.assetId;
  return {};
}

export function response(ctx: Context<QueryUploadedPartsArgs, MultipartStash, { result: UploadedPart[] | null }>): UploadedParts {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const parts = ctx.prev.result;
  const item = ctx.stash.item;
  if (parts === null || item === undefined) {
    util.error(`Asset ${ctx.args.assetId} not found`, 'NotFound');
  }
  return { multipart: { partSize: item.partSize ?? 0, partCount: item.partCount ?? 0, expiresAt: item.uploadExpiresAt ?? '' }, parts };
}
