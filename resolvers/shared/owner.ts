/**
 * Who owns what the caller creates and reads. Under Cognito user pools the owner is the user's `sub`;
 * every API-key caller shares the one owner `apikey` (explorers and local development: one shared
 * sandbox, documented in schema.graphql); IAM callers are the backend and own nothing (they may only
 * call `completeUpload`). `util.authType()` strings: docs/APPSYNC-BEHAVIOUR.md#multi-auth-default-and-additional-modes.
 */
import { util } from '@aws-appsync/utils';
import type { AppSyncIdentityCognito, Identity } from '@aws-appsync/utils';

/** The owner of every asset created with an API key. */
export const API_KEY_OWNER = 'apikey';

/** The caller's owner id, or null when the caller's auth mode owns no assets (IAM, OIDC, Lambda). */
export function ownerOf(ctx: { readonly identity: Identity }): string | null {
  const authType = util.authType();
  if (authType === 'API Key Authorization') {
    return API_KEY_OWNER;
  }
  if (authType === 'User Pool Authorization') {
    const sub = (ctx.identity as AppSyncIdentityCognito | null)?.sub;
    if (typeof sub === 'string' && sub.length > 0) {
      return sub;
    }
  }
  return null;
}

/** The caller's owner id; raises AppSync's `Unauthorized` error for callers that own nothing. */
export function requireOwner(ctx: { readonly identity: Identity }): string {
  const owner = ownerOf(ctx);
  if (owner === null) {
    util.unauthorized();
  }
  return owner;
}
