/**
 * Mutation.createUpload (pipeline: mintUploadUrl -> putAsset). The before handler validates the
 * input and decides the asset's id, object key and timestamps, and whether the bytes go in one PUT
 * or, above the multipart threshold, in parts (`shared/multipart.ts`); the Lambda mints the
 * presigned PUT URL (or starts the S3 multipart upload) first, so a Lambda failure writes nothing; then putAsset writes the PENDING item, and
 * putAssetTags its tag items (with the same TTL) for `listAssets(tag:)`.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { MutationCreateUploadArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetView, UploadTicket } from './shared/asset.ts';
import { toAsset } from './shared/asset-view.ts';
import type { CreateUploadStash } from './shared/stash.ts';
import { requireOwner } from './shared/owner.ts';
import { ENV_NAMES, readAllowedContentTypes, readKeyPrefix, readPositiveInt } from './shared/settings.ts';
import { planParts } from './shared/multipart.ts';
import type { MultipartUploadView } from './shared/stash.ts';
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
  const plan = planParts(input.size, readPositiveInt(ctx.env, ENV_NAMES.MULTIPART_THRESHOLD_BYTES), readPositiveInt(ctx.env, ENV_NAMES.MULTIPART_PART_BYTES));
  const uploadExpiresAt =
    plan === null ? null : util.time.epochMilliSecondsToISO8601((util.time.nowEpochSeconds() + readPositiveInt(ctx.env, ENV_NAMES.MULTIPART_EXPIRY_SECONDS)) * 1000);
  ctx.stash.asset = {
    id,
    owner,
    name: input.name,
    contentType: input.contentType,
    size: input.size,
    checksumSha256: input.checksumSha256 ?? null,
    description: input.description ?? null,
    tags: input.tags ?? null,
    title: input.title ?? null,
    version: 1,
    status: 'PENDING',
    createdAt: now,
    updatedAt: now,
    key: `${readKeyPrefix(ctx.env)}/${owner}/${id}/${safeFileName(input.name)}`,
    // Only multipart items carry the multipart attributes (single-PUT items stay as they were).
    ...(plan === null ? {} : { partSize: plan.partSize, partCount: plan.partCount, uploadExpiresAt }),
  };
  return {};
}

/** `CreateUploadPayload`, with the stored item as the asset (its `downloadUrl` has its own resolver). */
export function response(
  ctx: Context<MutationCreateUploadArgs, CreateUploadStash, { result: AssetItem }>,
): { asset: AssetView; upload: UploadTicket | null; multipart: MultipartUploadView | null } {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const upload = ctx.stash.upload ?? null;
  const multipart = ctx.stash.multipart ?? null;
  if ((upload === null) === (multipart === null)) {
    util.error('createUpload: exactly one of an upload ticket and a multipart upload must exist', 'InternalFailure');
  }
  return { asset: toAsset(ctx.prev.result), upload, multipart };
}
