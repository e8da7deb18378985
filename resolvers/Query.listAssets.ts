/**
 * Query.listAssets (data source: the assets table): the caller's assets, newest first, through the
 * `byOwner` GSI (owner, createdAt) — a Query, never a Scan. `nextToken` is AppSync's opaque token.
 * Filters on status and content type apply after the key condition, so a page may hold fewer than
 * `limit` items while `nextToken` is still set (spec/appsync-runtime.md §5.2).
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBQueryRequest } from '@aws-appsync/utils';
import type { QueryListAssetsArgs } from '../generated/schema-types.ts';
import { VALIDATION_ERROR, type AssetItem } from './shared/asset.ts';
import { requireOwner } from './shared/owner.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export function request(ctx: Context<QueryListAssetsArgs>): DynamoDBQueryRequest {
  const owner = requireOwner(ctx);
  const { limit, nextToken, status, contentType } = ctx.args;
  if (limit !== undefined && limit !== null && limit < 1) {
    util.error(`limit must be at least 1, got ${limit}`, VALIDATION_ERROR);
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
      expressionValues: util.dynamodb.toMapValues({ ':owner': owner }),
    },
    scanIndexForward: false,
    limit: Math.min(limit ?? DEFAULT_LIMIT, MAX_LIMIT),
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
  ctx: Context<QueryListAssetsArgs, Record<string, never>, undefined, undefined, { items: AssetItem[]; nextToken?: string | null }>,
): { items: AssetItem[]; nextToken: string | null } {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  return { items: ctx.result.items, nextToken: ctx.result.nextToken ?? null };
}
