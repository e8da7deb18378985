/**
 * Subscription.onAssetUpdated(id) (NONE data source), published by completeUpload and deleteAsset.
 * The enhanced filter delivers changes of that one asset, and only when the subscriber owns it.
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context, NONERequest } from '@aws-appsync/utils';
import type { SubscriptionOnAssetUpdatedArgs } from '../generated/schema-types.ts';
import { requireOwner } from './shared/owner.ts';

export function request(): NONERequest {
  return { payload: null };
}

export function response(ctx: Context<SubscriptionOnAssetUpdatedArgs>): null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const owner = requireOwner(ctx);
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ id: { eq: ctx.args.id }, owner: { eq: owner } }));
  return null;
}
