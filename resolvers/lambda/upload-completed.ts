/**
 * The uploadCompleted Lambda: receives S3's "Object Created" event through EventBridge, reads the
 * object's Content-Type (HEAD), and reports the object to the API with the IAM-only `completeUpload`
 * mutation (SigV4, service `appsync`). The API decides READY or REJECTED; when it answers REJECTED,
 * or null (no asset waits for this object), the object is deleted, so no bytes stay without metadata.
 *
 * Failures are thrown, never swallowed: EventBridge then retries the event, and completeUpload is
 * idempotent (an asset that is no longer PENDING comes back unchanged).
 *
 * Event shape (EventBridge, S3 "Object Created"; keys are not URL-encoded, unlike S3's direct
 * notifications): `{ source: 'aws.s3', 'detail-type': 'Object Created',
 *   detail: { bucket: { name }, object: { key, size, etag, sequencer }, reason: 'PutObject', ... } }`.
 */
import { loadAwsContext, loadBucketConfig, loadGraphqlUrl, type Env } from './shared/config.ts';
import { parseAssetKey } from './shared/asset-key.ts';
import { COMPLETE_UPLOAD_MUTATION, type CompletedAsset } from './shared/complete-upload-mutation.ts';
import { createSignedFetch, httpRequest } from './shared/sign-fetch.ts';
import { ALREADY_COMPLETED } from '../shared/asset.ts';
import { objectRequest } from './shared/s3-object.ts';

export interface HandlerDeps {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The clock used for signatures. @default () => new Date() */
  readonly now?: () => Date;
}

/** What S3 reported about the new object. */
export interface CreatedObject {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
}

/** What the handler did, for logs and tests. */
export type UploadCompletedResult =
  | { readonly outcome: 'IGNORED'; readonly key: string; readonly reason: string }
  | { readonly outcome: 'GONE'; readonly key: string }
  | { readonly outcome: 'COMPLETED'; readonly key: string; readonly status: CompletedAsset['status'] | null; readonly deleted: boolean }
  /** A repeated event: the API had already completed the asset (S3 and EventBridge deliver at least once). */
  | { readonly outcome: 'ALREADY_COMPLETED'; readonly key: string; readonly status: CompletedAsset['status']; readonly deleted: boolean };

/** What completeUpload answered: the asset (or null), or the status of an asset completed before. */
type CompletionAnswer =
  | { readonly kind: 'completed'; readonly asset: CompletedAsset | null }
  | { readonly kind: 'already'; readonly status: CompletedAsset['status'] };

const COMPLETED_STATUSES: readonly string[] = ['READY', 'REJECTED', 'DELETING'];

/** The status carried by an `AlreadyCompleted` error list, or null when the errors are anything else. */
function alreadyCompletedStatus(errors: readonly unknown[]): CompletedAsset['status'] | null {
  const [first] = errors;
  if (errors.length !== 1 || !isRecord(first) || first['errorType'] !== ALREADY_COMPLETED) return null;
  const info = first['errorInfo'];
  const status = isRecord(info) ? info['status'] : undefined;
  return typeof status === 'string' && COMPLETED_STATUSES.includes(status) ? (status as CompletedAsset['status']) : null;
}

// Own copy, not api/guards.ts: the Lambda bundle is built on its own and stays free of host modules.
function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Narrows an EventBridge S3 "Object Created" event; throws, naming the member that is wrong. */
export function parseObjectCreatedEvent(event: unknown): CreatedObject {
  if (!isRecord(event) || event['source'] !== 'aws.s3' || event['detail-type'] !== 'Object Created') {
    throw new Error(`expected an EventBridge event with source "aws.s3" and detail-type "Object Created"`);
  }
  const detail = event['detail'];
  const bucket = isRecord(detail) && isRecord(detail['bucket']) ? detail['bucket']['name'] : undefined;
  const object = isRecord(detail) && isRecord(detail['object']) ? detail['object'] : undefined;
  if (typeof bucket !== 'string' || bucket === '') {
    throw new Error('event.detail.bucket.name must be a non-empty string');
  }
  if (object === undefined || typeof object['key'] !== 'string' || object['key'] === '') {
    throw new Error('event.detail.object.key must be a non-empty string');
  }
  const size = object['size'];
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
    throw new Error(`event.detail.object.size must be a non-negative integer, got ${JSON.stringify(size)}`);
  }
  return { bucket, key: object['key'], size };
}

