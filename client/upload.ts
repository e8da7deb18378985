/**
 * Uploads a `Blob` (a browser `File`, or a Node `Blob`) to the Asset API: one presigned PUT up to
 * the multipart threshold, above it an S3 multipart upload whose parts go in parallel, each retried
 * (bounded, with backoff) when it fails, resumable after a reload from `uploadedParts`, with
 * progress and cancellation. Only `fetch`, `Blob` and Web Crypto: it runs in browsers and Node
 * alike. GraphQL goes through a transport the caller provides (fetch with an API key, Amplify,
 * Apollo …), with the typed documents of `generated/operations.ts`.
 *
 * Multipart flow (schema.graphql): `createUpload` → `uploadPartUrls` (≤ 100 parts per call) → one
 * PUT per part with exactly the URL's headers → `finishUpload` with every part's ETag. S3's
 * object-created event then makes the asset READY, as after a single PUT.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html
 */
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import {
  AbortUploadDocument,
  CreateUploadDocument,
  GetAssetDocument,
  UploadedPartsDocument,
  type CreateUploadInput,
  type CreateUploadMutation,
  type UploadedPartsQuery,
} from '../generated/operations.ts';
import { sendParts } from './upload-parts.ts';
import { PartUploadError, type UploadContext, putBlob, sendableHeaders, withRetries } from './upload-transfer.ts';

export { PartUploadError };

/**
 * Sends one GraphQL operation and resolves with its `data`; rejects when the answer has `errors`
 * (the client reads `errorType` from the rejection if it wants to).
 */
export type GraphQLTransport = <TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables) => Promise<TData>;

export type UploadedAsset = CreateUploadMutation['createUpload']['asset'];

export interface UploadProgress {
  /** Bytes S3 has confirmed (whole parts; a single PUT counts when it is done). */
  readonly sentBytes: number;
  readonly totalBytes: number;
  readonly partsDone: number;
  /** 1 for a single PUT. */
  readonly partCount: number;
}

export interface UploadOptions {
  /** Parts in flight at once. @default 4 */
  readonly concurrency?: number;
  /** Attempts per part (or per single PUT) before the upload fails. @default 4 */
  readonly maxAttempts?: number;
  /** Delay before the second attempt; doubles with each further one. @default 500 */
  readonly retryDelayMs?: number;
  /** Told after every confirmed part. */
  readonly onProgress?: (progress: UploadProgress) => void;
  /** Told the asset id as soon as it exists, so a page can keep it for `resume` after a reload. */
  readonly onStarted?: (asset: UploadedAsset, multipart: boolean) => void;
  /** Pauses: stops sending and rejects with the signal's reason; the upload stays resumable. */
  readonly signal?: AbortSignal;
}

export interface UploadResult {
  /** The asset as `createUpload` (or `finishUpload`) answered it: PENDING until S3 reports the object. */
  readonly assetId: string;
  readonly multipart: boolean;
  /** Bytes sent in this call (a resumed upload sends only the missing parts). */
  readonly bytesSent: number;
}

export interface Uploader {
  /** Uploads `file` as a new asset described by `input`. */
  upload(file: Blob, input: Omit<CreateUploadInput, 'size'>, options?: UploadOptions): Promise<UploadResult>;
  /** Sends the parts of asset `assetId`'s multipart upload that S3 does not hold yet, then finishes it. */
  resume(assetId: string, file: Blob, options?: UploadOptions): Promise<UploadResult>;
  /** Aborts the multipart upload (S3 drops its parts) and removes the PENDING asset. */
  abort(assetId: string): Promise<void>;
}

export interface UploaderDeps {
  readonly graphql: GraphQLTransport;
  /** @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** @default setTimeout-based */
  readonly sleep?: (ms: number) => Promise<void>;
}

export function createUploader(deps: UploaderDeps): Uploader {
  const ctx: UploadContext = {
    graphql: deps.graphql,
    fetchImpl: deps.fetch ?? ((input, init) => fetch(input, init)),
    sleep: deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))),
  };
  return {
    upload: function uploadFile(file, input, options = {}) {
      return uploadNewAsset(ctx, file, input, options);
    },
    resume: function resumeUpload(assetId, file, options = {}) {
      return resumeMultipartUpload(ctx, assetId, file, options);
    },
    abort: async function abortUpload(assetId) {
      await ctx.graphql(AbortUploadDocument, { assetId });
    },
  };
}

async function uploadNewAsset(ctx: UploadContext, file: Blob, input: Omit<CreateUploadInput, 'size'>, options: UploadOptions): Promise<UploadResult> {
  const created = await ctx.graphql(CreateUploadDocument, { input: { ...input, size: file.size } });
  const { asset, upload, multipart } = created.createUpload;
  options.onStarted?.(asset, multipart !== null);
  if (upload !== null) {
    await withRetries(ctx.sleep, options, async () => {
      try {
        await putBlob(ctx.fetchImpl, upload.url, upload.method, sendableHeaders(upload.headers), file, 1, options.signal);
      } catch (error) {
        // The ticket writes once (`If-None-Match: *`): 412 after a lost answer means the first PUT arrived.
        if (error instanceof PartUploadError && error.status === 412) return;
        throw error;
      }
    });
    options.onProgress?.({ sentBytes: file.size, totalBytes: file.size, partsDone: 1, partCount: 1 });
    return { assetId: asset.id, multipart: false, bytesSent: file.size };
  }
  if (multipart === null) throw new Error('createUpload answered neither an upload ticket nor a multipart upload');
  const needsChecksums = input.checksumSha256 !== undefined && input.checksumSha256 !== null;
  return sendParts(ctx, { assetId: asset.id, file, partSize: multipart.partSize, partCount: multipart.partCount, needsChecksums }, new Map(), options);
}

async function resumeMultipartUpload(ctx: UploadContext, assetId: string, file: Blob, options: UploadOptions): Promise<UploadResult> {
  const { uploadedParts } = await ctx.graphql(UploadedPartsDocument, { assetId });
  const { partSize, partCount } = uploadedParts.multipart;
  if (Math.ceil(file.size / partSize) !== partCount) throw new Error(`resume: the file has ${file.size} bytes, which is not the upload's ${partCount} parts of ${partSize}`);
  const held = heldParts(uploadedParts.parts, file.size, partSize, partCount);
  // An asset created with a SHA-256 has its parts checked by S3: their URLs need each part's SHA-256.
  const { getAsset } = await ctx.graphql(GetAssetDocument, { id: assetId });
  const needsChecksums = getAsset !== null && getAsset.checksumSha256 !== null;
  return sendParts(ctx, { assetId, file, partSize, partCount, needsChecksums }, held, options);
}

/** Only parts of the expected length count as held (part number → ETag); anything else is sent again. */
function heldParts(parts: UploadedPartsQuery['uploadedParts']['parts'], fileSize: number, partSize: number, partCount: number): Map<number, string> {
  return new Map(parts.filter((p) => p.partNumber <= partCount && p.size === Math.min(partSize, fileSize - (p.partNumber - 1) * partSize)).map((p) => [p.partNumber, p.etag]));
}
