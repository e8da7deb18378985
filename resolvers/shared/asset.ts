/** The asset item as stored in the `assets` table, and the types shared by the asset resolvers. */
import type { Asset, AssetStatus, UploadTicket } from '../../generated/schema-types.ts';

/**
 * One row of the `assets` table. It carries every `Asset` field except `downloadUrl` (resolved by
 * the Lambda), plus the object `key` (read by `Asset.downloadUrl`) and `expiresAt`, the TTL
 * attribute (epoch seconds) that removes PENDING and REJECTED assets; READY assets have none.
 */
export type AssetItem = Omit<Asset, 'downloadUrl'> & {
  readonly key: string;
  readonly expiresAt?: number;
};

export type { AssetStatus, UploadTicket };

/** `errorType` of our own input validation errors. */
export const VALIDATION_ERROR = 'ValidationError';
/** completeUpload's answer to a repeated object-created event: the asset is no longer PENDING. */
export const ALREADY_COMPLETED = 'AlreadyCompleted';

/** `ctx.error.type` of a failed DynamoDB condition (spec/appsync-runtime.md §5.3). */
export const CONDITIONAL_CHECK_FAILED = 'DynamoDB:ConditionalCheckFailedException';

/** Payloads sent to the `assetUrls` Lambda, one per action. */
export type AssetUrlsPayload =
  | {
      readonly action: 'mintUploadUrl';
      readonly key: string;
      readonly contentType: string;
      readonly size: number;
      readonly checksumSha256: string | null;
    }
  | { readonly action: 'mintDownloadUrl'; readonly key: string; readonly name: string }
  | { readonly action: 'deleteObject'; readonly key: string };

/** One element of the Lambda's BatchInvoke answer: `data`, or the documented error members. */
export interface BatchItemResult<T> {
  readonly data: T | null;
  readonly errorMessage?: string;
  readonly errorType?: string;
}

/** What `mintDownloadUrl` answers. */
export interface DownloadUrl {
  readonly url: string;
  readonly expiresAt: string;
}
