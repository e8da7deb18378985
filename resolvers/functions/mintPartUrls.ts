/**
 * Pipeline function mintPartUrls (data source: the assetUrls Lambda): presigned UploadPart URLs for
 * the asked parts of the asset read by getMultipartAsset. Part numbers beyond the upload's
 * `partCount`, or missing per-part checksums for an asset created with `checksumSha256`, are a
 * `ValidationError`.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { QueryUploadPartUrlsArgs, UploadPartUrl } from '../../generated/schema-types.ts';
import { VALIDATION_ERROR, type AssetItem, type AssetUrlsPayload } from '../shared/asset.ts';
import type { MultipartStash } from '../shared/stash.ts';

export function request(ctx: Context<QueryUploadPartUrlsArgs, MultipartStash, { result: AssetItem | null }>): LambdaRequest {
  const item = ctx.prev.result;
  if (item === null) {
    runtime.earlyReturn(null, { skipTo: 'END' });
  }
  const partCount = item.partCount ?? 0;
  const { partNumbers } = ctx.args;
  const beyond = partNumbers.find((n) => n > partCount);
  if (beyond !== undefined) {
    util.error(`partNumbers: this upload has ${partCount} parts, got part ${beyond}`, VALIDATION_ERROR);
  }
  const checksums = ctx.args.checksumsSha256 ?? null;
  if (item.checksumSha256 !== null && item.checksumSha256 !== undefined && checksums === null) {
    util.error('checksumsSha256 is required: the asset was created with checksumSha256, so S3 checks the SHA-256 of each part', VALIDATION_ERROR);
  }
  const payload: AssetUrlsPayload = {
    action: 'mintPartUrls',
    key: item.key,
    uploadId: item.uploadId ?? '',
    size: item.size,
    partSize: item.partSize ?? 0,
    notAfter: item.uploadExpiresAt ?? '',
    parts: partNumbers.map((partNumber, index) => ({ partNumber, checksumSha256: checksums === null ? null : (checksums[index] ?? null) })),
  };
  return { operation: 'Invoke', payload };
}

export function response(ctx: Context<QueryUploadPartUrlsArgs, MultipartStash, { result: unknown }, undefined, UploadPartUrl[] | null>): UploadPartUrl[] {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const urls = ctx.result;
  if (!Array.isArray(urls) || urls.length !== ctx.args.partNumbers.length) {
    util.error('mintPartUrls: the Lambda returned no part URLs', 'Lambda:InvalidResponse');
  }
  return urls;
}
