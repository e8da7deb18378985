/**
 * Checks on the assetUrls Lambda's payload fields. Each throws `RefusedError` naming the field and
 * the value received, so AppSync shows the caller what was wrong.
 */
import { RefusedError } from './asset-key.ts';

const CHECKSUM_SHA256 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const MIB = 1024 * 1024;
/** S3's part limits: https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
const MIN_PART_BYTES = 5 * MIB;
const MAX_PART_BYTES = 5 * 1024 * MIB;
export const MAX_PARTS = 10_000;

// Own copy, not api/guards.ts: the Lambda bundle is built on its own and stays free of host modules.
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A received value as an error message quotes it. */
export function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Whether `value` is base64 of a 32-byte SHA-256. */
export function isChecksumSha256(value: unknown): value is string {
  return typeof value === 'string' && CHECKSUM_SHA256.test(value);
}

export function assertSize(size: unknown, maxUploadBytes: number): number {
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > maxUploadBytes) {
    throw new RefusedError(`size must be an integer from 1 to ${maxUploadBytes}, got ${describe(size)}`);
  }
  return size;
}

export function assertUploadId(uploadId: unknown): string {
  if (typeof uploadId !== 'string' || uploadId === '' || uploadId.length > 1024) {
    throw new RefusedError(`uploadId must be a non-empty string, got ${describe(uploadId)}`);
  }
  return uploadId;
}

export function assertChecksum(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (!isChecksumSha256(value)) throw new RefusedError(`${field} must be base64 of 32 bytes, got ${describe(value)}`);
  return value;
}

/** A part size S3 accepts that splits `size` into at most 10,000 parts. */
export function assertPartSize(partSize: unknown, size: number): number {
  if (typeof partSize !== 'number' || !Number.isSafeInteger(partSize) || partSize < MIN_PART_BYTES || partSize > MAX_PART_BYTES || Math.ceil(size / partSize) > MAX_PARTS) {
    throw new RefusedError(`partSize must be an integer from ${MIN_PART_BYTES} to ${MAX_PART_BYTES} that splits ${size} bytes into at most ${MAX_PARTS} parts, got ${describe(partSize)}`);
  }
  return partSize;
}

export function assertAllowedContentType(contentType: unknown, allowedContentTypes: readonly string[]): string {
  if (typeof contentType !== 'string' || !allowedContentTypes.includes(contentType)) {
    throw new RefusedError(`contentType ${describe(contentType)} is not allowed`);
  }
  return contentType;
}
