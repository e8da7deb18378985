/**
 * Asset.downloadUrl (data source: the assetUrls Lambda, BatchInvoke): a presigned GET URL with an
 * attachment or inline disposition (`disposition`, read per item: each element of the batch carries
 * its own), so a page of N assets costs one Lambda call. Only READY assets of the
 * caller get one; for anything else the field is null and the Lambda is not called.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { AssetDownloadUrlArgs } from '../generated/schema-types.ts';
import type { AssetItem, AssetUrlsPayload, BatchItemResult, DownloadUrl } from './shared/asset.ts';
import { ownerOf } from './shared/owner.ts';

export function request(ctx: Context<AssetDownloadUrlArgs, Record<string, never>, undefined, AssetItem>): LambdaRequest {
  const asset = ctx.source;
  if (asset === undefined || asset === null || asset.status !== 'READY' || asset.owner !== ownerOf(ctx)) {
    runtime.earlyReturn(null);
  }
  // AppSync fills in the schema default (ATTACHMENT) when the argument is left out.
  const disposition = ctx.args.disposition ?? 'ATTACHMENT';
  const payload: AssetUrlsPayload = { action: 'mintDownloadUrl', key: asset.key, name: asset.name, disposition, contentType: asset.contentType };
  return { operation: 'BatchInvoke', payload };
}

/** `ctx.result` is this asset's element of the Lambda's answer array. */
export function response(
  ctx: Context<AssetDownloadUrlArgs, Record<string, never>, undefined, AssetItem, BatchItemResult<DownloadUrl> | null>,
): string | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const item = ctx.result;
  if (item === null || item === undefined) {
    return null;
  }
  if (typeof item.errorMessage === 'string') {
    util.error(item.errorMessage, item.errorType ?? 'Lambda:Unhandled');
  }
  return item.data?.url ?? null;
}
