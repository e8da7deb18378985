/**
 * Pipeline function deleteAssetItem (data source: the assets table): removes the item once its
 * object is gone, still only the caller's own. Answers with the item as marked (status DELETING).
 */
import { util } from '@aws-appsync/utils';
import type { Context, DynamoDBDeleteItemRequest } from '@aws-appsync/utils';
import type { MutationDeleteAssetArgs } from '../../generated/schema-types.ts';
import type { AssetItem } from '../shared/asset.ts';
import { passOnPrevResult } from '../shared/pipeline.ts';
import type { DeleteAssetStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash>): DynamoDBDeleteItemRequest {
  return {
    operation: 'DeleteItem',
    key: util.dynamodb.toMapValues({ id: ctx.stash.id }),
    condition: {
      expression: '#owner = :owner',
      expressionNames: { '#owner': 'owner' },
      expressionValues: util.dynamodb.toMapValues({ ':owner': ctx.stash.owner }),
    },
  };
}

export function response(
  ctx: Context<MutationDeleteAssetArgs, DeleteAssetStash, { result: AssetItem }, undefined, unknown>,
): AssetItem {
  return passOnPrevResult(ctx);
}
