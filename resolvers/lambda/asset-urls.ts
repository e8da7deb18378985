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
import { loadAwsContext, loadBucketConfig, loadUrlRules, type AwsContext, type Env } from './shared/config.ts';
import { isRefusedError, RefusedError } from './shared/asset-key.ts';
import { createPresigner } from './shared/presign.ts';
import { createSignedFetch, type SignedFetch } from './shared/sign-fetch.ts';
import { createMultipartClient } from './shared/multipart.ts';
import { describe, isRecord } from './shared/payload-checks.ts';
import { deleteObject, mintDownloadUrl, mintUploadUrl } from './shared/object-actions.ts';
import { abortMultipartUpload, completeMultipartUpload, createMultipartUpload, listParts, mintPartUrls, type MultipartDeps } from './shared/multipart-actions.ts';

export type { DeleteObjectResult, DownloadUrlResult, UploadTicketResult } from './shared/object-actions.ts';
export type { PartUrlResult } from './shared/multipart-actions.ts';

/** What the handler may take from outside, for hosts and tests. */
export interface HandlerDeps {
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** The clock used for signatures and expiry times. @default () => new Date() */
  readonly now?: () => Date;
}

export interface BatchItemResult {
  readonly data: unknown;
  readonly errorMessage?: string;
  readonly errorType?: string;
}

/** Everything the actions read, built once per handler. */
interface ActionDeps extends MultipartDeps {
  readonly aws: AwsContext;
  readonly s3Fetch: SignedFetch;
}

/** Runs one payload: checks its shape and dispatches on `action`. */
async function runAction(deps: ActionDeps, payload: unknown): Promise<unknown> {
  if (!isRecord(payload)) {
    throw new RefusedError(`payload must be an object, got ${describe(payload)}`);
  }
  switch (payload['action']) {
    case 'mintUploadUrl':
      return mintUploadUrl(deps, payload);
    case 'mintDownloadUrl':
      return mintDownloadUrl(deps, payload);
    case 'deleteObject':
      return deleteObject(deps, payload);
    case 'createMultipartUpload':
      return createMultipartUpload(deps, payload);
    case 'mintPartUrls':
      return mintPartUrls(deps, payload);
    case 'listParts':
      return listParts(deps, payload);
    case 'completeMultipartUpload':
      return completeMultipartUpload(deps, payload);
    case 'abortMultipartUpload':
      return abortMultipartUpload(deps, payload);
    default:
      throw new RefusedError(
        `action must be mintUploadUrl, mintDownloadUrl, deleteObject, createMultipartUpload, mintPartUrls, listParts, completeMultipartUpload or abortMultipartUpload, got ${describe(payload['action'])}`,
      );
  }
}

/** One BatchInvoke item: its data, or its error as AppSync expects it, so siblings still succeed. */
async function runBatchItem(deps: ActionDeps, payload: unknown): Promise<BatchItemResult> {
  try {
    return { data: await runAction(deps, payload) };
  } catch (e) {
    const error = e instanceof Error ? e : new Error(String(e));
    return { data: null, errorMessage: error.message, errorType: isRefusedError(error) ? error.errorType : 'Lambda:Unhandled' };
  }
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
  const actionDeps: ActionDeps = { aws, bucket, rules, now, presigner, s3Fetch, multipart };

  return async function assetUrlsHandler(event: unknown): Promise<unknown> {
    if (Array.isArray(event)) {
      return Promise.all(event.map((payload: unknown) => runBatchItem(actionDeps, payload)));
    }
    return runAction(actionDeps, event);
  };
}

let handlerFromProcessEnv: ((event: unknown) => Promise<unknown>) | undefined;

/** The Lambda entry point: reads `process.env` once, on the first event. */
export async function handler(event: unknown): Promise<unknown> {
  handlerFromProcessEnv ??= createHandler(process.env);
  return handlerFromProcessEnv(event);
}
