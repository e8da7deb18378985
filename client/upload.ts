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
  FinishUploadDocument,
  GetAssetDocument,
  UploadPartUrlsDocument,
  UploadedPartsDocument,
  type CreateUploadInput,
  type CreateUploadMutation,
  type UploadPartUrlsQuery,
} from '../generated/operations.ts';

/**
 * Sends one GraphQL operation and resolves with its `data`; rejects when the answer has `errors`
 * (the client reads `errorType` from the rejection if it wants to).
 */
export type GraphQLTransport = <TData, TVariables extends Record<string, unknown>>(document: TypedDocumentNode<TData, TVariables>, variables: TVariables) => Promise<TData>;

export type UploadedAsset = CreateUploadMutation['createUpload']['asset'];
type PartUrl = UploadPartUrlsQuery['uploadPartUrls'][number];

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

/** A PUT S3 refused or that could not be sent; `status` 0 when no answer arrived. */
export class PartUploadError extends Error {
  override readonly name = 'PartUploadError';
  constructor(
    readonly partNumber: number,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Headers a browser sets itself (`content-length` from the body); setting them by hand fails. */
const FORBIDDEN_HEADERS = new Set(['content-length', 'host', 'connection']);
const MAX_URLS_PER_CALL = 100;

function sendableHeaders(headers: readonly { readonly name: string; readonly value: string }[]): Record<string, string> {
  return Object.fromEntries(headers.filter((h) => !FORBIDDEN_HEADERS.has(h.name.toLowerCase())).map((h) => [h.name, h.value]));
}

async function sha256Base64(blob: Blob): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', await blob.arrayBuffer()));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function s3ErrorText(status: number, body: string): string {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1];
  return code === undefined ? `S3 answered ${status}` : `S3 ${status} ${code}${message === undefined ? '' : `: ${message}`}`;
}

/**
 * An AbortController that also aborts (with the same reason) when `parent` does; `unlink` stops
 * listening to the parent. (`AbortSignal.any` would do, but Safari has it only since 17.4.)
 */
function linkedAbortController(parent: AbortSignal | undefined): AbortController & { unlink(): void } {
  const controller = new AbortController();
  const forward = (): void => controller.abort(parent?.reason);
  if (parent?.aborted === true) forward();
  else parent?.addEventListener('abort', forward, { once: true });
  return Object.assign(controller, { unlink: () => parent?.removeEventListener('abort', forward) });
}

export function createUploader(deps: UploaderDeps): Uploader {
  const { graphql } = deps;
  const fetchImpl = deps.fetch ?? ((input, init) => fetch(input, init));
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  /** Runs `attempt` up to `maxAttempts` times, waiting `retryDelayMs`, ×2, … between; a pause stops at once. */
  async function withRetries<T>(options: UploadOptions, attempt: (n: number) => Promise<T>): Promise<T> {
    const maxAttempts = options.maxAttempts ?? 4;
    const delay = options.retryDelayMs ?? 500;
    for (let n = 1; ; n += 1) {
      options.signal?.throwIfAborted();
      try {
        return await attempt(n);
      } catch (error) {
        if (options.signal?.aborted === true || n >= maxAttempts) throw error;
        await sleep(delay * 2 ** (n - 1));
      }
    }
  }

  async function put(url: string, method: string, headers: Record<string, string>, body: Blob, partNumber: number, signal: AbortSignal | undefined): Promise<Response> {
    let response: Response;
    try {
      response = await fetchImpl(url, { method, headers, body, ...(signal === undefined ? {} : { signal }) });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      throw new PartUploadError(partNumber, 0, `part ${partNumber}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) throw new PartUploadError(partNumber, response.status, `part ${partNumber}: ${s3ErrorText(response.status, await response.text())}`);
    return response;
  }

  async function sendParts(assetId: string, file: Blob, partSize: number, partCount: number, held: ReadonlyMap<number, string>, needsChecksums: boolean, callerOptions: UploadOptions): Promise<UploadResult> {
    // One part that fails for good stops the others too: without this they went on sending (and
    // reporting progress) after the upload had already rejected, racing a resume the caller started.
    const stop = linkedAbortController(callerOptions.signal);
    const options: UploadOptions = { ...callerOptions, signal: stop.signal };
    const etags = new Map(held);
    const checksums = new Map<number, string>();
    const queue: number[] = [];
    for (let n = 1; n <= partCount; n += 1) if (!etags.has(n)) queue.push(n);
    const partBlob = (n: number): Blob => file.slice((n - 1) * partSize, Math.min(file.size, n * partSize));
    let sentBytes = [...etags.keys()].reduce((sum, n) => sum + partBlob(n).size, 0);
    let bytesSent = 0;
    const report = (): void => options.onProgress?.({ sentBytes, totalBytes: file.size, partsDone: etags.size, partCount });
    report();

    const urls = new Map<number, Promise<PartUrl>>();
    /** URLs come in batches: the part asked for and the next ones waiting, up to 100 per call. */
    function urlFor(n: number, fresh: boolean): Promise<PartUrl> {
      const cached = urls.get(n);
      if (cached !== undefined && !fresh) return cached;
      const batch = [n, ...queue.filter((m) => !urls.has(m)).slice(0, Math.min(MAX_URLS_PER_CALL, (options.concurrency ?? 4) * 2) - 1)];
      const answer = (async () => {
        const sums = needsChecksums
          ? await Promise.all(
              batch.map(async (m) => {
                const known = checksums.get(m) ?? (await sha256Base64(partBlob(m)));
                checksums.set(m, known);
                return known;
              }),
            )
          : null;
        const data = await graphql(UploadPartUrlsDocument, { assetId, partNumbers: batch, ...(sums === null ? {} : { checksumsSha256: sums }) });
        return new Map(data.uploadPartUrls.map((u) => [u.partNumber, u]));
      })();
      for (const m of batch) {
        const one = answer.then((all) => {
          const url = all.get(m);
          if (url === undefined) throw new Error(`uploadPartUrls answered no URL for part ${m}`);
          return url;
        });
        one.catch(() => urls.delete(m));
        urls.set(m, one);
      }
      return urls.get(n) ?? Promise.reject(new Error(`no URL for part ${n}`));
    }

    async function sendPart(n: number): Promise<void> {
      const blob = partBlob(n);
      const response = await withRetries(options, async (attempt) => {
        // A retry asks for a new URL: the old one may have expired.
        const url = await urlFor(n, attempt > 1);
        return put(url.url, url.method, sendableHeaders(url.headers), blob, n, options.signal);
      });
      const etag = response.headers.get('etag');
      if (etag === null) throw new PartUploadError(n, response.status, `part ${n}: S3 answered no ETag (is it exposed by the bucket's CORS rule?)`);
      etags.set(n, etag);
      sentBytes += blob.size;
      bytesSent += blob.size;
      report();
    }

    const workers = Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 4, queue.length)) }, async () => {
      try {
        for (let n = queue.shift(); n !== undefined; n = queue.shift()) await sendPart(n);
      } catch (error) {
        stop.abort(error);
        throw error;
      }
    });
    try {
      await Promise.all(workers);
    } finally {
      stop.unlink();
    }
    // Paused after the last part was sent: stop before finishUpload, as the caller asked.
    callerOptions.signal?.throwIfAborted();
    const parts = [...etags.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, etag]) => ({ partNumber, etag, ...(needsChecksums && checksums.has(partNumber) ? { checksumSha256: checksums.get(partNumber) ?? null } : {}) }));
    await graphql(FinishUploadDocument, { assetId, parts });
    return { assetId, multipart: true, bytesSent };
  }

  return {
    upload: async function uploadFile(file, input, options = {}) {
      const created = await graphql(CreateUploadDocument, { input: { ...input, size: file.size } });
      const { asset, upload, multipart } = created.createUpload;
      options.onStarted?.(asset, multipart !== null);
      if (upload !== null) {
        await withRetries(options, async () => {
          try {
            await put(upload.url, upload.method, sendableHeaders(upload.headers), file, 1, options.signal);
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
      return sendParts(asset.id, file, multipart.partSize, multipart.partCount, new Map(), input.checksumSha256 !== undefined && input.checksumSha256 !== null, options);
    },
    resume: async function resumeUpload(assetId, file, options = {}) {
      const { uploadedParts } = await graphql(UploadedPartsDocument, { assetId });
      const { partSize, partCount } = uploadedParts.multipart;
      if (Math.ceil(file.size / partSize) !== partCount) throw new Error(`resume: the file has ${file.size} bytes, which is not the upload's ${partCount} parts of ${partSize}`);
      // Only parts of the expected length count as held; anything else is sent again.
      const held = new Map(
        uploadedParts.parts.filter((p) => p.partNumber <= partCount && p.size === Math.min(partSize, file.size - (p.partNumber - 1) * partSize)).map((p) => [p.partNumber, p.etag]),
      );
      // An asset created with a SHA-256 has its parts checked by S3: their URLs need each part's SHA-256.
      const { getAsset } = await graphql(GetAssetDocument, { id: assetId });
      const needsChecksums = getAsset !== null && getAsset.checksumSha256 !== null;
      return sendParts(assetId, file, partSize, partCount, held, needsChecksums, options);
    },
    abort: async function abortUpload(assetId) {
      await graphql(AbortUploadDocument, { assetId });
    },
  };
}
