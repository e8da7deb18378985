/**
 * The assetUrls Lambda's single-object actions: mintUploadUrl (createUpload below the multipart
 * threshold), mintDownloadUrl (Asset.downloadUrl) and deleteObject (deleteAsset).
 */
import type { AwsContext, BucketConfig, UrlRules } from './config.ts';
import { assertAssetKey, RefusedError } from './asset-key.ts';
import type { Presigner } from './presign.ts';
import type { SignedFetch } from './sign-fetch.ts';
import { objectRequest } from './s3-object.ts';
import { assertAllowedContentType, assertChecksum, assertSize, describe } from './payload-checks.ts';

export interface UploadTicketResult {
  readonly url: string;
  readonly method: 'PUT';
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly expiresAt: string;
}

export interface DownloadUrlResult {
  readonly url: string;
  readonly expiresAt: string;
}

export interface DeleteObjectResult {
  readonly key: string;
  readonly deleted: true;
}

/** What the URL-minting actions read. */
export interface PresignDeps {
  readonly bucket: BucketConfig;
  readonly rules: UrlRules;
  readonly presigner: Presigner;
}

export async function mintUploadUrl(deps: PresignDeps, payload: Record<string, unknown>): Promise<UploadTicketResult> {
  const { bucket, rules, presigner } = deps;
  const key = assertAssetKey(payload['key'], bucket.keyPrefix);
  const { size } = payload;
  const contentType = assertAllowedContentType(payload['contentType'], rules.allowedContentTypes);
  assertSize(size, rules.maxUploadBytes);
  if (typeof size !== 'number' || size > rules.multipartThresholdBytes) {
    throw new RefusedError(`size above ${rules.multipartThresholdBytes} bytes goes in a multipart upload, got ${describe(size)}`);
  }
  const checksumSha256 = assertChecksum(payload['checksumSha256'], 'checksumSha256');
  const presigned = await presigner.presignUpload({
    key,
    contentType,
    size,
    checksumSha256,
    expiresInSeconds: rules.uploadUrlExpirySeconds,
  });
  return { url: presigned.url, method: 'PUT', headers: presigned.headers, expiresAt: presigned.expiresAt };
}

export async function mintDownloadUrl(deps: PresignDeps, payload: Record<string, unknown>): Promise<DownloadUrlResult> {
  const { bucket, rules, presigner } = deps;
  const key = assertAssetKey(payload['key'], bucket.keyPrefix);
  const name = payload['name'];
  if (typeof name !== 'string' || name === '') {
    throw new RefusedError(`name must be a non-empty string, got ${describe(name)}`);
  }
  const disposition = payload['disposition'] ?? 'ATTACHMENT';
  if (disposition !== 'ATTACHMENT' && disposition !== 'INLINE') {
    throw new RefusedError(`disposition must be ATTACHMENT or INLINE, got ${describe(disposition)}`);
  }
  const contentType = disposition === 'INLINE' ? assertAllowedContentType(payload['contentType'], rules.allowedContentTypes) : null;
  const presigned = await presigner.presignDownload({
    key,
    fileName: name,
    expiresInSeconds: rules.downloadUrlExpirySeconds,
    ...(contentType !== null ? { disposition: 'inline' as const, contentType } : {}),
  });
  return { url: presigned.url, expiresAt: presigned.expiresAt };
}

/** What deleteObject reads: not `PresignDeps`, since it signs one S3 request and presigns nothing (narrow deps, STYLE 5). */
export interface DeleteDeps {
  readonly aws: AwsContext;
  readonly bucket: BucketConfig;
  readonly s3Fetch: SignedFetch;
}

export async function deleteObject(deps: DeleteDeps, payload: Record<string, unknown>): Promise<DeleteObjectResult> {
  const { aws, bucket, s3Fetch } = deps;
  const key = assertAssetKey(payload['key'], bucket.keyPrefix);
  const response = await s3Fetch(objectRequest(bucket, aws.region, key, { method: 'DELETE' }));
  const body = await response.text();
  // S3 answers 204 whether or not the object existed.
  if (!response.ok) {
    throw new Error(`S3 DeleteObject ${key} failed: HTTP ${response.status} ${body.slice(0, 300)}`);
  }
  return { key, deleted: true };
}
