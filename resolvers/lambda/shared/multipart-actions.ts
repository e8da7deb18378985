/**
 * The assetUrls Lambda's multipart actions: createMultipartUpload (createUpload above the
 * threshold), mintPartUrls (uploadPartUrls), listParts (uploadedParts), completeMultipartUpload
 * (finishUpload) and abortMultipartUpload (abortUpload).
 */
import type { BucketConfig, UrlRules } from './config.ts';
import { assertAssetKey, RefusedError } from './asset-key.ts';
import type { Presigner } from './presign.ts';
import type { ListedPart, MultipartClient, S3Outcome } from './multipart.ts';
import { assertAllowedContentType, assertChecksum, assertPartSize, assertSize, assertUploadId, describe, isRecord, MAX_PARTS } from './payload-checks.ts';

export interface PartUrlResult {
  readonly partNumber: number;
  readonly url: string;
  readonly method: 'PUT';
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly expiresAt: string;
}

/** What the multipart actions read. */
export interface MultipartDeps {
  readonly bucket: BucketConfig;
  readonly rules: UrlRules;
  readonly presigner: Presigner;
  readonly multipart: MultipartClient;
  readonly now: () => Date;
}

export async function createMultipartUpload(deps: MultipartDeps, payload: Record<string, unknown>): Promise<{ uploadId: string }> {
  const { bucket, rules, multipart } = deps;
  const key = assertAssetKey(payload['key'], bucket.keyPrefix);
  const contentType = assertAllowedContentType(payload['contentType'], rules.allowedContentTypes);
  const size = assertSize(payload['size'], rules.maxUploadBytes);
  assertPartSize(payload['partSize'], size);
  const checksum = assertChecksum(payload['checksumSha256'], 'checksumSha256');
  // With a SHA-256, S3 keeps one per part and checks each part against the one its URL carries.
  const uploadId = await multipart.create(key, contentType, checksum === null ? null : 'SHA256');
  return { uploadId };
}

export async function mintPartUrls(deps: MultipartDeps, payload: Record<string, unknown>): Promise<PartUrlResult[]> {
  const { bucket, rules, presigner, now } = deps;
  const key = assertAssetKey(payload['key'], bucket.keyPrefix);
  const uploadId = assertUploadId(payload['uploadId']);
  const size = assertSize(payload['size'], rules.maxUploadBytes);
  const partSize = assertPartSize(payload['partSize'], size);
  const partCount = Math.ceil(size / partSize);
  const notAfter = Date.parse(String(payload['notAfter']));
  const secondsLeft = Math.floor((notAfter - now().getTime()) / 1000);
  if (!Number.isFinite(secondsLeft) || secondsLeft < 1) throw new RefusedError(`notAfter must be a future time, got ${describe(payload['notAfter'])}`);
  const parts = payload['parts'];
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > 100) throw new RefusedError(`parts must hold 1 to 100 parts, got ${describe(parts)}`);
  const expiresInSeconds = Math.min(rules.uploadUrlExpirySeconds, secondsLeft);
  return Promise.all(
    parts.map(async (part: unknown) => {
      const partNumber = isRecord(part) ? part['partNumber'] : undefined;
      if (typeof partNumber !== 'number' || !Number.isSafeInteger(partNumber) || partNumber < 1 || partNumber > partCount) {
        throw new RefusedError(`partNumber must be an integer from 1 to ${partCount}, got ${describe(partNumber)}`);
      }
      const checksumSha256 = assertChecksum(isRecord(part) ? part['checksumSha256'] : undefined, `checksumSha256 of part ${partNumber}`);
      const partBytes = Math.min(partSize, size - (partNumber - 1) * partSize);
      const presigned = await presigner.presignUploadPart({ key, uploadId, partNumber, size: partBytes, checksumSha256, expiresInSeconds });
      return { partNumber, url: presigned.url, method: 'PUT' as const, headers: presigned.headers, expiresAt: presigned.expiresAt };
    }),
  );
}

export async function listParts(deps: MultipartDeps, payload: Record<string, unknown>): Promise<ListedPart[]> {
  return deps.multipart.listParts(assertAssetKey(payload['key'], deps.bucket.keyPrefix), assertUploadId(payload['uploadId']));
}

export async function completeMultipartUpload(deps: MultipartDeps, payload: Record<string, unknown>): Promise<S3Outcome> {
  const key = assertAssetKey(payload['key'], deps.bucket.keyPrefix);
  const uploadId = assertUploadId(payload['uploadId']);
  const parts = payload['parts'];
  if (!Array.isArray(parts) || parts.length < 1 || parts.length > MAX_PARTS) throw new RefusedError(`parts must hold 1 to ${MAX_PARTS} parts, got ${describe(parts)}`);
  const completed = parts.map((part: unknown) => {
    const partNumber = isRecord(part) ? part['partNumber'] : undefined;
    const etag = isRecord(part) ? part['etag'] : undefined;
    if (typeof partNumber !== 'number' || !Number.isSafeInteger(partNumber) || typeof etag !== 'string' || etag === '') {
      throw new RefusedError(`each part needs a partNumber and an etag, got ${describe(part)}`);
    }
    return { partNumber, etag, checksumSha256: assertChecksum(isRecord(part) ? part['checksumSha256'] : undefined, `checksumSha256 of part ${partNumber}`) };
  });
  return deps.multipart.complete(key, uploadId, completed);
}

export async function abortMultipartUpload(deps: MultipartDeps, payload: Record<string, unknown>): Promise<S3Outcome> {
  return deps.multipart.abort(assertAssetKey(payload['key'], deps.bucket.keyPrefix), assertUploadId(payload['uploadId']));
}
