/**
 * Subscription.onAssetCreated (NONE data source), published by completeUpload. The enhanced filter
 * delivers only READY assets of the subscriber's own owner (docs/APPSYNC-BEHAVIOUR.md#js-extensions).
 */
import { extensions, util } from '@aws-appsync/utils';
import type { Context, NONERequest } from '@aws-appsync/utils';
import { requireOwner } from './shared/owner.ts';

export function request(): NONERequest {
  return { payload: null };
}

export function response(ctx: Context<Record<string, never>>): null {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const owner = requireOwner(ctx);
  extensions.setSubscriptionFilter(util.transform.toSubscriptionFilter({ owner: { eq: owner }, status: { eq: 'READY' } }));
  return null;
}
