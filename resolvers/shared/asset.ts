/** The asset item as stored in the `assets` table, and the types shared by the asset resolvers. */
import type { Asset, AssetStatus, DownloadDisposition, UploadTicket } from '../../generated/schema-types.ts';

/**
 * One row of the `assets` table. It carries every `Asset` field except `downloadUrl` (resolved by
 * the Lambda), plus the object `key` (read by `Asset.downloadUrl`) and `expiresAt`, the TTL
 * attribute (epoch seconds) that removes PENDING and REJECTED assets; READY assets have none.
 */
export type AssetItem = Omit<Asset, 'downloadUrl' | 'version' | 'title'> & {
  readonly key: string;
  readonly expiresAt?: number;
  /** Absent on items written before versions existed: read as 1 (`toAsset`). */
  readonly version?: number;
  /** Absent on items written before titles existed. */
  readonly title?: string | null;
  /** A multipart upload's S3 UploadId: kept server-side, never returned (no schema field). */
  readonly uploadId?: string | null;
  /** A multipart upload's part size and count (`MultipartUpload`). */
  readonly partSize?: number | null;
  readonly partCount?: number | null;
  /** When a multipart upload stops accepting parts (ISO-8601). */
  readonly uploadExpiresAt?: string | null;
};

/** An item as the API returns it: `version` always set (see `toAsset` in `./asset-view.ts`). */
export type AssetView = Omit<AssetItem, 'version'> & { readonly version: number };

export type { AssetStatus, DownloadDisposition, UploadTicket };

/** `errorType` of our own input validation errors. */
export const VALIDATION_ERROR = 'ValidationError';
/** completeUpload's answer to a repeated object-created event: the asset is no longer PENDING. */
export const ALREADY_COMPLETED = 'AlreadyCompleted';

/** updateAsset's answer to a stale `expectedVersion`; `errorInfo.currentVersion` holds the stored one. */
export const CONFLICT_ERROR = 'ConflictError';
/** updateAsset's answer for an asset that is neither READY nor PENDING; `errorInfo.status` holds its status. */
export const INVALID_STATUS_ERROR = 'InvalidStatusError';
/** Keys BatchGetItem left unprocessed even after the retry (`errorInfo.ids`). */
export const UNPROCESSED_KEYS_ERROR = 'DynamoDB:UnprocessedKeys';

/** `ctx.error.type` of a failed DynamoDB condition (docs/APPSYNC-BEHAVIOUR.md#dynamodb-errors). */
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
  | {
      readonly action: 'mintDownloadUrl';
      readonly key: string;
      readonly name: string;
      readonly disposition: DownloadDisposition;
      readonly contentType: string;
    }
  | { readonly action: 'deleteObject'; readonly key: string }
  | MultipartPayload;

/** Payloads of the multipart actions of the `assetUrls` Lambda. */
export type MultipartPayload =
  | {
      readonly action: 'createMultipartUpload';
      readonly key: string;
      readonly contentType: string;
      readonly size: number;
      readonly partSize: number;
      readonly checksumSha256: string | null;
    }
  | {
      readonly action: 'mintPartUrls';
      readonly key: string;
      readonly uploadId: string;
      readonly size: number;
      readonly partSize: number;
      /** The URLs expire no later than this (the upload's `expiresAt`). */
      readonly notAfter: string;
      readonly parts: readonly { readonly partNumber: number; readonly checksumSha256: string | null }[];
    }
  | { readonly action: 'listParts'; readonly key: string; readonly uploadId: string }
  | {
      readonly action: 'completeMultipartUpload';
      readonly key: string;
      readonly uploadId: string;
      readonly parts: readonly { readonly partNumber: number; readonly etag: string; readonly checksumSha256: string | null }[];
    }
  | { readonly action: 'abortMultipartUpload'; readonly key: string; readonly uploadId: string };

/** What the Lambda answers to `createMultipartUpload`. */
export interface MultipartStarted {
  readonly uploadId: string;
}

/**
 * What the Lambda answers to `completeMultipartUpload` and `abortMultipartUpload`: done, or S3's
 * refusal (`code` is S3's error code: InvalidPart, InvalidPartOrder, EntityTooSmall, NoSuchUpload),
 * which the resolver raises with the code as `errorType`.
 */
export type MultipartOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly code: string; readonly message: string; readonly partNumber: number | null };

/** `errorType` when a multipart field is asked of an asset that is not a PENDING multipart upload. */
export const NOT_MULTIPART_ERROR = 'InvalidStatusError';

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
