/**
 * Pipeline function mintUploadUrl (data source: the assetUrls Lambda). For a single PUT, asks the
 * Lambda for a presigned PUT URL for the key decided by the before handler; the ticket goes to the
 * stash. For a multipart upload (the before handler set `partCount`), asks it to start the S3
 * multipart upload; the UploadId goes on the item (never to the client) and the `MultipartUpload`
 * to the stash.
 */
import { util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationCreateUploadArgs } from '../../generated/schema-types.ts';
import type { AssetUrlsPayload, MultipartStarted, UploadTicket } from '../shared/asset.ts';
import type { CreateUploadStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationCreateUploadArgs, CreateUploadStash>): LambdaRequest {
  const { key, contentType, size, checksumSha256, partSize } = ctx.stash.asset;
  const payload: AssetUrlsPayload =
    partSize === null || partSize === undefined
      ? { action: 'mintUploadUrl', key, contentType, size, checksumSha256 }
      : { action: 'createMultipartUpload', key, contentType, size, partSize, checksumSha256 };
  return { operation: 'Invoke', payload };
}

export function response(
  ctx: Context<MutationCreateUploadArgs, CreateUploadStash, { result: unknown }, undefined, (UploadTicket & MultipartStarted) | null>,
): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const result = ctx.result;
  const { partSize, partCount, uploadExpiresAt } = ctx.stash.asset;
  if (partSize !== null && partSize !== undefined && partCount !== null && partCount !== undefined && uploadExpiresAt !== null && uploadExpiresAt !== undefined) {
    if (result === null || typeof result !== 'object' || typeof result.uploadId !== 'string' || result.uploadId === '') {
      util.error('mintUploadUrl: the Lambda started no multipart upload', 'Lambda:InvalidResponse');
    }
    ctx.stash.asset = { ...ctx.stash.asset, uploadId: result.uploadId };
    ctx.stash.multipart = { partSize, partCount, expiresAt: uploadExpiresAt };
    return ctx.stash.multipart;
  }
  if (result === null || typeof result !== 'object' || typeof result.url !== 'string' || typeof result.expiresAt !== 'string') {
    util.error('mintUploadUrl: the Lambda returned no upload ticket', 'Lambda:InvalidResponse');
  }
  ctx.stash.upload = result;
  return result;
}
