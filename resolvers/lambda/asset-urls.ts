/**
 * The assetUrls Lambda: the AppSync Lambda data source behind createUpload (mintUploadUrl, or
 * createMultipartUpload above the multipart threshold), Asset.downloadUrl (mintDownloadUrl,
 * batched), deleteAsset (deleteObject) and the multipart fields uploadPartUrls (mintPartUrls),
 * uploadedParts (listParts), finishUpload (completeMultipartUpload) and abortUpload
 * (abortMultipartUpload).
 *
 * - Invoke: the event is one payload; the answer is its result, and a failure is thrown (AppSync
 *   shows it as `Lambda:Unhandled` with our message, docs/APPSYNC-BEHAVIOUR.md#lambda-errors).
 * - BatchInvoke: the event is an array of payloads; the answer is an array of the same length and
 *   order, each `{ data }` or `{ data: null, errorMessage, errorType }` (docs/APPSYNC-BEHAVIOUR.md#lambda-batchinvoke), so one bad item does
 *   not fail its siblings.
 *
 * An upload ticket writes once: it signs `If-None-Match: *`, so S3 refuses a second PUT to the key
 * with 412 PreconditionFailed (`shared/presign.ts`,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-writes.html).
 *
 * Keys, content types and sizes are checked again here: the Lambda's IAM role can write anywhere
 * under the prefix, so it must not mint URLs for anything the resolvers would have refused.
 */
import { loadAwsContext, loadBucketConfig, loadUrlRules, type Env } from './shared/config.ts';
import { assertAssetKey, isRefusedError, RefusedError } from './shared/asset-key.ts';
import { createPresigner } from './shared/presign.ts';
import { createSignedFetch, type SignedFetch } from './shared/sign-fetch.ts';
import { objectRequest } from './shared/s3-object.ts';
import { createMultipartClient, type ListedPart, type S3Outcome } from './shared/multipart.ts';

/** What the handler may take from outside, for hosts and tests. */
export interface HandlerDeps {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The clock used for signatures and expiry times. @default () => new Date() */
  readonly now?: () => Date;
}

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

export interface BatchItemResult {
  readonly data: unknown;
  readonly errorMessage?: string;
  readonly errorType?: string;
}

const CHECKSUM_SHA256 = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;
const MIB = 1024 * 1024;
/** S3's part limits: https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html */
const MIN_PART_BYTES = 5 * MIB;
const MAX_PART_BYTES = 5 * 1024 * MIB;
const MAX_PARTS = 10_000;

export interface PartUrlResult {
  readonly partNumber: number;
  readonly url: string;
  readonly method: 'PUT';
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly expiresAt: string;
}

