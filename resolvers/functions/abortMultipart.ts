/**
 * Pipeline function abortMultipart (data source: the assetUrls Lambda): S3 AbortMultipartUpload of
 * the asset read by getMultipartAsset, before its tag items and item are removed. An upload S3 no
 * longer knows (NoSuchUpload) counts as aborted, so a repeated abortUpload can finish the removal.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationAbortUploadArgs } from '../../generated/schema-types.ts';
import type { AssetItem, AssetUrlsPayload, MultipartOutcome } from '../shared/asset.ts';
import type { MultipartStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationAbortUploadArgs, MultipartStash, { result: AssetItem | null }>): LambdaRequest {
  const item = ctx.prev.result;
  if (item === null) {
    runtime.earlyReturn(null, { skipTo: 'END' });
  }
  const payload: AssetUrlsPayload = { action: 'abortMultipartUpload', key: item.key, uploadId: item.uploadId ?? '' };
  return { operation: 'Invoke', payload };
}

export function response(
  ctx: Context<MutationAbortUploadArgs, MultipartStash, { result: AssetItem }, undefined, MultipartOutcome | null>,
): AssetItem {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const outcome = ctx.result;
  if (outcome !== null && outcome.ok === false) {
    util.error(outcome.message, outcome.code, null, { partNumber: outcome.partNumber });
  }
  return ctx.prev.result;
}
