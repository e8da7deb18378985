/**
 * s3rver's filesystem store, confined to its folder: every path it derives from a bucket name, a
 * key, an upload id or a part number is checked to stay where it belongs before any read, write or
 * delete. The front (`request-scope.ts`) already refuses such requests; this is the second line,
 * so a gap there, or a route of s3rver's the front did not foresee, fails with s3rver's
 * InternalError instead of touching files outside the store.
 */
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';
import { isSafeObjectKey } from './request-scope.ts';

export class ConfinedFilesystemStore extends FilesystemStore {
  /** A bucket folder is one plain folder directly under the root. */
  override getBucketPath(bucketName: string): string {
    const path = super.getBucketPath(bucketName);
    assertDirectChild(this.rootDirectory, path, `bucket ${JSON.stringify(bucketName)}`);
    return path;
  }

  /** An object's files (and the bucket's `._S3rver_*` settings when `key` is empty) lie inside the bucket folder. */
  override getResourcePath(bucket: string, key = '', resource?: string): string {
    if (key !== '' && !isSafeObjectKey(key)) throw escapeError(`key ${JSON.stringify(key)}`, this.rootDirectory);
    const path = super.getResourcePath(bucket, key, resource);
    assertInside(this.getBucketPath(bucket), path, `key ${JSON.stringify(key)}`);
    return path;
  }

  override initiateUpload(bucket: string, key: string, uploadId: string, metadata: unknown): Promise<void> {
    this.assertUploadPath(bucket, uploadId);
    return super.initiateUpload(bucket, key, uploadId, metadata);
  }

  override putPart(bucket: string, uploadId: string, partNumber: number | string, content: unknown): Promise<{ size: number; md5: string }> {
    this.assertUploadPath(bucket, uploadId, String(partNumber));
    return super.putPart(bucket, uploadId, partNumber, content);
  }

  override putObjectMultipart(bucket: string, uploadId: string, parts: unknown): Promise<{ size: number; md5: string }> {
    this.assertUploadPath(bucket, uploadId);
    return super.putObjectMultipart(bucket, uploadId, parts);
  }

  /** s3rver keeps an upload in `<bucket>/._S3rver_uploads/<uploadId>/<partNumber>`: one folder level each. */
  private assertUploadPath(bucket: string, uploadId: unknown, partNumber?: string): void {
    const uploads = this.getResourcePath(bucket, undefined, 'uploads');
    const what = `upload ${JSON.stringify(uploadId)}`;
    if (typeof uploadId !== 'string') throw escapeError(what, this.rootDirectory);
    const uploadDir = resolve(uploads, uploadId);
    assertDirectChild(uploads, uploadDir, what);
    if (partNumber !== undefined) assertDirectChild(uploadDir, resolve(uploadDir, partNumber), `part ${JSON.stringify(partNumber)} of ${what}`);
  }
}

/** `child` is strictly inside `parent` once both are resolved. */
function assertInside(parent: string, child: string, what: string): void {
  const rel = relative(resolve(parent), resolve(child));
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) throw escapeError(what, parent);
}

/** `child` is exactly one plain name below `parent` (no separator, not `.` or `..`, no NUL). */
function assertDirectChild(parent: string, child: string, what: string): void {
  const resolved = resolve(child);
  if (dirname(resolved) !== resolve(parent) || resolved.includes('\0')) throw escapeError(what, parent);
}

function escapeError(what: string, root: string): Error {
  return new Error(`S3 store: ${what} does not map to a path inside ${root}; refused before touching the file system`);
}
