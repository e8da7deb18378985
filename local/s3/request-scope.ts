/**
 * Which verified requests may reach s3rver: object requests on the one bucket, for keys under the
 * asset prefix, that map to a file inside the bucket folder. s3rver joins the decoded bucket name,
 * key, upload id and part number onto file paths, and the local credentials are published, so the
 * front refuses everything else with S3's error shape before s3rver sees it.
 *
 * - Service- and bucket-level requests (ListBuckets, CreateBucket, DeleteBucket, ListObjects, any
 *   `?policy`, `?cors`, `?acl` … on the bucket, POST form uploads, DeleteObjects) are AccessDenied:
 *   the deployed stack grants its Lambdas only s3:GetObject, s3:PutObject and s3:DeleteObject
 *   (`api/definition.ts`), and clients only hold presigned object URLs.
 * - A bucket segment that is not a valid bucket name is InvalidBucketName, as in S3
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html); another valid
 *   name is AccessDenied.
 * - A key that cannot name a file inside the bucket (malformed escapes, empty, `.` or `..` segments,
 *   segments of only dots and spaces, a backslash or a control character) is InvalidURI. S3 itself
 *   stores such keys literally; this store refuses them because it keeps objects as files.
 * - A key outside `<keyPrefix>/` is AccessDenied.
 * - `uploadId` must be one this store hands out (NoSuchUpload otherwise), `partNumber` an integer
 *   from 1 to 10000 (InvalidArgument), and `x-amz-copy-source` must pass the same checks as the key.
 *
 * Codes and messages: https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html and the
 * operation pages (UploadPart, CopyObject) of the S3 API reference.
 */
import { S3Error } from './s3-errors.ts';
import { uriEncode } from './sigv4-canonical.ts';

export interface RequestScopeOptions {
  /** The only bucket requests may name. */
  readonly bucketName: string;
  /** Keys must start with `<keyPrefix>/` (no leading or trailing `/`). */
  readonly keyPrefix: string;
}

/** What the front checks of a request whose signature it has verified. */
export interface ScopedRequestHead {
  /** The path as received, percent-encoded. */
  readonly rawPath: string;
  /** Decoded query parameters, in order. */
  readonly query: readonly (readonly [string, string])[];
  /** Values by lower-case name (node's `req.headersDistinct`). */
  readonly headers: Readonly<Record<string, readonly string[] | undefined>>;
}

export interface ObjectTarget {
  readonly bucket: string;
  /** The decoded key, checked. */
  readonly key: string;
  /** `/<bucket>/<key>`, re-encoded so that s3rver's router decodes exactly `key`. */
  readonly path: string;
  /** `x-amz-copy-source` re-encoded so that s3rver's `decodeURI` yields the checked source; undefined without the header. */
  readonly copySource: string | undefined;
}

/** Upload ids as s3rver makes them (`crypto.randomBytes(16).toString('hex')`). */
const UPLOAD_ID = /^[0-9a-f]{32}$/;
/** UploadPart: "Part numbers can be any number from 1 to 10,000, inclusive." */
const MAX_PART_NUMBER = 10_000;

const accessDenied = (): S3Error => new S3Error('AccessDenied', 'Access Denied');
const invalidUri = (): S3Error => new S3Error('InvalidURI', "Couldn't parse the specified URI.");

export type RequestScope = (head: ScopedRequestHead) => ObjectTarget;

export function createRequestScope(options: RequestScopeOptions): RequestScope {
  const prefix = `${options.keyPrefix}/`;

  function assertInScope(bucket: string, key: string): void {
    if (bucket !== options.bucketName || !key.startsWith(prefix)) throw accessDenied();
  }

  return function scopeRequest(head) {
    const match = /^\/([^/]*)(?:\/(.*))?$/s.exec(head.rawPath);
    if (match === null) throw invalidUri();
    const [, rawBucket = '', rawKey] = match;
    // `GET /` (ListBuckets) and `//…`.
    if (rawBucket === '') throw accessDenied();
    const bucket = decodeStrict(rawBucket);
    if (bucket === undefined) throw invalidUri();
    if (!isValidBucketName(bucket)) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.', [['BucketName', bucket]]);
    if (bucket !== options.bucketName) throw accessDenied();
    if (rawKey === undefined || rawKey === '') throw accessDenied();
    const key = decodeStrict(rawKey);
    if (key === undefined || !isSafeObjectKey(key)) throw invalidUri();
    assertInScope(bucket, key);

    for (const [name, value] of head.query) {
      if (name === 'uploadId' && !UPLOAD_ID.test(value)) {
        throw new S3Error('NoSuchUpload', 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.', [['UploadId', value]]);
      }
      if (name === 'partNumber' && !isPartNumber(value)) {
        throw new S3Error('InvalidArgument', `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`, [['ArgumentName', 'partNumber'], ['ArgumentValue', value]]);
      }
    }

    const copySourceValues = head.headers['x-amz-copy-source'];
    let copySource: string | undefined;
    if (copySourceValues !== undefined) {
      const raw = copySourceValues.join(',');
      const source = copySourceValues.length === 1 ? parseCopySource(raw) : undefined;
      if (source === undefined) {
        throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey', [['ArgumentName', 'x-amz-copy-source'], ['ArgumentValue', raw]]);
      }
      assertInScope(source.bucket, source.key);
      // s3rver reads the header with decodeURI, which encodeURI inverts exactly.
      copySource = `/${source.bucket}/${encodeURI(source.key)}`;
    }

    return { bucket, key, path: `/${bucket}/${uriEncode(key, false)}`, copySource };
  };
}

/**
 * A key every segment of which names a plain file or folder: no empty segment (so no leading `/`),
 * no segment made only of dots and spaces (`.`, `..`, `...`, `.. `: Windows also drops trailing
 * dots and spaces), no backslash (a separator on Windows) and no control character (NUL ends a
 * path in the OS). Shared with the store's own check (`confined-store.ts`).
 */
export function isSafeObjectKey(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const code = key.charCodeAt(i);
    if (code < 0x20 || code === 0x7f || code === 0x5c) return false;
  }
  return key.split('/').every((segment) => segment.replace(/[. ]+$/, '') !== '');
}

/** S3's general purpose bucket naming rules (lower-case letters, digits, `.` and `-`; 3 to 63 characters; no `..`; not an IP address). */
export function isValidBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) && !name.includes('..') && !/^\d+\.\d+\.\d+\.\d+$/.test(name);
}

function isPartNumber(value: string): boolean {
  return /^[1-9]\d{0,4}$/.test(value) && Number(value) <= MAX_PART_NUMBER;
}

/** `[/]bucket/key[?versionId=…]`, URL-encoded, as CopyObject and UploadPartCopy take it; undefined when malformed or unsafe. */
function parseCopySource(value: string): { bucket: string; key: string } | undefined {
  const withoutVersion = value.replace(/\?versionId=[^?]*$/, '');
  const match = /^\/?([^/]+)\/(.+)$/s.exec(withoutVersion);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  const bucket = decodeStrict(match[1]);
  const key = decodeStrict(match[2]);
  if (bucket === undefined || key === undefined || !isValidBucketName(bucket) || !isSafeObjectKey(key)) return undefined;
  return { bucket, key };
}

function decodeStrict(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}
