/**
 * Mutation.createUpload (pipeline: mintUploadUrl -> putAsset). The before handler validates the
 * input and decides the asset's id, object key and timestamps; the Lambda mints the presigned PUT
 * URL first, so a Lambda failure writes nothing; then putAsset writes the PENDING item.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationCreateUploadArgs } from '../generated/schema-types.ts';
import type { AssetItem, UploadTicket } from './shared/asset.ts';
import type { CreateUploadStash } from './shared/stash.ts';
import { requireOwner } from './shared/owner.ts';
import { ENV_NAMES, readAllowedContentTypes, readKeyPrefix, readPositiveInt } from './shared/settings.ts';
import { safeFileName, validateCreateUploadInput } from './shared/validate.ts';

export function request(ctx: Context<MutationCreateUploadArgs, CreateUploadStash>): Record<string, never> {
  const owner = requireOwner(ctx);
  const { input } = ctx.args;
  validateCreateUploadInput(input, {
    allowedContentTypes: readAllowedContentTypes(ctx.env),
    maxUploadBytes: readPositiveInt(ctx.env, ENV_NAMES.MAX_UPLOAD_BYTES),
  });
  const id = util.autoId();
  const now = util.time.nowISO8601();
  ctx.stash.asset = {
    id,
    owner,
    name: input.name,
    contentType: input.contentType,
    size: input.size,
    checksumSha256: input.checksumSha256 ?? null,
    description: input.description ?? null,
    tags: input.tags ?? null,
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
    key: `${readKeyPrefix(ctx.env)}/${owner}/${id}/${safeFileName(input.name)}`,
  };
  return {};
}

/** `CreateUploadPayload`, with the stored item as the asset (its `downloadUrl` has its own resolver). */
export function response(
  ctx: Context<MutationCreateUploadArgs, CreateUploadStash, { result: AssetItem }>,
): { asset: AssetItem; upload: UploadTicket } {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const upload = ctx.stash.upload;
  if (upload === undefined) {
    util.error('createUpload: no upload ticket was minted', 'InternalFailure');
  }
  return { asset: ctx.prev.result, upload };
}
