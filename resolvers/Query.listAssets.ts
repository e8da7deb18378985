/**
 * Query.listAssets (pipeline: queryAssetsByOwner | queryAssetTags -> batchGetAssets ->
 * retryUnprocessedAssets): the caller's assets, newest first. Without `tag`, one Query on the
 * `byOwner` GSI. With `tag`, one Query on the tag items of `<owner>#<tag>` (exact, case-sensitive),
 * then one BatchGetItem of their assets, answered in the tag items' order; an asset that is gone, is
 * another owner's or no longer carries the tag (a crash between writing an asset and its tag items)
 * is left out, and so are those the status and content-type filters reject, so a page may hold fewer
 * than `limit` items while `nextToken` is still set, as without a tag
 * (docs/APPSYNC-BEHAVIOUR.md#dynamodb-requests-and-results).
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryListAssetsArgs } from '../generated/schema-types.ts';
import { UNPROCESSED_KEYS_ERROR, VALIDATION_ERROR, type AssetItem, type AssetView } from './shared/asset.ts';
import { toAsset } from './shared/asset-view.ts';
import { findAsset, indexAssets } from './shared/batch.ts';
import { requireOwner } from './shared/owner.ts';
import type { ListAssetsStash } from './shared/stash.ts';
import { isValidTag, TAG_MAX_LENGTH } from './shared/validate.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

export function request(ctx: Context<QueryListAssetsArgs, ListAssetsStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  const { limit, tag } = ctx.args;
  if (limit !== undefined && limit !== null && limit < 1) {
    util.error(`limit must be at least 1, got ${limit}`, VALIDATION_ERROR);
  }
  if (tag !== undefined && tag !== null && !isValidTag(tag)) {
    util.error(`tag must be 1-${TAG_MAX_LENGTH} characters without control characters, got "${tag}"`, VALIDATION_ERROR);
  }
  ctx.stash.limit = Math.min(limit ?? DEFAULT_LIMIT, MAX_LIMIT);
  return {};
}

export function response(
  ctx: Context<QueryListAssetsArgs, ListAssetsStash, { result: { items: AssetItem[]; nextToken: string | null } | null }>,
): { items: AssetView[]; nextToken: string | null } {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const { tag, status, contentType } = ctx.args;
  if (tag === undefined || tag === null) {
    const page = ctx.prev.result;
    return { items: (page?.items ?? []).map((item) => toAsset(item)), nextToken: page?.nextToken ?? null };
  }
  const batch = ctx.stash.batch;
  const found = batch?.items ?? [];
  const unprocessedIds = batch?.unprocessedIds ?? [];
  if (unprocessedIds.length > 0) {
    util.appendError(`${unprocessedIds.length} asset(s) of this page could not be read; ask for the page again`, UNPROCESSED_KEYS_ERROR, null, { ids: unprocessedIds });
  }
  const items: AssetView[] = [];
  const index = indexAssets(found);
  (ctx.stash.taggedIds ?? []).forEach((id) => {
    const item = findAsset(index, id);
    if (
      item !== null &&
      item.owner === ctx.stash.owner &&
      (item.tags ?? []).indexOf(tag) !== -1 &&
      (status === undefined || status === null || item.status === status) &&
      (contentType === undefined || contentType === null || item.contentType === contentType)
    ) {
      items.push(toAsset(item));
    }
  });
  return { items, nextToken: ctx.stash.tagNextToken ?? null };
}
