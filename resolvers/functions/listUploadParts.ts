/** Pipeline function listUploadParts (data source: the assetUrls Lambda): S3 ListParts of the asset read by getMultipartAsset. */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { QueryUploadedPartsArgs, UploadedPart } from '../../generated/schema-types.ts';
import type { AssetItem, AssetUrlsPayload } from '../shared/asset.ts';
import type { MultipartStash } from '../shared/stash.ts';

export function request(ctx: Context<QueryUploadedPartsArgs, MultipartStash, { result: AssetItem | null }>): LambdaRequest {
  const item = ctx.prev.result;
  if (item === null) {
    runtime.earlyReturn(null, { skipTo: 'END' });
  }
  const payload: AssetUrlsPayload = { action: 'listParts', key: item.key, uploadId: item.uploadId ?? '' };
  return { operation: 'Invoke', payload };
}

export function response(ctx: Context<QueryUploadedPartsArgs, MultipartStash, { result: unknown }, undefined, UploadedPart[] | null>): UploadedPart[] {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const parts = ctx.result;
  if (!Array.isArray(parts)) {
    util.error('listUploadParts: the Lambda returned no part list', 'Lambda:InvalidResponse');
  }
  return parts;
}
