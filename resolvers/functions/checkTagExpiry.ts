/**
 * Pipeline function checkTagExpiry (data source: the assets table), after putAssetTags in
 * updateAsset: when that update wrote tag items with a PENDING asset's `expiresAt`, reads the asset
 * again (consistent read). If a completion made it READY meanwhile, its own tag rewrite may have run
 * before ours, leaving our items with the TTL of a PENDING asset, which DynamoDB TTL would later
 * delete; so `ctx.stash.tagChange` is turned into a rewrite without `expiresAt` of the tags the asset
 * still carries, for the putAssetTags step after this one. Otherwise that step is skipped (the asset
 * is still PENDING and a later completion rewrites its tags, or it is gone, REJECTED or DELETING and
 * its items should expire with it). The reads are strongly consistent, so whichever of the two
 * pipelines writes last, it writes without the TTL.
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-getitem.html
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBGetItemRequest } from '@aws-appsync/utils';
import type { AssetItem } from '../shared/asset.ts';
import type { TagStash } from '../shared/tags.ts';

export function request(ctx: Context<Record<string, unknown>, TagStash, { result: unknown }>): DynamoDBGetItemRequest {
  const change = ctx.stash.tagChange;
  if (change === undefined || change.put.length === 0 || change.expiresAt === null) {
    // Nothing was written with a TTL: the putAssetTags step after this one must not write again.
    if (change !== undefined) {
      ctx.stash.tagChange = { ...change, put: [], remove: [] };
    }
    runtime.earlyReturn(ctx.prev.result);
  }
  return { operation: 'GetItem', key: util.dynamodb.toMapValues({ id: change.assetId }), consistentRead: true };
}

export function response(ctx: Context<Record<string, unknown>, TagStash, { result: unknown }, undefined, AssetItem | null>): unknown {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const change = ctx.stash.tagChange;
  const asset = ctx.result ?? null;
  if (change !== undefined) {
    const completed = asset !== null && asset.status === 'READY';
    const carried = completed ? change.put.filter((tag) => (asset.tags ?? []).indexOf(tag) !== -1) : [];
    ctx.stash.tagChange = { ...change, put: carried, remove: [], expiresAt: null };
  }
  return ctx.prev.result;
}
