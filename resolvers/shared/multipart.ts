/**
 * Multipart uploads as the resolvers plan and check them. S3's limits: parts of 5 MiB to 5 GiB
 * (the last may be smaller), at most 10,000 parts, part numbers 1 to 10,000
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html).
 */
import { util } from '@aws-appsync/utils';
import { VALIDATION_ERROR } from './asset.ts';
import { isBase64Sha256 } from './validate.ts';

export const MAX_PARTS = 10000;
export const MIB = 1048576;
/** Part URLs per `uploadPartUrls` call. */
export const MAX_PART_URLS_PER_CALL = 100;

export interface PartPlan {
  readonly partSize: number;
  readonly partCount: number;
}

/**
 * The parts of a `size`-byte upload: `partBytes` each, grown in whole MiB when `size` would need
 * more than 10,000 parts; null when the file goes in one PUT (`size` up to `thresholdBytes`).
 */
export function planParts(size: number, thresholdBytes: number, partBytes: number): PartPlan | null {
  if (size <= thresholdBytes) {
    return null;
  }
  const smallestFitting = Math.ceil(size / MAX_PARTS / MIB) * MIB;
  const partSize = smallestFitting > partBytes ? smallestFitting : partBytes;
  return { partSize, partCount: Math.ceil(size / partSize) };
}

/** Bytes in part `partNumber` (1-based) of an upload planned as `partSize` × `partCount` for `size` bytes. */
export function partLength(size: number, partSize: number, partNumber: number): number {
  const start = (partNumber - 1) * partSize;
  const rest = size - start;
  return rest < partSize ? rest : partSize;
}

function fail(message: string): never {
  return util.error(message, VALIDATION_ERROR);
}

function isWholeNumberIn(value: number, min: number, max: number): boolean {
  return Number.isFinite(value) && Math.floor(value) === value && value >= min && value <= max;
}

/** `uploadPartUrls` arguments that need no stored item: 1-100 distinct part numbers of 1-10,000; checksums, if given, one per part. */
export function validatePartUrlsArgs(partNumbers: number[], checksumsSha256: string[] | null | undefined): void {
  if (partNumbers.length < 1 || partNumbers.length > MAX_PART_URLS_PER_CALL) {
    fail(`partNumbers must hold 1 to ${MAX_PART_URLS_PER_CALL} part numbers, got ${partNumbers.length}`);
  }
  const bad = partNumbers.find((n) => !isWholeNumberIn(n, 1, MAX_PARTS));
  if (bad !== undefined) {
    fail(`partNumbers: each must be an integer from 1 to ${MAX_PARTS}, got ${bad}`);
  }
  const repeated = partNumbers.find((n, index) => partNumbers.indexOf(n) !== index);
  if (repeated !== undefined) {
    fail(`partNumbers: each part number may appear once, got ${repeated} twice`);
  }
  if (checksumsSha256 !== undefined && checksumsSha256 !== null) {
    if (checksumsSha256.length !== partNumbers.length) {
      fail(`checksumsSha256 must hold one checksum per part number (${partNumbers.length}), got ${checksumsSha256.length}`);
    }
    if (!checksumsSha256.every((c) => isBase64Sha256(c))) {
      fail('checksumsSha256: each must be the base64 encoding of 32 bytes (a SHA-256 digest)');
    }
  }
}

export interface CompletedPartArg {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksumSha256?: string | null;
}

/** `finishUpload` parts that need no stored item: 1-10,000 parts, part numbers 1-10,000, ETags of 1-1024 characters. Order is S3's to check. */
export function validateCompletedParts(parts: CompletedPartArg[]): void {
  if (parts.length < 1 || parts.length > MAX_PARTS) {
    fail(`parts must hold 1 to ${MAX_PARTS} parts, got ${parts.length}`);
  }
  const badNumber = parts.find((p) => !isWholeNumberIn(p.partNumber, 1, MAX_PARTS));
  if (badNumber !== undefined) {
    fail(`parts: each partNumber must be an integer from 1 to ${MAX_PARTS}, got ${badNumber.partNumber}`);
  }
  const badEtag = parts.find((p) => p.etag.length < 1 || p.etag.length > 1024);
  if (badEtag !== undefined) {
    fail(`parts: the etag of part ${badEtag.partNumber} must be 1-1024 characters`);
  }
  const badChecksum = parts.find((p) => p.checksumSha256 !== undefined && p.checksumSha256 !== null && !isBase64Sha256(p.checksumSha256));
  if (badChecksum !== undefined) {
    fail(`parts: the checksumSha256 of part ${badChecksum.partNumber} must be the base64 encoding of 32 bytes`);
  }
}
