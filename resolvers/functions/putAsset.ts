/**
 * Pipeline function putAsset (data source: the assets table). Writes the PENDING item once the
 * ticket exists. `expiresAt` (the table's TTL attribute) = ticket expiry + PENDING_GRACE_SECONDS, so
 * an asset whose bytes never arrive disappears. `attribute_not_exists(id)` never overwrites.
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBPutItemRequest } from '@aws-appsync/utils';
import type { MutationCreateUploadArgs } from '../../generated/schema-types.ts';
import type { AssetItem } from '../shared/asset.ts';
import { ENV_NAMES, readPositiveInt } from '../shared/settings.ts';
import type { CreateUploadStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationCreateUploadArgs, CreateUploadStash>): DynamoDBPutItemRequest {
  const { asset, upload, multipart } = ctx.stash;
  // A multipart upload's ticket is its `expiresAt`; a single PUT's is the URL's.
  const expiresAt = upload?.expiresAt ?? multipart?.expiresAt;
  if (expiresAt === undefined) {
    util.error('putAsset: no upload ticket in the stash', 'InternalFailure');
  }
  const ticketExpiry = util.time.epochMilliSecondsToSeconds(util.time.parseISO8601ToEpochMilliSeconds(expiresAt));
  const { id, ...attributes } = asset;
  return {
    operation: 'PutItem',
    key: util.dynamodb.toMapValues({ id }),
    attributeValues: util.dynamodb.toMapValues({
      ...attributes,
      expiresAt: ticketExpiry + readPositiveInt(ctx.env, ENV_NAMES.PENDING_GRACE_SECONDS),
    }),
    condition: { expression: 'attribute_not_exists(#id)', expressionNames: { '#id': 'id' } },
  };
}

export function response(ctx: Context<MutationCreateUploadArgs, CreateUploadStash, { result: unknown }, undefined, AssetItem>): AssetItem {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const item = ctx.result;
  // putAssetTags writes one tag item per tag, expiring with the asset.
  ctx.stash.tagChange = { owner: item.owner, assetId: item.id, createdAt: item.createdAt, put: item.tags ?? [], remove: [], expiresAt: item.expiresAt ?? null };
  return item;
}
