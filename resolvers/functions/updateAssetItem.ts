/**
 * Pipeline function updateAssetItem (data source: the assets table): one conditional UpdateItem that
 * sets the given fields, `version = expectedVersion + 1` and `updatedAt`, only while the caller owns
 * the asset, it is READY or PENDING and still at `expectedVersion` (an item written before versions
 * existed has none and counts as version 1). On a failed condition AppSync hands the stored item to
 * the response handler (see markDeleting), which answers as getAssetForUpdate would have.
 * Then sets `ctx.stash.tagChange` for the tag functions: old tags deleted, new ones written (with the
 * asset's `expiresAt` while it is PENDING).
 * https://docs.aws.amazon.com/appsync/latest/devguide/js-aws-appsync-resolver-reference-dynamodb-condition-expressions.html
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBUpdateItemRequest } from '@aws-appsync/utils';
import type { MutationUpdateAssetArgs } from '../../generated/schema-types.ts';
import { CONDITIONAL_CHECK_FAILED, CONFLICT_ERROR, type AssetItem } from '../shared/asset.ts';
import type { UpdateAssetStash } from '../shared/stash.ts';
import { tagsMissingFrom } from '../shared/tags.ts';
import { assertUpdatable } from '../shared/update-rules.ts';

export function request(ctx: Context<MutationUpdateAssetArgs, UpdateAssetStash, { result: AssetItem | null }>): DynamoDBUpdateItemRequest {
  if (ctx.prev.result === null) {
    runtime.earlyReturn(null, { skipTo: 'END' });
  }
  const { expectedVersion, name, description, tags, title } = ctx.args.input;
  const sets = ['#version = :version', '#updatedAt = :updatedAt'];
  const names: Record<string, string> = { '#version': 'version', '#updatedAt': 'updatedAt' };
  const values: Record<string, unknown> = { ':version': expectedVersion + 1, ':updatedAt': util.time.nowISO8601() };
  // Left out or null: unchanged. An empty description or title, or an empty tag list, clears it.
  if (name !== undefined && name !== null) {
    sets.push('#name = :name');
    names['#name'] = 'name';
    values[':name'] = name;
  }
  if (description !== undefined && description !== null) {
    sets.push('#description = :description');
    names['#description'] = 'description';
    values[':description'] = description.length > 0 ? description : null;
  }
  if (title !== undefined && title !== null) {
    sets.push('#title = :title');
    names['#title'] = 'title';
    values[':title'] = title.length > 0 ? title : null;
  }
  if (tags !== undefined && tags !== null) {
    sets.push('#tags = :tags');
    names['#tags'] = 'tags';
    values[':tags'] = tags.length > 0 ? tags : null;
  }
  const versionCondition = expectedVersion === 1 ? '(attribute_not_exists(#version) OR #version = :expected)' : '#version = :expected';
  return {
    operation: 'UpdateItem',
    key: util.dynamodb.toMapValues({ id: ctx.stash.id }),
    update: { expression: `SET ${sets.join(', ')}`, expressionNames: names, expressionValues: util.dynamodb.toMapValues(values) },
    condition: {
      expression: `#owner = :owner AND #status IN (:ready, :pending) AND ${versionCondition}`,
      expressionNames: { '#owner': 'owner', '#status': 'status', '#version': 'version' },
      expressionValues: util.dynamodb.toMapValues({ ':owner': ctx.stash.owner, ':ready': 'READY', ':pending': 'PENDING', ':expected': expectedVersion }),
    },
  };
}

export function response(
  ctx: Context<MutationUpdateAssetArgs, UpdateAssetStash, { result: AssetItem }, undefined, AssetItem | null>,
): AssetItem | null {
  if (ctx.error) {
    if (ctx.error.type !== CONDITIONAL_CHECK_FAILED) {
      util.error(ctx.error.message, ctx.error.type);
    }
    const stored = ctx.result ?? null;
    if (stored === null) {
      // Deleted since it was read.
      return null;
    }
    assertUpdatable(stored, ctx.stash.owner, ctx.args.input.expectedVersion);
    // The condition failed although the stored item now passes: it changed and changed back meanwhile.
    util.error(`Asset ${stored.id} changed while it was being updated; read it again and retry`, CONFLICT_ERROR, null, { currentVersion: stored.version ?? 1 });
  }
  const item = ctx.result;
  const { tags } = ctx.args.input;
  if (item !== null && tags !== undefined && tags !== null) {
    const before = ctx.prev.result.tags;
    ctx.stash.tagChange = {
      owner: item.owner,
      assetId: item.id,
      createdAt: item.createdAt,
      put: tagsMissingFrom(before, item.tags),
      remove: tagsMissingFrom(item.tags, before),
      expiresAt: item.expiresAt ?? null,
    };
  }
  return item;
}
