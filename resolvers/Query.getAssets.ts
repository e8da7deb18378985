/**
 * Query.getAssets (pipeline: batchGetAssets -> retryUnprocessedAssets): up to 100 of the caller's
 * assets in one BatchGetItem, answered in the order asked. An id that does not exist or belongs to
 * another owner is null at its position, not an error. A repeated id is read once and answered at
 * each of its positions. Ids DynamoDB left unprocessed twice are null, with one
 * `DynamoDB:UnprocessedKeys` error naming them (`errorInfo.ids`), so the client can ask again.
 */
import { util } from '@aws-appsync/utils';
import type { Context } from '@aws-appsync/utils';
import type { QueryGetAssetsArgs } from '../generated/schema-types.ts';
import { UNPROCESSED_KEYS_ERROR, VALIDATION_ERROR, type AssetView } from './shared/asset.ts';
import { toAsset } from './shared/asset-view.ts';
import { BATCH_GET_MAX_KEYS, findAsset, indexAssets } from './shared/batch.ts';
import { requireOwner } from './shared/owner.ts';
import type { GetAssetsStash } from './shared/stash.ts';

export function request(ctx: Context<QueryGetAssetsArgs, GetAssetsStash>): Record<string, never> {
  ctx.stash.owner = requireOwner(ctx);
  const { ids } = ctx.args;
  if (ids.length > BATCH_GET_MAX_KEYS) {
    util.error(`ids: at most ${BATCH_GET_MAX_KEYS} ids per call, got ${ids.length}`, VALIDATION_ERROR);
  }
  // BatchGetItem refuses a key named twice: read each id once.
  ctx.stash.batch = { ids: ids.filter((id, index) => ids.indexOf(id) === index), items: [], unprocessedIds: [] };
  return {};
}

export function response(ctx: Context<QueryGetAssetsArgs, GetAssetsStash>): (AssetView | null)[] {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const batch = ctx.stash.batch;
  const items = batch?.items ?? [];
  const unprocessedIds = batch?.unprocessedIds ?? [];
  if (unprocessedIds.length > 0) {
    util.appendError(`${unprocessedIds.length} id(s) could not be read in this request; ask for them again`, UNPROCESSED_KEYS_ERROR, null, { ids: unprocessedIds });
  }
  const index = indexAssets(items);
  return ctx.args.ids.map((id) => {
    const item = findAsset(index, id);
    return item !== null && item.owner === ctx.stash.owner ? toAsset(item) : null;
  });
}
