/**
 * Pipeline function queryAssetTags (data source: the assetTags table) of Query.listAssets with `tag`:
 * one Query on the partition `<owner>#<tag>`, newest first (sort key `<createdAt>#<id>`), `limit`
 * items from `nextToken` — never a Scan, so a page costs the same however many assets there are. The
 * asset ids go to the stash for batchGetAssets; the page's token to the after handler. Skipped (the
 * previous result passed on) without a tag.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import type { QueryListAssetsArgs } from '../../generated/schema-types.ts';
import type { ListAssetsStash } from '../shared/stash.ts';
import { tagPartition, type TagItem } from '../shared/tags.ts';

export function request(ctx: Context<QueryListAssetsArgs, ListAssetsStash, { result: unknown }>): DynamoDBQueryRequest {
  const { nextToken, tag } = ctx.args;
  if (tag === undefined || tag === null) {
    runtime.earlyReturn(ctx.prev.result);
  }
  const query: DynamoDBQueryRequest = {
    operation: 'Query',
    query: {
      expression: '#ownerTag = :ownerTag',
      expressionNames: { '#ownerTag': 'ownerTag' },
      expressionValues: util.dynamodb.toMapValues({ ':ownerTag': tagPartition(ctx.stash.owner, tag) }),
    },
    scanIndexForward: false,
    limit: ctx.stash.limit,
  };
  if (nextToken !== undefined && nextToken !== null) {
    query.nextToken = nextToken;
  }
  return query;
}

export function response(
  ctx: Context<QueryListAssetsArgs, ListAssetsStash, { result: unknown }, undefined, { items: TagItem[]; nextToken?: string | null }>,
): null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const ids = ctx.result.items.map((item) => item.assetId);
  ctx.stash.taggedIds = ids;
  ctx.stash.tagNextToken = ctx.result.nextToken ?? null;
  ctx.stash.batch = { ids: ids.filter((id, index) => ids.indexOf(id) === index), items: [], unprocessedIds: [] };
  return null;
}
