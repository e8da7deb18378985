/**
 * Pipeline function completeAsset (data source: the assets table). Moves a PENDING asset to READY
 * when the object's size and content type match the ticket, otherwise to REJECTED. The condition
 * makes it happen once: a completion that lost a race fails with ConditionalCheckFailed and the
 * Lambda retries, then finds the asset no longer PENDING and gets an `AlreadyCompleted` error. READY assets lose their TTL attribute;
 * REJECTED ones keep it, so their metadata expires like an unused ticket. A READY asset's tag items
 * are written again without the TTL by putAssetTags; a REJECTED asset's expire with it.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBUpdateItemRequest } from '@aws-appsync/utils';
import type { MutationCompleteUploadArgs } from '../../generated/schema-types.ts';
import { ALREADY_COMPLETED, type AssetItem, type AssetStatus } from '../shared/asset.ts';
import type { CompleteUploadStash } from '../shared/stash.ts';

export function request(
  ctx: Context<MutationCompleteUploadArgs, CompleteUploadStash, { result: AssetItem | null }>,
): DynamoDBUpdateItemRequest {
  const item = ctx.prev.result;
  const { owner, key, size, contentType } = ctx.stash;
  if (item === null || item.owner !== owner || item.key !== key) {
    // No asset waits for this object.
    runtime.earlyReturn(null);
  }
  if (item.status !== 'PENDING') {
    // Already completed (S3 and EventBridge deliver at least once). An error, not the item: a
    // mutation field that resolves to a value is published to `@aws_subscribe` subscribers, and a
    // repeated event must not announce the asset twice. The Lambda reads the status from errorInfo.
    util.error(`Asset ${item.id} is already ${item.status}`, ALREADY_COMPLETED, null, { status: item.status });
  }
  const status: AssetStatus = item.size === size && item.contentType === contentType ? 'READY' : 'REJECTED';
  const set = 'SET #status = :status, #updatedAt = :updatedAt';
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ id: item.id }),
    update: {
      expression: status === 'READY' ? `${set} REMOVE #expiresAt` : set,
      expressionNames:
        status === 'READY'
          ? { '#status': 'status', '#updatedAt': 'updatedAt', '#expiresAt': 'expiresAt' }
          : { '#status': 'status', '#updatedAt': 'updatedAt' },
      expressionValues: util.dynamodb.toMapValues({ ':status': status, ':updatedAt': util.time.nowISO8601() }),
    },
    condition: {
      expression: '#status = :pending AND #owner = :owner AND #key = :key',
      expressionNames: { '#status': 'status', '#owner': 'owner', '#key': 'key' },
      expressionValues: util.dynamodb.toMapValues({ ':pending': 'PENDING', ':owner': owner, ':key': key }),
    },
  };
}

export function response(
  ctx: Context<MutationCompleteUploadArgs, CompleteUploadStash, { result: unknown }, undefined, AssetItem>,
): AssetItem {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const item = ctx.result;
  if (item.status === 'READY' && item.tags !== null && item.tags.length > 0) {
    ctx.stash.tagChange = { owner: item.owner, assetId: item.id, createdAt: item.createdAt, put: item.tags, remove: [], expiresAt: null };
  }
  return item;
}
