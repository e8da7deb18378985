/**
 * Pipeline function queryAssetsByOwner (data source: the assets table) of Query.listAssets without
 * `tag`: the caller's assets, newest first, through the `byOwner` GSI (owner, createdAt) — a Query,
 * never a Scan. `nextToken` is AppSync's opaque token. Filters on status and content type apply after
 * the key condition, so a page may hold fewer than `limit` items while `nextToken` is still set
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results). Skipped (null) when a tag is given.
 */
import { runtime, util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import type { QueryListAssetsArgs } from '../../generated/schema-types.ts';
import type { AssetItem } from '../shared/asset.ts';
import type { ListAssetsStash } from '../shared/stash.ts';

export function request(ctx: Context<QueryListAssetsArgs, ListAssetsStash>): DynamoDBQueryRequest {
  const { nextToken, status, contentType, tag } = ctx.args;
  if (tag !== undefined && tag !== null) {
    runtime.earlyReturn(null);
  }
  const filters: string[] = [];
  const filterNames: Record<string, string> = {};
  const filterValues: Record<string, string> = {};
  if (status !== undefined && status !== null) {
    filters.push('#status = :status');
    filterNames['#status'] = 'status';
    filterValues[':status'] = status;
  }
  if (contentType !== undefined && contentType !== null) {
    filters.push('#contentType = :contentType');
    filterNames['#contentType'] = 'contentType';
    filterValues[':contentType'] = contentType;
  }
  const query: DynamoDBQueryRequest = {
    operation: 'Query',
    index: 'byOwner',
    query: {
      expression: '#owner = :owner',
      expressionNames: { '#owner': 'owner' },
      expressionValues: util.dynamodb.toMapValues({ ':owner': ctx.stash.owner }),
    },
    scanIndexForward: false,
    limit: ctx.stash.limit,
  };
  if (nextToken !== undefined && nextToken !== null) {
    query.nextToken = nextToken;
  }
  if (filters.length > 0) {
    query.filter = {
      expression: filters.join(' AND '),
      expressionNames: filterNames,
      expressionValues: util.dynamodb.toMapValues(filterValues),
    };
  }
  return query;
}

export function response(
  ctx: Context<QueryListAssetsArgs, ListAssetsStash, { result: unknown }, undefined, { items: AssetItem[]; nextToken?: string | null }>,
): { items: AssetItem[]; nextToken: string | null } {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return { items: ctx.result.items, nextToken: ctx.result.nextToken ?? null };
}
