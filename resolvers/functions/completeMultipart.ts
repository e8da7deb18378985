/**
 * Pipeline function completeMultipart (data source: the assetUrls Lambda): S3
 * CompleteMultipartUpload of the asset read by getMultipartAsset. S3's refusal (InvalidPart,
 * InvalidPartOrder, EntityTooSmall, NoSuchUpload, …) is raised with S3's code as `errorType` and
 * the part concerned in `errorInfo.partNumber`; nothing is written then. The item stays PENDING:
 * S3's object-created event completes it, as for a single PUT.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationFinishUploadArgs } from '../../generated/schema-types.ts';
import { VALIDATION_ERROR, type AssetItem, type AssetUrlsPayload, type MultipartOutcome } from '../shared/asset.ts';
import type { MultipartStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationFinishUploadArgs, MultipartStash, { result: AssetItem | null }>): LambdaRequest {
  const item = ctx.prev.result;
  if (item === null) {
    runtime.earlyReturn(null, { skipTo: 'END' });
  }
  const partCount = item.partCount ?? 0;
  const { parts } = ctx.args;
  if (parts.length !== partCount) {
    util.error(`parts: this upload has ${partCount} parts; give each of them, got ${parts.length}`, VALIDATION_ERROR);
  }
  const payload: AssetUrlsPayload = {
    action: 'completeMultipartUpload',
    key: item.key,
    uploadId: item.uploadId ?? '',
    parts: parts.map((p) => ({ partNumber: p.partNumber, etag: p.etag, checksumSha256: p.checksumSha256 ?? null })),
  };
  return { operation: 'Invoke', payload };
}

export function response(
  ctx: Context<MutationFinishUploadArgs, MultipartStash, { result: AssetItem }, undefined, MultipartOutcome | null>,
): AssetItem {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const outcome = ctx.result;
  if (outcome === null || typeof outcome !== 'object') {
    util.error('completeMultipart: the Lambda returned no outcome', 'Lambda:InvalidResponse');
  }
  if (outcome.ok === false) {
    util.error(outcome.message, outcome.code, null, { partNumber: outcome.partNumber });
  }
  return ctx.prev.result;
}