// Own copy, not api/guards.ts: the Lambda bundle is built on its own and stays free of host modules.
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Builds the handler from an environment (the host's `lambdaEnvironment` plus AWS_* variables). */
export function createHandler(env: Env, deps: HandlerDeps = {}): (event: unknown) => Promise<unknown> {
  const aws = loadAwsContext(env);
  const bucket = loadBucketConfig(env);
  const rules = loadUrlRules(env);
  const now = deps.now ?? (() => new Date());
  const presigner = createPresigner(aws, bucket, now);
  const s3Fetch: SignedFetch = createSignedFetch(aws, { service: 's3', s3: true, fetch: deps.fetch ?? fetch, now });
  const multipart = createMultipartClient(aws, bucket, s3Fetch);

  function assertSize(size: unknown): number {
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > rules.maxUploadBytes) {
      throw new RefusedError(`size must be an integer from 1 to ${rules.maxUploadBytes}, got ${describe(size)}`);
    }
    return size;
  }

  function assertUploadId(uploadId: unknown): string {
    if (typeof uploadId !== 'string' || uploadId === '' || uploadId.length > 1024) {
      throw new RefusedError(`uploadId must be a non-empty string, got ${describe(uploadId)}`);
    }
    return uploadId;
  }

  function assertChecksum(value: unknown, field: string): string | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' || !CHECKSUM_SHA256.test(value)) throw new RefusedError(`${field} must be base64 of 32 bytes, got ${describe(value)}`);
    return value;
  }

  /** A part size S3 accepts that splits `size` into at most 10,000 parts. */
  function assertPartSize(partSize: unknown, size: number): number {
    if (typeof partSize !== 'number' || !Number.isSafeInteger(partSize) || partSize < MIN_PART_BYTES || partSize > MAX_PART_BYTES || Math.ceil(size / partSize) > MAX_PARTS) {
      throw new RefusedError(`partSize must be an integer from ${MIN_PART_BYTES} to ${MAX_PART_BYTES} that splits ${size} bytes into at most ${MAX_PARTS} parts, got ${describe(partSize)}`);
    }
    return partSize;
  }

  async function createMultipartUpload(payload: Record<string, unknown>): Promise<{ uploadId: string }> {
    const key = assertAssetKey(payload['key'], bucket.keyPrefix);
    const contentType = payload['contentType'];
    if (typeof contentType !== 'string' || !rules.allowedContentTypes.includes(contentType)) {
      throw new RefusedError(`contentType ${describe(contentType)} is not allowed`);
    }
    const size = assertSize(payload['size']);
    assertPartSize(payload['partSize'], size);
    const checksum = assertChecksum(payload['checksumSha256'], 'checksumSha256');
    // With a SHA-256, S3 keeps one per part and checks each part against the one its URL carries.
    const uploadId = await multipart.create(key, contentType, checksum === null ? null : 'SHA256');
    return { uploadId };
  }

  async function mintPartUrls(payload: Record<string, unknown>): Promise<PartUrlResult[]> {
    const key = assertAssetKey(payload['key'], bucket.keyPrefix);
    const uploadId = assertUploadId(payload['uploadId']);
    const size = assertSize(payload['size']);
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

  async function listParts(payload: Record<string, unknown>): Promise<ListedPart[]> {
    return multipart.listParts(assertAssetKey(payload['key'], bucket.keyPrefix), assertUploadId(payload['uploadId']));
  }

  async function completeMultipartUpload(payload: Record<string, unknown>): Promise<S3Outcome> {
    const key = assertAssetKey(payload['key'], bucket.keyPrefix);
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
    return multipart.complete(key, uploadId, completed);
  }

  async function abortMultipartUpload(payload: Record<string, unknown>): Promise<S3Outcome> {
    return multipart.abort(assertAssetKey(payload['key'], bucket.keyPrefix), assertUploadId(payload['uploadId']));
  }

  async function mintUploadUrl(payload: Record<string, unknown>): Promise<UploadTicketResult> {
    const key = assertAssetKey(payload['key'], bucket.keyPrefix);
    const { contentType, size, checksumSha256 } = payload;
    if (typeof contentType !== 'string' || !rules.allowedContentTypes.includes(contentType)) {
      throw new RefusedError(`contentType ${describe(contentType)} is not allowed`);
    }
    assertSize(size);
    if (typeof size !== 'number' || size > rules.multipartThresholdBytes) {
      throw new RefusedError(`size above ${rules.multipartThresholdBytes} bytes goes in a multipart upload, got ${describe(size)}`);
    }
    if (checksumSha256 !== undefined && checksumSha256 !== null && (typeof checksumSha256 !== 'string' || !CHECKSUM_SHA256.test(checksumSha256))) {
      throw new RefusedError(`checksumSha256 must be base64 of 32 bytes, got ${describe(checksumSha256)}`);
    }
    const presigned = await presigner.presignUpload({
      key,
      contentType,
      size,
      checksumSha256: checksumSha256 ?? null,
      expiresInSeconds: rules.uploadUrlExpirySeconds,
    });
    return { url: presigned.url, method: 'PUT', headers: presigned.headers, expiresAt: presigned.expiresAt };
  }

  async function mintDownloadUrl(payload: Record<string, unknown>): Promise<DownloadUrlResult> {
    const key = assertAssetKey(payload['key'], bucket.keyPrefix);
    const name = payload['name'];
    if (typeof name !== 'string' || name === '') {
      throw new RefusedError(`name must be a non-empty string, got ${describe(name)}`);
    }
    const disposition = payload['disposition'] ?? 'ATTACHMENT';
    if (disposition !== 'ATTACHMENT' && disposition !== 'INLINE') {
      throw new RefusedError(`disposition must be ATTACHMENT or INLINE, got ${describe(disposition)}`);
    }
    const contentType = payload['contentType'];
    if (disposition === 'INLINE' && (typeof contentType !== 'string' || !rules.allowedContentTypes.includes(contentType))) {
      throw new RefusedError(`contentType ${describe(contentType)} is not allowed`);
    }
    const presigned = await presigner.presignDownload({
      key,
      fileName: name,
      expiresInSeconds: rules.downloadUrlExpirySeconds,
      ...(disposition === 'INLINE' && typeof contentType === 'string' ? { disposition: 'inline' as const, contentType } : {}),
    });
    return { url: presigned.url, expiresAt: presigned.expiresAt };
  }

  async function deleteObject(payload: Record<string, unknown>): Promise<DeleteObjectResult> {
    const key = assertAssetKey(payload['key'], bucket.keyPrefix);
    const response = await s3Fetch(objectRequest(bucket, aws.region, key, { method: 'DELETE' }));
    const body = await response.text();
    // S3 answers 204 whether or not the object existed.
    if (!response.ok) {
      throw new Error(`S3 DeleteObject ${key} failed: HTTP ${response.status} ${body.slice(0, 300)}`);
    }
    return { key, deleted: true };
  }

  async function run(payload: unknown): Promise<unknown> {
    if (!isRecord(payload)) {
      throw new RefusedError(`payload must be an object, got ${describe(payload)}`);
    }
    switch (payload['action']) {
      case 'mintUploadUrl':
        return mintUploadUrl(payload);
      case 'mintDownloadUrl':
        return mintDownloadUrl(payload);
      case 'deleteObject':
        return deleteObject(payload);
      case 'createMultipartUpload':
        return createMultipartUpload(payload);
      case 'mintPartUrls':
        return mintPartUrls(payload);
      case 'listParts':
        return listParts(payload);
      case 'completeMultipartUpload':
        return completeMultipartUpload(payload);
      case 'abortMultipartUpload':
        return abortMultipartUpload(payload);
      default:
        throw new RefusedError(
          `action must be mintUploadUrl, mintDownloadUrl, deleteObject, createMultipartUpload, mintPartUrls, listParts, completeMultipartUpload or abortMultipartUpload, got ${describe(payload['action'])}`,
        );
    }
  }

  async function runBatchItem(payload: unknown): Promise<BatchItemResult> {
    try {
      return { data: await run(payload) };
    } catch (e) {
      const error = e instanceof Error ? e : new Error(String(e));
      return { data: null, errorMessage: error.message, errorType: isRefusedError(error) ? error.errorType : 'Lambda:Unhandled' };
    }
  }

  return async function assetUrlsHandler(event: unknown): Promise<unknown> {
    if (Array.isArray(event)) {
      return Promise.all(event.map(runBatchItem));
    }
    return run(event);
  };
}

let handlerFromProcessEnv: ((event: unknown) => Promise<unknown>) | undefined;

/** The Lambda entry point: reads `process.env` once, on the first event. */
export async function handler(event: unknown): Promise<unknown> {
  handlerFromProcessEnv ??= createHandler(process.env);
  return handlerFromProcessEnv(event);
}
