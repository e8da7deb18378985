/**
 * The on-disk records of the local multipart uploads (`multipart-store.ts`): one folder
 * `<uploadsDir>/<uploadId>/` per upload with `upload.json` and one `<n>.json` per part, and the
 * S3 errors that name them (https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html).
 */
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChecksumAlgorithm } from './checksums.ts';
import { S3Error } from './s3-errors.ts';

/** S3: every part but the last is at least 5 MiB; a part is at most 5 GiB (https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html). */
export const MIN_PART_BYTES = 5 * 1024 * 1024;
export const MAX_PART_BYTES = 5 * 1024 * 1024 * 1024;

export interface UploadRecord {
  readonly key: string;
  /** Content-Type and `x-amz-meta-*` given at CreateMultipartUpload; stored on the object. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly checksumAlgorithm: ChecksumAlgorithm | null;
  readonly initiated: string;
}

export interface PartRecord {
  readonly partNumber: number;
  /** Quoted MD5 hex, as S3 answers it. */
  readonly etag: string;
  readonly size: number;
  /** Base64 digest of the upload's checksum algorithm, or null. */
  readonly checksum: string | null;
  readonly lastModified: string;
  /** The file holding the part's bytes: `data` (the shared slot file) or a file of its own. */
  readonly file: string;
  /** Where the part starts in `file`; absent (0) in records written before slots existed. */
  readonly offset?: number;
}

export interface CompletedPartRequest {
  readonly partNumber: number;
  readonly etag: string;
  readonly checksum: string | null;
}

export interface AssembledObject {
  readonly etag: string;
  readonly size: number;
  readonly checksum: string | null;
}

const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** The shared slot file of an upload (part files are `part-<hex>`). */
export const SLOT_FILE = 'data';

export function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', [['UploadId', uploadId]]);
}

export function invalidPart(uploadId: string, part: CompletedPartRequest): S3Error {
  return new S3Error(
    'InvalidPart',
    "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    [['UploadId', uploadId], ['PartNumber', String(part.partNumber)], ['ETag', part.etag]],
  );
}

/** `"abc"` and `abc` name the same ETag (S3 compares without quotes). */
export function bareEtag(etag: string): string {
  return etag.replace(/"/g, '');
}

/** The upload's folder; NoSuchUpload for an id that is not one of ours (it never names a path). */
export function uploadDirOf(uploadsDir: string, uploadId: string): string {
  if (!UPLOAD_ID.test(uploadId)) throw noSuchUpload(uploadId);
  return join(uploadsDir, uploadId);
}

/** Creates the upload's folder and `upload.json`; the id is the caller's fresh random one. */
export async function createUploadRecord(uploadsDir: string, uploadId: string, key: string, metadata: Record<string, string>, checksumAlgorithm: ChecksumAlgorithm | null): Promise<void> {
  const dir = uploadDirOf(uploadsDir, uploadId);
  await mkdir(dir, { recursive: true });
  const record: UploadRecord = { key, metadata, checksumAlgorithm, initiated: new Date().toISOString() };
  await writeFile(join(dir, 'upload.json'), JSON.stringify(record));
}

export async function readUpload(uploadsDir: string, uploadId: string, key: string): Promise<UploadRecord> {
  let record: UploadRecord;
  try {
    record = JSON.parse(await readFile(join(uploadDirOf(uploadsDir, uploadId), 'upload.json'), 'utf8')) as UploadRecord;
  } catch {
    throw noSuchUpload(uploadId);
  }
  // S3 refuses an upload id used with another key the same way.
  if (record.key !== key) throw noSuchUpload(uploadId);
  return record;
}

export async function readPart(uploadsDir: string, uploadId: string, partNumber: number): Promise<PartRecord | null> {
  try {
    return JSON.parse(await readFile(join(uploadDirOf(uploadsDir, uploadId), `${partNumber}.json`), 'utf8')) as PartRecord;
  } catch {
    return null;
  }
}

/** The upload's stored parts in part-number order. */
export async function listPartRecords(uploadsDir: string, uploadId: string, key: string): Promise<PartRecord[]> {
  await readUpload(uploadsDir, uploadId, key);
  let names: string[];
  try {
    names = await readdir(uploadDirOf(uploadsDir, uploadId));
  } catch {
    throw noSuchUpload(uploadId);
  }
  const numbers = names.flatMap((name) => (/^\d+\.json$/.test(name) ? [Number(name.slice(0, -5))] : [])).sort((a, b) => a - b);
  const parts = await Promise.all(numbers.map((n) => readPart(uploadsDir, uploadId, n)));
  return parts.filter((p): p is PartRecord => p !== null);
}

/** Upload ids whose `upload.json` was written before `before`. */
export async function uploadsInitiatedBefore(uploadsDir: string, before: Date): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(uploadsDir);
  } catch {
    return [];
  }
  const old: string[] = [];
  for (const name of names.filter((n) => UPLOAD_ID.test(n))) {
    const info = await stat(join(uploadsDir, name, 'upload.json')).catch(() => null);
    if (info !== null && info.mtime < before) old.push(name);
  }
  return old;
}
