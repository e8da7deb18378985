/** Pipeline function deleteObject (data source: the assetUrls Lambda): removes the asset's object. */
import { runtime } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationDeleteAssetArgs } from '../../generated/schema-types.ts';
import type { AssetItem, AssetUrlsPayload } from '../shared/asset.ts';
import { passOnPrevResult } from '../shared/pipeline.ts';
import type { DeleteAssetStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash, { result: AssetItem | null }>): LambdaRequest {
  const item = ctx.prev.result;
  if (item === null) {
    runtime.earlyReturn(null, { skipTo: 'END' });
  }
  const payload: AssetUrlsPayload = { action: 'deleteObject', key: item.key };
  return { operation: 'Invoke', payload };
}

export function response(
  ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash, { result: AssetItem }, undefined, unknown>,
): AssetItem {
  return passOnPrevResult(ctx);
}
