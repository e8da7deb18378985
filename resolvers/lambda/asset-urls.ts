/**
 * The assetUrls Lambda: the AppSync Lambda data source behind createUpload (mintUploadUrl),
 * Asset.downloadUrl (mintDownloadUrl, batched) and deleteAsset (deleteObject).
 *
 * - Invoke: the event is one payload; the answer is its result, and a failure is thrown (AppSync
 *   shows it as `Lambda:Unhandled` with our message, spec/appsync-runtime.md §6.3).
 * - BatchInvoke: the event is an array of payloads; the answer is an array of the same length and
 *   order, each `{ data }` or `{ data: null, errorMessage, errorType }` (§6.1), so one bad item does
 *   not fail its siblings.
 *
 * Keys, content types and sizes are checked again here: the Lambda's IAM role can write anywhere
 * under the prefix, so it must not mint URLs for anything the resolvers would have refused.
 */
import { loadAwsContext, loadBucketConfig, loadUrlRules, type Env } from './shared/config.ts';
import { assertAssetKey, isRefusedError, RefusedError } from './shared/asset-key.ts';
import { createPresigner } from './shared/presign.ts';
import { createSignedFetch, type SignedFetch } from './shared/sign-fetch.ts';
import { objectRequest } from './shared/s3-object.ts';

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

  async function mintUploadUrl(payload: Record<string, unknown>): Promise<UploadTicketResult> {
    const key = assertAssetKey(payload['key'], bucket.keyPrefix);
    const { contentType, size, checksumSha256 } = payload;
    if (typeof contentType !== 'string' || !rules.allowedContentTypes.includes(contentType)) {
      throw new RefusedError(`contentType ${describe(contentType)} is not allowed`);
    }
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > rules.maxUploadBytes) {
      throw new RefusedError(`size must be an integer from 1 to ${rules.maxUploadBytes}, got ${describe(size)}`);
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
    const presigned = await presigner.presignDownload({ key, fileName: name, expiresInSeconds: rules.downloadUrlExpirySeconds });
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
      default:
        throw new RefusedError(`action must be mintUploadUrl, mintDownloadUrl or deleteObject, got ${describe(payload['action'])}`);
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
