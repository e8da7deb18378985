/**
 * Pipeline function getMultipartAsset (data source: the assets table): reads the asset named by
 * `assetId` for uploadPartUrls, uploadedParts, finishUpload and abortUpload. Another owner's asset
 * raises AppSync's `Unauthorized`; an asset that is not a PENDING multipart upload, or whose upload
 * has expired, an `InvalidStatusError` (with `errorInfo.status`). No such asset: null, which the
 * next function passes on to the end.
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBGetItemRequest } from '@aws-appsync/utils';
import { NOT_MULTIPART_ERROR, type AssetItem } from '../shared/asset.ts';
import type { MultipartStash } from '../shared/stash.ts';

export function request(ctx: Context<Record<string, unknown>, MultipartStash>): DynamoDBGetItemRequest {
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: ctx.stash.id }), consistentRead: true };
}

export function response(ctx: Context<Record<string, unknown>, MultipartStash, { result: unknown }, undefined, AssetItem | null>): AssetItem | null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const item = ctx.result ?? null;
  if (item === null) {
    return null;
  }
  if (item.owner !== ctx.stash.owner) {
    util.unauthorized();
  }
  const uploadId = item.uploadId ?? null;
  if (item.status !== 'PENDING' || uploadId === null) {
    util.error(`Asset ${item.id} is not a PENDING multipart upload (status ${item.status})`, NOT_MULTIPART_ERROR, null, { status: item.status });
  }
  const expiresAt = item.uploadExpiresAt ?? null;
  if (expiresAt !== null && util.time.parseISO8601ToEpochMilliSeconds(expiresAt) <= util.time.nowEpochMilliSeconds()) {
    util.error(`The multipart upload of asset ${item.id} expired at ${expiresAt}`, NOT_MULTIPART_ERROR, null, { status: item.status, expiresAt });
  }
  ctx.stash.item = item;
  ctx.stash.tagChange = { owner: item.owner, assetId: item.id, createdAt: item.createdAt, put: [], remove: item.tags ?? [], expiresAt: null };
  return item;
}
