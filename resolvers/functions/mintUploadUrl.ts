/**
 * Pipeline function mintUploadUrl (data source: the assetUrls Lambda). Asks the Lambda for a
 * presigned PUT URL for the key decided by the before handler; the ticket goes to the stash.
 */
import { util } from '@aws-appsync/utils';
import type { Context, LambdaRequest } from '@aws-appsync/utils';
import type { MutationCreateUploadArgs } from '../../generated/schema-types.ts';
import type { AssetUrlsPayload, UploadTicket } from '../shared/asset.ts';
import type { CreateUploadStash } from '../shared/stash.ts';

export function request(ctx: Context<MutationCreateUploadArgs, CreateUploadStash>): LambdaRequest {
  const { key, contentType, size, checksumSha256 } = ctx.stash.asset;
  const payload: AssetUrlsPayload = { action: 'mintUploadUrl', key, contentType, size, checksumSha256 };
  return { operation: 'Invoke', payload };
}

export function response(
  ctx: Context<MutationCreateUploadArgs, CreateUploadStash, { result: unknown }, undefined, UploadTicket | null>,
): UploadTicket {
  if (ctx.error) {
    util.error(ctx.error.message, ctx.error.type);
  }
  const ticket = ctx.result;
  if (ticket === null || typeof ticket !== 'object' || typeof ticket.url !== 'string' || typeof ticket.expiresAt !== 'string') {
    util.error('mintUploadUrl: the Lambda returned no upload ticket', 'Lambda:InvalidResponse');
  }
  ctx.stash.upload = ticket;
  return ticket;
}