/** Builds the handler from an environment (the host's `lambdaEnvironment` plus AWS_* variables). */
export function createHandler(env: Env, deps: HandlerDeps = {}): (event: unknown) => Promise<UploadCompletedResult> {
  const aws = loadAwsContext(env);
  const bucket = loadBucketConfig(env);
  const graphqlUrl = loadGraphqlUrl(env);
  const now = deps.now ?? (() => new Date());
  const fetchImpl = deps.fetch ?? fetch;
  const s3Fetch = createSignedFetch(aws, { service: 's3', s3: true, fetch: fetchImpl, now });
  const apiFetch = createSignedFetch(aws, { service: 'appsync', s3: false, fetch: fetchImpl, now });

  /** The object's Content-Type, or null when the object is gone. */
  async function headObject(key: string): Promise<{ contentType: string | null } | null> {
    const response = await s3Fetch(objectRequest(bucket, aws.region, key, { method: 'HEAD' }));
    if (response.status === 404) {
      return null;
    }
    if (!response.ok) {
      throw new Error(`S3 HeadObject ${key} failed: HTTP ${response.status}`);
    }
    return { contentType: response.headers.get('content-type') };
  }

  async function deleteObject(key: string): Promise<void> {
    const response = await s3Fetch(objectRequest(bucket, aws.region, key, { method: 'DELETE' }));
    const body = await response.text();
    if (!response.ok) {
      throw new Error(`S3 DeleteObject ${key} failed: HTTP ${response.status} ${body.slice(0, 300)}`);
    }
  }

  async function completeUpload(input: { key: string; size: number; contentType: string | null }): Promise<CompletionAnswer> {
    const body = JSON.stringify({ query: COMPLETE_UPLOAD_MUTATION, operationName: 'CompleteUpload', variables: { input } });
    const response = await apiFetch(httpRequest(graphqlUrl, 'POST', { 'content-type': 'application/json' }, body));
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`completeUpload: HTTP ${response.status}, body is not JSON: ${text.slice(0, 300)}`);
    }
    const errors = isRecord(json) ? json['errors'] : undefined;
    const already = response.ok && Array.isArray(errors) ? alreadyCompletedStatus(errors) : null;
    if (already !== null) return { kind: 'already', status: already };
    if (!response.ok || (Array.isArray(errors) && errors.length > 0)) {
      throw new Error(`completeUpload failed: HTTP ${response.status} ${JSON.stringify(errors ?? json).slice(0, 500)}`);
    }
    const data = isRecord(json) ? json['data'] : undefined;
    if (!isRecord(data) || !Object.hasOwn(data, 'completeUpload')) {
      throw new Error(`completeUpload: the response has no data.completeUpload: ${text.slice(0, 300)}`);
    }
    return { kind: 'completed', asset: data['completeUpload'] as CompletedAsset | null };
  }

  return async function uploadCompletedHandler(event: unknown): Promise<UploadCompletedResult> {
    const object = parseObjectCreatedEvent(event);
    if (object.bucket !== bucket.bucketName) {
      return { outcome: 'IGNORED', key: object.key, reason: `bucket ${object.bucket} is not ${bucket.bucketName}` };
    }
    if (parseAssetKey(object.key, bucket.keyPrefix) === null) {
      return { outcome: 'IGNORED', key: object.key, reason: `not an asset key under ${bucket.keyPrefix}/` };
    }
    const head = await headObject(object.key);
    if (head === null) {
      // Deleted since the event was sent (e.g. by deleteAsset): nothing to complete or remove.
      return { outcome: 'GONE', key: object.key };
    }
    const answer = await completeUpload({ key: object.key, size: object.size, contentType: head.contentType });
    if (answer.kind === 'already') {
      // A retry after a REJECTED completion whose delete failed must still remove the bytes.
      const removeRejected = answer.status === 'REJECTED';
      if (removeRejected) await deleteObject(object.key);
      return { outcome: 'ALREADY_COMPLETED', key: object.key, status: answer.status, deleted: removeRejected };
    }
    const { asset } = answer;
    const remove = asset === null || asset.status === 'REJECTED';
    if (remove) {
      await deleteObject(object.key);
    }
    return { outcome: 'COMPLETED', key: object.key, status: asset?.status ?? null, deleted: remove };
  };
}

let handlerFromProcessEnv: ((event: unknown) => Promise<UploadCompletedResult>) | undefined;

/** The Lambda entry point: reads `process.env` once, on the first event. */
export async function handler(event: unknown): Promise<UploadCompletedResult> {
  handlerFromProcessEnv ??= createHandler(process.env);
  return handlerFromProcessEnv(event);
}
