/**
 * The parts of a multipart upload for `upload.ts`: URLs from `uploadPartUrls` in batches (≤ 100 part
 * numbers per call), parts sent in parallel with retries, progress after each confirmed part, then
 * `finishUpload` with every part's ETag (schema.graphql;
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/mpuoverview.html). Browser and Node alike.
 */
import { FinishUploadDocument, UploadPartUrlsDocument, type UploadPartUrlsQuery } from '../generated/operations.ts';
import type { UploadOptions, UploadResult } from './upload.ts';
import { PartUploadError, type UploadContext, linkedAbortController, putBlob, sendableHeaders, sha256Base64, withRetries } from './upload-transfer.ts';

type PartUrl = UploadPartUrlsQuery['uploadPartUrls'][number];
type PartUrlSource = (n: number, fresh: boolean) => Promise<PartUrl>;

const MAX_URLS_PER_CALL = 100;

/** The multipart upload to send: `partCount` parts of `partSize` bytes of `file` (the last one shorter). */
export interface PartPlan {
  readonly assetId: string;
  readonly file: Blob;
  readonly partSize: number;
  readonly partCount: number;
  /** The asset has a SHA-256: S3 checks each part against the one in its URL. */
  readonly needsChecksums: boolean;
}

/** What the sending has reached; shared by the workers. */
interface PartsState {
  readonly etags: Map<number, string>;
  readonly checksums: Map<number, string>;
  /** Part numbers still to send, taken from the front by the workers. */
  readonly queue: number[];
  sentBytes: number;
  bytesSent: number;
}

/** Sends the parts not in `held` (part number → ETag), then finishes the upload. */
export async function sendParts(ctx: UploadContext, plan: PartPlan, held: ReadonlyMap<number, string>, callerOptions: UploadOptions): Promise<UploadResult> {
  // One part that fails for good stops the others too: without this they went on sending (and
  // reporting progress) after the upload had already rejected, racing a resume the caller started.
  const stop = linkedAbortController(callerOptions.signal);
  const options: UploadOptions = { ...callerOptions, signal: stop.signal };
  const etags = new Map(held);
  const queue: number[] = [];
  for (let n = 1; n <= plan.partCount; n += 1) if (!etags.has(n)) queue.push(n);
  const sentBytes = [...etags.keys()].reduce((sum, n) => sum + partBlob(plan, n).size, 0);
  const state: PartsState = { etags, checksums: new Map(), queue, sentBytes, bytesSent: 0 };
  const report = (): void => options.onProgress?.({ sentBytes: state.sentBytes, totalBytes: plan.file.size, partsDone: state.etags.size, partCount: plan.partCount });
  report();
  const urlFor = createPartUrlSource(ctx, plan, state, options.concurrency ?? 4);
  const workerCount = Math.max(1, Math.min(options.concurrency ?? 4, queue.length));
  try {
    await runPartWorkers(queue, workerCount, stop, (n) => sendPart(ctx, plan, state, options, urlFor, n, report));
  } finally {
    stop.unlink();
  }
  // Paused after the last part was sent: stop before finishUpload, as the caller asked.
  callerOptions.signal?.throwIfAborted();
  await finishParts(ctx, plan, state);
  return { assetId: plan.assetId, multipart: true, bytesSent: state.bytesSent };
}

function partBlob(plan: PartPlan, n: number): Blob {
  return plan.file.slice((n - 1) * plan.partSize, Math.min(plan.file.size, n * plan.partSize));
}

/** `workerCount` workers take part numbers from `queue`; the first that fails for good aborts `stop`. */
async function runPartWorkers(queue: number[], workerCount: number, stop: AbortController, sendOne: (n: number) => Promise<void>): Promise<void> {
  const workers = Array.from({ length: workerCount }, async () => {
    try {
      for (let n = queue.shift(); n !== undefined; n = queue.shift()) await sendOne(n);
    } catch (error) {
      stop.abort(error);
      throw error;
    }
  });
  await Promise.all(workers);
}

async function sendPart(ctx: UploadContext, plan: PartPlan, state: PartsState, options: UploadOptions, urlFor: PartUrlSource, n: number, report: () => void): Promise<void> {
  const blob = partBlob(plan, n);
  const response = await withRetries(ctx.sleep, options, async (attempt) => {
    // A retry asks for a new URL: the old one may have expired.
    const url = await urlFor(n, attempt > 1);
    return putBlob(ctx.fetchImpl, url.url, url.method, sendableHeaders(url.headers), blob, n, options.signal);
  });
  const etag = response.headers.get('etag');
  if (etag === null) throw new PartUploadError(n, response.status, `part ${n}: S3 answered no ETag (is it exposed by the bucket's CORS rule?)`);
  state.etags.set(n, etag);
  state.sentBytes += blob.size;
  state.bytesSent += blob.size;
  report();
}

/** URLs come in batches: the part asked for and the next ones waiting, up to 100 per call. */
function createPartUrlSource(ctx: UploadContext, plan: PartPlan, state: PartsState, concurrency: number): PartUrlSource {
  const urls = new Map<number, Promise<PartUrl>>();
  return function urlFor(n, fresh) {
    const cached = urls.get(n);
    if (cached !== undefined && !fresh) return cached;
    const batch = [n, ...state.queue.filter((m) => !urls.has(m)).slice(0, Math.min(MAX_URLS_PER_CALL, concurrency * 2) - 1)];
    const answer = requestPartUrls(ctx, plan, state.checksums, batch);
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
  };
}

/** One `uploadPartUrls` call for `batch`, with each part's SHA-256 (computed once) when the asset has one. */
async function requestPartUrls(ctx: UploadContext, plan: PartPlan, checksums: Map<number, string>, batch: number[]): Promise<Map<number, PartUrl>> {
  const sums = plan.needsChecksums
    ? await Promise.all(
        batch.map(async (m) => {
          const known = checksums.get(m) ?? (await sha256Base64(partBlob(plan, m)));
          checksums.set(m, known);
          return known;
        }),
      )
    : null;
  const data = await ctx.graphql(UploadPartUrlsDocument, { assetId: plan.assetId, partNumbers: batch, ...(sums === null ? {} : { checksumsSha256: sums }) });
  return new Map(data.uploadPartUrls.map((u) => [u.partNumber, u]));
}

async function finishParts(ctx: UploadContext, plan: PartPlan, state: PartsState): Promise<void> {
  const parts = [...state.etags.entries()]
    .sort(([a], [b]) => a - b)
    .map(([partNumber, etag]) => ({ partNumber, etag, ...(plan.needsChecksums && state.checksums.has(partNumber) ? { checksumSha256: state.checksums.get(partNumber) ?? null } : {}) }));
  await ctx.graphql(FinishUploadDocument, { assetId: plan.assetId, parts });
}
